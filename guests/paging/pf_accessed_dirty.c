/* Accessed and dirty flags (SDM vol. 3A, 4.8; 4.10.2.2 and 4.10.3.3 for
 * what the TLB may cache):
 *   - every entry used in a translation gets A = 1: a read, a write or an
 *     instruction fetch sets A in the PDE and in the PTE;
 *   - a write sets D = 1 only in the entry that maps the page: the PTE, or
 *     the PDE of a 4 MiB page; a PDE that points to a page table keeps bit
 *     6 as it was; a read or a fetch never sets D;
 *   - a write through a translation the TLB holds with D = 0 (the page was
 *     read first) still sets D in memory;
 *   - the flags are sticky: software clears them, and after INVLPG the
 *     next access sets them again;
 *   - a write that faults is no write: D stays 0; a protection fault does
 *     not mark the denying PTE accessed either, and an entry with P = 0 is
 *     left exactly as software wrote it (its other bits are software's). */
#include "paging.h"

#define LA      PG_TEST_LA
#define BIG_LA  0x80000000u
#define BIG_PA  0x00800000u     /* free RAM at 8 MiB */

static uint32_t *pd;
static volatile uint32_t *pde, *pte, *bigpde;     /* the CPU writes them */

/* PDE and PTE back to P|W|U with A = D = 0 (plus extra PTE flags). */
static void reset(uint32_t pte_flags)
{
    *pde = (*pde & PTE_FRAME) | PTE_P | PTE_W | PTE_U;
    *pte = (*pte & PTE_FRAME) | pte_flags;
    invlpg(LA);
}

static uint32_t ad(uint32_t e)
{
    return e & (PTE_A | PTE_D);
}

static void check_4k(void)
{
    struct pg_access a;
    for (int cpl = 0; cpl <= 3; cpl += 3) {
        reset(PTE_P | PTE_W | PTE_U);
        a = pg_read(LA + 0x10, cpl);
        CHECK(!a.faulted, "cpl%d read: no fault", cpl);
        CHECK_EQ(ad(*pde), PTE_A, "cpl%d read: pde a=1 (d untouched)", cpl);
        CHECK_EQ(ad(*pte), PTE_A, "cpl%d read: pte a=1 d=0", cpl);

        /* The TLB now holds the translation with D = 0: the write must
         * still reach the PTE's D (no INVLPG in between). */
        a = pg_write(LA + 0x14, 1, cpl);
        CHECK(!a.faulted, "cpl%d write after the read: no fault", cpl);
        CHECK_EQ(ad(*pte), PTE_A | PTE_D, "cpl%d write after a read, no invlpg: pte a=1 d=1", cpl);
        CHECK_EQ(ad(*pde), PTE_A, "cpl%d write: a pde that points to a table gets no d", cpl);

        reset(PTE_P | PTE_W | PTE_U);
        a = pg_write(LA + 0x18, 2, cpl);
        CHECK(!a.faulted, "cpl%d write, a=0 d=0: no fault", cpl);
        CHECK_EQ(ad(*pte), PTE_A | PTE_D, "cpl%d first access a write: pte a=1 d=1", cpl);
        CHECK_EQ(ad(*pde), PTE_A, "cpl%d first access a write: pde a=1 d=0", cpl);

        /* Software clears D (and INVLPGs): the next write sets it again;
         * a read in between does not. */
        *pte &= ~PTE_D;
        invlpg(LA);
        a = pg_read(LA + 0x1c, cpl);
        CHECK_EQ(ad(*pte), PTE_A, "cpl%d d cleared + invlpg, read: d stays 0", cpl);
        a = pg_write(LA + 0x1c, 3, cpl);
        CHECK_EQ(ad(*pte), PTE_A | PTE_D, "cpl%d d cleared + invlpg, write: d=1 again", cpl);

        /* The same for A. */
        *pte &= ~(PTE_A | PTE_D);
        *pde &= ~PTE_A;
        invlpg(LA);
        a = pg_read(LA + 0x20, cpl);
        CHECK(ad(*pte) == PTE_A && ad(*pde) == PTE_A, "cpl%d a cleared + invlpg, read: a=1 again in both",
              cpl);
    }

    /* Instruction fetch: `mov $7, %eax; ret` on the page. */
    static const uint8_t code[] = { 0xb8, 0x07, 0x00, 0x00, 0x00, 0xc3 };
    memcpy((uint8_t *)(*pte & PTE_FRAME) + 0x800, code, sizeof code);
    reset(PTE_P | PTE_W | PTE_U);
    a = pg_call(LA + 0x800, 0);
    CHECK(!a.faulted && a.value == 7, "fetch: the code runs");
    CHECK(ad(*pte) == PTE_A && ad(*pde) == PTE_A, "fetch: pde and pte a=1, d=0");
}

