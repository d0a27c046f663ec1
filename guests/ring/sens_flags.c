/* EFLAGS at CPL3 and CPL0 (SDM vol. 2B POPF, PUSHF, CLI, STI; vol. 3A 2.3,
 * 6.8.1; CR4.VME = CR4.PVI = 0 throughout):
 *   - PUSHF shows the IF and IOPL the code runs with (under bt386 the
 *     guest's, not the host's);
 *   - POPF at CPL > 0 never changes IOPL, and changes IF only when
 *     CPL <= IOPL; otherwise both are silently kept: no fault;
 *   - POPF at CPL0 changes both;
 *   - POPF at CPL3 still loads the arithmetic flags, DF, NT, AC and ID,
 *     and never sets VM or RF; POPFW (o16) follows the same rules for its
 *     16 bits;
 *   - IRET to the same CPL3 follows the POPF rules for IOPL and IF;
 *   - CLI/STI at CPL3: #GP(0) unless IOPL = 3, then they change IF;
 *   - AC (bit 18) and ID (bit 21) toggle at both CPLs (ID toggling means
 *     CPUID exists); AC = 1 at CPL3 with CR0.AM = 0 enables no alignment
 *     check (vol. 3A 6.15, #AC needs AM, AC and CPL3 together).
 * Both PICs are masked: IF = 1 may last as long as a test needs. */
#include "sens_common.h"
#include "sens_probes.h"

#define FL_FIXED 0x00000002u
#define FL_CF    0x00000001u
#define FL_ZF    0x00000040u
#define FL_SF    0x00000080u
#define FL_DF    0x00000400u
#define FL_OF    0x00000800u
#define FL_NT    0x00004000u
#define FL_RF    0x00010000u
#define FL_VM    0x00020000u
#define FL_SYS   (FL_IF | FL_IOPL_MASK)

static uint32_t user_pushf(uint32_t arg)
{
    (void)arg;
    uint32_t f;
    __asm__ volatile("pushf\n\tpop %0" : "=r"(f));
    return f;
}

/* POPF v, then PUSHF; the caller's flags are restored afterwards (as far
 * as POPF may restore them at this CPL). */
static uint32_t user_popf(uint32_t v)
{
    uint32_t r;
    __asm__ volatile("pushf\n\tpush %1\n\tpopf\n\tpushf\n\tpop %0\n\tpopf" : "=&r"(r) : "r"(v) : "cc", "memory");
    return r;
}

static uint32_t user_popfw(uint32_t v)
{
    uint32_t r;
    __asm__ volatile("pushf\n\tpushw %w1\n\tpopfw\n\tpushf\n\tpop %0\n\tpopf" : "=&r"(r) : "r"(v) : "cc", "memory");
    return r;
}

/* AC = 1, then a load from an odd address. */
static uint32_t user_misaligned_with_ac(uint32_t addr)
{
    uint32_t v;
    __asm__ volatile("pushf\n\tpushl %2\n\tpopf\n\tmov (%1), %0\n\tpopf"
                     : "=&r"(v) : "r"(addr), "r"(FL_FIXED | FL_AC) : "cc", "memory");
    return v;
}

static const char *const if_names[2] = { "IF=0", "IF=1" };

static uint32_t run_ok(int cpl, uint32_t eflags, sens_fn fn, uint32_t arg, const char *what)
{
    struct sens_run r;
    sens_run(&r, cpl, eflags, fn, arg);
    if (r.vector != SENS_NONE)
        sens_check_none(&r, "%s: no fault", what);
    return r.ret;
}

static void test_pushf(void)
{
    static const uint32_t cases[] = { 0, FL_IF, FL_IOPL(1) | FL_IF, FL_IOPL(2), FL_IOPL(3) | FL_IF };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint32_t want = cases[i];
        uint32_t got = run_ok(3, FL_FIXED | want, user_pushf, 0, "pushf at cpl3");
        CHECK_EQ(got & (FL_SYS | FL_FIXED), want | FL_FIXED, "pushf at cpl3 shows IOPL=%u %s", want >> 12 & 3,
                 if_names[!!(want & FL_IF)]);
    }
    CHECK_EQ(user_pushf(0) & FL_SYS, 0, "pushf at cpl0 shows the kernel's IOPL=0 IF=0");
}

