/* Instruction stubs for strings.c: each string instruction at each width,
 * alone and with each REP prefix, and a few with the 0x67 prefix (16-bit
 * SI/DI/CX). Stub names: <insn><b|w|l>_<1|rep|repe|repne>, a16_<...>.
 * EDX holds the port for INS/OUTS; DF comes in with EFLAGS. */
#include "arith_stub.inc"

    .irp w, b, w, l
    STUB movs\w\()_1, movs\w
    STUB movs\w\()_rep, rep movs\w
    STUB stos\w\()_1, stos\w
    STUB stos\w\()_rep, rep stos\w
    STUB lods\w\()_1, lods\w
    STUB lods\w\()_rep, rep lods\w
    STUB cmps\w\()_1, cmps\w
    STUB cmps\w\()_repe, repe cmps\w
    STUB cmps\w\()_repne, repne cmps\w
    STUB scas\w\()_1, scas\w
    STUB scas\w\()_repe, repe scas\w
    STUB scas\w\()_repne, repne scas\w
    STUB ins\w\()_1, ins\w
    STUB ins\w\()_rep, rep ins\w
    STUB outs\w\()_1, outs\w
    STUB outs\w\()_rep, rep outs\w
    .endr

    STUB a16_movsb_rep, addr16 rep movsb
    STUB a16_movsw_1, addr16 movsw
    STUB a16_stosl_rep, addr16 rep stosl
    STUB a16_stosb_rep, addr16 rep stosb
    STUB a16_lodsl_1, addr16 lodsl
    STUB a16_cmpsw_repe, addr16 repe cmpsw
    STUB a16_scasb_repne, addr16 repne scasb
