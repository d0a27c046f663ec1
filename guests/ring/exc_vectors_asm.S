/* The faulting instructions of exc_vectors.c. Each case is a C-callable
 * uint32_t NAME(uint32_t arg) that runs the same way at CPL0 (called) and
 * at CPL3 (pm_run_user): it sets its registers, loads EFLAGS = FLAGS with
 * POPF (at CPL3 POPF leaves IF and IOPL alone, both 0 here), records ESP in
 * exc_esp, and executes one instruction at NAME_at; NAME_next is the
 * instruction after it. A case that does not fault returns 0x600d. */
#define FL_BASE 0x4c3      /* CF ZF SF DF and bit 1: a pattern the frame must show */
#define FL_OF   0x800
#define FL_TF   0x100

    .macro CASE name, flags
    .text
    .globl \name, \name\()_at, \name\()_next
\name:
    push %ebx
    push %esi
    push %edi
    push %ebp
    mov 20(%esp), %eax      /* arg */
    .endm

    /* Loads EFLAGS and records the ESP the exception frame must show. */
    .macro GO flags
    pushl $\flags
    popf
    mov %esp, exc_esp
    .endm

    .macro END
    mov $0x600d, %eax
    pop %ebp
    pop %edi
    pop %esi
    pop %ebx
    ret
    .endm

    .data
    .globl exc_esp, exc_bounds
exc_esp:    .long 0
exc_bounds: .long 0, 10     /* BOUND: signed lower and upper */

/* #DE (SDM vol. 3A, interrupt 0): DIV by 0, IDIV quotient overflow
 * (-2^31 / -1), 8-bit DIV quotient overflow (0x1000 / 2 > 0xff). */
    CASE de_div
    xor %edx, %edx
    mov $1, %eax
    xor %ecx, %ecx
    GO FL_BASE
de_div_at:
    div %ecx
de_div_next:
    END

    CASE de_idiv
    mov $0x80000000, %eax
    mov $-1, %edx
    mov $-1, %ecx
    GO FL_BASE
de_idiv_at:
    idiv %ecx
de_idiv_next:
    END

    CASE de_div8
    mov $0x1000, %eax
    mov $2, %cl
    GO FL_BASE
de_div8_at:
    divb %cl
de_div8_next:
    END

/* #BP (interrupt 3): a trap; INT3 (CC) and INT 3 (CD 03) both push the
 * address of the next instruction. */
    CASE bp_cc
    GO FL_BASE
bp_cc_at:
    int3
bp_cc_next:
    END

    CASE bp_cd
    GO FL_BASE
bp_cd_at:
    .byte 0xcd, 0x03        /* INT 3, the two-byte form */
bp_cd_next:
    END

/* #OF (interrupt 4): INTO traps when OF = 1 and does nothing when OF = 0. */
    CASE of_into
    GO FL_BASE | FL_OF
of_into_at:
    into
of_into_next:
    END

    CASE of_noof
    GO FL_BASE
of_noof_at:
    into
of_noof_next:
    END

/* #BR (interrupt 5): BOUND with arg outside [0, 10] (signed) faults. */
    CASE br_bound
    GO FL_BASE
br_bound_at:
    bound %eax, exc_bounds
br_bound_next:
    END

/* #UD (interrupt 6): UD2; LOCK on an instruction that cannot be locked
 * (NOP); LEA with a register operand; MOV to CS; the
 * reserved opcode 0F 04. */
    CASE ud_ud2
    GO FL_BASE
ud_ud2_at:
    ud2
ud_ud2_next:
    END

    CASE ud_lock_nop
    GO FL_BASE
ud_lock_nop_at:
    .byte 0xf0, 0x90
ud_lock_nop_next:
    END

    CASE ud_lea_reg
    GO FL_BASE
ud_lea_reg_at:
    .byte 0x8d, 0xc3        /* lea %ebx, %eax: register "address" */
ud_lea_reg_next:
    END

    CASE ud_mov_cs
    mov %cs, %eax
    GO FL_BASE
ud_mov_cs_at:
    .byte 0x8e, 0xc8        /* mov %eax, %cs */
ud_mov_cs_next:
    END

    CASE ud_0f04
    GO FL_BASE
ud_0f04_at:
    .byte 0x0f, 0x04
ud_0f04_next:
    END

/* #DB (interrupt 1): single step. POPF sets TF; the trap comes after the
 * instruction that follows POPF (the NOP), with TF set in the pushed
 * EFLAGS. exc_esp is recorded before the PUSH,
 * POPF brings ESP back to it. */
    CASE db_tf
    mov %esp, exc_esp
    pushl $(FL_BASE | FL_TF)
    popf
db_tf_at:
    nop
db_tf_next:
    END

/* INT n: software interrupts push the address of the next instruction;
 * through a DPL0 gate from CPL3 they raise #GP(n * 8 + 2) instead, a
 * fault on the INT itself. */
    CASE int_40
    GO FL_BASE
int_40_at:
    int $0x40
int_40_next:
    END

    CASE int_80
    GO FL_BASE
int_80_at:
    int $0x80
int_80_next:
    END

/* Segment loads with the selector in arg: #NP(sel) for a not-present data
 * segment, #SS(sel) for a not-present stack segment, #GP(sel) or #GP(0)
 * for the rest (SDM vol. 2B MOV, vol. 3A 5.10). */
    CASE load_ds
    GO FL_BASE
load_ds_at:
    mov %eax, %ds
load_ds_next:
    mov %ss, %eax           /* it did load: put the usual DS back */
    mov %eax, %ds
    END

    CASE load_ss
    GO FL_BASE
load_ss_at:
    mov %eax, %ss
load_ss_next:
    END

/* A privileged instruction at CPL3: #GP(0), a fault. */
    CASE gp_hlt
    GO FL_BASE
gp_hlt_at:
    hlt
gp_hlt_next:
    END
