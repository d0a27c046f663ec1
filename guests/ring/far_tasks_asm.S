/* The task switches far_tasks.c checks, and the tasks they reach. Tasks
 * record what they see in ft_rec (indices in far_tasks.h) before they
 * switch back; main-task routines record the registers they get back.
 * Task switches reload every register from the TSS, so the main-task
 * routines keep EBX ESI EDI EBP only because the switch back restores the
 * values the switch away saved: that is what they check. */
#include "far_tasks.h"

#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_TSS   0x28

#define REC(i) ft_rec + 4 * (i)
#define FL_NT 0x4000

/* Segment register -> record slot, zero-extended, flags untouched. */
.macro SAVE_SEG seg, slot
    mov \seg, %ax
    movzwl %ax, %eax
    mov %eax, REC(\slot)
.endm

/* EAX ECX EDX EBX EBP ESI EDI -> 7 record slots from `first`. */
.macro SAVE_GPRS first
    mov %eax, REC(\first + 0)
    mov %ecx, REC(\first + 1)
    mov %edx, REC(\first + 2)
    mov %ebx, REC(\first + 3)
    mov %ebp, REC(\first + 4)
    mov %esi, REC(\first + 5)
    mov %edi, REC(\first + 6)
.endm

/* The high dword of GDT entry `index` (type in bits 11:8). */
.macro SAVE_DESC index, slot
    mov pm_gdt + 8 * \index + 4, %eax
    mov %eax, REC(\slot)
.endm

    .data
    .globl ft_rec, ft_ldt_probe
    .balign 4
ft_rec:
    .skip 4 * FT_REC_SIZE
ft_ldt_probe:
    .long FT_LDT_MAGIC
ft_df_esp:
    .long 0

    .text
/* ---- Task B: entered by JMP from the main task, leaves by JMP ---- */
    .globl ft_task_b
ft_task_b:
    SAVE_GPRS TB_REGS
    mov %esp, REC(TB_ESP)
    pushf
    popl REC(TB_EFLAGS)
    SAVE_SEG %cs, TB_CS
    SAVE_SEG %ss, TB_SS
    SAVE_SEG %ds, TB_DS
    SAVE_SEG %es, TB_ES
    SAVE_SEG %fs, TB_FS
    SAVE_SEG %gs, TB_GS
    sldt %ax
    movzwl %ax, %eax
    mov %eax, REC(TB_LDTR)
    str %ax
    movzwl %ax, %eax
    mov %eax, REC(TB_TR)
    mov %fs:0, %eax             /* FS is an LDT selector based at ft_ldt_probe */
    mov %eax, REC(TB_FS_READ)
    mov %cr0, %eax
    mov %eax, REC(TB_CR0)
    SAVE_DESC FT_TSS_INDEX, TB_OLD_HI
    SAVE_DESC (FT_TSS_B >> 3), TB_NEW_HI
    mov $-1, %eax               /* flags the switch saves: CF ZF PF AF */
    add $1, %eax
    /* QEMU 7.2 deviates here: its far JMP to a TSS neither computes the
     * lazy flags of the current translation block before saving EFLAGS in
     * the old TSS, nor drops them afterwards, so the old task's arithmetic
     * flags (of the ADD above) replace the new task's. Ending QEMU's block
     * first (the JMP) hides that; the SDM's rule is still what is checked. */
    jmp 1f
1:  ljmp $SEL_TSS, $0
    .globl ft_task_b_resume
ft_task_b_resume:
    jmp ft_task_b               /* a later JMP to B resumes here */

/* ---- Task C: a nested task, entered by CALL, a GDT task gate or an IDT
 * task gate; IRET (NT = 1) returns to the task in its back link ---- */
    .globl ft_task_c
ft_task_c:
    pushf
    popl REC(TC_EFLAGS)
    incl REC(TC_COUNT)
    movzwl ft_tss_c, %eax       /* the link field, offset 0 */
    mov %eax, REC(TC_LINK)
    mov %cr0, %eax
    mov %eax, REC(TC_CR0)
    str %ax
    movzwl %ax, %eax
    mov %eax, REC(TC_TR)
    SAVE_DESC FT_TSS_INDEX, TC_OLD_HI
    SAVE_DESC (FT_TSS_C >> 3), TC_NEW_HI
    iret
    .globl ft_task_c_resume
ft_task_c_resume:
    jmp ft_task_c               /* the next entry resumes after the IRET */

