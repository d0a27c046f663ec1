/* MUL, IMUL (one-, two- and three-operand) and DIV, IDIV at 8, 16 and 32
 * bits against a C model (SDM vol. 2A/2B, MUL, IMUL, DIV, IDIV):
 *   MUL/IMUL one-operand: AX, DX:AX or EDX:EAX = accumulator x source;
 *     CF = OF = "the upper half is significant"; SF ZF AF PF undefined;
 *   IMUL two/three-operand: truncated product; CF = OF = "truncated";
 *     SF ZF AF PF undefined;
 *   DIV/IDIV: quotient and remainder (IDIV truncates toward zero, the
 *     remainder has the dividend's sign); every flag undefined.
 * Operands never make DIV/IDIV fault (#DE is another test's business). */
#include "arith_common.h"

extern stub_fn mul8_b, mul8_bh, mul8_m, mul16_b, mul16_m, mul32_b, mul32_m;
extern stub_fn imul8_b, imul8_bh, imul8_m, imul16_b, imul16_m, imul32_b, imul32_m;
extern stub_fn div8_b, div8_bh, div8_m, div16_b, div16_m, div32_b, div32_m;
extern stub_fn idiv8_b, idiv8_bh, idiv8_m, idiv16_b, idiv16_m, idiv32_b, idiv32_m;
extern stub_fn mul8_ah, imul8_ah, mul16_d, mul32_d, imul32_d;
extern stub_fn imul2_16_r, imul2_16_m, imul2_32_r, imul2_32_m;
extern stub_fn imul3_16_r8, imul3_16_r16, imul3_16_m8, imul3_32_r8, imul3_32_r32,
    imul3_32_m32, imul3_32_same;

enum md_op { OP_MUL, OP_IMUL, OP_DIV, OP_IDIV };

/* The double-width accumulator: AX, DX:AX or EDX:EAX. */
static uint64_t acc_get(const struct cpu *c, int w)
{
    if (w == 8)
        return c->eax & 0xffff;
    if (w == 16)
        return ((c->edx & 0xffff) << 16) | (c->eax & 0xffff);
    return ((uint64_t)c->edx << 32) | c->eax;
}

static void acc_put(struct cpu *c, int w, uint64_t v)
{
    if (w == 8) {
        loc_put(c, LOC_A, 16, (uint32_t)v);
    } else {
        loc_put(c, LOC_A, w, (uint32_t)v);
        loc_put(c, LOC_D, w, (uint32_t)(v >> w));
    }
}

static int64_t sext64(uint64_t v, int bits)
{
    return bits == 64 ? (int64_t)v : (int64_t)(v << (64 - bits)) >> (64 - bits);
}

/* Applies a one-operand MUL/IMUL/DIV/IDIV to frame c. Returns 0 when the
 * operation would raise #DE (the generator avoids it; this double-checks). */
static int model_md(enum md_op op, int w, enum loc src, struct cpu *c, uint32_t *undef)
{
    uint32_t m = width_mask(w), s = loc_get(c, src, w);
    uint32_t lo = c->eax & m;
    uint64_t mask2 = w == 32 ? ~0ull : (1ull << (2 * w)) - 1;
    if (op == OP_MUL || op == OP_IMUL) {
        uint64_t v;
        int significant;
        if (op == OP_MUL) {
            v = (uint64_t)lo * s;
            significant = (v >> w) != 0;
        } else {
            int64_t p = (int64_t)sign_extend(lo, w) * sign_extend(s, w);
            v = (uint64_t)p & mask2;
            significant = p != sign_extend((uint32_t)p & m, w);
        }
        acc_put(c, w, v);
        set_arith(&c->flags, significant ? FL_CF | FL_OF : 0);
        *undef = FL_SF | FL_ZF | FL_AF | FL_PF;
        return 1;
    }
    *undef = FL_ARITH;
    uint64_t dividend = acc_get(c, w);
    if (s == 0)
        return 0;
    if (op == OP_DIV) {
        uint64_t q = dividend / s, r = dividend % s;
        if (q > m)
            return 0;
        acc_put(c, w, (r << w) | q);
    } else {
        int64_t n = sext64(dividend, 2 * w), d = sign_extend(s, w);
        int64_t q = n / d, r = n % d;
        if (q != sign_extend((uint32_t)q & m, w))
            return 0;
        acc_put(c, w, (((uint64_t)r & m) << w) | ((uint64_t)q & m));
    }
    return 1;
}

