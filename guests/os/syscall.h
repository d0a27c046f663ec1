/* System-call numbers, shared by the kernel and user/. A task puts the
 * number in EAX and arguments in EBX, ECX, EDX, executes INT 0x80 and gets
 * the result in EAX (-1: refused). */
#ifndef OS_SYSCALL_H
#define OS_SYSCALL_H

#define T_SYSCALL 0x80

#define SYS_write    1      /* write(buf, len): append to the task's console log */
#define SYS_getpid   2
#define SYS_yield    3
#define SYS_sleep    4      /* sleep(ticks) */
#define SYS_exit     5      /* exit(status), never returns */
#define SYS_rtc_time 6      /* rtc_time(struct rtc_time *) */
#define SYS_uptime   7      /* timer ticks since boot */

#ifndef __ASSEMBLER__
/* What rtc_time fills in: binary values, 24-hour clock. */
struct rtc_time {
    unsigned sec, min, hour, day, month, year;
};
#endif

#endif
