/* Instruction stubs for arith_flags_muldiv.c: the one-operand MUL, IMUL,
 * DIV and IDIV with register, high-byte, memory and "source is also a
 * result register" forms, and the two- and three-operand IMUL. NB: the
 * forms and immediates are listed again in arith_flags_muldiv.c. */
#include "arith_stub.inc"

    .irp op, mul, imul, div, idiv
    STUB \op\()8_b, \op %bl
    STUB \op\()8_bh, \op %bh
    STUB \op\()8_m, \op\()b MEM
    STUB \op\()16_b, \op %bx
    STUB \op\()16_m, \op\()w MEM
    STUB \op\()32_b, \op %ebx
    STUB \op\()32_m, \op\()l MEM
    .endr
/* The source is also a result register (DIV/IDIV would always fault). */
    STUB mul8_ah, mul %ah
    STUB imul8_ah, imul %ah
    STUB mul16_d, mul %dx
    STUB mul32_d, mul %edx
    STUB imul32_d, imul %edx

/* IMUL r, r/m and IMUL r, r/m, imm (imm8 sign-extended or full). */
    STUB imul2_16_r, imul %bx, %dx
    STUB imul2_16_m, imul MEM, %dx
    STUB imul2_32_r, imul %ebx, %edx
    STUB imul2_32_m, imul MEM, %edx
    STUB imul3_16_r8, imul $-3, %bx, %dx
    STUB imul3_16_r16, imul $0x1234, %bx, %dx
    STUB imul3_16_m8, imul $0x7f, MEM, %dx
    STUB imul3_32_r8, imul $-3, %ebx, %edx
    STUB imul3_32_r32, imul $0x12345, %ebx, %edx
    STUB imul3_32_m32, imul $0x7fffffff, MEM, %edx
    STUB imul3_32_same, imul $-0x80, %edx, %edx
