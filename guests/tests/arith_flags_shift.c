/* SHL SHR SAR ROL ROR RCL RCR (8/16/32 bits) and SHLD SHRD (16/32 bits)
 * with counts in CL (0..40 and large ones, to see the 5-bit mask), the
 * by-one encodings and immediate counts, in register, high-byte and memory
 * forms, against a C model of the SDM pseudocode (vol. 2B, SAL/SAR/SHL/SHR,
 * RCL/RCR/ROL/ROR, SHLD, SHRD). What the SDM leaves undefined is masked:
 *   - a masked count of 0 changes nothing, flags included;
 *   - AF after any shift with a non-zero count; OF unless the count is 1;
 *   - CF after SHL/SHR when the count is >= the operand width;
 *   - rotates leave SF ZF AF PF alone; RCL/RCR rotate through CF modulo
 *     9 (8-bit) or 17 (16-bit) bits after the 5-bit mask;
 *   - SHLD/SHRD 16-bit with a count above 16: result and flags undefined.
 */
#include "arith_common.h"

enum shift_op { OP_SHL, OP_SHR, OP_SAR, OP_ROL, OP_ROR, OP_RCL, OP_RCR };

static uint32_t msb(uint32_t v, int w) { return (v >> (w - 1)) & 1; }

static uint32_t shift_model(enum shift_op op, uint32_t a, uint32_t count, int w,
                            uint32_t *fl, uint32_t *undef)
{
    uint32_t m = width_mask(w), c = count & 0x1f;
    uint32_t cf = *fl & FL_CF, of = 0, res;
    if (c == 0)
        return a;
    switch (op) {
    case OP_SHL:
    case OP_SHR:
    case OP_SAR:
        if (op == OP_SHL) {
            res = (uint32_t)((uint64_t)a << c) & m;
            cf = c < (uint32_t)w ? (a >> (w - c)) & 1 : 0;
            of = msb(res, w) ^ cf;
        } else if (op == OP_SHR) {
            res = a >> c;
            cf = c < (uint32_t)w ? (a >> (c - 1)) & 1 : 0;
            of = msb(a, w);
        } else {
            int32_t s = sign_extend(a, w);
            res = (uint32_t)(s >> c) & m;
            cf = (uint32_t)(s >> (c - 1)) & 1;
            of = 0;
        }
        if (op != OP_SAR && c >= (uint32_t)w)
            *undef |= FL_CF;
        *undef |= FL_AF;
        set_arith(fl, flags_szp(res, w) | cf);
        break;
    case OP_ROL:
    case OP_ROR: {
        uint32_t t = c % w;
        if (op == OP_ROL) {
            res = t ? ((a << t) | (a >> (w - t))) & m : a;
            cf = res & 1;
            of = msb(res, w) ^ cf;
        } else {
            res = t ? ((a >> t) | (a << (w - t))) & m : a;
            cf = msb(res, w);
            of = msb(res, w) ^ ((res >> (w - 2)) & 1);
        }
        *fl = (*fl & ~FL_CF) | cf;
        break;
    }
    default: {
        /* RCL/RCR: a (w+1)-bit rotate of CF:a. */
        uint32_t n = w + 1, t = c % n;
        uint64_t nm = ((uint64_t)1 << n) - 1;
        uint64_t v = ((uint64_t)cf << w) | a;
        if (t)
            v = op == OP_RCL ? ((v << t) | (v >> (n - t))) & nm
                             : ((v >> t) | (v << (n - t))) & nm;
        res = (uint32_t)v & m;
        cf = (uint32_t)(v >> w) & 1;
        of = op == OP_RCL ? msb(res, w) ^ cf : msb(res, w) ^ ((res >> (w - 2)) & 1);
        *fl = (*fl & ~FL_CF) | cf;
        break;
    }
    }
    if (c == 1)
        *fl = (*fl & ~FL_OF) | (of ? FL_OF : 0);
    else
        *undef |= FL_OF;
    return res;
}

#define SHIFT_MODEL(name, op) \
    static uint32_t name(uint32_t a, uint32_t b, int w, uint32_t *fl, uint32_t *undef) \
    { return shift_model(op, a, b, w, fl, undef); }
SHIFT_MODEL(model_shl, OP_SHL)
SHIFT_MODEL(model_shr, OP_SHR)
SHIFT_MODEL(model_sar, OP_SAR)
SHIFT_MODEL(model_rol, OP_ROL)
SHIFT_MODEL(model_ror, OP_ROR)
SHIFT_MODEL(model_rcl, OP_RCL)
SHIFT_MODEL(model_rcr, OP_RCR)

