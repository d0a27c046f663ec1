/* DAA DAS AAA AAS AAM AAD, exhaustively over AL x AF x CF (SDM vol. 2A,
 * current pseudocode: AAA adds 106H to AX and AAS subtracts 6 from AX, so
 * a carry or borrow out of AL reaches AH). These opcodes are invalid in
 * 64-bit mode: a translator emulates each, flags included. Undefined:
 *   DAA/DAS: OF;  AAA/AAS: OF SF ZF PF;  AAM/AAD: OF AF CF.
 * Then each adjustment right after the instruction whose AF/CF it reads
 * (ADD/ADC + DAA over all packed-BCD byte pairs, ...), since a translator
 * that computes flags lazily must still produce that AF. */
#include "arith_common.h"

extern stub_fn daa_stub, das_stub, aaa_stub, aas_stub;
extern stub_fn aam_10, aam_16, aam_1, aam_2, aam_7, aam_128, aam_255;
extern stub_fn aad_10, aad_0, aad_1, aad_16, aad_7, aad_255;
extern stub_fn add_daa, adc_daa, sub_das, sbb_das, add_aaa, sub_aas, mul_aam, aad_div;

static uint32_t get_al(const struct cpu *c) { return c->eax & 0xff; }
static uint32_t get_ah(const struct cpu *c) { return (c->eax >> 8) & 0xff; }
static void put_ax(struct cpu *c, uint32_t ax) { c->eax = (c->eax & ~0xffffu) | (ax & 0xffff); }

/* Each model updates the frame in place and returns the undefined flags. */
typedef uint32_t bcd_model(struct cpu *c, uint32_t imm);

static uint32_t model_daa(struct cpu *c, uint32_t imm)
{
    (void)imm;
    uint32_t al = get_al(c), old_al = al, old_cf = c->flags & FL_CF, f = 0;
    if ((al & 0x0f) > 9 || (c->flags & FL_AF)) {
        al = (al + 6) & 0xff;
        f |= FL_AF;
    }
    if (old_al > 0x99 || old_cf) {
        al = (al + 0x60) & 0xff;
        f |= FL_CF;
    }
    loc_put(c, LOC_A, 8, al);
    set_arith(&c->flags, f | flags_szp(al, 8));
    return FL_OF;
}

/* DAS: unlike DAA, the second step does not clear CF, so a borrow out of
 * AL - 6 survives it. */
static uint32_t model_das(struct cpu *c, uint32_t imm)
{
    (void)imm;
    uint32_t al = get_al(c), old_al = al, old_cf = c->flags & FL_CF, f = 0;
    if ((al & 0x0f) > 9 || (c->flags & FL_AF)) {
        if (old_cf || al < 6)
            f |= FL_CF;
        al = (al - 6) & 0xff;
        f |= FL_AF;
    }
    if (old_al > 0x99 || old_cf) {
        al = (al - 0x60) & 0xff;
        f |= FL_CF;
    }
    loc_put(c, LOC_A, 8, al);
    set_arith(&c->flags, f | flags_szp(al, 8));
    return FL_OF;
}

static uint32_t model_aaa(struct cpu *c, uint32_t imm)
{
    (void)imm;
    uint32_t ax = c->eax & 0xffff, f = 0;
    if ((ax & 0x0f) > 9 || (c->flags & FL_AF)) {
        ax += 0x106;
        f = FL_AF | FL_CF;
    }
    put_ax(c, ax & 0xff0f);
    set_arith(&c->flags, f);
    return FL_OF | FL_SF | FL_ZF | FL_PF;
}

static uint32_t model_aas(struct cpu *c, uint32_t imm)
{
    (void)imm;
    uint32_t ax = c->eax & 0xffff, f = 0;
    if ((ax & 0x0f) > 9 || (c->flags & FL_AF)) {
        ax = (ax - 6) - 0x100;
        f = FL_AF | FL_CF;
    }
    put_ax(c, ax & 0xff0f);
    set_arith(&c->flags, f);
    return FL_OF | FL_SF | FL_ZF | FL_PF;
}

