/* ADD ADC SUB SBB CMP AND OR XOR TEST, INC DEC NEG NOT, XADD and CMPXCHG at
 * 8, 16 and 32 bits in every operand form (register, high-byte register,
 * memory, immediate, sign-extended imm8, LOCK), each compared with a C
 * model of the result and of EFLAGS (SDM vol. 2 for each instruction).
 * Undefined flags: AF after AND/OR/XOR/TEST; nothing else here. */
#include "arith_common.h"

#define DECL_BIN(op) extern stub_fn op##8_rr, op##8_hh, op##8_hl, op##8_mr, op##8_ri, \
    op##8_di, op##8_mi, op##16_rr, op##16_mr, op##16_ri, op##16_di, op##16_si, op##16_mi, \
    op##32_rr, op##32_mr, op##32_ri, op##32_di, op##32_si, op##32_mi
#define DECL_RM(op) extern stub_fn op##8_rm, op##16_rm, op##32_rm
#define DECL_LM(op) extern stub_fn op##8_lm, op##16_lm, op##32_lm
#define DECL_UN(op) extern stub_fn op##8_r, op##8_h, op##8_m, op##16_r, op##16_m, \
    op##32_r, op##32_m

DECL_BIN(add); DECL_BIN(adc); DECL_BIN(sub); DECL_BIN(sbb); DECL_BIN(and);
DECL_BIN(or); DECL_BIN(xor); DECL_BIN(cmp); DECL_BIN(test);
DECL_RM(add); DECL_RM(adc); DECL_RM(sub); DECL_RM(sbb); DECL_RM(and);
DECL_RM(or); DECL_RM(xor); DECL_RM(cmp);
DECL_LM(add); DECL_LM(adc); DECL_LM(sub); DECL_LM(sbb); DECL_LM(and);
DECL_LM(or); DECL_LM(xor);
DECL_UN(inc); DECL_UN(dec); DECL_UN(neg); DECL_UN(not);
extern stub_fn inc16_r2, dec16_r2, inc32_r2, dec32_r2, inc32_lm, neg32_lm, not16_lm;
extern stub_fn xadd8_rr, xadd8_hh, xadd8_mr, xadd16_rr, xadd16_mr, xadd32_rr, xadd32_mr,
    xadd32_lm;
extern stub_fn cmpxchg8_rr, cmpxchg8_hr, cmpxchg8_mr, cmpxchg16_rr, cmpxchg16_mr,
    cmpxchg32_rr, cmpxchg32_mr, cmpxchg32_lm;