#define DECL_SHIFT(op) extern stub_fn \
    op##8_c, op##8_hc, op##8_mc, op##8_1, op##8_m1, op##8_mi5, \
    op##16_c, op##16_mc, op##16_1, op##16_m1, op##16_mi5, \
    op##32_c, op##32_mc, op##32_1, op##32_m1, op##32_mi5, \
    op##8_i0, op##8_i3, op##8_i7, op##8_i8, op##8_i9, op##8_i15, op##8_i16, op##8_i17, \
    op##8_i31, op##8_i32, op##8_i33, op##8_i200, \
    op##16_i0, op##16_i3, op##16_i7, op##16_i8, op##16_i9, op##16_i15, op##16_i16, op##16_i17, \
    op##16_i31, op##16_i32, op##16_i33, op##16_i200, \
    op##32_i0, op##32_i3, op##32_i7, op##32_i8, op##32_i9, op##32_i15, op##32_i16, op##32_i17, \
    op##32_i31, op##32_i32, op##32_i33, op##32_i200
DECL_SHIFT(shl); DECL_SHIFT(shr); DECL_SHIFT(sar); DECL_SHIFT(rol);
DECL_SHIFT(ror); DECL_SHIFT(rcl); DECL_SHIFT(rcr);

#define IMM(op, w, n, dst) { op##w##_i##n, dst, LOC_IMM, n, 8 }
#define IMM_FORMS(op, w, dst) \
    IMM(op, w, 0, dst), IMM(op, w, 3, dst), IMM(op, w, 7, dst), IMM(op, w, 8, dst), \
    IMM(op, w, 9, dst), IMM(op, w, 15, dst), IMM(op, w, 16, dst), IMM(op, w, 17, dst), \
    IMM(op, w, 31, dst), IMM(op, w, 32, dst), IMM(op, w, 33, dst), IMM(op, w, 200, dst), \
    { op##w##_1, dst, LOC_IMM, 1, 8 }, { op##w##_m1, LOC_MEM, LOC_IMM, 1, 8 }, \
    { op##w##_mi5, LOC_MEM, LOC_IMM, 5, 8 }
#define SHIFT_TABLES(op) \
    static const struct form op##_8[] = { \
        { op##8_c, LOC_D, LOC_C, 0, 8 }, { op##8_hc, LOC_AH, LOC_C, 0, 8 }, \
        { op##8_mc, LOC_MEM, LOC_C, 0, 8 }, IMM_FORMS(op, 8, LOC_D) }; \
    static const struct form op##_16[] = { \
        { op##16_c, LOC_D, LOC_C, 0, 8 }, { op##16_mc, LOC_MEM, LOC_C, 0, 8 }, \
        IMM_FORMS(op, 16, LOC_D) }; \
    static const struct form op##_32[] = { \
        { op##32_c, LOC_D, LOC_C, 0, 8 }, { op##32_mc, LOC_MEM, LOC_C, 0, 8 }, \
        IMM_FORMS(op, 32, LOC_D) }

SHIFT_TABLES(shl);
SHIFT_TABLES(shr);
SHIFT_TABLES(sar);
SHIFT_TABLES(rol);
SHIFT_TABLES(ror);
SHIFT_TABLES(rcl);
SHIFT_TABLES(rcr);

struct shift_test {
    const char *name;
    op_model *model;
    const struct form *forms[3];
    int nforms[3];
};

#define SHIFT(op) { #op, model_##op, { op##_8, op##_16, op##_32 }, \
    { NFORMS(op##_8), NFORMS(op##_16), NFORMS(op##_32) } }

static const struct shift_test shifts[] = {
    SHIFT(shl), SHIFT(shr), SHIFT(sar), SHIFT(rol), SHIFT(ror), SHIFT(rcl), SHIFT(rcr),
};

/* SHLD/SHRD dst, src, count: dst:src (SHLD) or src:dst (SHRD) shifted. */
static uint32_t double_shift_model(int left, uint32_t d, uint32_t s, uint32_t count, int w,
                                   uint32_t *fl, uint32_t *undef)
{
    uint32_t m = width_mask(w), c = count & 0x1f, res, cf;
    if (c == 0)
        return d;
    if (c > (uint32_t)w) {
        *undef |= FL_ARITH | UNDEF_RESULT;
        return d;
    }
    if (left) {
        res = (uint32_t)(((uint64_t)d << c) | ((uint64_t)s >> (w - c))) & m;
        cf = (d >> (w - c)) & 1;
    } else {
        res = (uint32_t)(((uint64_t)d >> c) | ((uint64_t)s << (w - c))) & m;
        cf = (d >> (c - 1)) & 1;
    }
    set_arith(fl, flags_szp(res, w) | cf);
    *undef |= FL_AF;
    if (c == 1)
        *fl |= msb(res, w) ^ msb(d, w) ? FL_OF : 0;
    else
        *undef |= FL_OF;
    return res;
}

#define DECL_DSHIFT(op) extern stub_fn op##16_c, op##16_mc, op##32_c, op##32_mc, \
    op##16_i0, op##16_i1, op##16_i4, op##16_i15, op##16_i16, op##16_i31, \
    op##32_i0, op##32_i1, op##32_i4, op##32_i15, op##32_i16, op##32_i31, op##32_mi7
DECL_DSHIFT(shld);
DECL_DSHIFT(shrd);

/* Double-shift forms: dst in DX/EDX or memory, src in BX/EBX; count in CL
 * (imm = -1 here) or built in. */
struct dshift_form {
    stub_fn *fn;
    enum loc dst;
    int imm;
};
#define DSHIFT_FORMS(op, w) \
    { op##w##_c, LOC_D, -1 }, { op##w##_mc, LOC_MEM, -1 }, { op##w##_i0, LOC_D, 0 }, \
    { op##w##_i1, LOC_D, 1 }, { op##w##_i4, LOC_D, 4 }, { op##w##_i15, LOC_D, 15 }, \
    { op##w##_i16, LOC_D, 16 }, { op##w##_i31, LOC_D, 31 }
static const struct dshift_form shld_16[] = { DSHIFT_FORMS(shld, 16) };
static const struct dshift_form shrd_16[] = { DSHIFT_FORMS(shrd, 16) };
static const struct dshift_form shld_32[] = { DSHIFT_FORMS(shld, 32), { shld32_mi7, LOC_MEM, 7 } };
static const struct dshift_form shrd_32[] = { DSHIFT_FORMS(shrd, 32), { shrd32_mi7, LOC_MEM, 7 } };

static void test_double_shift(int left, int w, const struct dshift_form *forms, int nforms)
{
    struct tally t;
    tally_begin(&t, left ? "shld" : "shrd", w);
    for (int k = 0; k < 700; k++) {
        uint32_t d = k < n_edge_values ? edge_values[k] & width_mask(w) : random_operand(w);
        uint32_t s = random_operand(w);
        uint32_t count = k < 64 ? (uint32_t)k : rng_next() & 0xff;
        for (int f = 0; f < nforms; f++) {
            struct cpu in, got, want;
            uint32_t c = forms[f].imm < 0 ? count : (uint32_t)forms[f].imm, undef = 0;
            cpu_random(&in, random_arith_flags());
            loc_put(&in, forms[f].dst, w, d);
            loc_put(&in, LOC_B, w, s);
            loc_put(&in, LOC_C, 8, count);
            want = in;
            loc_put(&want, forms[f].dst, w,
                    double_shift_model(left, d, s, c, w, &want.flags, &undef));
            got = in;
            forms[f].fn(&got);
            if (undef & UNDEF_RESULT)
                loc_put(&want, forms[f].dst, w, loc_get(&got, forms[f].dst, w));
            tally_frame(&t, forms[f].imm < 0 ? "cl" : "imm", &in, &got, &want,
                        undef & ~UNDEF_RESULT);
        }
    }
    tally_end(&t);
}

int main(void)
{
    static const int widths[3] = { 8, 16, 32 };
    uint32_t counts[41 + 7];
    int nc = 0;
    for (uint32_t c = 0; c <= 40; c++)
        counts[nc++] = c;
    counts[nc++] = 63;
    counts[nc++] = 64;
    counts[nc++] = 65;
    counts[nc++] = 127;
    counts[nc++] = 128;
    counts[nc++] = 200;
    counts[nc++] = 255;
    for (unsigned i = 0; i < sizeof shifts / sizeof shifts[0]; i++)
        for (int j = 0; j < 3; j++)
            run_binop(shifts[i].name, widths[j], shifts[i].model, 0, shifts[i].forms[j],
                      shifts[i].nforms[j], counts, nc);
    test_double_shift(1, 16, shld_16, NFORMS(shld_16));
    test_double_shift(1, 32, shld_32, NFORMS(shld_32));
    test_double_shift(0, 16, shrd_16, NFORMS(shrd_16));
    test_double_shift(0, 32, shrd_32, NFORMS(shrd_32));
    return check_summary();
}
