/* EFLAGS system bits at CPL0 with paging off (SDM vol. 2B POPF/PUSHF,
 * vol. 3A 2.3):
 *   - PUSHF shows bit 1 as 1 and bits 3, 5, 15, 22-31 as 0; it never shows
 *     RF or VM;
 *   - POPF at CPL0 changes every non-reserved flag except RF (cleared),
 *     VIF, VIP and VM (unchanged): IF, IOPL, NT, AC (bit 18), ID (bit 21),
 *     DF and the arithmetic flags; reserved bits keep their fixed values;
 *   - STI/CLI and STD/CLD show through PUSHF;
 *   - 16-bit PUSHF/POPF (0x66) move 2 bytes and touch only bits 15:0;
 *   - flags loaded by POPF or IRET reach a following Jcc, LAHF and SETcc.
 * Interrupts: all PIC lines are masked first, and IF = 1 only ever lasts a
 * few instructions. TF is never set (a #DB would find no IDT). */
#include "eflags.h"

static uint32_t read_flags(void)
{
    uint32_t f;
    __asm__ volatile("pushf\n\tpop %0" : "=r"(f));
    return f;
}

/* POPF v, then PUSHF; the caller's flags are restored afterwards. */
static uint32_t through_popf(uint32_t v)
{
    uint32_t r;
    __asm__ volatile("pushf\n\tpush %1\n\tpopf\n\tpushf\n\tpop %0\n\tpopf"
                     : "=r"(r) : "r"(v) : "cc", "memory");
    return r;
}

static void test_fixed_bits(void)
{
    uint32_t f = read_flags();
    CHECK((f & FL_FIXED) && !(f & FL_RESERVED) && !(f & (FL_RF | FL_VM)),
          "pushf: bit 1 set, bits 3 5 15 22-31 clear, RF and VM clear");
    CHECK(!(f & (FL_IF | FL_TF)), "the guest starts with IF clear (Multiboot) and TF clear");
    CHECK_EQ(through_popf(0) & (FL_FIXED | FL_RESERVED), FL_FIXED, "popf 0: bit 1 still reads 1");
    CHECK_EQ(through_popf(FL_RESERVED | FL_FIXED) & (FL_FIXED | FL_RESERVED), FL_FIXED,
             "popf with the reserved bits set: they read 0");
    CHECK_EQ(through_popf(FL_FIXED | FL_RF | FL_VM | FL_VIF | FL_VIP) & (FL_RF | FL_VM | FL_VIF | FL_VIP),
             0, "popf cannot set RF, VM, VIF or VIP at CPL0");
}

static void test_popf_cpl0(void)
{
    /* Everything but TF and IF. */
    uint32_t all = ~(FL_TF | FL_IF);
    uint32_t want = FL_ARITH | FL_FIXED | FL_DF | FL_IOPL | FL_NT | FL_AC | FL_ID;
    CHECK_EQ(through_popf(all), want, "popf ~(TF|IF): arithmetic, DF, IOPL=3, NT, AC, ID set");
    CHECK_EQ(through_popf(FL_FIXED), FL_FIXED, "popf 2: everything clear again");

    static const uint32_t one_by_one[] = { FL_AC, FL_ID, FL_NT, FL_DF, FL_CF, FL_OF };
    static const char *const names[] = { "AC (bit 18)", "ID (bit 21)", "NT", "DF", "CF", "OF" };
    for (unsigned i = 0; i < sizeof one_by_one / sizeof one_by_one[0]; i++) {
        uint32_t on = through_popf(FL_FIXED | one_by_one[i]), off = through_popf(FL_FIXED);
        CHECK(on == (FL_FIXED | one_by_one[i]) && off == FL_FIXED, "popf sets and clears %s", names[i]);
    }
    int ok = 1;
    for (uint32_t iopl = 0; iopl < 4; iopl++)
        ok &= through_popf(FL_FIXED | iopl << 12) == (FL_FIXED | iopl << 12);
    CHECK(ok, "popf sets IOPL to 0, 1, 2, 3");

    /* IF: set by POPF and cleared again two instructions later. */
    CHECK_EQ(through_popf(FL_FIXED | FL_IF) & FL_IF, FL_IF, "popf sets IF");
    CHECK_EQ(read_flags() & FL_IF, 0, "popf of the saved flags clears IF again");
}

