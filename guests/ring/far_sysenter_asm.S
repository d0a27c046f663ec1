/* The fast system calls far_sysenter.c checks: a user routine that enters
 * the kernel by SYSENTER and comes back by SYSEXIT, the kernel entry that
 * records what SYSENTER loaded, SYSEXIT where it must fault, and a
 * Linux-style INT 0x80 system call through a trap gate. Records go to
 * fs_rec (far_sysenter.h). */
#include "far_sysenter.h"

#define SEL_UCODE 0x1b
#define SEL_UDATA 0x23

#define REC(i) fs_rec + 4 * (i)

/* Segment register -> record slot, zero-extended, flags untouched. */
.macro SAVE_SEG seg, slot
    mov \seg, %ax
    movzwl %ax, %eax
    mov %eax, REC(\slot)
.endm

    .data
    .globl fs_rec
    .balign 4
fs_rec:
    .skip 4 * FS_REC_SIZE

    .bss
    .balign 16
    .skip 4096
    .globl fs_sysenter_stack_top
fs_sysenter_stack_top:

    .text
/* CPL3: SYSENTER with ECX = ESP and EDX = the return EIP (the registers
 * SYSEXIT takes them from, as Linux's vsyscall page arranges). */
    .globl fs_u_sysenter, fs_sysenter_insn
fs_u_sysenter:
    push %ebx
    push %esi
    push %edi
    push %ebp
    pushf
    popl REC(FS_U_EFLAGS)
    mov %esp, REC(FS_U_ESP)
    mov %esp, %ecx
    mov $fs_sysexit_target, %edx
fs_sysenter_insn:
    sysenter
fs_sysexit_target:
    mov %esp, REC(FS_X_ESP)
    SAVE_SEG %cs, FS_X_CS
    SAVE_SEG %ss, FS_X_SS
    pushf
    popl REC(FS_X_EFLAGS)
    /* Back on the kit's user selectors (the same flat DPL3 segments). */
    mov $SEL_UDATA, %eax
    mov %ax, %ss
    ljmp $SEL_UCODE, $1f
1:  pop %ebp
    pop %edi
    pop %esi
    pop %ebx
    ret

/* The IA32_SYSENTER_EIP target, at CPL0 on IA32_SYSENTER_ESP. */
    .globl fs_sysenter_entry
fs_sysenter_entry:
    mov %esp, REC(FS_K_ESP)
    pushf
    popl REC(FS_K_EFLAGS)
    SAVE_SEG %cs, FS_K_CS
    SAVE_SEG %ss, FS_K_SS
    SAVE_SEG %ds, FS_K_DS
    sysexit                     /* EDX and ECX untouched */

/* SYSEXIT at CPL3: #GP(0). */
    .globl fs_u_sysexit, fs_sysexit_insn_u
fs_u_sysexit:
    mov $fs_bad_sysexit, %edx
    mov %esp, %ecx
fs_sysexit_insn_u:
    sysexit
    ret

/* SYSEXIT at CPL0 (the test zeroes IA32_SYSENTER_CS first: #GP(0)). Were
 * it to complete, the UD2 at EDX reports it. */
    .globl fs_k_sysexit, fs_sysexit_insn_k
fs_k_sysexit:
    mov $fs_bad_sysexit, %edx
    mov %esp, %ecx
fs_sysexit_insn_k:
    sysexit
    ret
fs_bad_sysexit:
    ud2

/* CPL3: a Linux-style system call, number in EAX, arguments in EBX ECX
 * EDX, result in EAX; the other registers come back unchanged. */
    .globl fs_u_int80, fs_int80_ret
fs_u_int80:
    push %ebx
    mov $4, %eax
    mov $0x1000, %ebx
    mov $0x20, %ecx
    mov $3, %edx
    int $0x80
fs_int80_ret:
    mov %eax, REC(FS_I_EAX)
    mov %ebx, REC(FS_I_EBX)
    mov %ecx, REC(FS_I_ECX)
    mov %edx, REC(FS_I_EDX)
    pop %ebx
    ret

/* The trap gate's handler at CPL0: EAX = EBX + ECX * EDX + (EAX << 16). */
    .globl fs_int80_handler
fs_int80_handler:
    mov %esp, REC(FS_I_ESP)
    push %eax
    pushf
    popl REC(FS_I_EFLAGS)
    SAVE_SEG %cs, FS_I_CS
    mov 4(%esp), %eax
    mov %eax, REC(FS_I_RET)
    pop %eax
    push %ecx
    shl $16, %eax
    imul %edx, %ecx
    add %ecx, %eax
    add %ebx, %eax
    pop %ecx
    iret
