/* Instruction stubs for arith_flags_bcd.c. DAA DAS AAA AAS AAM AAD are
 * invalid in 64-bit mode, so a translator must emulate every one of them.
 * AAM/AAD are written as bytes to pin the immediate (D4 ib / D5 ib); NB:
 * the immediates are listed again in arith_flags_bcd.c. */
#include "arith_stub.inc"

    STUB daa_stub, daa
    STUB das_stub, das
    STUB aaa_stub, aaa
    STUB aas_stub, aas
    .irp n, 10, 16, 1, 2, 7, 128, 255
    STUB aam_\n, .byte 0xd4, \n
    .endr
    .irp n, 10, 0, 1, 16, 7, 255
    STUB aad_\n, .byte 0xd5, \n
    .endr

/* The adjustments right after the arithmetic that sets their AF and CF, as
 * compilers and BCD libraries emit them. */
    STUB_BEGIN add_daa
    add %bl, %al
    daa
    STUB_END add_daa

    STUB_BEGIN adc_daa
    adc %bl, %al
    daa
    STUB_END adc_daa

    STUB_BEGIN sub_das
    sub %bl, %al
    das
    STUB_END sub_das

    STUB_BEGIN sbb_das
    sbb %bl, %al
    das
    STUB_END sbb_das

    STUB_BEGIN add_aaa
    add %bl, %al
    aaa
    STUB_END add_aaa

    STUB_BEGIN sub_aas
    sub %bl, %al
    aas
    STUB_END sub_aas

    STUB_BEGIN mul_aam
    mul %bl
    aam
    STUB_END mul_aam

    STUB_BEGIN aad_div
    aad
    div %bl
    STUB_END aad_div
