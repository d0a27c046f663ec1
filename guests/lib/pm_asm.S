/* The assembly half of the protected-mode kit (pm.h, pm.c): the 256 IDT
 * entry stubs and their common path, pm_try and the jump back into it,
 * the segment reload of pm_init, and the CPL0 -> CPL3 -> CPL0 round trip
 * of pm_run_user_flags.
 *
 * Every stub pushes a 0 where the CPU pushes no error code (all vectors
 * but 8, 10-14 and 17; SDM vol. 3A, table 6-1), then its vector, so the
 * common path always sees the same frame (struct pm_frame in pm.c):
 *   gs fs es ds | edi esi ebp esp ebx edx ecx eax | vector error | eip cs eflags [esp ss]
 * The stubs are 16 bytes apart: stub v is at pm_stubs + 16 * v. */
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UCODE 0x1b
#define SEL_UDATA 0x23
#define PM_USER_RET 0x81

    .text
    .globl pm_stubs
    .balign 16
pm_stubs:
    .set vec, 0
    .rept 256
    .balign 16
    .if (vec == 8) || (vec == 10) || (vec == 11) || (vec == 12) || (vec == 13) || (vec == 14) || (vec == 17)
    /* The CPU pushed an error code. */
    .else
    pushl $0
    .endif
    pushl $vec
    jmp pm_common
    .set vec, vec + 1
    .endr

/* Saves the interrupted registers, runs pm_dispatch(frame) with the
 * kernel's data segments and DF clear (the C ABI), and IRETs to the frame,
 * which a handler may have changed. pm_dispatch does not return when it
 * resumes a pm_try or a pm_run_user caller instead. */
pm_common:
    pusha
    push %ds
    push %es
    push %fs
    push %gs
    mov $SEL_KDATA, %eax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %fs
    mov %ax, %gs
    cld
    push %esp
    call pm_dispatch
    add $4, %esp
    pop %gs
    pop %fs
    pop %es
    pop %ds
    popa
    add $8, %esp            /* vector and error code */
    iret

/* void pm_load_segments(void): CS through a far jump, then the data and
 * stack segments; the new descriptors have the same flat base, so the
 * C caller's stack stays where it was. */
    .globl pm_load_segments
pm_load_segments:
    ljmp $SEL_KCODE, $1f
1:  mov $SEL_KDATA, %eax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %fs
    mov %ax, %gs
    mov %ax, %ss
    ret

/* int pm_try(struct pm_fault *f): records the caller's callee-saved
 * registers, its ESP after the return and the return address in f->ctx
 * (offset 32), registers the try with pm_try_push(f, eflags), returns 1.
 * pm_resume comes back here later with EAX = 0. */
    .globl pm_try
pm_try:
    mov 4(%esp), %eax
    mov %ebx, 32(%eax)
    mov %esi, 36(%eax)
    mov %edi, 40(%eax)
    mov %ebp, 44(%eax)
    lea 4(%esp), %ecx
    mov %ecx, 48(%eax)
    mov (%esp), %ecx
    mov %ecx, 52(%eax)
    pushf
    push %eax
    call pm_try_push
    add $8, %esp
    mov $1, %eax
    ret

/* void pm_resume(const uint32_t ctx[6], uint32_t eax, uint32_t eflags):
 * back into a pm_try or pm_run_user_flags caller: kernel segments, its
 * registers and stack, the EFLAGS it had, EAX as its return value. */
    .globl pm_resume
pm_resume:
    mov 4(%esp), %edx
    mov 8(%esp), %eax
    mov 12(%esp), %ecx
    mov $SEL_KDATA, %ebx
    mov %bx, %ds
    mov %bx, %es
    mov %bx, %fs
    mov %bx, %gs
    mov %bx, %ss
    mov 16(%edx), %esp      /* right after MOV SS: no interrupt in between */
    mov 0(%edx), %ebx
    mov 4(%edx), %esi
    mov 8(%edx), %edi
    mov 12(%edx), %ebp
    push %ecx               /* below the resumed ESP: dead space */
    popf
    jmp *20(%edx)

/* uint32_t pm_run_user_flags(fn, arg, user_eflags): saves the CPL0 context
 * in pm_user_ctx, builds fn's call frame on the user stack (arg, and the
 * return address pm_user_ret), and IRETs to fn at CPL3 with SS:ESP and
 * DS/ES/FS/GS = SEL_UDATA. The INT 0x81 of pm_user_ret brings EAX back
 * through pm_dispatch and pm_resume. */
    .globl pm_run_user_flags
pm_run_user_flags:
    mov %ebx, pm_user_ctx
    mov %esi, pm_user_ctx + 4
    mov %edi, pm_user_ctx + 8
    mov %ebp, pm_user_ctx + 12
    lea 4(%esp), %eax
    mov %eax, pm_user_ctx + 16
    mov (%esp), %eax
    mov %eax, pm_user_ctx + 20
    pushf
    popl pm_user_eflags
    movl $1, pm_user_active
    mov 4(%esp), %edx       /* fn */
    mov 8(%esp), %ecx       /* arg */
    mov 12(%esp), %eax      /* user EFLAGS */
    or $2, %eax
    mov $pm_ustack_top - 8, %ebx
    mov %ecx, 4(%ebx)
    movl $pm_user_ret, (%ebx)
    pushl $SEL_UDATA
    push %ebx
    push %eax
    pushl $SEL_UCODE
    push %edx
    mov $SEL_UDATA, %eax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %fs
    mov %ax, %gs
    iret

/* Where a user function returns to, at CPL3: its EAX goes to the kernel. */
    .globl pm_user_ret
pm_user_ret:
    int $PM_USER_RET
    ud2                     /* not reached: INT 0x81 never returns here */

    .bss
    .balign 16
    .globl pm_kstack_top, pm_ustack_top
pm_kstack:
    .skip 16384
pm_kstack_top:
pm_ustack:
    .skip 16384
pm_ustack_top:
