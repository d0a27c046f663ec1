/* The flag readers and the data movers that must leave flags alone
 * (SDM vol. 2):
 *   SETcc / CMOVcc for all 16 conditions over all 64 combinations of CF PF
 *     AF ZF SF OF (a false CMOV leaves the destination, upper half included);
 *   LAHF (AH = SF:ZF:0:AF:0:PF:1:CF), SAHF (all 256 AH values, OF kept);
 *   CLC STC CMC; CBW CWDE CWD CDQ; MOVZX MOVSX; XCHG (incl. 0x90+r forms).
 * Every case also checks that the other registers and flags are unchanged.
 */
#include "arith_common.h"

#define DECL_CC(cc) extern stub_fn set##cc##_r, set##cc##_h, set##cc##_m, cmov##cc##16_r, \
    cmov##cc##16_m, cmov##cc##32_r, cmov##cc##32_m
DECL_CC(o); DECL_CC(no); DECL_CC(b); DECL_CC(ae); DECL_CC(e); DECL_CC(ne); DECL_CC(be);
DECL_CC(a); DECL_CC(s); DECL_CC(ns); DECL_CC(p); DECL_CC(np); DECL_CC(l); DECL_CC(ge);
DECL_CC(le); DECL_CC(g);
#define DECL_EXT(op) extern stub_fn op##bw_r, op##bw_h, op##bw_m, op##bl_r, op##bl_h, op##bl_m, \
    op##bl_same, op##bl_hsame, op##wl_r, op##wl_m, op##wl_same
DECL_EXT(movz);
DECL_EXT(movs);
extern stub_fn xchg8_rr, xchg8_hh, xchg8_lh, xchg8_hm, xchg8_lm, xchg16_rr, xchg16_acc,
    xchg16_m, xchg32_rr, xchg32_acc, xchg32_m, xchg32_mr;
extern stub_fn lahf_stub, sahf_stub, clc_stub, stc_stub, cmc_stub, cbw_stub, cwde_stub,
    cwd_stub, cdq_stub;