struct popf_row {
    uint32_t start;     /* IOPL and IF the user code starts with */
    uint32_t value;     /* what POPF loads (besides bit 1) */
    uint32_t want;      /* IOPL and IF afterwards */
    const char *rule;
};

static const struct popf_row popf_rows[] = {
    { FL_IOPL(0), FL_IOPL(3), FL_IOPL(0), "iopl0: cannot raise IOPL" },
    { FL_IOPL(1), FL_IOPL(2), FL_IOPL(1), "iopl1: cannot change IOPL" },
    { FL_IOPL(3), 0, FL_IOPL(3), "iopl3: cannot lower IOPL" },
    { FL_IOPL(0), FL_IF, FL_IOPL(0), "iopl0 (CPL > IOPL): IF not set, no fault" },
    { FL_IOPL(0) | FL_IF, 0, FL_IOPL(0) | FL_IF, "iopl0 (CPL > IOPL): IF not cleared, no fault" },
    { FL_IOPL(2) | FL_IF, FL_IOPL(2), FL_IOPL(2) | FL_IF, "iopl2 (CPL > IOPL): IF not cleared" },
    { FL_IOPL(3), FL_IOPL(3) | FL_IF, FL_IOPL(3) | FL_IF, "iopl3 (CPL <= IOPL): IF set" },
    { FL_IOPL(3) | FL_IF, FL_IOPL(3), FL_IOPL(3), "iopl3 (CPL <= IOPL): IF cleared" },
};

static void test_popf_cpl3(void)
{
    for (unsigned i = 0; i < sizeof popf_rows / sizeof popf_rows[0]; i++) {
        const struct popf_row *w = &popf_rows[i];
        uint32_t got = run_ok(3, FL_FIXED | w->start, user_popf, FL_FIXED | w->value, "popf at cpl3");
        CHECK_EQ(got & FL_SYS, w->want, "popf at cpl3, %s", w->rule);
        got = run_ok(3, FL_FIXED | w->start, user_popfw, FL_FIXED | w->value, "popfw at cpl3");
        CHECK_EQ(got & FL_SYS, w->want, "popfw (o16) at cpl3, %s", w->rule);
    }

    uint32_t others = FL_CF | FL_ZF | FL_SF | FL_OF | FL_DF | FL_NT | FL_AC | FL_ID;
    uint32_t got = run_ok(3, FL_FIXED, user_popf, FL_FIXED | others | FL_IF | FL_IOPL(3), "popf at cpl3");
    CHECK_EQ(got, FL_FIXED | others, "popf at cpl3, iopl0: loads CF ZF SF OF DF NT AC ID, keeps IF and IOPL");
    got = run_ok(3, FL_FIXED, user_popf, FL_FIXED | FL_VM | FL_RF, "popf at cpl3");
    CHECK_EQ(got & (FL_VM | FL_RF), 0, "popf at cpl3 sets neither VM nor RF");
    got = run_ok(3, FL_FIXED | FL_IOPL(3), user_popfw, FL_FIXED | FL_DF | FL_NT, "popfw at cpl3");
    CHECK_EQ(got, FL_FIXED | FL_IOPL(3) | FL_DF | FL_NT, "popfw at cpl3 loads DF and NT of bits 15:0");
}

/* IRET to the same CPL3 with flags v; returns EFLAGS after it. */
static uint32_t user_iret(uint32_t v)
{
    uint32_t r;
    __asm__ volatile("pushf\n\tpush %1\n\tpush %%cs\n\tpush $1f\n\tiret\n"
                     "1:\tpushf\n\tpop %0\n\tpopf" : "=&r"(r) : "r"(v) : "cc", "memory");
    return r;
}

static void test_iret_cpl3(void)
{
    uint32_t got = run_ok(3, FL_FIXED, user_iret, FL_FIXED | FL_IOPL(3) | FL_IF | FL_CF, "iret at cpl3");
    CHECK_EQ(got & (FL_SYS | FL_CF), FL_CF, "iret at cpl3, iopl0: IOPL and IF kept, CF loaded");
    got = run_ok(3, FL_FIXED | FL_IOPL(3), user_iret, FL_FIXED | FL_IF, "iret at cpl3");
    CHECK_EQ(got & FL_SYS, FL_IOPL(3) | FL_IF, "iret at cpl3, iopl3: IF loaded, IOPL kept");
}

