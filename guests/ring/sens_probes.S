/* One-instruction functions the sens_* guests run at CPL0 or CPL3 (through
 * sens_run), each with a label on the instruction under test so that a
 * check can compare a fault's EIP with it (faults report the address of
 * the faulting instruction, SDM vol. 3A, 6.5). Callable from C as
 * uint32_t sens_X(uint32_t arg); see sens_probes.h. */
#include "sens_probe.inc"

/* MOV Sreg, r16: loads the selector in `arg`, then puts the caller's
 * selector back (DS/ES must stay usable for the C caller, SS keeps the
 * stack: every SS a test loads successfully is flat). Returns 0. */
.macro SREG_LOAD seg
    .text
    .globl sens_load_\seg, sens_load_\seg\()_at
sens_load_\seg:
    mov 4(%esp), %eax
    mov %\seg, %ecx
sens_load_\seg\()_at:
    mov %ax, %\seg
    mov %cx, %\seg
    xor %eax, %eax
    ret
.endm
    SREG_LOAD ds
    SREG_LOAD es
    SREG_LOAD fs
    SREG_LOAD gs
    SREG_LOAD ss

/* POP Sreg of `arg` (a 32-bit push, then a 32-bit pop), the caller's
 * selector put back after it. sens_pop_esp holds ESP right before the
 * POP, to check that a faulting POP leaves ESP alone. */
.macro SREG_POP seg
    .text
    .globl sens_pop_\seg, sens_pop_\seg\()_at
sens_pop_\seg:
    mov 4(%esp), %eax
    mov %\seg, %ecx
    push %eax
    mov %esp, sens_pop_esp
sens_pop_\seg\()_at:
    pop %\seg
    mov %cx, %\seg
    xor %eax, %eax
    ret
.endm
    SREG_POP ds
    SREG_POP es
    SREG_POP fs
    SREG_POP gs
    SREG_POP ss

    .data
    .globl sens_pop_esp
sens_pop_esp: .long 0

/* LDS/LES/LFS/LGS ECX, [arg] (arg points at a far pointer: offset, then
 * selector), the caller's selector put back; returns the offset loaded.
 * LSS ESP, [arg] with the pointer's offset set to the current ESP first,
 * so that only SS changes; the caller's SS put back; returns 0. */
.macro SREG_LFAR seg
    PROBE l\seg, "movl 4(%esp), %eax; mov %\seg, %edx; mov $0xdeadbeef, %ecx", "l\seg (%eax), %ecx", "mov %dx, %\seg; mov %ecx, %eax"
.endm
    SREG_LFAR ds
    SREG_LFAR es
    SREG_LFAR fs
    SREG_LFAR gs
    PROBE lss, "movl 4(%esp), %eax; mov %ss, %edx; mov %esp, (%eax)", "lss (%eax), %esp", "mov %dx, %ss; xor %eax, %eax"

/* FS for the descriptor-cache checks: sens_set_fs loads it and leaves it
 * (C code never uses FS), sens_fs_read reads the dword at fs:arg. */
    PROBE set_fs, "movl 4(%esp), %eax", "mov %ax, %fs"
    PROBE fs_read, "movl 4(%esp), %eax", "movl %fs:(%eax), %eax"

/* MOV CS, r16 (8E /r with reg = 1): #UD at any CPL (SDM vol. 2B, MOV). */
    PROBE mov_cs, "mov %cs, %eax", ".byte 0x8e, 0xc8"

/* Descriptor-table loads: the selector is `arg`. */
    PROBE lldt, "movl 4(%esp), %eax", "lldt %ax"
    PROBE ltr, "movl 4(%esp), %eax", "ltr %ax"

/* CLI and STI; each returns EFLAGS as they left it. */
    PROBE cli, , cli, "pushf; pop %eax"
    PROBE sti, , sti, "pushf; pop %eax"
