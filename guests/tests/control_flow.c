/* Control flow a translator must get exactly right: every Jcc condition
 * taken and not taken in three encodings, flags reaching a Jcc from two
 * different instructions, LOOP/LOOPE/LOOPNE/JECXZ (and their CX forms under
 * 0x67), RET imm16, jump tables (compiled switch and hand-written), indirect
 * calls through tables and computed addresses, recursion, tail calls, far
 * JMP/CALL/RET/IRET at CPL0, rel32 jumps across 256 KiB, guest-visible
 * return addresses, a 45 KiB straight-line block, and blocks and
 * instructions on page boundaries. The assembly is control_flow_asm.S. */
#include "arith_common.h"

typedef int jcc_fn(uint32_t flags);
#define DECL_JCC(cc) extern jcc_fn jshort_##cc, jnear_##cc, jback_##cc; \
    int cmpjcc_##cc(uint32_t a, uint32_t b, uint32_t c)
DECL_JCC(o); DECL_JCC(no); DECL_JCC(b); DECL_JCC(ae); DECL_JCC(e); DECL_JCC(ne);
DECL_JCC(be); DECL_JCC(a); DECL_JCC(s); DECL_JCC(ns); DECL_JCC(p); DECL_JCC(np);
DECL_JCC(l); DECL_JCC(ge); DECL_JCC(le); DECL_JCC(g);

uint32_t loop_count(uint32_t n);
uint32_t loop_flags(uint32_t flags);
uint64_t loope_scan(const uint32_t *p, uint32_t n, uint32_t v);
uint64_t loopne_scan(const uint32_t *p, uint32_t n, uint32_t v);
int jecxz_taken(uint32_t ecx);
int jcxz_taken(uint32_t ecx);
uint64_t loop16_count(uint32_t ecx);
uint32_t ret_imm_big(void);
int asm_switch(uint32_t i);
uint32_t call_table(uint32_t i, uint32_t x);
uint32_t call_computed(uint32_t i, uint32_t x);
int call_pop_eip(void);
int return_address_seen(void);
uint32_t skip_after_call(void);
uint32_t push_ret_jump(void);
uint32_t jmp_through_memory(void);
uint32_t tail_even(uint32_t n);
uint32_t rec_sum(uint32_t n);
uint32_t far_jmp_call(void);
uint32_t far_away(void);
uint32_t long_block(uint32_t a, uint32_t b);
uint32_t block_ends_at_page(void);
uint32_t fall_through_page(void);
uint32_t straddle_imm(void);
uint32_t straddle_opcode(uint32_t a, uint32_t b);
uint32_t straddle_jmp(void);
extern char page_boundary_1[], page_boundary_2[], straddle_imm_insn[],
    straddle_opcode_insn[], straddle_jmp_insn[];

struct jcc_set {
    const char *name;
    jcc_fn *fwd8, *fwd32, *back;
    int (*cmp)(uint32_t, uint32_t, uint32_t);
};
#define JCC(cc) { #cc, jshort_##cc, jnear_##cc, jback_##cc, cmpjcc_##cc }
/* In encoding order: the condition number is the index. */
static const struct jcc_set jccs[16] = {
    JCC(o), JCC(no), JCC(b), JCC(ae), JCC(e), JCC(ne), JCC(be), JCC(a),
    JCC(s), JCC(ns), JCC(p), JCC(np), JCC(l), JCC(ge), JCC(le), JCC(g),
};

/* Each Jcc with EFLAGS from POPF (all 64 combinations of the arithmetic
 * flags), then after CMP a, b; INC c (CF of the CMP, the rest of the INC). */