static uint32_t model_aam(struct cpu *c, uint32_t imm)
{
    uint32_t al = get_al(c);
    put_ax(c, ((al / imm) << 8) | (al % imm));
    set_arith(&c->flags, flags_szp(al % imm, 8));
    return FL_OF | FL_AF | FL_CF;
}

static uint32_t model_aad(struct cpu *c, uint32_t imm)
{
    uint32_t al = (get_al(c) + get_ah(c) * imm) & 0xff;
    put_ax(c, al);
    set_arith(&c->flags, flags_szp(al, 8));
    return FL_OF | FL_AF | FL_CF;
}

/* All AL x AF x CF, each with three AH values (0x00, 0xff, random). */
static void test_adjust(const char *name, stub_fn *fn, bcd_model *m, uint32_t imm)
{
    struct tally t;
    tally_begin(&t, name, 0);
    for (uint32_t i = 0; i < 256 * 4 * 3; i++) {
        struct cpu in, got, want;
        uint32_t al = i & 0xff, af = (i >> 8) & 1, cf = (i >> 9) & 1, k = i >> 10;
        cpu_random(&in, (random_arith_flags() & ~(FL_AF | FL_CF)) | (af ? FL_AF : 0) | cf);
        uint32_t ah = k == 0 ? 0 : k == 1 ? 0xff : rng_next() & 0xff;
        put_ax(&in, (ah << 8) | al);
        want = in;
        uint32_t undef = m(&want, imm);
        got = in;
        fn(&got);
        tally_frame(&t, "", &in, &got, &want, undef);
    }
    tally_end(&t);
}

/* An arithmetic op on AL, BL followed by an adjustment. */
enum pre_op { PRE_ADD, PRE_ADC, PRE_SUB, PRE_SBB };

static void pre_apply(enum pre_op op, struct cpu *c)
{
    uint32_t a = get_al(c), b = c->ebx & 0xff, cf = c->flags & FL_CF, r;
    if (op == PRE_ADD || op == PRE_ADC)
        r = model_add_carry(a, b, op == PRE_ADC ? cf : 0, 8, &c->flags);
    else
        r = model_sub_borrow(a, b, op == PRE_SBB ? cf : 0, 8, &c->flags);
    loc_put(c, LOC_A, 8, r);
}

static uint32_t bcd_byte(int n) { return (uint32_t)((n / 10) << 4 | (n % 10)); }

/* Packed BCD: every pair of valid bytes 00..99, checked against both the
 * model and decimal arithmetic. */
static void test_packed(const char *name, stub_fn *fn, enum pre_op op, bcd_model *m)
{
    struct tally t;
    tally_begin(&t, name, 0);
    for (int x = 0; x < 100; x++)
        for (int y = 0; y < 100; y++) {
            struct cpu in, got, want;
            uint32_t cf = (x ^ y) & 1;
            cpu_random(&in, (random_arith_flags() & ~FL_CF) | cf);
            loc_put(&in, LOC_A, 8, bcd_byte(x));
            loc_put(&in, LOC_B, 8, bcd_byte(y));
            want = in;
            pre_apply(op, &want);
            uint32_t undef = m(&want, 0);
            int carry_in = (op == PRE_ADC || op == PRE_SBB) ? (int)cf : 0;
            int dec = op <= PRE_ADC ? x + y + carry_in : x - y - carry_in;
            int wrapped = dec < 0 ? dec + 100 : dec % 100;
            if (get_al(&want) != bcd_byte(wrapped) ||
                !!(want.flags & FL_CF) != (dec < 0 || dec > 99))
                printf("     %s: model disagrees with decimal for %d, %d\n", name, x, y);
            got = in;
            fn(&got);
            tally_frame(&t, "", &in, &got, &want, undef);
        }
    tally_end(&t);
}

/* Unpacked BCD: ADD/SUB of digits 0..9 then AAA/AAS; MUL then AAM;
 * AAD then DIV. */
