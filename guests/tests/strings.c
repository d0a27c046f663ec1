/* String instructions (SDM vol. 2, MOVS STOS LODS CMPS SCAS INS OUTS and
 * REP/REPE/REPNE) at 8, 16 and 32 bits against a C model: with DF = 0 and
 * 1, with and without each REP prefix, ECX = 0 and small counts,
 * REPE/REPNE stopping at the first (mis)match or at ECX = 0, overlapping
 * MOVS in both directions, and the 0x67 forms that use SI/DI/CX (upper
 * halves kept, offsets wrapping at 64 KiB). Every case compares all
 * registers, EFLAGS (CMPS/SCAS set them like CMP) and the memory around.
 * INS/OUTS: bytes go through the 16550's scratch register (port 0x3ff);
 * words and dwords through an unassigned port, which reads all ones (the
 * UART takes byte accesses only). The stubs are in strings_stubs.S. */
#include "arith_common.h"

#define SCRATCH_PORT 0x3ff
#define UNASSIGNED_PORT 0x2e0

enum str_op { S_MOVS, S_STOS, S_LODS, S_CMPS, S_SCAS, S_INS, S_OUTS };
enum str_rep { R_NONE, R_REP, R_REPE, R_REPNE };
static const char *const op_names[] = { "movs", "stos", "lods", "cmps", "scas", "ins", "outs" };

/* The memory a case may touch: up to two windows of real memory, and the
 * model's copies of them. */
struct window {
    uint32_t base, size;
    uint8_t *copy;
};
struct str_model {
    struct window w[2];
    int nw, a16, broken;
    uint8_t scratch;
};

static uint8_t *model_byte(struct str_model *x, uint32_t a)
{
    for (int i = 0; i < x->nw; i++)
        if (a - x->w[i].base < x->w[i].size)
            return &x->w[i].copy[a - x->w[i].base];
    x->broken = 1;
    static uint8_t dummy;
    return &dummy;
}

static uint32_t model_read(struct str_model *x, uint32_t a, int n)
{
    uint32_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | *model_byte(x, a + i);
    return v;
}

static void model_write(struct str_model *x, uint32_t a, uint32_t v, int n)
{
    for (int i = 0; i < n; i++)
        *model_byte(x, a + i) = (uint8_t)(v >> (8 * i));
}

/* Advances a pointer or counter register: all 32 bits, or only the low
 * 16 under 0x67. */
static uint32_t bump(const struct str_model *x, uint32_t reg, int32_t delta)
{
    if (x->a16)
        return (reg & 0xffff0000) | ((reg + (uint32_t)delta) & 0xffff);
    return reg + (uint32_t)delta;
}

static uint32_t offset(const struct str_model *x, uint32_t reg)
{
    return x->a16 ? reg & 0xffff : reg;
}

static void model_step(struct str_model *x, struct cpu *c, enum str_op op, int n)
{
    int32_t delta = (c->flags & FL_DF) ? -n : n;
    uint32_t mask = width_mask(8 * n), si = offset(x, c->esi), di = offset(x, c->edi);
    switch (op) {
    case S_MOVS:
        model_write(x, di, model_read(x, si, n), n);
        c->esi = bump(x, c->esi, delta);
        c->edi = bump(x, c->edi, delta);
        break;
    case S_STOS:
        model_write(x, di, c->eax & mask, n);
        c->edi = bump(x, c->edi, delta);
        break;
    case S_LODS:
        c->eax = (c->eax & ~mask) | model_read(x, si, n);
        c->esi = bump(x, c->esi, delta);
        break;
    case S_CMPS:
        model_sub_borrow(model_read(x, si, n), model_read(x, di, n), 0, 8 * n, &c->flags);
        c->esi = bump(x, c->esi, delta);
        c->edi = bump(x, c->edi, delta);
        break;
    case S_SCAS:
        model_sub_borrow(c->eax & mask, model_read(x, di, n), 0, 8 * n, &c->flags);
        c->edi = bump(x, c->edi, delta);
        break;
    case S_INS:
        model_write(x, di, (c->edx & 0xffff) == SCRATCH_PORT ? x->scratch : mask, n);
        c->edi = bump(x, c->edi, delta);
        break;
    case S_OUTS:
        if ((c->edx & 0xffff) == SCRATCH_PORT)
            x->scratch = (uint8_t)model_read(x, si, n);
        c->esi = bump(x, c->esi, delta);
        break;
    }
}