static void test_jcc(void)
{
    for (int cc = 0; cc < 16; cc++) {
        unsigned bad = 0, taken = 0, cases = 0;
        for (int i = 0; i < 64; i++) {
            static const uint32_t bits[6] = { FL_CF, FL_PF, FL_ZF, FL_SF, FL_OF, FL_AF };
            uint32_t fl = FL_FIXED;
            for (int b = 0; b < 6; b++)
                if (i & (1 << b))
                    fl |= bits[b];
            int want = condition_holds(cc, fl);
            taken += want;
            int got[3] = { jccs[cc].fwd8(fl), jccs[cc].fwd32(fl), jccs[cc].back(fl) };
            for (int f = 0; f < 3; f++, cases++)
                if (got[f] != want && bad++ < 3)
                    printf("     j%s flags %03x form %s: got %d want %d\n", jccs[cc].name, fl,
                           f == 0 ? "rel8" : f == 1 ? "rel32" : "backward", got[f], want);
        }
        for (int i = 0; i < n_edge_values * n_edge_values; i++) {
            uint32_t a = edge_values[i / n_edge_values], b = edge_values[i % n_edge_values];
            uint32_t c = edge_values[(i * 7) % n_edge_values];
            uint32_t fl = FL_FIXED, fl_inc = FL_FIXED;
            model_sub_borrow(a, b, 0, 32, &fl);
            model_add_carry(c, 1, 0, 32, &fl_inc);
            fl_inc = (fl_inc & ~FL_CF) | (fl & FL_CF);
            int want = condition_holds(cc, fl_inc), got = jccs[cc].cmp(a, b, c);
            cases++;
            if (got != want && bad++ < 3)
                printf("     j%s after cmp %08x, %08x; inc %08x: got %d want %d\n",
                       jccs[cc].name, a, b, c, got, want);
        }
        CHECK(bad == 0, "j%s: %u cases (taken for %u of 64 flag sets)", jccs[cc].name, cases,
              taken);
    }
}

static void test_loops(void)
{
    static const uint32_t counts[] = { 1, 2, 3, 100, 1000 };
    int ok = 1;
    for (unsigned i = 0; i < sizeof counts / sizeof counts[0]; i++)
        ok &= loop_count(counts[i]) == counts[i];
    CHECK(ok, "loop runs ECX times (1, 2, 3, 100, 1000)");
    CHECK_EQ(loop_flags(FL_FIXED | FL_CF | FL_ZF | FL_OF), FL_FIXED | FL_CF | FL_ZF | FL_OF,
             "loop leaves the flags alone (CF ZF OF set)");
    CHECK_EQ(loop_flags(FL_FIXED | FL_SF | FL_PF | FL_AF), FL_FIXED | FL_SF | FL_PF | FL_AF,
             "loop leaves the flags alone (SF PF AF set)");

    static const uint32_t data[8] = { 5, 5, 5, 9, 5, 7, 7, 7 };
    uint64_t r;
    r = loope_scan(data, 8, 5);
    CHECK((uint32_t)r == 4 && r >> 32 == 4, "loope stops at the first difference (ecx %u, %u compared)",
          (uint32_t)r, (uint32_t)(r >> 32));
    r = loope_scan(data, 2, 5);
    CHECK((uint32_t)r == 0 && r >> 32 == 2, "loope stops when ECX reaches 0 (ecx %u, %u compared)",
          (uint32_t)r, (uint32_t)(r >> 32));
    r = loopne_scan(data, 8, 7);
    CHECK((uint32_t)r == 2 && r >> 32 == 6, "loopne stops at the first match (ecx %u, %u compared)",
          (uint32_t)r, (uint32_t)(r >> 32));
    r = loopne_scan(data, 3, 9);
    CHECK((uint32_t)r == 0 && r >> 32 == 3, "loopne stops when ECX reaches 0 (ecx %u, %u compared)",
          (uint32_t)r, (uint32_t)(r >> 32));
    r = loopne_scan(data, 1, 5);
    CHECK((uint32_t)r == 0 && r >> 32 == 1, "loopne with ECX = 1 runs once (ecx %u, %u compared)",
          (uint32_t)r, (uint32_t)(r >> 32));

    CHECK(jecxz_taken(0) == 1, "jecxz taken when ECX = 0");
    CHECK(jecxz_taken(1) == 0, "jecxz not taken when ECX = 1");
    CHECK(jecxz_taken(0x10000) == 0, "jecxz not taken when ECX = 0x10000");
    CHECK(jcxz_taken(0x10000) == 1, "jcxz (0x67) taken when CX = 0 and ECX = 0x10000");
    CHECK(jcxz_taken(0xffff0001) == 0, "jcxz (0x67) not taken when CX = 1");
    r = loop16_count(0x10002);
    CHECK((uint32_t)r == 2 && r >> 32 == 0x10000,
          "loop (0x67) counts CX: ECX 0x10002 -> 2 iterations, ECX %08x", (uint32_t)(r >> 32));
    r = loop16_count(0xabcd0001);
    CHECK((uint32_t)r == 1 && r >> 32 == 0xabcd0000,
          "loop (0x67) with CX = 1: 1 iteration, ECX %08x", (uint32_t)(r >> 32));
}