struct cc_stubs {
    const char *name;
    stub_fn *set[3], *cmov16[2], *cmov32[2];
};
#define CC(cc) { #cc, { set##cc##_r, set##cc##_h, set##cc##_m }, \
    { cmov##cc##16_r, cmov##cc##16_m }, { cmov##cc##32_r, cmov##cc##32_m } }
/* In encoding order: the condition number is the index. */
static const struct cc_stubs conds[16] = {
    CC(o), CC(no), CC(b), CC(ae), CC(e), CC(ne), CC(be), CC(a),
    CC(s), CC(ns), CC(p), CC(np), CC(l), CC(ge), CC(le), CC(g),
};

/* The i-th (0..63) combination of the six arithmetic flags: bit 0 of i is
 * CF, then PF, ZF, SF, OF, AF. */
static uint32_t combo_flags(int i)
{
    static const uint32_t bits[6] = { FL_CF, FL_PF, FL_ZF, FL_SF, FL_OF, FL_AF };
    uint32_t fl = FL_FIXED;
    for (int b = 0; b < 6; b++)
        if (i & (1 << b))
            fl |= bits[b];
    return fl;
}

static void test_setcc(int cc)
{
    static const enum loc dst[3] = { LOC_D, LOC_AH, LOC_MEM };
    static const char *const form[3] = { "dl", "ah", "mem" };
    struct tally t;
    char name[16];
    snprintf(name, sizeof name, "set%s", conds[cc].name);
    tally_begin(&t, name, 0);
    for (int rep = 0; rep < 2; rep++)
        for (int i = 0; i < 64; i++)
            for (int f = 0; f < 3; f++) {
                struct cpu in, got, want;
                cpu_random(&in, combo_flags(i));
                want = in;
                loc_put(&want, dst[f], 8, condition_holds(cc, in.flags));
                got = in;
                conds[cc].set[f](&got);
                tally_frame(&t, form[f], &in, &got, &want, 0);
            }
    tally_end(&t);
}

static void test_cmovcc(int cc, int w)
{
    static const enum loc src[2] = { LOC_B, LOC_MEM };
    static const char *const form[2] = { "reg", "mem" };
    struct tally t;
    char name[16];
    snprintf(name, sizeof name, "cmov%s", conds[cc].name);
    tally_begin(&t, name, w);
    for (int rep = 0; rep < 2; rep++)
        for (int i = 0; i < 64; i++)
            for (int f = 0; f < 2; f++) {
                struct cpu in, got, want;
                cpu_random(&in, combo_flags(i));
                want = in;
                if (condition_holds(cc, in.flags))
                    loc_put(&want, LOC_D, w, loc_get(&in, src[f], w));
                got = in;
                (w == 16 ? conds[cc].cmov16 : conds[cc].cmov32)[f](&got);
                tally_frame(&t, form[f], &in, &got, &want, 0);
            }
    tally_end(&t);
}

/* MOVZX/MOVSX through run_binop: the model returns the extended source. */
static uint32_t model_movzx8(uint32_t a, uint32_t b, int w, uint32_t *fl, uint32_t *undef)
{
    (void)a, (void)w, (void)fl, (void)undef;
    return b & 0xff;
}

static uint32_t model_movzx16(uint32_t a, uint32_t b, int w, uint32_t *fl, uint32_t *undef)
{
    (void)a, (void)w, (void)fl, (void)undef;
    return b & 0xffff;
}

static uint32_t model_movsx8(uint32_t a, uint32_t b, int w, uint32_t *fl, uint32_t *undef)
{
    (void)a, (void)fl, (void)undef;
    return (uint32_t)sign_extend(b, 8) & width_mask(w);
}

static uint32_t model_movsx16(uint32_t a, uint32_t b, int w, uint32_t *fl, uint32_t *undef)
{
    (void)a, (void)fl, (void)undef;
    return (uint32_t)sign_extend(b, 16) & width_mask(w);
}

#define EXT_TABLES(op) \
    static const struct form op##_bw[] = { { op##bw_r, LOC_D, LOC_B, 0, 8 }, \
        { op##bw_h, LOC_D, LOC_AH, 0, 8 }, { op##bw_m, LOC_D, LOC_MEM, 0, 8 } }; \
    static const struct form op##_bl[] = { { op##bl_r, LOC_D, LOC_B, 0, 8 }, \
        { op##bl_h, LOC_D, LOC_BH, 0, 8 }, { op##bl_m, LOC_D, LOC_MEM, 0, 8 }, \
        { op##bl_same, LOC_D, LOC_D, 0, 8 }, { op##bl_hsame, LOC_D, LOC_DH, 0, 8 } }; \
    static const struct form op##_wl[] = { { op##wl_r, LOC_D, LOC_B, 0, 16 }, \
        { op##wl_m, LOC_D, LOC_MEM, 0, 16 }, { op##wl_same, LOC_D, LOC_D, 0, 16 } }
EXT_TABLES(movz);
EXT_TABLES(movs);

static void test_extend(void)
{
    run_binop("movzx8to", 16, model_movzx8, 0, movz_bw, NFORMS(movz_bw), NULL, 0);
    run_binop("movzx8to", 32, model_movzx8, 0, movz_bl, NFORMS(movz_bl), NULL, 0);
    run_binop("movzx16to", 32, model_movzx16, 0, movz_wl, NFORMS(movz_wl), NULL, 0);
    run_binop("movsx8to", 16, model_movsx8, 0, movs_bw, NFORMS(movs_bw), NULL, 0);
    run_binop("movsx8to", 32, model_movsx8, 0, movs_bl, NFORMS(movs_bl), NULL, 0);
    run_binop("movsx16to", 32, model_movsx16, 0, movs_wl, NFORMS(movs_wl), NULL, 0);
}

struct xchg_form {
    stub_fn *fn;
    enum loc x, y;
};

static void test_xchg(int w, const struct xchg_form *forms, int nforms)
{
    struct tally t;
    tally_begin(&t, "xchg", w);
    for (int k = 0; k < 300; k++)
        for (int f = 0; f < nforms; f++) {
            struct cpu in, got, want;
            cpu_random(&in, random_arith_flags());
            want = in;
            loc_put(&want, forms[f].x, w, loc_get(&in, forms[f].y, w));
            loc_put(&want, forms[f].y, w, loc_get(&in, forms[f].x, w));
            got = in;
            forms[f].fn(&got);
            tally_frame(&t, "", &in, &got, &want, 0);
        }
    tally_end(&t);
}

/* LAHF/SAHF/CLC/STC/CMC over every combination of the six flags. */
static void test_flag_ops(void)
{
    struct tally t;
    tally_begin(&t, "lahf", 0);
    for (int i = 0; i < 64 * 4; i++) {
        struct cpu in, got, want;
        cpu_random(&in, combo_flags(i % 64));
        want = in;
        loc_put(&want, LOC_AH, 8, (in.flags & (FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF)) | 2);
        got = in;
        lahf_stub(&got);
        tally_frame(&t, "", &in, &got, &want, 0);
    }
    tally_end(&t);

    tally_begin(&t, "sahf", 0);
    for (uint32_t ah = 0; ah < 256; ah++)
        for (uint32_t of = 0; of < 2; of++) {
            struct cpu in, got, want;
            cpu_random(&in, random_arith_flags());
            in.flags = (in.flags & ~FL_OF) | (of ? FL_OF : 0);
            loc_put(&in, LOC_AH, 8, ah);
            want = in;
            set_arith(&want.flags, (ah & (FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF)) | (of ? FL_OF : 0));
            got = in;
            sahf_stub(&got);
            tally_frame(&t, "", &in, &got, &want, 0);
        }
    tally_end(&t);

    static stub_fn *const carry_ops[3] = { clc_stub, stc_stub, cmc_stub };
    static const char *const carry_names[3] = { "clc", "stc", "cmc" };
    for (int op = 0; op < 3; op++) {
        tally_begin(&t, carry_names[op], 0);
        for (int i = 0; i < 64; i++) {
            struct cpu in, got, want;
            cpu_random(&in, random_arith_flags());
            want = in;
            uint32_t cf = op == 0 ? 0 : op == 1 ? FL_CF : (in.flags & FL_CF) ^ FL_CF;
            want.flags = (in.flags & ~FL_CF) | cf;
            got = in;
            carry_ops[op](&got);
            tally_frame(&t, "", &in, &got, &want, 0);
        }
        tally_end(&t);
    }
}

/* CBW CWDE CWD CDQ: sign extension inside the accumulator (or into DX/EDX). */
static void test_convert(void)
{
    static stub_fn *const fns[4] = { cbw_stub, cwde_stub, cwd_stub, cdq_stub };
    static const char *const names[4] = { "cbw", "cwde", "cwd", "cdq" };
    for (int op = 0; op < 4; op++) {
        struct tally t;
        tally_begin(&t, names[op], 0);
        for (int k = 0; k < 300; k++) {
            struct cpu in, got, want;
            cpu_random(&in, random_arith_flags());
            if (k < n_edge_values)
                in.eax = edge_values[k] ^ (rng_next() & 0xffff0000);
            want = in;
            switch (op) {
            case 0: loc_put(&want, LOC_A, 16, (uint32_t)sign_extend(in.eax & 0xff, 8)); break;
            case 1: want.eax = (uint32_t)sign_extend(in.eax & 0xffff, 16); break;
            case 2: loc_put(&want, LOC_D, 16, (in.eax & 0x8000) ? 0xffff : 0); break;
            default: want.edx = (in.eax & 0x80000000) ? 0xffffffff : 0; break;
            }
            got = in;
            fns[op](&got);
            tally_frame(&t, "", &in, &got, &want, 0);
        }
        tally_end(&t);
    }
}

int main(void)
{
    static const struct xchg_form xchg_8[] = {
        { xchg8_rr, LOC_B, LOC_D }, { xchg8_hh, LOC_AH, LOC_BH }, { xchg8_lh, LOC_A, LOC_CH },
        { xchg8_hm, LOC_DH, LOC_MEM }, { xchg8_lm, LOC_B, LOC_MEM } };
    static const struct xchg_form xchg_16[] = {
        { xchg16_rr, LOC_B, LOC_D }, { xchg16_acc, LOC_A, LOC_B }, { xchg16_m, LOC_D, LOC_MEM } };
    static const struct xchg_form xchg_32[] = {
        { xchg32_rr, LOC_B, LOC_D }, { xchg32_acc, LOC_A, LOC_B }, { xchg32_m, LOC_D, LOC_MEM },
        { xchg32_mr, LOC_C, LOC_MEM } };

    for (int cc = 0; cc < 16; cc++)
        test_setcc(cc);
    for (int cc = 0; cc < 16; cc++) {
        test_cmovcc(cc, 16);
        test_cmovcc(cc, 32);
    }
    test_extend();
    test_xchg(8, xchg_8, NFORMS(xchg_8));
    test_xchg(16, xchg_16, NFORMS(xchg_16));
    test_xchg(32, xchg_32, NFORMS(xchg_32));
    test_flag_ops();
    test_convert();
    return check_summary();
}
