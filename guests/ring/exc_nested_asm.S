/* Faulting instructions and the double-fault task of exc_nested.c. */
    .text
    .macro CASE name
    .globl \name, \name\()_at
\name:
    mov 4(%esp), %eax
\name\()_at:
    .endm

/* uint32_t load_ds(sel): MOV DS, sel; the usual DS again if it loaded. */
    CASE load_ds
    mov %eax, %ds
    mov %ss, %eax
    mov %eax, %ds
    ret

/* uint32_t div0(x): x / 0. */
    CASE div0
    xor %edx, %edx
    xor %ecx, %ecx
    div %ecx
    ret

    CASE do_ud2
    ud2
    ret

    CASE do_int3
    int3
    ret

/* uint32_t tf_step(x): single-steps one NOP (#DB after it). */
    CASE tf_step
    pushf
    orl $0x100, (%esp)
    popf
    nop
    pushf
    andl $~0x100, (%esp)
    popf
    ret

/* The double-fault task (entered through the task gate of vector 8): the
 * CPU pushed the error code on this task's stack. It records what it sees,
 * makes gate 13 present again, and returns to the interrupted task with
 * IRET (NT = 1: a task return), which re-executes the instruction that
 * faulted. A second entry starts at the JMP after the IRET. */
    .globl df_task_entry, df_ran, df_error, df_eflags, df_tr, df_gdt_hi
df_task_entry:
    pop %eax
    mov %eax, df_error
    pushf
    popl df_eflags
    str %ax
    movzwl %ax, %eax
    mov %eax, df_tr
    mov pm_gdt + 5 * 8 + 4, %eax
    mov %eax, df_gdt_hi
    mov pm_gdt + 8 * 8 + 4, %eax    /* SEL_DFTSS */
    mov %eax, df_gdt_hi + 4
    incl df_ran
    orl $0x8000, pm_idt + 13 * 8 + 4    /* gate 13: P (bit 47) */
    iret
    jmp df_task_entry

    .data
df_ran:    .long 0
df_error:  .long 0xdead
df_eflags: .long 0
df_tr:     .long 0
df_gdt_hi: .long 0, 0           /* high dwords of the kit TSS's and the #DF TSS's descriptors */

    .bss
    .balign 16
    .globl df_stack_top
    .skip 4096
df_stack_top:
