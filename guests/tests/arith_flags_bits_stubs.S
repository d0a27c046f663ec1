/* Instruction stubs for arith_flags_bits.c: BT BTS BTR BTC with register
 * and immediate bit offsets on registers, on the memory slot, and on a bit
 * string at (%esi) (register offsets reach outside the addressed word);
 * BSF BSR; BSWAP of each register. NB: the immediates are listed again in
 * arith_flags_bits.c. */
#include "arith_stub.inc"

    .irp op, bt, bts, btr, btc
    STUB \op\()16_rr, \op %bx, %dx
    STUB \op\()32_rr, \op %ebx, %edx
    STUB \op\()16_sr, \op\()w %bx, (%esi)
    STUB \op\()32_sr, \op\()l %ebx, (%esi)
    .irp n, 3, 15, 17, 31, 33, 200
    STUB \op\()16_ri\n, \op\()w $\n, %dx
    STUB \op\()32_ri\n, \op\()l $\n, %edx
    STUB \op\()16_mi\n, \op\()w $\n, MEM
    STUB \op\()32_mi\n, \op\()l $\n, MEM
    .endr
    .endr

/* LOCK: only the ones that write. */
    .irp op, bts, btr, btc
    STUB \op\()32_lsr, lock \op\()l %ebx, (%esi)
    .endr

    .irp op, bsf, bsr
    STUB \op\()16_rr, \op %bx, %dx
    STUB \op\()16_rm, \op MEM, %dx
    STUB \op\()32_rr, \op %ebx, %edx
    STUB \op\()32_rm, \op MEM, %edx
    .endr

    .irp r, eax, ebx, ecx, edx, esi, edi
    STUB bswap_\r, bswap %\r
    .endr
