/* The accesses of hostile_limits.c. Each function is a cdecl
 * uint32_t fn(uint32_t off) for sens_run: it loads the segment register
 * under test with hl_sel, makes one access at offset `off`, and puts the
 * register back. The label on each access is where a fault must point. */

    .data
    .globl hl_sel
hl_sel:     .long 0
hl_saved:   .long 0         /* m16:32 for LSS: ESP, then SS */
            .word 0

    .text
.macro ACCESS name, sreg, insn:vararg
    .globl hl_\name, hl_\name\()_insn
hl_\name:
    push %\sreg
    mov hl_sel, %eax
    mov %eax, %\sreg
    mov 8(%esp), %ecx
hl_\name\()_insn:
    \insn
    pop %\sreg
    ret
.endm
/* hl_read4_<sreg>(off): 4-byte load through each data segment register;
 * hl_read1, hl_read2: 1 and 2 bytes through DS; hl_write4: a 4-byte store. */
    ACCESS read4_ds, ds, mov %ds:(%ecx), %eax
    ACCESS read4_es, es, mov %es:(%ecx), %eax
    ACCESS read4_fs, fs, mov %fs:(%ecx), %eax
    ACCESS read4_gs, gs, mov %gs:(%ecx), %eax
    ACCESS read1, ds, movzbl (%ecx), %eax
    ACCESS read2, ds, movzwl (%ecx), %eax
    ACCESS write4, ds, movl $0xdeadbeef, (%ecx)

/* Stack accesses through SS = hl_sel with ESP = the argument. Only at
 * CPL3: a stack fault there switches to the TSS's ring-0 stack; at CPL0 the
 * CPU would push the #SS frame on this very segment. The old SS:ESP comes
 * back through LSS.
 *   hl_push(esp):        PUSH imm32
 *   hl_pop(esp):         POP EAX
 *   hl_ebp_read(off):    MOV EAX, [EBP] with EBP = off (SS is EBP's default) */
.macro ON_STACK name, insn:vararg
    .globl hl_\name, hl_\name\()_insn
hl_\name:
    mov 4(%esp), %ecx
    mov %esp, hl_saved
    mov %ss, hl_saved + 4
    mov hl_sel, %eax
    mov %eax, %ss
    mov %ecx, %esp
hl_\name\()_insn:
    \insn
    lss hl_saved, %esp
    ret
.endm
    ON_STACK push, pushl $0x12345678
    ON_STACK pop, pop %eax

    .globl hl_ebp_read, hl_ebp_read_insn
hl_ebp_read:
    push %ebp
    mov 8(%esp), %ebp
    mov %esp, hl_saved
    mov %ss, hl_saved + 4
    mov hl_sel, %eax
    mov %eax, %ss
hl_ebp_read_insn:
    mov (%ebp), %eax
    lss hl_saved, %esp
    pop %ebp
    ret

/* Three tiny code segments (hostile_limits.c gives each a limit of 0xf):
 *   hl_code_fits:     MOV EAX, 0x600d; RET FAR, all below the limit
 *   hl_code_jump:     JMP +0x20, a target beyond the limit (where a CPU
 *                     that ignores the limit finds MOV EAX, 0xbad; RET FAR)
 *   hl_code_straddle: 12 NOPs, then MOV EAX, imm32 at 0xc..0x10, its last
 *                     byte beyond the limit */
    .section .smc_code, "awx", @progbits
    .balign 16
    .globl hl_code_fits, hl_code_jump, hl_code_straddle
hl_code_fits:
    .byte 0xb8, 0x0d, 0x60, 0x00, 0x00, 0xcb
    .balign 16
hl_code_jump:
    .byte 0xeb, 0x20
    .fill 0x20, 1, 0x90
    .byte 0xb8, 0xad, 0x0b, 0x00, 0x00, 0xcb  /* at 0x22: what runs if the limit is ignored */
    .balign 16
hl_code_straddle:
    .fill 12, 1, 0x90
    .byte 0xb8, 0x01, 0x02, 0x03, 0x04, 0xcb
    .balign 16