/* The forms of arith_flags_alu_stubs.S, with its immediates. */
#define FORMS8(op) \
    { op##8_rr, LOC_A, LOC_B, 0, 0 }, { op##8_hh, LOC_AH, LOC_BH, 0, 0 }, \
    { op##8_hl, LOC_D, LOC_CH, 0, 0 }, { op##8_mr, LOC_MEM, LOC_B, 0, 0 }, \
    { op##8_ri, LOC_A, LOC_IMM, 0x9c, 0 }, { op##8_di, LOC_D, LOC_IMM, 0x01, 0 }, \
    { op##8_mi, LOC_MEM, LOC_IMM, 0x35, 0 }
#define FORMS16(op) \
    { op##16_rr, LOC_A, LOC_B, 0, 0 }, { op##16_mr, LOC_MEM, LOC_B, 0, 0 }, \
    { op##16_ri, LOC_A, LOC_IMM, 0x8001, 0 }, { op##16_di, LOC_D, LOC_IMM, 0x8000, 0 }, \
    { op##16_si, LOC_D, LOC_IMM, 0xfffd, 0 }, { op##16_mi, LOC_MEM, LOC_IMM, 0x1234, 0 }
#define FORMS32(op) \
    { op##32_rr, LOC_A, LOC_B, 0, 0 }, { op##32_mr, LOC_MEM, LOC_B, 0, 0 }, \
    { op##32_ri, LOC_A, LOC_IMM, 0x80000001, 0 }, { op##32_di, LOC_C, LOC_IMM, 0x7ffffffe, 0 }, \
    { op##32_si, LOC_D, LOC_IMM, 0xfffffffd, 0 }, { op##32_mi, LOC_MEM, LOC_IMM, 0x12345678, 0 }
#define RM8(op) { op##8_rm, LOC_CH, LOC_MEM, 0, 0 }
#define RM16(op) { op##16_rm, LOC_D, LOC_MEM, 0, 0 }
#define RM32(op) { op##32_rm, LOC_D, LOC_MEM, 0, 0 }
#define LM(op, w) { op##w##_lm, LOC_MEM, LOC_B, 0, 0 }

#define RMW_TABLES(op) \
    static const struct form op##_8[] = { FORMS8(op), RM8(op), LM(op, 8) }; \
    static const struct form op##_16[] = { FORMS16(op), RM16(op), LM(op, 16) }; \
    static const struct form op##_32[] = { FORMS32(op), RM32(op), LM(op, 32) }

RMW_TABLES(add);
RMW_TABLES(adc);
RMW_TABLES(sub);
RMW_TABLES(sbb);
RMW_TABLES(and);
RMW_TABLES(or);
RMW_TABLES(xor);
static const struct form cmp_8[] = { FORMS8(cmp), RM8(cmp) };
static const struct form cmp_16[] = { FORMS16(cmp), RM16(cmp) };
static const struct form cmp_32[] = { FORMS32(cmp), RM32(cmp) };
static const struct form test_8[] = { FORMS8(test) };
static const struct form test_16[] = { FORMS16(test) };
static const struct form test_32[] = { FORMS32(test) };

static uint32_t model_add(uint32_t a, uint32_t b, int w, uint32_t *fl, uint32_t *undef)
{
    (void)undef;
    return model_add_carry(a, b, 0, w, fl);
}

static uint32_t model_adc(uint32_t a, uint32_t b, int w, uint32_t *fl, uint32_t *undef)
{
    (void)undef;
    return model_add_carry(a, b, *fl & FL_CF, w, fl);
}

static uint32_t model_sub(uint32_t a, uint32_t b, int w, uint32_t *fl, uint32_t *undef)
{
    (void)undef;
    return model_sub_borrow(a, b, 0, w, fl);
}

static uint32_t model_sbb(uint32_t a, uint32_t b, int w, uint32_t *fl, uint32_t *undef)
{
    (void)undef;
    return model_sub_borrow(a, b, *fl & FL_CF, w, fl);
}

static uint32_t model_cmp(uint32_t a, uint32_t b, int w, uint32_t *fl, uint32_t *undef)
{
    (void)undef;
    model_sub_borrow(a, b, 0, w, fl);
    return a;
}

/* AND/OR/XOR/TEST: CF = OF = 0, SF ZF PF from the result, AF undefined. */
static uint32_t logic_flags(uint32_t res, int w, uint32_t *fl)
{
    set_arith(fl, flags_szp(res, w));
    return res;
}

static uint32_t model_and(uint32_t a, uint32_t b, int w, uint32_t *fl, uint32_t *undef)
{
    (void)undef;
    return logic_flags(a & b, w, fl);
}

static uint32_t model_or(uint32_t a, uint32_t b, int w, uint32_t *fl, uint32_t *undef)
{
    (void)undef;
    return logic_flags(a | b, w, fl);
}

static uint32_t model_xor(uint32_t a, uint32_t b, int w, uint32_t *fl, uint32_t *undef)
{
    (void)undef;
    return logic_flags(a ^ b, w, fl);
}

static uint32_t model_test(uint32_t a, uint32_t b, int w, uint32_t *fl, uint32_t *undef)
{
    (void)undef;
    logic_flags(a & b, w, fl);
    return a;
}

/* INC/DEC leave CF alone; everything else is ADD/SUB of 1. */
static uint32_t model_inc(uint32_t a, uint32_t b, int w, uint32_t *fl, uint32_t *undef)
{
    (void)b, (void)undef;
    uint32_t cf = *fl & FL_CF;
    uint32_t res = model_add_carry(a, 1, 0, w, fl);
    *fl = (*fl & ~FL_CF) | cf;
    return res;
}

static uint32_t model_dec(uint32_t a, uint32_t b, int w, uint32_t *fl, uint32_t *undef)
{
    (void)b, (void)undef;
    uint32_t cf = *fl & FL_CF;
    uint32_t res = model_sub_borrow(a, 1, 0, w, fl);
    *fl = (*fl & ~FL_CF) | cf;
    return res;
}

/* NEG: 0 - a, so CF = (a != 0). */
static uint32_t model_neg(uint32_t a, uint32_t b, int w, uint32_t *fl, uint32_t *undef)
{
    (void)b, (void)undef;
    return model_sub_borrow(0, a, 0, w, fl);
}

/* NOT: no flag changes. */
static uint32_t model_not(uint32_t a, uint32_t b, int w, uint32_t *fl, uint32_t *undef)
{
    (void)b, (void)fl, (void)undef;
    return ~a & width_mask(w);
}

struct binop_test {
    const char *name;
    op_model *model;
    uint32_t undef;
    const struct form *forms[3];
    int nforms[3];
};

#define BINOP(op, model, undef) \
    { #op, model, undef, { op##_8, op##_16, op##_32 }, \
      { NFORMS(op##_8), NFORMS(op##_16), NFORMS(op##_32) } }

static const struct binop_test binops[] = {
    BINOP(add, model_add, 0),
    BINOP(adc, model_adc, 0),
    BINOP(sub, model_sub, 0),
    BINOP(sbb, model_sbb, 0),
    BINOP(cmp, model_cmp, 0),
    BINOP(and, model_and, FL_AF),
    BINOP(or, model_or, FL_AF),
    BINOP(xor, model_xor, FL_AF),
    BINOP(test, model_test, FL_AF),
};

#define UN8(op) { op##8_r, LOC_D, LOC_NONE, 0, 0 }, { op##8_h, LOC_AH, LOC_NONE, 0, 0 }, \
    { op##8_m, LOC_MEM, LOC_NONE, 0, 0 }
#define UN16(op) { op##16_r, LOC_D, LOC_NONE, 0, 0 }, { op##16_m, LOC_MEM, LOC_NONE, 0, 0 }
#define UN32(op) { op##32_r, LOC_D, LOC_NONE, 0, 0 }, { op##32_m, LOC_MEM, LOC_NONE, 0, 0 }

static const struct form inc_u8[] = { UN8(inc) };
static const struct form inc_u16[] = { UN16(inc), { inc16_r2, LOC_D, LOC_NONE, 0, 0 } };
static const struct form inc_u32[] = { UN32(inc), { inc32_r2, LOC_D, LOC_NONE, 0, 0 },
                                       { inc32_lm, LOC_MEM, LOC_NONE, 0, 0 } };
static const struct form dec_u8[] = { UN8(dec) };
static const struct form dec_u16[] = { UN16(dec), { dec16_r2, LOC_D, LOC_NONE, 0, 0 } };
static const struct form dec_u32[] = { UN32(dec), { dec32_r2, LOC_D, LOC_NONE, 0, 0 } };
static const struct form neg_u8[] = { UN8(neg) };
static const struct form neg_u16[] = { UN16(neg) };
static const struct form neg_u32[] = { UN32(neg), { neg32_lm, LOC_MEM, LOC_NONE, 0, 0 } };
static const struct form not_u8[] = { UN8(not) };
static const struct form not_u16[] = { UN16(not), { not16_lm, LOC_MEM, LOC_NONE, 0, 0 } };
static const struct form not_u32[] = { UN32(not) };

#define UNOP(op, model) \
    { #op, model, 0, { op##_u8, op##_u16, op##_u32 }, \
      { NFORMS(op##_u8), NFORMS(op##_u16), NFORMS(op##_u32) } }

static const struct binop_test unops[] = {
    UNOP(inc, model_inc),
    UNOP(dec, model_dec),
    UNOP(neg, model_neg),
    UNOP(not, model_not),
};

/* XADD dst, src: src receives the old dst, dst the sum (flags of ADD). */
static void test_xadd(int w, const struct form *forms, int nforms)
{
    struct tally t;
    tally_begin(&t, "xadd", w);
    for (int k = 0; k < 600; k++) {
        uint32_t a = k < n_edge_values ? edge_values[k] & width_mask(w) : random_operand(w);
        uint32_t b = random_operand(w);
        for (int f = 0; f < nforms; f++) {
            struct cpu in, got, want;
            cpu_random(&in, random_arith_flags());
            loc_put(&in, forms[f].dst, w, a);
            loc_put(&in, forms[f].src, w, b);
            want = in;
            loc_put(&want, forms[f].dst, w, model_add_carry(a, b, 0, w, &want.flags));
            loc_put(&want, forms[f].src, w, a);
            got = in;
            forms[f].fn(&got);
            tally_frame(&t, f == 0 ? "reg" : "mem/high", &in, &got, &want, 0);
        }
    }
    tally_end(&t);
}

/* CMPXCHG dst, src: flags of CMP acc, dst; equal: dst = src, else acc = dst.
 * Half the cases make the accumulator equal to dst. */
static void test_cmpxchg(int w, const struct form *forms, int nforms)
{
    struct tally t;
    tally_begin(&t, "cmpxchg", w);
    for (int k = 0; k < 600; k++) {
        uint32_t d = k < n_edge_values ? edge_values[k] & width_mask(w) : random_operand(w);
        uint32_t s = random_operand(w);
        uint32_t acc = (k & 1) ? d : random_operand(w);
        for (int f = 0; f < nforms; f++) {
            struct cpu in, got, want;
            cpu_random(&in, random_arith_flags());
            loc_put(&in, LOC_A, w, acc);
            loc_put(&in, forms[f].dst, w, d);
            loc_put(&in, forms[f].src, w, s);
            want = in;
            model_sub_borrow(acc, d, 0, w, &want.flags);
            if (acc == d)
                loc_put(&want, forms[f].dst, w, s);
            else
                loc_put(&want, LOC_A, w, d);
            got = in;
            forms[f].fn(&got);
            tally_frame(&t, acc == d ? "equal" : "unequal", &in, &got, &want, 0);
        }
    }
    tally_end(&t);
}

static const struct form xadd_8[] = {
    { xadd8_rr, LOC_D, LOC_B, 0, 0 }, { xadd8_hh, LOC_AH, LOC_BH, 0, 0 },
    { xadd8_mr, LOC_MEM, LOC_B, 0, 0 },
};
static const struct form xadd_16[] = {
    { xadd16_rr, LOC_D, LOC_B, 0, 0 }, { xadd16_mr, LOC_MEM, LOC_B, 0, 0 },
};
static const struct form xadd_32[] = {
    { xadd32_rr, LOC_D, LOC_B, 0, 0 }, { xadd32_mr, LOC_MEM, LOC_B, 0, 0 },
    { xadd32_lm, LOC_MEM, LOC_B, 0, 0 },
};
static const struct form cmpxchg_8[] = {
    { cmpxchg8_rr, LOC_D, LOC_B, 0, 0 }, { cmpxchg8_hr, LOC_DH, LOC_BH, 0, 0 },
    { cmpxchg8_mr, LOC_MEM, LOC_B, 0, 0 },
};
static const struct form cmpxchg_16[] = {
    { cmpxchg16_rr, LOC_D, LOC_B, 0, 0 }, { cmpxchg16_mr, LOC_MEM, LOC_B, 0, 0 },
};
static const struct form cmpxchg_32[] = {
    { cmpxchg32_rr, LOC_D, LOC_B, 0, 0 }, { cmpxchg32_mr, LOC_MEM, LOC_B, 0, 0 },
    { cmpxchg32_lm, LOC_MEM, LOC_B, 0, 0 },
};

int main(void)
{
    static const int widths[3] = { 8, 16, 32 };
    for (unsigned i = 0; i < sizeof binops / sizeof binops[0]; i++)
        for (int j = 0; j < 3; j++)
            run_binop(binops[i].name, widths[j], binops[i].model, binops[i].undef,
                      binops[i].forms[j], binops[i].nforms[j], NULL, 0);
    for (unsigned i = 0; i < sizeof unops / sizeof unops[0]; i++)
        for (int j = 0; j < 3; j++)
            run_unop(unops[i].name, widths[j], unops[i].model, unops[i].undef,
                     unops[i].forms[j], unops[i].nforms[j]);
    test_xadd(8, xadd_8, NFORMS(xadd_8));
    test_xadd(16, xadd_16, NFORMS(xadd_16));
    test_xadd(32, xadd_32, NFORMS(xadd_32));
    test_cmpxchg(8, cmpxchg_8, NFORMS(cmpxchg_8));
    test_cmpxchg(16, cmpxchg_16, NFORMS(cmpxchg_16));
    test_cmpxchg(32, cmpxchg_32, NFORMS(cmpxchg_32));
    return check_summary();
}
