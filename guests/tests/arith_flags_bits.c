/* BT BTS BTR BTC, BSF BSR and BSWAP against a C model (SDM vol. 2A):
 *   BT*: CF = the selected bit; ZF unchanged; OF SF AF PF undefined. A
 *     register operand, and any operand with an immediate offset, takes
 *     the offset modulo the width; a memory operand with a register offset
 *     is a bit string that takes the whole signed offset, so the access may
 *     land far from the operand's address (here up to +-8 KiB around a
 *     buffer's middle);
 *   BSF/BSR: ZF = (source == 0); the destination is undefined then;
 *     CF OF SF AF PF undefined;
 *   BSWAP r32: no flags change (BSWAP r16 is undefined and not tested).
 */
#include "arith_common.h"

enum bt_op { OP_BT, OP_BTS, OP_BTR, OP_BTC };

static uint32_t bt_apply(enum bt_op op, uint32_t v, unsigned bit, uint32_t *fl)
{
    *fl = (*fl & ~FL_CF) | ((v >> bit) & 1);
    switch (op) {
    case OP_BTS: return v | (1u << bit);
    case OP_BTR: return v & ~(1u << bit);
    case OP_BTC: return v ^ (1u << bit);
    default: return v;
    }
}

#define BT_MODEL(name, op) \
    static uint32_t name(uint32_t a, uint32_t b, int w, uint32_t *fl, uint32_t *undef) \
    { (void)undef; return bt_apply(op, a, b & (w - 1), fl); }
BT_MODEL(model_bt, OP_BT)
BT_MODEL(model_bts, OP_BTS)
BT_MODEL(model_btr, OP_BTR)
BT_MODEL(model_btc, OP_BTC)

static uint32_t model_bsf(uint32_t a, uint32_t b, int w, uint32_t *fl, uint32_t *undef)
{
    (void)w;
    if (!b) {
        *fl |= FL_ZF;
        *undef |= UNDEF_RESULT;
        return a;
    }
    *fl &= ~FL_ZF;
    unsigned i = 0;
    while (!((b >> i) & 1))
        i++;
    return i;
}

static uint32_t model_bsr(uint32_t a, uint32_t b, int w, uint32_t *fl, uint32_t *undef)
{
    (void)w;
    if (!b) {
        *fl |= FL_ZF;
        *undef |= UNDEF_RESULT;
        return a;
    }
    *fl &= ~FL_ZF;
    unsigned i = 31;
    while (!((b >> i) & 1))
        i--;
    return i;
}

#define DECL_BT(op) extern stub_fn op##16_rr, op##32_rr, op##16_sr, \
    op##32_sr, op##16_ri3, op##16_ri15, op##16_ri17, op##16_ri31, op##16_ri33, op##16_ri200, \
    op##32_ri3, op##32_ri15, op##32_ri17, op##32_ri31, op##32_ri33, op##32_ri200, \
    op##16_mi3, op##16_mi15, op##16_mi17, op##16_mi31, op##16_mi33, op##16_mi200, \
    op##32_mi3, op##32_mi15, op##32_mi17, op##32_mi31, op##32_mi33, op##32_mi200
DECL_BT(bt); DECL_BT(bts); DECL_BT(btr); DECL_BT(btc);
extern stub_fn bts32_lsr, btr32_lsr, btc32_lsr;
extern stub_fn bsf16_rr, bsf16_rm, bsf32_rr, bsf32_rm, bsr16_rr, bsr16_rm, bsr32_rr, bsr32_rm;
extern stub_fn bswap_eax, bswap_ebx, bswap_ecx, bswap_edx, bswap_esi, bswap_edi;