static void test_sti_cli_std_cld(void)
{
    uint32_t on, off;
    __asm__ volatile("sti\n\tpushf\n\tpop %0\n\tcli\n\tpushf\n\tpop %1" : "=r"(on), "=r"(off));
    CHECK((on & FL_IF) && !(off & FL_IF), "sti/cli show through pushf");
    uint32_t p;
    __asm__ volatile("sti\n\tpush $2\n\tpopf\n\tpushf\n\tpop %0" : "=r"(p) :: "cc");
    CHECK(!(p & FL_IF), "popf clears IF set by sti");
    __asm__ volatile("std\n\tpushf\n\tpop %0\n\tcld\n\tpushf\n\tpop %1" : "=r"(on), "=r"(off));
    CHECK((on & FL_DF) && !(off & FL_DF), "std/cld show through pushf");
}

/* PUSHF/POPF with the 0x66 prefix. */
static void test_16bit(void)
{
    /* Static, so that their "m" operands do not move with ESP. */
    static uint32_t e0, e1, e2;
    uint32_t r;
    uint16_t w;
    uint32_t hi = FL_FIXED | FL_AC | FL_ID | FL_CF;
    uint16_t lo = (uint16_t)(0xffff & ~(FL_TF | FL_IF));
    __asm__ volatile("pushf\n\t"
                     "push %[hi]\n\tpopf\n\t"
                     "mov %%esp, %[e0]\n\t"
                     "pushw %[lo]\n\tpopfw\n\t"
                     "mov %%esp, %[e1]\n\t"
                     "pushfw\n\t"
                     "mov %%esp, %[e2]\n\t"
                     "popw %[w]\n\t"
                     "pushf\n\tpop %[r]\n\t"
                     "popf"
                     : [e0] "=m"(e0), [e1] "=m"(e1), [e2] "=m"(e2), [w] "=&r"(w), [r] "=&r"(r)
                     : [hi] "r"(hi), [lo] "r"(lo)
                     : "cc", "memory");
    CHECK(e1 == e0 && e2 == e0 - 2, "pushfw/popfw move ESP by 2");
    uint32_t low = FL_ARITH | FL_FIXED | FL_DF | FL_IOPL | FL_NT;
    CHECK_EQ(r, low | FL_AC | FL_ID, "popfw loads bits 15:0 and keeps AC and ID");
    CHECK_EQ(w, low, "pushfw stores bits 15:0");
    uint16_t back;
    __asm__ volatile("pushf\n\tpush %1\n\tpopf\n\tpushfw\n\tpopw %0\n\tpopf"
                     : "=r"(back) : "r"(FL_FIXED | FL_AC | FL_ID | FL_ZF) : "cc", "memory");
    CHECK_EQ(back, FL_FIXED | FL_ZF, "pushfw does not show AC or ID");
}

/* Flags loaded by POPF/IRET feed the next instructions, in the same block
 * and across a jump. */
static void test_flags_feed(void)
{
    uint32_t taken, ah, setc;
    __asm__ volatile("pushf\n\tpush %3\n\tpopf\n\t"
                     "mov $0, %0\n\tjnc 1f\n\tmov $1, %0\n"
                     "1:\tlahf\n\t"
                     "jmp 2f\n"
                     "2:\tsetc %b2\n\tmovzbl %b2, %2\n\t"
                     "popf"
                     : "=&r"(taken), "=&a"(ah), "=&q"(setc)
                     : "r"(FL_FIXED | FL_CF | FL_ZF | FL_SF) : "cc", "memory");
    CHECK(taken == 1 && ((ah >> 8) & 0xff) == (FL_FIXED | FL_CF | FL_ZF | FL_SF) && setc == 1,
          "popf'd flags reach jnc, lahf, and setc after a jmp");

    uint32_t after;
    __asm__ volatile("pushf\n\t"
                     "pushl %1\n\tpush %%cs\n\tpush $1f\n\tiret\n"
                     "1:\tpushf\n\tpop %0\n\tpopf"
                     : "=r"(after)
                     : "r"(FL_FIXED | FL_OF | FL_DF | FL_AC | (2u << 12))
                     : "cc", "memory");
    CHECK_EQ(after, FL_FIXED | FL_OF | FL_DF | FL_AC | (2u << 12), "iret to the same CPL loads EFLAGS");
}

int main(void)
{
    /* No interrupt may ever arrive: mask both PICs before IF is touched. */
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
    test_fixed_bits();
    test_popf_cpl0();
    test_sti_cli_std_cld();
    test_16bit();
    test_flags_feed();
    return check_summary();
}
