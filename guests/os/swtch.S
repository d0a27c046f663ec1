/* void swtch(struct context **old, struct context *new): saves the
 * callee-saved registers on the current stack, stores that stack pointer
 * in *old, and resumes the stack `new` (xv6's swtch). The caller-saved
 * registers are the C caller's business; EIP is the return address. */
    .globl swtch
swtch:
    movl 4(%esp), %eax
    movl 8(%esp), %edx
    pushl %ebp
    pushl %ebx
    pushl %esi
    pushl %edi
    movl %esp, (%eax)
    movl %edx, %esp
    popl %edi
    popl %esi
    popl %ebx
    popl %ebp
    ret