/* SDM vol. 2B, REP/REPE/REPNE: test the count first, then run, count
 * down, and for CMPS/SCAS stop on the ZF condition. F3 is REPE for
 * CMPS/SCAS and REP for the others. */
static void model_run(struct str_model *x, struct cpu *c, enum str_op op, int n, enum str_rep rep)
{
    if (rep == R_NONE) {
        model_step(x, c, op, n);
        return;
    }
    while (offset(x, c->ecx) != 0) {
        model_step(x, c, op, n);
        c->ecx = bump(x, c->ecx, -1);
        if (op == S_CMPS || op == S_SCAS) {
            int zf = !!(c->flags & FL_ZF);
            if ((rep == R_REPE || rep == R_REP) && !zf)
                break;
            if (rep == R_REPNE && zf)
                break;
        }
    }
}

static uint8_t arena[4096] __attribute__((aligned(16)));
static uint8_t copies[2][4096];

#define SRC_OFF 1024
#define DST_OFF 3072

/* Element i of a string that starts at p and runs in direction delta. */
/* Address of element i from pointer register p: under 0x67 the offset
 * wraps at 64 KiB and the upper half of the register is ignored. */
static uint32_t element(const struct str_model *x, uint32_t p, int i, int32_t delta)
{
    return offset(x, p + (uint32_t)(i * delta));
}

/* Makes the compared elements equal up to index m (exclusive) for REPE,
 * or unequal except at index m for REPNE, so the REP stops where chosen. */
static void shape_data(const struct str_model *x, enum str_op op, enum str_rep rep, int n, int32_t delta, struct cpu *c,
                       int count, int m)
{
    uint32_t mask = width_mask(8 * n);
    for (int i = 0; i < count + 1; i++) {
        uint32_t d = element(x, c->edi, i, delta);
        uint32_t want_equal = rep == R_REPNE ? i == m : i < m;
        uint32_t ref = op == S_CMPS ? 0 : c->eax & mask;
        if (op == S_CMPS) {
            uint32_t s = element(x, c->esi, i, delta);
            ref = 0;
            for (int b = n - 1; b >= 0; b--)
                ref = ref << 8 | *(uint8_t *)(s + b);
        }
        uint32_t v = want_equal ? ref : ref ^ ((rng_next() & mask) | 1);
        for (int b = 0; b < n; b++)
            *(uint8_t *)(d + b) = (uint8_t)(v >> (8 * b));
    }
}

struct str_form {
    stub_fn *fn;
    enum str_op op;
    int n;
    enum str_rep rep;
};

/* One case: fills the windows with random bytes, shapes the data, runs the
 * stub and the model from the same frame, and compares frame, memory and
 * the scratch register. src/dst are the initial ESI/EDI. */
