/* System-call stubs: cdecl arguments to EBX, ECX, EDX, the number to EAX,
 * INT 0x80 (../syscall.h). */
#include "syscall.h"

.macro SYSCALL name, num
    .globl \name
\name:
    push %ebx
    mov 8(%esp), %ebx
    mov 12(%esp), %ecx
    mov 16(%esp), %edx
    mov $\num, %eax
    int $T_SYSCALL
    pop %ebx
    ret
.endm

    .text
    SYSCALL write, SYS_write
    SYSCALL getpid, SYS_getpid
    SYSCALL yield, SYS_yield
    SYSCALL sleep, SYS_sleep
    SYSCALL exit, SYS_exit
    SYSCALL rtc_time, SYS_rtc_time
    SYSCALL uptime, SYS_uptime

/* An undefined system call number: must come back -1. */
    .globl bad_syscall
bad_syscall:
    mov $99, %eax
    int $T_SYSCALL
    ret
