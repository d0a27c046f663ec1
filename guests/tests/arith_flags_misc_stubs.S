/* Instruction stubs for arith_flags_misc.c: SETcc, CMOVcc, MOVZX/MOVSX,
 * XCHG, LAHF/SAHF, CLC/STC/CMC and CBW/CWDE/CWD/CDQ. */
#include "arith_stub.inc"

/* Condition codes in encoding order 0..15 (arith_flags_misc.c relies on it). */
    .irp cc, o, no, b, ae, e, ne, be, a, s, ns, p, np, l, ge, le, g
    STUB set\cc\()_r, set\cc %dl
    STUB set\cc\()_h, set\cc %ah
    STUB set\cc\()_m, set\cc MEM
    STUB cmov\cc\()16_r, cmov\cc %bx, %dx
    STUB cmov\cc\()16_m, cmov\cc MEM, %dx
    STUB cmov\cc\()32_r, cmov\cc %ebx, %edx
    STUB cmov\cc\()32_m, cmov\cc MEM, %edx
    .endr

/* MOVZX/MOVSX: b = byte source, w = word source; to w(16) or l(32). */
    .irp op, movz, movs
    STUB \op\()bw_r, \op\()bw %bl, %dx
    STUB \op\()bw_h, \op\()bw %ah, %dx
    STUB \op\()bw_m, \op\()bw MEM, %dx
    STUB \op\()bl_r, \op\()bl %bl, %edx
    STUB \op\()bl_h, \op\()bl %bh, %edx
    STUB \op\()bl_m, \op\()bl MEM, %edx
    STUB \op\()bl_same, \op\()bl %dl, %edx
    STUB \op\()bl_hsame, \op\()bl %dh, %edx
    STUB \op\()wl_r, \op\()wl %bx, %edx
    STUB \op\()wl_m, \op\()wl MEM, %edx
    STUB \op\()wl_same, \op\()wl %dx, %edx
    .endr

/* XCHG, including the one-byte 0x90+r forms with the accumulator. */
    STUB xchg8_rr, xchg %bl, %dl
    STUB xchg8_hh, xchg %ah, %bh
    STUB xchg8_lh, xchg %al, %ch
    STUB xchg8_hm, xchg %dh, MEM
    STUB xchg8_lm, xchg %bl, MEM
    STUB xchg16_rr, xchg %bx, %dx
    STUB xchg16_acc, xchg %ax, %bx
    STUB xchg16_m, xchg %dx, MEM
    STUB xchg32_rr, xchg %ebx, %edx
    STUB xchg32_acc, xchg %eax, %ebx
    STUB xchg32_m, xchg %edx, MEM
    STUB xchg32_mr, xchg MEM, %ecx

    STUB lahf_stub, lahf
    STUB sahf_stub, sahf
    STUB clc_stub, clc
    STUB stc_stub, stc
    STUB cmc_stub, cmc
    STUB cbw_stub, cbtw
    STUB cwde_stub, cwtl
    STUB cwd_stub, cwtd
    STUB cdq_stub, cltd