static void run_case(struct tally *t, const struct str_form *f, struct str_model *x,
                     uint32_t src, uint32_t dst, uint32_t count, int df, int m)
{
    struct cpu in, got, want;
    for (int i = 0; i < x->nw; i++)
        for (uint32_t a = 0; a < x->w[i].size; a++)
            *(uint8_t *)(x->w[i].base + a) = (uint8_t)rng_next();
    cpu_random(&in, random_arith_flags() | (df ? FL_DF : 0));
    in.esi = src;
    in.edi = dst;
    in.ecx = x->a16 ? (in.ecx & 0xffff0000) | count : count;
    in.edx = (in.edx & 0xffff0000) | (f->n == 1 ? SCRATCH_PORT : UNASSIGNED_PORT);
    if (f->rep != R_NONE && (f->op == S_CMPS || f->op == S_SCAS))
        shape_data(x, f->op, f->rep, f->n, df ? -f->n : f->n, &in, (int)count, m);
    else if (f->op == S_CMPS || f->op == S_SCAS)
        shape_data(x, f->op, R_REPE, f->n, df ? -f->n : f->n, &in, 1, m & 1);
    for (int i = 0; i < x->nw; i++)
        memcpy(x->w[i].copy, (void *)x->w[i].base, x->w[i].size);
    x->scratch = (uint8_t)rng_next();
    outb(SCRATCH_PORT, x->scratch);
    x->broken = 0;
    want = in;
    model_run(x, &want, f->op, f->n, f->rep);
    got = in;
    f->fn(&got);
    /* The model's scratch value travels in mem_hi, the real one is read. */
    want.mem_hi = x->scratch;
    got.mem_hi = inb(SCRATCH_PORT);
    unsigned diff = 0;
    for (int i = 0; i < x->nw; i++)
        diff += memcmp(x->w[i].copy, (void *)x->w[i].base, x->w[i].size) != 0;
    if (diff && t->failures < 3)
        printf("     %s: memory differs (count %u, df %d)\n", t->name, count, df);
    if (x->broken && t->failures < 3)
        printf("     %s: the model left its windows (test bug)\n", t->name);
    if (diff || x->broken) {
        t->failures++;
        t->cases++;
        return;
    }
    tally_frame(t, f->rep == R_NONE ? "no rep" : f->rep == R_REPNE ? "repne" : "rep/repe",
                &in, &got, &want, 0);
}

