/* The driver and helpers behind arith_common.h: operand generation, the
 * frame accessors, the ADD/SUB flag model every ALU family shares, and the
 * tallies that turn thousands of cases into one line per instruction. */
#include "arith_common.h"

/* xorshift32 with a fixed seed: the same operands on every run and under
 * every emulator, so the output is byte-for-byte comparable. */
static uint32_t rng_state = 0x2545f491u;

uint32_t rng_next(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

const uint32_t edge_values[] = {
    0, 1, 2, 3, 0x0f, 0x10, 0x7f, 0x80, 0x81, 0xfe, 0xff, 0x100,
    0x7fff, 0x8000, 0x8001, 0xfffe, 0xffff, 0x10000,
    0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe, 0xffffffff,
    0x55555555, 0xaaaaaaaa, 0x12345678,
};
const int n_edge_values = sizeof(edge_values) / sizeof(edge_values[0]);

/* Random operands lean on the interesting regions: small numbers, numbers
 * next to an edge, and values with few bits set. */
uint32_t random_operand(int w)
{
    uint32_t r = rng_next(), v;
    switch (r & 3) {
    case 0:
        v = rng_next();
        break;
    case 1:
        v = rng_next() & 0x1f;
        break;
    case 2:
        v = edge_values[(r >> 2) % n_edge_values] + ((r >> 12) & 7) - 3;
        break;
    default:
        v = rng_next() & rng_next() & rng_next();
        if (r & 0x100)
            v = ~v;
        break;
    }
    return v & width_mask(w);
}

uint32_t random_arith_flags(void)
{
    return (rng_next() & FL_ARITH) | FL_FIXED;
}

uint32_t flags_szp(uint32_t res, int w)
{
    uint32_t f = 0, b = res & 0xff;
    res &= width_mask(w);
    if (res == 0)
        f |= FL_ZF;
    if (res & width_sign(w))
        f |= FL_SF;
    b ^= b >> 4;
    b ^= b >> 2;
    b ^= b >> 1;
    if (!(b & 1))
        f |= FL_PF;
    return f;
}

uint32_t model_add_carry(uint32_t a, uint32_t b, uint32_t c, int w, uint32_t *flags)
{
    uint32_t m = width_mask(w);
    a &= m;
    b &= m;
    uint64_t wide = (uint64_t)a + b + c;
    uint32_t res = (uint32_t)wide & m;
    uint32_t f = flags_szp(res, w);
    if ((wide >> w) & 1)
        f |= FL_CF;
    if ((a ^ res) & (b ^ res) & width_sign(w))
        f |= FL_OF;
    if ((a ^ b ^ res) & 0x10)
        f |= FL_AF;
    set_arith(flags, f);
    return res;
}

uint32_t model_sub_borrow(uint32_t a, uint32_t b, uint32_t c, int w, uint32_t *flags)
{
    uint32_t m = width_mask(w);
    a &= m;
    b &= m;
    uint32_t res = (a - b - c) & m;
    uint32_t f = flags_szp(res, w);
    if ((uint64_t)a < (uint64_t)b + c)
        f |= FL_CF;
    if ((a ^ b) & (a ^ res) & width_sign(w))
        f |= FL_OF;
    if ((a ^ b ^ res) & 0x10)
        f |= FL_AF;
    set_arith(flags, f);
    return res;
}

/* SDM vol. 1, appendix B: condition 2n+1 is the negation of condition 2n. */
int condition_holds(int cc, uint32_t fl)
{
    int cf = !!(fl & FL_CF), pf = !!(fl & FL_PF), zf = !!(fl & FL_ZF);
    int sf = !!(fl & FL_SF), of = !!(fl & FL_OF), r;
    switch (cc >> 1) {
    case 0: r = of; break;
    case 1: r = cf; break;
    case 2: r = zf; break;
    case 3: r = cf | zf; break;
    case 4: r = sf; break;
    case 5: r = pf; break;
    case 6: r = sf != of; break;
    default: r = zf | (sf != of); break;
    }
    return (cc & 1) ? !r : r;
}

static uint32_t *loc_reg(struct cpu *c, enum loc l)
{
    switch (l) {
    case LOC_A: case LOC_AH: return &c->eax;
    case LOC_B: case LOC_BH: return &c->ebx;
    case LOC_C: case LOC_CH: return &c->ecx;
    case LOC_D: case LOC_DH: return &c->edx;
    default: return &c->mem;
    }
}

uint32_t loc_get(const struct cpu *c, enum loc l, int w)
{
    uint32_t v = *loc_reg((struct cpu *)c, l);
    if (l >= LOC_AH && l <= LOC_DH)
        return (v >> 8) & 0xff;
    return v & width_mask(w);
}

void loc_put(struct cpu *c, enum loc l, int w, uint32_t v)
{
    if (l == LOC_NONE || l == LOC_IMM)
        return;
    uint32_t *r = loc_reg(c, l);
    if (l >= LOC_AH && l <= LOC_DH)
        *r = (*r & ~0xff00u) | ((v & 0xff) << 8);
    else
        *r = (*r & ~width_mask(w)) | (v & width_mask(w));
}

void cpu_random(struct cpu *c, uint32_t fl)
{
    c->eax = rng_next();
    c->ebx = rng_next();
    c->ecx = rng_next();
    c->edx = rng_next();
    c->esi = rng_next();
    c->edi = rng_next();
    c->mem = rng_next();
    c->mem_hi = rng_next();
    c->flags = fl;
}

void tally_begin(struct tally *t, const char *insn, int w)
{
    if (w)
        snprintf(t->name, sizeof t->name, "%s%d", insn, w);
    else
        snprintf(t->name, sizeof t->name, "%s", insn);
    t->cases = t->failures = 0;
}

static const char *const field_names[] = {
    "eax", "ebx", "ecx", "edx", "esi", "edi", "flags", "mem", "mem_hi",
};

void tally_frame(struct tally *t, const char *form, const struct cpu *in,
                 const struct cpu *got, const struct cpu *want, uint32_t undef)
{
    const uint32_t *g = &got->eax, *w = &want->eax;
    int nfields = sizeof(struct cpu) / sizeof(uint32_t);
    int bad = 0;
    t->cases++;
    for (int i = 0; i < nfields; i++) {
        uint32_t mask = &g[i] == &got->flags ? ~undef : 0xffffffffu;
        if ((g[i] ^ w[i]) & mask)
            bad = 1;
    }
    if (!bad)
        return;
    if (t->failures++ >= 3)
        return;
    printf("     %s %s: in eax=%08x ebx=%08x ecx=%08x edx=%08x mem=%08x fl=%03x\n",
           t->name, form, in->eax, in->ebx, in->ecx, in->edx, in->mem, in->flags);
    for (int i = 0; i < nfields; i++) {
        uint32_t mask = &g[i] == &got->flags ? ~undef : 0xffffffffu;
        if ((g[i] ^ w[i]) & mask)
            printf("       %s got %08x want %08x (compared bits %08x)\n",
                   field_names[i], g[i], w[i], mask);
    }
}

void tally_end(struct tally *t)
{
    CHECK(t->failures == 0, "%s: %u cases", t->name, t->cases);
}

static const char *loc_name(enum loc l, int w)
{
    static const char *const regs[3][4] = {
        { "al", "bl", "cl", "dl" },
        { "ax", "bx", "cx", "dx" },
        { "eax", "ebx", "ecx", "edx" },
    };
    static const char *const high[] = { "ah", "bh", "ch", "dh" };
    if (l == LOC_NONE)
        return "";
    if (l <= LOC_D)
        return regs[w == 8 ? 0 : w == 16 ? 1 : 2][l - LOC_A];
    if (l <= LOC_DH)
        return high[l - LOC_AH];
    return l == LOC_MEM ? "mem" : "imm";
}

static void run_form(struct tally *t, int w, op_model *m, uint32_t undef0,
                     const struct form *f, uint32_t a, uint32_t b, uint32_t fl)
{
    struct cpu in, got, want;
    int sw = f->src_width ? f->src_width : w;
    char name[24];
    cpu_random(&in, fl);
    if (f->src == LOC_IMM)
        b = f->imm;
    loc_put(&in, f->dst, w, a);
    loc_put(&in, f->src, sw, b);
    want = in;
    uint32_t undef = undef0;
    uint32_t res = m(a & width_mask(w), b & width_mask(sw), w, &want.flags, &undef);
    loc_put(&want, f->dst, w, res);
    got = in;
    f->fn(&got);
    if (undef & UNDEF_RESULT)
        loc_put(&want, f->dst, w, loc_get(&got, f->dst, w));
    snprintf(name, sizeof name, "%s%s%s", loc_name(f->dst, w),
             f->src == LOC_NONE ? "" : ",", loc_name(f->src, sw));
    tally_frame(t, name, &in, &got, &want, undef & ~UNDEF_RESULT);
}

#define RANDOM_PAIRS 300

void run_binop(const char *insn, int w, op_model *m, uint32_t undef,
               const struct form *forms, int nforms, const uint32_t *bvals, int nb)
{
    uint32_t edges[32];
    int ne = 0;
    struct tally t;
    tally_begin(&t, insn, w);
    for (int i = 0; i < n_edge_values; i++) {
        uint32_t v = edge_values[i] & width_mask(w);
        int dup = 0;
        for (int j = 0; j < ne; j++)
            dup |= edges[j] == v;
        if (!dup)
            edges[ne++] = v;
    }
    int nbv = bvals ? nb : ne;
    int total = ne * nbv + RANDOM_PAIRS;
    for (int k = 0; k < total; k++) {
        uint32_t a, b;
        if (k < ne * nbv) {
            a = edges[k / nbv];
            b = bvals ? bvals[k % nbv] : edges[k % nbv];
        } else {
            a = random_operand(w);
            b = bvals ? bvals[rng_next() % nb] : random_operand(w);
        }
        for (uint32_t cf = 0; cf < 2; cf++) {
            uint32_t fl = (random_arith_flags() & ~FL_CF) | cf;
            for (int f = 0; f < nforms; f++)
                if (forms[f].src != LOC_IMM)
                    run_form(&t, w, m, undef, &forms[f], a, b, fl);
        }
    }
    /* Immediate forms: each stub has its one immediate built in. */
    for (int k = 0; k < ne + RANDOM_PAIRS / 4; k++) {
        uint32_t a = k < ne ? edges[k] : random_operand(w);
        for (uint32_t cf = 0; cf < 2; cf++) {
            uint32_t fl = (random_arith_flags() & ~FL_CF) | cf;
            for (int f = 0; f < nforms; f++)
                if (forms[f].src == LOC_IMM)
                    run_form(&t, w, m, undef, &forms[f], a, 0, fl);
        }
    }
    tally_end(&t);
}

void run_unop(const char *insn, int w, op_model *m, uint32_t undef,
              const struct form *forms, int nforms)
{
    struct tally t;
    tally_begin(&t, insn, w);
    int total = n_edge_values + RANDOM_PAIRS;
    for (int k = 0; k < total; k++) {
        uint32_t a = k < n_edge_values ? edge_values[k] & width_mask(w) : random_operand(w);
        for (uint32_t cf = 0; cf < 2; cf++) {
            uint32_t fl = (random_arith_flags() & ~FL_CF) | cf;
            for (int f = 0; f < nforms; f++)
                run_form(&t, w, m, undef, &forms[f], a, 0, fl);
        }
    }
    tally_end(&t);
}