/* ---- The #DF task: the error code (0) is on its stack; it points the
 * interrupted task at ft_df_recover (its saved CS:EIP is undefined after
 * a double fault, SDM vol. 3A 6.15 interrupt 8) and returns by IRET ---- */
    .globl ft_task_df
ft_task_df:
    mov %esp, REC(TD_ESP)
    mov (%esp), %eax
    mov %eax, REC(TD_ERROR)
    pushf
    popl REC(TD_EFLAGS)
    movzwl ft_tss_df, %eax
    mov %eax, REC(TD_LINK)
    mov %cr0, %eax
    mov %eax, REC(TD_CR0)
    call ft_df_fixup
    iret
    jmp ft_task_df

/* ---- The main task ---- */

/* JMP to task B with known registers and flags; task B JMPs back and the
 * main task resumes at ft_jmp_b_ret with what its TSS saved. */
    .globl ft_jmp_b, ft_jmp_b_ret
ft_jmp_b:
    push %ebx
    push %esi
    push %edi
    push %ebp
    pushf
    mov $FT_MAIN_REG(0), %eax
    mov $FT_MAIN_REG(1), %ecx
    mov $FT_MAIN_REG(2), %edx
    mov $FT_MAIN_REG(3), %ebx
    mov $FT_MAIN_REG(4), %ebp
    mov $FT_MAIN_REG(5), %esi
    mov $FT_MAIN_REG(6), %edi
    mov %esp, REC(TM_ESP)
    pushl $FT_MAIN_EFLAGS
    popf
    ljmp $FT_TSS_B, $0
ft_jmp_b_ret:
    pushf
    popl REC(TM_EFLAGS)
    SAVE_GPRS TM_REGS
    mov %cr0, %eax
    mov %eax, REC(TM_CR0)
    sldt %ax
    movzwl %ax, %eax
    mov %eax, REC(TM_LDTR)
    popf
    pop %ebp
    pop %edi
    pop %esi
    pop %ebx
    ret

/* After the nested task's IRET: the main task's EFLAGS and CR0. */
.macro AFTER_NESTED
    pushf
    popl REC(TM_EFLAGS)
    mov %cr0, %eax
    mov %eax, REC(TM_CR0)
.endm

    .globl ft_call_c
ft_call_c:
    clts
    lcall $FT_TSS_C, $0
    AFTER_NESTED
    ret

    .globl ft_call_gate_c
ft_call_gate_c:
    clts
    lcall $FT_GATE_C, $0
    AFTER_NESTED
    ret

    .globl ft_int_c
ft_int_c:
    clts
    int $FT_INT_VEC
    AFTER_NESTED
    ret

/* Faults: pm_try (far_tasks.c) catches them. */
    .globl ft_call_busy, ft_call_busy_insn
ft_call_busy:
ft_call_busy_insn:
    lcall $SEL_TSS, $0          /* the running task: busy */
    ret

    .globl ft_jmp_busy, ft_jmp_busy_insn
ft_jmp_busy:
ft_jmp_busy_insn:
    ljmp $SEL_TSS, $0
    ret

    .globl ft_call_short, ft_call_short_insn
ft_call_short:
ft_call_short_insn:
    lcall $FT_TSS_SHORT, $0
    ret

/* IRET with NT = 1 while the back link names an available TSS. */
    .globl ft_iret_not_busy, ft_iret_insn
ft_iret_not_busy:
    pushf
    orl $FL_NT, (%esp)
    popf
ft_iret_insn:
    iret

/* A #GP whose delivery raises #NP (IDT entry 13 not present): two
 * contributory exceptions make a #DF (SDM vol. 3A table 6-5), delivered
 * through the task gate of vector 8. */
    .globl ft_double_fault, ft_df_recover
ft_double_fault:
    push %ebx
    push %esi
    push %edi
    push %ebp
    mov %esp, ft_df_esp
    mov $0xfff8, %eax           /* beyond the GDT limit: #GP(0xfff8) */
    mov %ax, %ds
ft_df_recover:
    mov $SEL_KDATA, %eax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov ft_df_esp, %esp
    AFTER_NESTED
    pop %ebp
    pop %edi
    pop %esi
    pop %ebx
    ret

/* CPL3: CALL to a DPL0 TSS: #GP(TSS selector). */
    .globl ft_u_call_c, ft_u_call_insn
ft_u_call_c:
ft_u_call_insn:
    lcall $FT_TSS_C, $0
    ret