static void test_unpacked(void)
{
    struct tally t;
    tally_begin(&t, "add+aaa/sub+aas", 0);
    for (int x = 0; x < 10; x++)
        for (int y = 0; y < 10; y++)
            for (int op = 0; op < 2; op++) {
                struct cpu in, got, want;
                cpu_random(&in, random_arith_flags());
                put_ax(&in, (rng_next() & 0xff00) | (uint32_t)x);
                loc_put(&in, LOC_B, 8, (uint32_t)y);
                want = in;
                pre_apply(op ? PRE_SUB : PRE_ADD, &want);
                uint32_t undef = op ? model_aas(&want, 0) : model_aaa(&want, 0);
                got = in;
                (op ? sub_aas : add_aaa)(&got);
                tally_frame(&t, op ? "sub+aas" : "add+aaa", &in, &got, &want, undef);
            }
    tally_end(&t);

    tally_begin(&t, "mul+aam/aad+div", 0);
    for (int x = 0; x < 10; x++)
        for (int y = 0; y < 10; y++)
            for (int z = 1; z < 10; z += 4) {
                struct cpu in, got, want;
                cpu_random(&in, random_arith_flags());
                /* MUL BL; AAM: AH:AL = the two digits of x*y. */
                put_ax(&in, (uint32_t)x);
                loc_put(&in, LOC_B, 8, (uint32_t)y);
                want = in;
                put_ax(&want, (uint32_t)((x * y / 10) << 8 | (x * y % 10)));
                set_arith(&want.flags, flags_szp((uint32_t)(x * y % 10), 8));
                got = in;
                mul_aam(&got);
                tally_frame(&t, "mul+aam", &in, &got, &want, FL_OF | FL_AF | FL_CF);
                /* AAD; DIV BL: AL = (10x + y) / z, AH = the remainder. */
                put_ax(&in, (uint32_t)(x << 8 | y));
                loc_put(&in, LOC_B, 8, (uint32_t)z);
                want = in;
                put_ax(&want, (uint32_t)((((10 * x + y) % z) << 8) | ((10 * x + y) / z)));
                got = in;
                aad_div(&got);
                tally_frame(&t, "aad+div", &in, &got, &want, FL_ARITH);
            }
    tally_end(&t);
}

int main(void)
{
    static const struct { stub_fn *fn; uint32_t imm; } aams[] = {
        { aam_10, 10 }, { aam_16, 16 }, { aam_1, 1 }, { aam_2, 2 }, { aam_7, 7 },
        { aam_128, 128 }, { aam_255, 255 } };
    static const struct { stub_fn *fn; uint32_t imm; } aads[] = {
        { aad_10, 10 }, { aad_0, 0 }, { aad_1, 1 }, { aad_16, 16 }, { aad_7, 7 },
        { aad_255, 255 } };
    char name[16];

    test_adjust("daa", daa_stub, model_daa, 0);
    test_adjust("das", das_stub, model_das, 0);
    test_adjust("aaa", aaa_stub, model_aaa, 0);
    test_adjust("aas", aas_stub, model_aas, 0);
    for (unsigned i = 0; i < sizeof aams / sizeof aams[0]; i++) {
        snprintf(name, sizeof name, "aam %u", aams[i].imm);
        test_adjust(name, aams[i].fn, model_aam, aams[i].imm);
    }
    for (unsigned i = 0; i < sizeof aads / sizeof aads[0]; i++) {
        snprintf(name, sizeof name, "aad %u", aads[i].imm);
        test_adjust(name, aads[i].fn, model_aad, aads[i].imm);
    }
    test_packed("add+daa", add_daa, PRE_ADD, model_daa);
    test_packed("adc+daa", adc_daa, PRE_ADC, model_daa);
    test_packed("sub+das", sub_das, PRE_SUB, model_das);
    test_packed("sbb+das", sbb_das, PRE_SBB, model_das);
    test_unpacked();
    return check_summary();
}