#define FORMS(w, n) \
    { movs##w##_1, S_MOVS, n, R_NONE }, { movs##w##_rep, S_MOVS, n, R_REP }, \
    { stos##w##_1, S_STOS, n, R_NONE }, { stos##w##_rep, S_STOS, n, R_REP }, \
    { lods##w##_1, S_LODS, n, R_NONE }, { lods##w##_rep, S_LODS, n, R_REP }, \
    { cmps##w##_1, S_CMPS, n, R_NONE }, { cmps##w##_repe, S_CMPS, n, R_REPE }, \
    { cmps##w##_repne, S_CMPS, n, R_REPNE }, { scas##w##_1, S_SCAS, n, R_NONE }, \
    { scas##w##_repe, S_SCAS, n, R_REPE }, { scas##w##_repne, S_SCAS, n, R_REPNE }, \
    { ins##w##_1, S_INS, n, R_NONE }, { ins##w##_rep, S_INS, n, R_REP }, \
    { outs##w##_1, S_OUTS, n, R_NONE }, { outs##w##_rep, S_OUTS, n, R_REP }
#define DECL(w) extern stub_fn movs##w##_1, movs##w##_rep, stos##w##_1, stos##w##_rep, \
    lods##w##_1, lods##w##_rep, cmps##w##_1, cmps##w##_repe, cmps##w##_repne, scas##w##_1, \
    scas##w##_repe, scas##w##_repne, ins##w##_1, ins##w##_rep, outs##w##_1, outs##w##_rep
DECL(b); DECL(w); DECL(l);
extern stub_fn a16_movsb_rep, a16_movsw_1, a16_stosl_rep, a16_stosb_rep, a16_lodsl_1,
    a16_cmpsw_repe, a16_scasb_repne;

static const struct str_form forms[] = { FORMS(b, 1), FORMS(w, 2), FORMS(l, 4) };

static const uint32_t counts[] = { 0, 1, 2, 3, 7, 16, 33 };
#define NCOUNTS (sizeof counts / sizeof counts[0])

/* All forms of one instruction at one width over both directions and the
 * counts; one report line. */
static void test_op(enum str_op op, int n)
{
    struct tally t;
    struct str_model x = { { { (uint32_t)arena, sizeof arena, copies[0] } }, 1, 0, 0, 0 };
    tally_begin(&t, op_names[op], 8 * n);
    for (unsigned i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        const struct str_form *f = &forms[i];
        if (f->op != op || f->n != n)
            continue;
        for (int df = 0; df < 2; df++)
            for (unsigned k = 0; k < NCOUNTS; k++)
                for (uint32_t shift = 0; shift < 3; shift++) {
                    uint32_t count = f->rep == R_NONE ? rng_next() : counts[k];
                    int m = (int)(rng_next() % (counts[k] + 2));
                    run_case(&t, f, &x, (uint32_t)arena + SRC_OFF + (uint32_t)k * 4,
                             (uint32_t)arena + DST_OFF + shift, count, df, m);
                }
    }
    tally_end(&t);
}

/* REP MOVS whose source and destination overlap by -6..+6 bytes, in both
 * directions: the copy goes element by element, so a forward copy onto a
 * later address repeats the start (SDM: no memmove semantics). */
static void test_overlap(void)
{
    static const struct str_form movs_rep[3] = {
        { movsb_rep, S_MOVS, 1, R_REP }, { movsw_rep, S_MOVS, 2, R_REP },
        { movsl_rep, S_MOVS, 4, R_REP } };
    struct str_model x = { { { (uint32_t)arena, sizeof arena, copies[0] } }, 1, 0, 0, 0 };
    struct tally t;
    tally_begin(&t, "rep movs overlapping", 0);
    for (int w = 0; w < 3; w++)
        for (int df = 0; df < 2; df++)
            for (int k = -6; k <= 6; k++) {
                uint32_t src = (uint32_t)arena + SRC_OFF;
                run_case(&t, &movs_rep[w], &x, src, src + (uint32_t)k, 20, df, 0);
            }
    tally_end(&t);
}

/* The 0x67 forms: SI/DI/CX only, in low memory; one window at 0x9000 and
 * one pair around 64 KiB for offsets that wrap (byte and aligned accesses,
 * so no access spans the wrap). */
static void test_addr16(void)
{
    static const struct str_form a16_forms[] = {
        { a16_movsb_rep, S_MOVS, 1, R_REP }, { a16_movsw_1, S_MOVS, 2, R_NONE },
        { a16_stosl_rep, S_STOS, 4, R_REP }, { a16_stosb_rep, S_STOS, 1, R_REP },
        { a16_lodsl_1, S_LODS, 4, R_NONE }, { a16_cmpsw_repe, S_CMPS, 2, R_REPE },
        { a16_scasb_repne, S_SCAS, 1, R_REPNE } };
    struct tally t;
    tally_begin(&t, "addr16 (0x67) string forms", 0);
    for (unsigned i = 0; i < sizeof a16_forms / sizeof a16_forms[0]; i++) {
        const struct str_form *f = &a16_forms[i];
        struct str_model low = { { { 0x9000, 0x1000, copies[0] } }, 1, 1, 0, 0 };
        struct str_model wrap = { { { 0xf000, 0x1000, copies[0] }, { 0x0, 0x1000, copies[1] } },
                                  2, 1, 0, 0 };
        for (int df = 0; df < 2; df++)
            for (unsigned k = 0; k < NCOUNTS; k++) {
                uint32_t count = f->rep == R_NONE ? rng_next() : counts[k];
                int m = (int)(rng_next() % (counts[k] + 2));
                /* Upper halves of ESI/EDI hold junk that must be ignored. */
                run_case(&t, f, &low, 0xabcd9400 + k * 4, 0x12349a00, count, df, m);
                run_case(&t, f, &wrap, df ? 0x55550010 : 0x5555fff0,
                         df ? 0x66660020 : 0x6666ffe0, count, df, m);
            }
    }
    tally_end(&t);
}

int main(void)
{
    static const int widths[3] = { 1, 2, 4 };
    for (int op = S_MOVS; op <= S_OUTS; op++)
        for (int w = 0; w < 3; w++)
            test_op((enum str_op)op, widths[w]);
    test_overlap();
    test_addr16();
    return check_summary();
}
