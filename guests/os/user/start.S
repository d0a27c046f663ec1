/* The user program's entry, at USER_BASE: the kernel's IRET lands here at
 * CPL3 with ESP at the top of the task's stack page. */
    .section .text.start, "ax"
    .globl _start
_start:
    /* The system-call stubs read three argument slots whatever the call
     * takes: keep them inside the stack page. */
    sub $16, %esp
    call main
    push %eax
    call exit
1:  jmp 1b
