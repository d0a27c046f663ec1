/* Global pages (SDM vol. 3A, 4.10.2.4 and 4.10.4.1):
 *   - with CR4.PGE = 1, pages with G = 1 mapped identically in every
 *     address space (here: one page table shared by the page directories,
 *     as kernels do) read and write the same physical page whatever CR3
 *     holds, while the non-global pages at other addresses are each
 *     space's own;
 *   - a global PTE changed once (in the shared table) + INVLPG: every
 *     space sees the new page after its CR3 switch;
 *   - MOV to CR4 that changes PGE invalidates all TLB entries, global ones
 *     included: a global PTE changed without INVLPG is seen after CR4.PGE
 *     is toggled;
 *   - the same for a global 4 MiB page (G in a PDE with PS = 1).
 * Nothing checks whether a stale global entry survives a MOV CR3 (allowed
 * either way by the SDM for entries software left inconsistent). */
#include "paging.h"

#define NSPACES   4
#define GLOBAL_LA 0xc0000000u       /* global, in the shared table */
#define LOCAL_LA  PG_TEST_LA        /* each space's own page */
#define BIG_LA    0x80000000u       /* a global 4 MiB page */

static uint32_t *spaces[NSPACES];
static uint32_t *locals[NSPACES];
static uint32_t *gpages[2];
static uint32_t *shared_pt;

static void switch_to(int s)
{
    pg_set_cr3(spaces[s]);
}

/* Every space, in turn: the global page reads `want`, the local one its own marker. */
static void check_all_spaces(uint32_t want, const char *what)
{
    int bad = 0;
    for (int round = 0; round < 3; round++) {
        for (int s = 0; s < NSPACES; s++) {
            switch_to(s);
            struct pg_access g = pg_read(GLOBAL_LA + 0x10, (s + round) & 1 ? 3 : 0);
            struct pg_access l = pg_read(LOCAL_LA + 0x10, (s + round) & 1 ? 0 : 3);
            bad += g.faulted || g.value != want;
            bad += l.faulted || l.value != 0x1000u + (uint32_t)s;
        }
    }
    CHECK_EQ(bad, 0, "%s: every space reads the global page, and its own local page", what);
}

/* How many spaces, each made current in turn, do not read `want` at la. */
static int misreads(uint32_t la, uint32_t want, int cpl)
{
    int bad = 0;
    for (int s = 0; s < NSPACES; s++) {
        switch_to(s);
        struct pg_access a = pg_read(la, cpl);
        bad += a.faulted || a.value != want;
    }
    return bad;
}

int main(void)
{
    pm_init();
    shared_pt = pg_alloc();
    for (int i = 0; i < 2; i++) {
        gpages[i] = pg_alloc();
        gpages[i][0x10 / 4] = 0x61000000u + (uint32_t)i;
    }
    shared_pt[(GLOBAL_LA >> 12) & 0x3ff] = (uint32_t)gpages[0] | PTE_G | PTE_P | PTE_W | PTE_U;
    *(volatile uint32_t *)(0x00400000u + 0x100) = 0x4444;       /* RAM at 4 and 8 MiB */
    *(volatile uint32_t *)(0x00800000u + 0x100) = 0x8888;
    for (int s = 0; s < NSPACES; s++) {
        spaces[s] = pg_new_space();
        *pg_pde(spaces[s], GLOBAL_LA) = (uint32_t)shared_pt | PTE_P | PTE_W | PTE_U;
        *pg_pde(spaces[s], BIG_LA) = 0x00400000u | PTE_PS | PTE_G | PTE_P | PTE_W | PTE_U;
        locals[s] = pg_alloc();
        locals[s][0x10 / 4] = 0x1000u + (uint32_t)s;
        pg_map(spaces[s], LOCAL_LA, (uint32_t)locals[s], PTE_P | PTE_W | PTE_U);
    }
    pg_enable(spaces[0], PG_PGE | PG_PSE);
    CHECK((read_cr4() & (CR4_PGE | CR4_PSE)) == (CR4_PGE | CR4_PSE), "cr4.pge=1 cr4.pse=1");

    check_all_spaces(0x61000000u, "global pte -> page 0");

    /* A write through the global page in one space is read in all. */
    switch_to(2);
    struct pg_access a = pg_write(GLOBAL_LA + 0x20, 0x2222, 3);
    CHECK_EQ(a.faulted + misreads(GLOBAL_LA + 0x20, 0x2222, 0), 0,
             "a write through the global page in space 2 is read in every space");

    /* The shared global PTE changed once, INVLPG once, in space 1. */
    switch_to(1);
    shared_pt[(GLOBAL_LA >> 12) & 0x3ff] = (uint32_t)gpages[1] | PTE_G | PTE_P | PTE_W | PTE_U;
    invlpg(GLOBAL_LA);
    check_all_spaces(0x61000001u, "global pte -> page 1 + invlpg");

    /* Changed again without INVLPG; toggling CR4.PGE flushes it. */
    shared_pt[(GLOBAL_LA >> 12) & 0x3ff] = (uint32_t)gpages[0] | PTE_G | PTE_P | PTE_W | PTE_U;
    write_cr4(read_cr4() & ~CR4_PGE);
    write_cr4(read_cr4() | CR4_PGE);
    check_all_spaces(0x61000000u, "global pte -> page 0, cr4.pge toggled");

    /* Global PTE made not present + INVLPG: #PF in every space. */
    shared_pt[(GLOBAL_LA >> 12) & 0x3ff] &= ~PTE_P;
    invlpg(GLOBAL_LA);
    int bad = 0;
    for (int s = 0; s < NSPACES; s++) {
        switch_to(s);
        a = pg_read(GLOBAL_LA + 0x30 + (uint32_t)s * 4, 3);
        bad += !a.faulted || a.error_code != PF_U || a.cr2 != GLOBAL_LA + 0x30 + (uint32_t)s * 4;
    }
    CHECK_EQ(bad, 0, "global pte p=0 + invlpg: cpl3 read #PF(U) in every space");
    shared_pt[(GLOBAL_LA >> 12) & 0x3ff] |= PTE_P;
    check_all_spaces(0x61000000u, "global pte present again");

    /* A global 4 MiB page, moved from 4 to 8 MiB in every space + INVLPG. */
    CHECK_EQ(misreads(BIG_LA + 0x100, 0x4444, 0), 0, "global 4 MiB page at 4 MiB: read in every space");
    for (int s = 0; s < NSPACES; s++)
        *pg_pde(spaces[s], BIG_LA) = 0x00800000u | PTE_PS | PTE_G | PTE_P | PTE_W | PTE_U;
    invlpg(BIG_LA);
    CHECK_EQ(misreads(BIG_LA + 0x100, 0x8888, 3), 0,
             "global 4 MiB page -> 8 MiB in every pd + invlpg: every space reads the new page");

    /* CR4.PGE = 0: G is ignored, the pages work as ordinary ones. */
    write_cr4(read_cr4() & ~CR4_PGE);
    check_all_spaces(0x61000000u, "cr4.pge=0");
    pg_disable();
    return check_summary();
}
