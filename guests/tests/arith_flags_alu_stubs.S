/* Instruction stubs for arith_flags_alu.c: every operand form of the
 * two-operand ALU group, INC/DEC/NEG/NOT, XADD and CMPXCHG. A stub is named
 * <insn><width>_<form>; the forms and their immediates are listed again in
 * arith_flags_alu.c (NB: keep the immediates in step). */
#include "arith_stub.inc"

/* Forms: rr = reg,reg  hh = high,high  hl = low,high  mr = mem,reg
 * rm = reg,mem  ri = accumulator,imm  di = other reg,imm  si = imm8
 * sign-extended  mi = mem,imm  lm = lock mem,reg. */
    .irp op, add, adc, sub, sbb, and, or, xor, cmp, test
    STUB \op\()8_rr, \op %bl, %al
    STUB \op\()8_hh, \op %bh, %ah
    STUB \op\()8_hl, \op %ch, %dl
    STUB \op\()8_mr, \op\()b %bl, MEM
    STUB \op\()8_ri, \op $0x9c, %al
    STUB \op\()8_di, \op $0x01, %dl
    STUB \op\()8_mi, \op\()b $0x35, MEM
    STUB \op\()16_rr, \op %bx, %ax
    STUB \op\()16_mr, \op\()w %bx, MEM
    STUB \op\()16_ri, \op $0x8001, %ax
    STUB \op\()16_di, \op $0x8000, %dx
    STUB \op\()16_si, \op $-3, %dx
    STUB \op\()16_mi, \op\()w $0x1234, MEM
    STUB \op\()32_rr, \op %ebx, %eax
    STUB \op\()32_mr, \op\()l %ebx, MEM
    STUB \op\()32_ri, \op $0x80000001, %eax
    STUB \op\()32_di, \op $0x7ffffffe, %ecx
    STUB \op\()32_si, \op $-3, %edx
    STUB \op\()32_mi, \op\()l $0x12345678, MEM
    .endr

/* reg,mem: TEST has only the mem,reg encoding, so it has no rm stubs. */
    .irp op, add, adc, sub, sbb, and, or, xor, cmp
    STUB \op\()8_rm, \op MEM, %ch
    STUB \op\()16_rm, \op MEM, %dx
    STUB \op\()32_rm, \op MEM, %edx
    .endr

/* LOCK is valid on the read-modify-write ones with a memory destination. */
    .irp op, add, adc, sub, sbb, and, or, xor
    STUB \op\()8_lm, lock \op\()b %bl, MEM
    STUB \op\()16_lm, lock \op\()w %bx, MEM
    STUB \op\()32_lm, lock \op\()l %ebx, MEM
    .endr

/* One-operand group: r = register (INC/DEC 16/32: the one-byte 0x40-0x4f
 * encodings, which are REX prefixes in 64-bit mode), r2 = the ModRM
 * encoding of the same register, h = high byte, m = memory. */
    .irp op, inc, dec, neg, not
    STUB \op\()8_r, \op %dl
    STUB \op\()8_h, \op %ah
    STUB \op\()8_m, \op\()b MEM
    STUB \op\()16_r, \op %dx
    STUB \op\()16_m, \op\()w MEM
    STUB \op\()32_r, \op %edx
    STUB \op\()32_m, \op\()l MEM
    .endr
    STUB inc16_r2, .byte 0x66, 0xff, 0xc2      /* inc dx, FF /0 */
    STUB dec16_r2, .byte 0x66, 0xff, 0xca      /* dec dx, FF /1 */
    STUB inc32_r2, .byte 0xff, 0xc2            /* inc edx */
    STUB dec32_r2, .byte 0xff, 0xca            /* dec edx */
    STUB inc32_lm, lock incl MEM
    STUB neg32_lm, lock negl MEM
    STUB not16_lm, lock notw MEM

/* XADD dst, src: dst = dst + src, src = old dst. */
    STUB xadd8_rr, xadd %bl, %dl
    STUB xadd8_hh, xadd %bh, %ah
    STUB xadd8_mr, xaddb %bl, MEM
    STUB xadd16_rr, xadd %bx, %dx
    STUB xadd16_mr, xaddw %bx, MEM
    STUB xadd32_rr, xadd %ebx, %edx
    STUB xadd32_mr, xaddl %ebx, MEM
    STUB xadd32_lm, lock xaddl %ebx, MEM

/* CMPXCHG dst, src: compares the accumulator with dst. */
    STUB cmpxchg8_rr, cmpxchg %bl, %dl
    STUB cmpxchg8_hr, cmpxchg %bh, %dh
    STUB cmpxchg8_mr, cmpxchgb %bl, MEM
    STUB cmpxchg16_rr, cmpxchg %bx, %dx
    STUB cmpxchg16_mr, cmpxchgw %bx, MEM
    STUB cmpxchg32_rr, cmpxchg %ebx, %edx
    STUB cmpxchg32_mr, cmpxchgl %ebx, MEM
    STUB cmpxchg32_lm, lock cmpxchgl %ebx, MEM