static void test_popf_cpl0(void)
{
    uint32_t got = user_popf(FL_FIXED | FL_IOPL(3) | FL_IF);
    CHECK_EQ(got & FL_SYS, FL_IOPL(3) | FL_IF, "popf at cpl0 sets IOPL and IF");
    CHECK_EQ(user_pushf(0) & FL_SYS, 0, "popf at cpl0 restores IOPL=0 IF=0");
    uint32_t inner;
    __asm__ volatile("pushf\n\tpushl %1\n\tpopf\n\tpushl %2\n\tpopf\n\tpushf\n\tpop %0\n\tpopf"
                     : "=&r"(inner) : "r"(FL_FIXED | FL_IOPL(3) | FL_IF), "r"(FL_FIXED) : "cc", "memory");
    CHECK_EQ(inner & FL_SYS, 0, "popf at cpl0 clears IOPL and IF");
}

static void test_cli_sti(void)
{
    struct sens_run r;
    for (uint32_t iopl = 0; iopl < 3; iopl++) {
        sens_run(&r, 3, FL_FIXED | FL_IOPL(iopl) | FL_IF, sens_cli, 0);
        sens_check_fault(&r, VEC_GP, 0, (uint32_t)sens_cli_at, "cli at cpl3, iopl%u: #GP(0)", iopl);
        sens_run(&r, 3, FL_FIXED | FL_IOPL(iopl), sens_sti, 0);
        sens_check_fault(&r, VEC_GP, 0, (uint32_t)sens_sti_at, "sti at cpl3, iopl%u: #GP(0)", iopl);
        CHECK_EQ(r.f.eflags & FL_SYS, FL_IOPL(iopl), "sti at cpl3, iopl%u: the fault frame has IF still 0", iopl);
    }
    uint32_t got = run_ok(3, FL_FIXED | FL_IOPL(3) | FL_IF, sens_cli, 0, "cli at cpl3, iopl3");
    CHECK_EQ(got & FL_SYS, FL_IOPL(3), "cli at cpl3, iopl3: clears IF");
    got = run_ok(3, FL_FIXED | FL_IOPL(3), sens_sti, 0, "sti at cpl3, iopl3");
    CHECK_EQ(got & FL_SYS, FL_IOPL(3) | FL_IF, "sti at cpl3, iopl3: sets IF");
    got = run_ok(0, 0, sens_sti, 0, "sti at cpl0");
    CHECK_EQ(got & FL_IF, FL_IF, "sti at cpl0, iopl0: sets IF");
    got = run_ok(0, 0, sens_cli, 0, "cli at cpl0");
    CHECK_EQ(got & FL_IF, 0, "cli at cpl0, iopl0: clears IF");
}

static void test_ac_id(void)
{
    static const uint32_t bits[2] = { FL_AC, FL_ID };
    static const char *const names[2] = { "AC (bit 18)", "ID (bit 21)" };
    for (int cpl = 0; cpl <= 3; cpl += 3) {
        for (int i = 0; i < 2; i++) {
            uint32_t on = run_ok(cpl, FL_FIXED, user_popf, FL_FIXED | bits[i], "popf");
            uint32_t off = run_ok(cpl, FL_FIXED | bits[i], user_popf, FL_FIXED, "popf");
            CHECK((on & bits[i]) && !(off & bits[i]), "popf at cpl%d sets and clears %s", cpl, names[i]);
        }
    }
    uint32_t got = run_ok(3, FL_FIXED | FL_AC, user_pushf, 0, "pushf at cpl3 with AC");
    CHECK_EQ(got & FL_AC, FL_AC, "pushf at cpl3 shows AC=1 set by iret");

    static uint32_t words[2] = { 0x11223344, 0x55667788 };
    struct sens_run r;
    sens_run(&r, 3, FL_FIXED, user_misaligned_with_ac, (uint32_t)words + 1);
    sens_check_none(&r, "AC=1 at cpl3 with CR0.AM=0: a misaligned load raises no #AC");
    CHECK_EQ(r.ret, 0x88112233, "AC=1 at cpl3 with CR0.AM=0: the misaligned load reads its bytes");
}

int main(void)
{
    pm_init();
    sens_mask_pics();
    test_pushf();
    test_popf_cpl3();
    test_iret_cpl3();
    test_popf_cpl0();
    test_cli_sti();
    test_ac_id();
    return check_summary();
}