#define BT_IMM(op, w, kind, n, dst) { op##w##_##kind##n, dst, LOC_IMM, n, 8 }
#define BT_FORMS(op, w) \
    { op##w##_rr, LOC_D, LOC_B, 0, 0 }, \
    BT_IMM(op, w, ri, 3, LOC_D), BT_IMM(op, w, ri, 15, LOC_D), BT_IMM(op, w, ri, 17, LOC_D), \
    BT_IMM(op, w, ri, 31, LOC_D), BT_IMM(op, w, ri, 33, LOC_D), BT_IMM(op, w, ri, 200, LOC_D), \
    BT_IMM(op, w, mi, 3, LOC_MEM), BT_IMM(op, w, mi, 15, LOC_MEM), \
    BT_IMM(op, w, mi, 17, LOC_MEM), BT_IMM(op, w, mi, 31, LOC_MEM), \
    BT_IMM(op, w, mi, 33, LOC_MEM), BT_IMM(op, w, mi, 200, LOC_MEM)
#define BT_TABLES(op) \
    static const struct form op##_16[] = { BT_FORMS(op, 16) }; \
    static const struct form op##_32[] = { BT_FORMS(op, 32) }
BT_TABLES(bt);
BT_TABLES(bts);
BT_TABLES(btr);
BT_TABLES(btc);

struct bt_test {
    const char *name;
    enum bt_op op;
    op_model *model;
    const struct form *forms[2];
    int nforms[2];
    stub_fn *string16, *string32, *locked32;
};

#define BT_TEST(o, OP, locked) { #o, OP, model_##o, { o##_16, o##_32 }, \
    { NFORMS(o##_16), NFORMS(o##_32) }, o##16_sr, o##32_sr, locked }

static const struct bt_test bt_tests[] = {
    BT_TEST(bt, OP_BT, NULL),
    BT_TEST(bts, OP_BTS, bts32_lsr),
    BT_TEST(btr, OP_BTR, btr32_lsr),
    BT_TEST(btc, OP_BTC, btc32_lsr),
};

#define BITBUF_SIZE 16384
static uint8_t bitbuf[BITBUF_SIZE];

static uint8_t bitbuf_pattern(int i) { return (uint8_t)(i * 0x9d + 0x3b); }

/* The bit-string forms: ESI points at bitbuf's middle, the offset register
 * is BX/EBX (signed). Each case checks the frame and the target byte, then
 * restores the byte; the whole buffer is checked once at the end. */
static void test_bit_string(const struct bt_test *bt, int w, stub_fn *fn, const char *form)
{
    static const int32_t edges[] = { 0, 1, 7, 8, 15, 16, 31, 32, 33, -1, -8, -9, -16, -17,
                                     -32, -33, 0x7fff, -0x8000, 65535, -65536 };
    int nedges = sizeof edges / sizeof edges[0];
    int32_t limit = w == 16 ? 0x8000 : 0x10000;
    struct tally t;
    char name[24];
    snprintf(name, sizeof name, "%s_bitstring%s", bt->name, form);
    tally_begin(&t, name, w);
    for (int i = 0; i < BITBUF_SIZE; i++)
        bitbuf[i] = bitbuf_pattern(i);
    for (int k = 0; k < 600; k++) {
        int32_t off = k < nedges ? edges[k] : (int32_t)(rng_next() % (2 * limit)) - limit;
        if (w == 16)
            off = (int16_t)off;
        struct cpu in, got, want;
        cpu_random(&in, random_arith_flags());
        in.esi = (uint32_t)(bitbuf + BITBUF_SIZE / 2);
        loc_put(&in, LOC_B, w, (uint32_t)off);
        int byte = BITBUF_SIZE / 2 + (off >> 3);
        uint8_t before = bitbuf[byte];
        want = in;
        uint8_t after = (uint8_t)bt_apply(bt->op, before, off & 7, &want.flags);
        got = in;
        fn(&got);
        if (bitbuf[byte] != after) {
            got.mem_hi = bitbuf[byte];
            want.mem_hi = after;
        } else {
            got.mem_hi = want.mem_hi;
        }
        tally_frame(&t, "(%esi) [mem_hi = target byte]", &in, &got, &want,
                    FL_OF | FL_SF | FL_AF | FL_PF);
        bitbuf[byte] = before;
    }
    int stray = 0;
    for (int i = 0; i < BITBUF_SIZE; i++)
        stray += bitbuf[i] != bitbuf_pattern(i);
    if (stray) {
        printf("     %s: %d bytes changed outside the addressed bits\n", t.name, stray);
        t.failures++;
    }
    tally_end(&t);
}

/* BSWAP each register; flags unchanged. */
static void test_bswap(void)
{
    static stub_fn *const fns[6] = {
        bswap_eax, bswap_ebx, bswap_ecx, bswap_edx, bswap_esi, bswap_edi };
    struct tally t;
    tally_begin(&t, "bswap", 32);
    for (int k = 0; k < 200; k++) {
        for (int r = 0; r < 6; r++) {
            struct cpu in, got, want;
            cpu_random(&in, random_arith_flags());
            if (k < n_edge_values)
                (&in.eax)[r] = edge_values[k];
            want = in;
            uint32_t v = (&in.eax)[r];
            (&want.eax)[r] = (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
            got = in;
            fns[r](&got);
            tally_frame(&t, "reg", &in, &got, &want, 0);
        }
    }
    tally_end(&t);
}

int main(void)
{
    for (unsigned i = 0; i < sizeof bt_tests / sizeof bt_tests[0]; i++) {
        const struct bt_test *bt = &bt_tests[i];
        run_binop(bt->name, 16, bt->model, FL_OF | FL_SF | FL_AF | FL_PF, bt->forms[0],
                  bt->nforms[0], NULL, 0);
        run_binop(bt->name, 32, bt->model, FL_OF | FL_SF | FL_AF | FL_PF, bt->forms[1],
                  bt->nforms[1], NULL, 0);
        test_bit_string(bt, 16, bt->string16, "");
        test_bit_string(bt, 32, bt->string32, "");
        if (bt->locked32)
            test_bit_string(bt, 32, bt->locked32, "_lock");
    }
    static const struct form bsf16[] = {
        { bsf16_rr, LOC_D, LOC_B, 0, 0 }, { bsf16_rm, LOC_D, LOC_MEM, 0, 0 } };
    static const struct form bsf32[] = {
        { bsf32_rr, LOC_D, LOC_B, 0, 0 }, { bsf32_rm, LOC_D, LOC_MEM, 0, 0 } };
    static const struct form bsr16[] = {
        { bsr16_rr, LOC_D, LOC_B, 0, 0 }, { bsr16_rm, LOC_D, LOC_MEM, 0, 0 } };
    static const struct form bsr32[] = {
        { bsr32_rr, LOC_D, LOC_B, 0, 0 }, { bsr32_rm, LOC_D, LOC_MEM, 0, 0 } };
    const uint32_t undef = FL_CF | FL_OF | FL_SF | FL_AF | FL_PF;
    run_binop("bsf", 16, model_bsf, undef, bsf16, NFORMS(bsf16), NULL, 0);
    run_binop("bsf", 32, model_bsf, undef, bsf32, NFORMS(bsf32), NULL, 0);
    run_binop("bsr", 16, model_bsr, undef, bsr16, NFORMS(bsr16), NULL, 0);
    run_binop("bsr", 32, model_bsr, undef, bsr32, NFORMS(bsr32), NULL, 0);
    test_bswap();
    return check_summary();
}
