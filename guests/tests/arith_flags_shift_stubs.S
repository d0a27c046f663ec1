/* Instruction stubs for arith_flags_shift.c. Forms: c = count in CL,
 * 1 = the by-one encodings (D0/D1), iN = immediate count N (C0/C1), m =
 * memory destination, h = high-byte destination. NB: the immediate lists
 * are repeated in arith_flags_shift.c. */
#include "arith_stub.inc"

    .irp op, shl, shr, sar, rol, ror, rcl, rcr
    STUB \op\()8_c, \op %cl, %dl
    STUB \op\()8_hc, \op %cl, %ah
    STUB \op\()8_mc, \op\()b %cl, MEM
    STUB \op\()8_1, \op %dl
    STUB \op\()8_m1, \op\()b MEM
    STUB \op\()8_mi5, \op\()b $5, MEM
    STUB \op\()16_c, \op %cl, %dx
    STUB \op\()16_mc, \op\()w %cl, MEM
    STUB \op\()16_1, \op %dx
    STUB \op\()16_m1, \op\()w MEM
    STUB \op\()16_mi5, \op\()w $5, MEM
    STUB \op\()32_c, \op %cl, %edx
    STUB \op\()32_mc, \op\()l %cl, MEM
    STUB \op\()32_1, \op %edx
    STUB \op\()32_m1, \op\()l MEM
    STUB \op\()32_mi5, \op\()l $5, MEM
    .irp n, 0, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 200
    STUB \op\()8_i\n, \op $\n, %dl
    STUB \op\()16_i\n, \op $\n, %dx
    STUB \op\()32_i\n, \op $\n, %edx
    .endr
    .endr

/* SHLD/SHRD dst, src, count: dst in DX/EDX or memory, src in BX/EBX. */
    .irp op, shld, shrd
    STUB \op\()16_c, \op %cl, %bx, %dx
    STUB \op\()16_mc, \op\()w %cl, %bx, MEM
    STUB \op\()32_c, \op %cl, %ebx, %edx
    STUB \op\()32_mc, \op\()l %cl, %ebx, MEM
    .irp n, 0, 1, 4, 15, 16, 31
    STUB \op\()16_i\n, \op $\n, %bx, %dx
    STUB \op\()32_i\n, \op $\n, %ebx, %edx
    .endr
    STUB \op\()32_mi7, \op\()l $7, %ebx, MEM
    .endr