struct md_form {
    stub_fn *fn;
    enum loc src;
};

static uint32_t nonzero_operand(int w)
{
    uint32_t v;
    do
        v = random_operand(w);
    while (!v);
    return v;
}

/* Sets up a dividend that gives an in-range quotient for divisor s. */
static void pick_dividend(enum md_op op, int w, uint32_t s, struct cpu *c)
{
    if (op == OP_DIV) {
        uint64_t hi = random_operand(w) % s, lo = random_operand(w);
        acc_put(c, w, (hi << w) | lo);
        return;
    }
    int64_t d = sign_extend(s, w), q = sign_extend(random_operand(w), w);
    uint64_t mag = (uint64_t)(d < 0 ? -d : d);
    int64_t r = (int64_t)(((uint64_t)rng_next() << 16 ^ rng_next()) % mag);
    int64_t qd = q * d;
    if (qd < 0 || (qd == 0 && (rng_next() & 1)))
        r = -r;
    uint64_t n = (uint64_t)(qd + r);
    acc_put(c, w, n & (w == 32 ? ~0ull : (1ull << (2 * w)) - 1));
}

static void test_md(const char *name, enum md_op op, int w, const struct md_form *forms, int nforms)
{
    struct tally t;
    tally_begin(&t, name, w);
    int n_pairs = n_edge_values * n_edge_values;
    for (int k = 0; k < n_pairs + 300; k++) {
        int kk = k % n_pairs;
        for (int f = 0; f < nforms; f++) {
            struct cpu in, got, want;
            uint32_t undef;
            cpu_random(&in, random_arith_flags());
            if (op == OP_MUL || op == OP_IMUL) {
                uint32_t a = k < n_pairs ? edge_values[kk / n_edge_values] : random_operand(w);
                uint32_t b = k < n_pairs ? edge_values[kk % n_edge_values] : random_operand(w);
                loc_put(&in, LOC_A, w, a);
                loc_put(&in, forms[f].src, w, b);
            } else {
                uint32_t s = (k < n_edge_values && (edge_values[k] & width_mask(w)))
                                 ? edge_values[k] & width_mask(w) : nonzero_operand(w);
                loc_put(&in, forms[f].src, w, s);
                pick_dividend(op, w, s, &in);
            }
            want = in;
            if (!model_md(op, w, forms[f].src, &want, &undef)) {
                printf("     %s%d: generator made a faulting case\n", name, w);
                t.failures++;
                continue;
            }
            got = in;
            forms[f].fn(&got);
            tally_frame(&t, "", &in, &got, &want, undef);
        }
    }
    tally_end(&t);
}

/* IMUL dst, src (has_imm = 0) and IMUL dst, src, imm; dst is DX/EDX. */
struct imul_form {
    stub_fn *fn;
    enum loc src;
    int has_imm;
    uint32_t imm;
};

static void test_imul_n(const char *name, int w, const struct imul_form *forms, int nforms)
{
    struct tally t;
    uint32_t m = width_mask(w);
    tally_begin(&t, name, w);
    int n_pairs = n_edge_values * n_edge_values;
    for (int k = 0; k < n_pairs + 500; k++) {
        int kk = k % n_pairs;
        uint32_t a = k < n_pairs ? edge_values[kk / n_edge_values] & m : random_operand(w);
        uint32_t b = k < n_pairs ? edge_values[kk % n_edge_values] & m : random_operand(w);
        for (int f = 0; f < nforms; f++) {
            struct cpu in, got, want;
            cpu_random(&in, random_arith_flags());
            loc_put(&in, LOC_D, w, a);
            if (forms[f].src != LOC_D)
                loc_put(&in, forms[f].src, w, b);
            uint32_t x = forms[f].has_imm ? forms[f].imm : a;
            uint32_t y = loc_get(&in, forms[f].src, w);
            int64_t p = (int64_t)sign_extend(x & m, w) * sign_extend(y, w);
            want = in;
            loc_put(&want, LOC_D, w, (uint32_t)p);
            set_arith(&want.flags,
                      p != sign_extend((uint32_t)p & m, w) ? FL_CF | FL_OF : 0);
            got = in;
            forms[f].fn(&got);
            tally_frame(&t, forms[f].has_imm ? "3-operand" : "2-operand", &in, &got, &want,
                        FL_SF | FL_ZF | FL_AF | FL_PF);
        }
    }
    tally_end(&t);
}