static void test_returns(void)
{
    uint32_t r, esp_before, esp_after;
    __asm__ volatile("mov %%esp, %1\n\t"
                     "push $3\n\t"
                     "push $20\n\t"
                     "push $100\n\t"
                     "call ret_imm_sum\n\t"
                     "mov %%esp, %2"
                     : "=a"(r), "=&r"(esp_before), "=&r"(esp_after)
                     :
                     : "ecx", "edx", "memory", "cc");
    CHECK(r == 123 && esp_before == esp_after, "ret $12 returns and pops the arguments (sum %u)", r);
    CHECK_EQ(ret_imm_big(), 0, "ret $0x100 pops 256 bytes");
    CHECK(call_pop_eip(), "call next; pop gives the guest address of the next instruction");
    CHECK(return_address_seen(), "the callee's [esp] is the guest return address");
    CHECK_EQ(skip_after_call(), 5, "a callee that adds 5 to its return address skips a MOV");
    CHECK_EQ(push_ret_jump(), 8, "push label; ret jumps to label");
    CHECK_EQ(jmp_through_memory(), 42, "jmp *mem");
}

/* A dense switch that GCC compiles to a jump table (different code per case,
 * so it cannot become a lookup table). */
static __attribute__((noipa)) uint32_t c_switch(uint32_t i, uint32_t x)
{
    switch (i) {
    case 0: return x * 3;
    case 1: return x + 7;
    case 2: return x ^ 0x55;
    case 3: return x << 4;
    case 4: return x >> 1;
    case 5: return ~x;
    case 6: return x - 1000;
    case 7: return x * x;
    case 8: return x | 0x8000;
    case 9: return x & 0xff;
    default: return 0xdeadbeef;
    }
}

/* The same results without a branch on i (so it cannot share a jump
 * table with the code under test). */
static uint32_t c_switch_model(uint32_t i, uint32_t x)
{
    const uint32_t r[10] = { x * 3, x + 7, x ^ 0x55, x << 4, x >> 1,
                             ~x, x - 1000, x * x, x | 0x8000, x & 0xff };
    return i < 10 ? r[i] : 0xdeadbeef;
}

static __attribute__((noinline)) uint32_t fn_add(uint32_t x) { return x + 11; }
static __attribute__((noinline)) uint32_t fn_mul(uint32_t x) { return x * 13; }
static __attribute__((noinline)) uint32_t fn_rot(uint32_t x) { return x << 7 | x >> 25; }
static __attribute__((noinline)) uint32_t fn_neg(uint32_t x) { return -x; }

