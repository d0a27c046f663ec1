/* System calls through INT 0x80 (trap.c gives the gate DPL 3): the number
 * in EAX, arguments in EBX, ECX, EDX, the result back in the trap frame's
 * EAX. Buffers are checked against the task's own mapped range first, so
 * a task cannot make the kernel read or write kernel memory for it. */
#include "defs.h"
#include "proc.h"
#include "syscall.h"

static int32_t sys_write(uint32_t buf, uint32_t len)
{
    if (!user_range_ok(buf, len))
        return -1;
    proc_log(cur, (const char *)buf, len);
    return (int32_t)len;
}

static int32_t sys_rtc_time(uint32_t ut)
{
    struct rtc_time t;
    if (!user_range_ok(ut, sizeof(t)))
        return -1;
    if (rtc_read(&t) < 0)
        return -1;
    memcpy((void *)ut, &t, sizeof(t));
    return 0;
}

void syscall(struct trapframe *tf)
{
    int32_t r;

    cur->syscalls++;
    switch (tf->eax) {
    case SYS_write:    r = sys_write(tf->ebx, tf->ecx); break;
    case SYS_getpid:   r = cur->pid; break;
    case SYS_yield:    yield(); r = 0; break;
    case SYS_sleep:    sleep_ticks(tf->ebx); r = 0; break;
    case SYS_exit:     proc_exit((int)tf->ebx);
    case SYS_rtc_time: r = sys_rtc_time(tf->ebx); break;
    case SYS_uptime:   r = (int32_t)ticks; break;
    default:           r = -1; break;
    }
    tf->eax = (uint32_t)r;
}