/* Accesses that fault change nothing in the entry that denies them. */
static void check_faulting(void)
{
    struct pg_access a;
    pg_set_wp(1);
    reset(PTE_P | PTE_U);
    a = pg_write(LA + 0x30, 1, 0);
    pg_expect(&a, 1, PF_P | PF_W, LA + 0x30, PG_ANY, "cpl0 write to a read-only pte, wp=1: #PF(P|W)");
    CHECK_EQ(ad(*pte), 0, "  the faulting write: pte a=0 d=0");
    a = pg_write(LA + 0x34, 1, 3);
    pg_expect(&a, 1, PF_P | PF_W | PF_U, LA + 0x34, PG_ANY, "cpl3 write to a read-only pte: #PF(P|W|U)");
    CHECK_EQ(ad(*pte), 0, "  the faulting write: pte a=0 d=0");
    pg_set_wp(0);

    reset(PTE_P | PTE_W);
    a = pg_read(LA + 0x38, 3);
    pg_expect(&a, 1, PF_P | PF_U, LA + 0x38, PG_ANY, "cpl3 read of a supervisor pte: #PF(P|U)");
    CHECK_EQ(ad(*pte), 0, "  the faulting read: pte a=0 d=0");

    /* P = 0: all other bits are software's. */
    uint32_t frame = *pte & PTE_FRAME;
    *pte = 0xabcde000u | 0xffeu;
    invlpg(LA);
    a = pg_write(LA + 0x3c, 1, 0);
    pg_expect(&a, 1, PF_W, LA + 0x3c, PG_ANY, "cpl0 write, pte p=0: #PF(W)");
    CHECK_EQ(*pte, 0xabcdeffeu, "  the not-present pte is left as it was");
    *pte = frame;
    reset(PTE_P | PTE_W | PTE_U);
}

/* A 4 MiB page: its PDE is the entry that maps the page. */
static void check_4m(void)
{
    struct pg_access a;
    for (int cpl = 0; cpl <= 3; cpl += 3) {
        *bigpde = BIG_PA | PTE_PS | PTE_P | PTE_W | PTE_U;
        invlpg(BIG_LA);
        a = pg_read(BIG_LA + 0x123450, cpl);
        CHECK(!a.faulted, "cpl%d read, 4 MiB page: no fault", cpl);
        CHECK_EQ(ad(*bigpde), PTE_A, "cpl%d read, 4 MiB page: pde a=1 d=0", cpl);
        a = pg_write(BIG_LA + 0x234560, 5, cpl);
        CHECK(!a.faulted, "cpl%d write, 4 MiB page: no fault", cpl);
        CHECK_EQ(ad(*bigpde), PTE_A | PTE_D, "cpl%d write after a read, 4 MiB page: pde a=1 d=1", cpl);
        *bigpde &= ~PTE_D;
        invlpg(BIG_LA);
        a = pg_write(BIG_LA + 0x345670, 6, cpl);
        CHECK_EQ(ad(*bigpde), PTE_A | PTE_D, "cpl%d d cleared + invlpg, write, 4 MiB page: d=1 again", cpl);
    }
}

int main(void)
{
    pm_init();
    pd = pg_new_space();
    pg_map(pd, LA, (uint32_t)pg_alloc(), PTE_P | PTE_W | PTE_U);
    pde = pg_pde(pd, LA);
    pte = pg_pte(pd, LA);
    bigpde = pg_pde(pd, BIG_LA);
    pg_enable(pd, PG_PSE);
    check_4k();
    check_faulting();
    check_4m();
    pg_disable();
    return check_summary();
}
