/* The instructions far_debug.c traces, single-steps or breaks on. Every
 * address an event is expected at (or after) is a global label; see
 * far_debug.h. Routines are C-callable and keep EBX ESI EDI EBP. */

#define FL_TF 0x100

    .text
/* POPF setting TF: no trap after the POPF itself, a trap after each
 * following instruction, the POPF that clears TF included. */
    .globl fd_step, fd_s2, fd_s3, fd_s4, fd_s5
fd_step:
    pushf
    pushf
    orl $FL_TF, (%esp)
    popf
    nop
fd_s2:
    mov $1, %eax
fd_s3:
    jmp fd_s4
    ud2
fd_s4:
    popf
fd_s5:
    nop
    ret

/* MOV SS with TF set: the single-step trap after it is held until after
 * the next instruction (SDM vol. 2B MOV: loading SS inhibits interrupts
 * and debug exceptions until the next instruction completes). */
    .globl fd_movss, fd_ms_a, fd_ms_c, fd_ms_d
fd_movss:
    pushf
    mov %ss, %eax
    pushf
    orl $FL_TF, (%esp)
    popf
    nop
fd_ms_a:
    mov %eax, %ss
    nop
fd_ms_c:
    popf
fd_ms_d:
    ret

/* Entered at CPL3 by the kit's IRET with TF = 1. */
    .globl fd_u_step, fd_us2, fd_us3, fd_us4, fd_us5
fd_u_step:
    nop
fd_us2:
    pushf
fd_us3:
    andl $~FL_TF, (%esp)
fd_us4:
    popf
fd_us5:
    ret

    .globl fd_ibp0, fd_bp0_insn
fd_ibp0:
    nop
fd_bp0_insn:
    mov $0x1234, %eax
    ret

    .globl fd_ibp1, fd_bp1_insn
fd_ibp1:
    nop
fd_bp1_insn:
    mov $0x1234, %eax
    ret

    .globl fd_u_ibp, fd_u_bp_insn
fd_u_ibp:
    nop
fd_u_bp_insn:
    mov $0x1234, %eax
    ret

    .globl fd_w8, fd_w16, fd_w32, fd_r32
    .globl fd_w8_next, fd_w16_next, fd_w32_next, fd_r32_next
fd_w8:
    mov 4(%esp), %ecx
    mov 8(%esp), %eax
    movb %al, (%ecx)
fd_w8_next:
    ret
fd_w16:
    mov 4(%esp), %ecx
    mov 8(%esp), %eax
    movw %ax, (%ecx)
fd_w16_next:
    ret
fd_w32:
    mov 4(%esp), %ecx
    mov 8(%esp), %eax
    movl %eax, (%ecx)
fd_w32_next:
    ret
fd_r32:
    mov 4(%esp), %ecx
    movl (%ecx), %eax
fd_r32_next:
    ret

/* GAS turns "int $3" into INT3 (0xCC): the two-byte forms are spelled out. */
    .globl fd_int3, fd_int3_next, fd_int3_long, fd_int3l_next
fd_int3:
    int3
fd_int3_next:
    ret
fd_int3_long:
    .byte 0xcd, 0x03
fd_int3l_next:
    ret

    .globl fd_u_int3, fd_u_int3_insn, fd_u_int1, fd_u_int1_insn
fd_u_int3:
fd_u_int3_insn:
    int3
    ret
fd_u_int1:
fd_u_int1_insn:
    .byte 0xcd, 0x01
    ret
