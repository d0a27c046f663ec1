/* The user program's view of the kernel: system calls (usys.S) and a line
 * formatter (ulib.c). */
#ifndef OS_USER_H
#define OS_USER_H

#include <stdint.h>
#include "syscall.h"

int write(const void *buf, uint32_t len);
int getpid(void);
int yield(void);
int sleep(uint32_t ticks);
void exit(int status) __attribute__((noreturn));
int rtc_time(struct rtc_time *t);
uint32_t uptime(void);
int bad_syscall(void);

/* printf-like (%d %x %s), one write() per call. */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