static void test_indirect(void)
{
    int ok = 1;
    for (uint32_t i = 0; i < 14; i++)
        for (uint32_t x = 0; x < 50; x++)
            ok &= c_switch(i, x * 0x01010101) == c_switch_model(i, x * 0x01010101);
    CHECK(ok, "compiled switch (jump table), cases 0..13");

    ok = 1;
    for (uint32_t i = 0; i < 10; i++)
        ok &= asm_switch(i) == (i < 8 ? (int)(i * 11 + 3) : -1);
    CHECK(ok, "jmp *table(,%%eax,4), cases 0..9");

    /* Function pointer table, indices from the PRNG. */
    static uint32_t (*volatile const fns[4])(uint32_t) = { fn_add, fn_mul, fn_rot, fn_neg };
    uint32_t sum = 0, want = 0;
    for (int k = 0; k < 1000; k++) {
        uint32_t i = rng_next() & 3, x = rng_next();
        sum += fns[i](x);
        want += i == 0 ? x + 11 : i == 1 ? x * 13 : i == 2 ? (x << 7 | x >> 25) : -x;
    }
    CHECK_EQ(sum, want, "calls through a table of C function pointers (1000 calls)");

    ok = 1;
    for (uint32_t i = 0; i < 4; i++) {
        uint32_t x = 0x1234567 * (i + 1);
        uint32_t w = i == 0 ? x + 1000 : i == 1 ? x * 3 : i == 2 ? x ^ 0x5a5a : -x;
        ok &= call_table(i, x) == w && call_computed(i, x) == w;
    }
    CHECK(ok, "call *table(,%%ecx,4) and call *%%edx (computed address)");
}

static __attribute__((noipa)) uint32_t fib(uint32_t n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static __attribute__((noipa)) uint32_t ackermann(uint32_t m, uint32_t n)
{
    if (m == 0)
        return n + 1;
    if (n == 0)
        return ackermann(m - 1, 1);
    return ackermann(m - 1, ackermann(m, n - 1));
}

static __attribute__((noipa)) uint32_t tail_target(uint32_t x)
{
    return x * 31 + 5;
}

/* GCC -O2 turns this call into a JMP (sibling call): same argument space. */
static __attribute__((noipa)) uint32_t tail_caller(uint32_t x)
{
    return tail_target(x ^ 0xff);
}

static void test_calls(void)
{
    CHECK_EQ(fib(20), 6765, "recursive fib(20) (21891 calls)");
    CHECK_EQ(ackermann(2, 3), 9, "ackermann(2, 3)");
    CHECK_EQ(rec_sum(2000), 2001000, "2000 nested calls and returns");
    CHECK_EQ(tail_caller(100), (100 ^ 0xff) * 31 + 5, "compiled tail call");
    CHECK(tail_even(100000) == 1 && tail_even(77777) == 0,
          "mutual recursion by tail jumps, 100000 deep");
    CHECK_EQ(far_jmp_call(), 0xf, "ljmp/lcall through memory, lret, iret with the current CS");
    CHECK_EQ(far_away(), 111, "rel32 jmp forward and back across 256 KiB");
}

static void test_layout(void)
{
    uint32_t a = 0x01234567, b = 0x89abcdef;
    for (int i = 0; i < 3000; i++) {
        a += b;
        a = a << 5 | a >> 27;
        b ^= 0x9e3779b9;
        b = a + b * 2 + 7;
    }
    CHECK_EQ(long_block(0x01234567, 0x89abcdef), a ^ b, "a 12000-instruction block");

    CHECK(((uint32_t)page_boundary_1 & 0xfff) == 0 && ((uint32_t)page_boundary_2 & 0xfff) == 0 &&
          ((uint32_t)straddle_imm_insn & 0xfff) == 0xffe &&
          ((uint32_t)straddle_opcode_insn & 0xfff) == 0xfff &&
          ((uint32_t)straddle_jmp_insn & 0xfff) == 0xfff,
          "page-boundary code is laid out as intended");
    CHECK_EQ(block_ends_at_page(), 0x33333334, "a block whose last jmp ends at a page boundary");
    CHECK_EQ(fall_through_page(), 23, "straight-line code running into the next page");
    CHECK_EQ(straddle_imm(), 0x12345678, "mov imm32 straddling a page boundary");
    CHECK_EQ(straddle_opcode(1234, 5678), 1234 * 5678, "0f af (imul) split by a page boundary");
    CHECK_EQ(straddle_jmp(), 8, "jmp rel32 whose displacement is on the next page");
}

int main(void)
{
    test_jcc();
    test_loops();
    test_returns();
    test_indirect();
    test_calls();
    test_layout();
    return check_summary();
}