int main(void)
{
    static const struct md_form mul_8[] = {
        { mul8_b, LOC_B }, { mul8_bh, LOC_BH }, { mul8_m, LOC_MEM }, { mul8_ah, LOC_AH } };
    static const struct md_form mul_16[] = {
        { mul16_b, LOC_B }, { mul16_m, LOC_MEM }, { mul16_d, LOC_D } };
    static const struct md_form mul_32[] = {
        { mul32_b, LOC_B }, { mul32_m, LOC_MEM }, { mul32_d, LOC_D } };
    static const struct md_form imul_8[] = {
        { imul8_b, LOC_B }, { imul8_bh, LOC_BH }, { imul8_m, LOC_MEM }, { imul8_ah, LOC_AH } };
    static const struct md_form imul_16[] = { { imul16_b, LOC_B }, { imul16_m, LOC_MEM } };
    static const struct md_form imul_32[] = {
        { imul32_b, LOC_B }, { imul32_m, LOC_MEM }, { imul32_d, LOC_D } };
    static const struct md_form div_8[] = {
        { div8_b, LOC_B }, { div8_bh, LOC_BH }, { div8_m, LOC_MEM } };
    static const struct md_form div_16[] = { { div16_b, LOC_B }, { div16_m, LOC_MEM } };
    static const struct md_form div_32[] = { { div32_b, LOC_B }, { div32_m, LOC_MEM } };
    static const struct md_form idiv_8[] = {
        { idiv8_b, LOC_B }, { idiv8_bh, LOC_BH }, { idiv8_m, LOC_MEM } };
    static const struct md_form idiv_16[] = { { idiv16_b, LOC_B }, { idiv16_m, LOC_MEM } };
    static const struct md_form idiv_32[] = { { idiv32_b, LOC_B }, { idiv32_m, LOC_MEM } };
    /* NB: the immediates of arith_flags_muldiv_stubs.S. */
    static const struct imul_form imul2_16[] = {
        { imul2_16_r, LOC_B, 0, 0 }, { imul2_16_m, LOC_MEM, 0, 0 } };
    static const struct imul_form imul2_32[] = {
        { imul2_32_r, LOC_B, 0, 0 }, { imul2_32_m, LOC_MEM, 0, 0 } };
    static const struct imul_form imul3_16[] = {
        { imul3_16_r8, LOC_B, 1, 0xfffd }, { imul3_16_r16, LOC_B, 1, 0x1234 },
        { imul3_16_m8, LOC_MEM, 1, 0x7f } };
    static const struct imul_form imul3_32[] = {
        { imul3_32_r8, LOC_B, 1, 0xfffffffd }, { imul3_32_r32, LOC_B, 1, 0x12345 },
        { imul3_32_m32, LOC_MEM, 1, 0x7fffffff }, { imul3_32_same, LOC_D, 1, 0xffffff80 } };

    test_md("mul", OP_MUL, 8, mul_8, NFORMS(mul_8));
    test_md("mul", OP_MUL, 16, mul_16, NFORMS(mul_16));
    test_md("mul", OP_MUL, 32, mul_32, NFORMS(mul_32));
    test_md("imul", OP_IMUL, 8, imul_8, NFORMS(imul_8));
    test_md("imul", OP_IMUL, 16, imul_16, NFORMS(imul_16));
    test_md("imul", OP_IMUL, 32, imul_32, NFORMS(imul_32));
    test_imul_n("imul_2op_", 16, imul2_16, NFORMS(imul2_16));
    test_imul_n("imul_2op_", 32, imul2_32, NFORMS(imul2_32));
    test_imul_n("imul_3op_", 16, imul3_16, NFORMS(imul3_16));
    test_imul_n("imul_3op_", 32, imul3_32, NFORMS(imul3_32));
    test_md("div", OP_DIV, 8, div_8, NFORMS(div_8));
    test_md("div", OP_DIV, 16, div_16, NFORMS(div_16));
    test_md("div", OP_DIV, 32, div_32, NFORMS(div_32));
    test_md("idiv", OP_IDIV, 8, idiv_8, NFORMS(idiv_8));
    test_md("idiv", OP_IDIV, 16, idiv_16, NFORMS(idiv_16));
    test_md("idiv", OP_IDIV, 32, idiv_32, NFORMS(idiv_32));
    return check_summary();
}
