/* A self-mapping page directory (SDM vol. 3A, 4.3: the walk reads a PDE,
 * then a PTE from the page the PDE names, whatever that page is): with
 * PDE 1023 pointing at the page directory itself, the page table of PDE i
 * appears at 0xffc00000 + i * 4096 and the page directory at 0xfffff000
 * (its PDE 1023 being used as a PTE). Checks:
 *   - PDEs and PTEs read through the self map equal the kit's;
 *   - a mapping made by writing a PTE through the self map (+ INVLPG) works;
 *   - a page table installed by writing a PDE through the self map, then
 *     filled through the self map, works;
 *   - a PTE cleared through the self map (+ INVLPG): #PF;
 *   - the self map is supervisor-only (PDE 1023 has U/S = 0): CPL3 #PF(P|U). */
#include "paging.h"

#define SELF_PT   0xffc00000u
#define SELF_PD   0xfffff000u
#define LA        PG_TEST_LA
#define NEW_LA    0x70000000u       /* its PDE is installed through the self map */

static uint32_t *pd;

static volatile uint32_t *self_pte(uint32_t la)
{
    return (volatile uint32_t *)(SELF_PT + (la >> 12) * 4);
}

static volatile uint32_t *self_pde(uint32_t la)
{
    return (volatile uint32_t *)(SELF_PD + (la >> 22) * 4);
}

static void check_reads(void)
{
    int bad = 0;
    for (uint32_t la = 0; la < PG_IDENTITY_END; la += 0x3000)
        bad += *self_pte(la) != *pg_pte(pd, la);
    CHECK_EQ(bad, 0, "identity-map ptes read through the self map equal the tables'");
    bad = 0;
    for (uint32_t la = 0; la < PG_IDENTITY_END; la += 0x400000)
        bad += *self_pde(la) != *pg_pde(pd, la);
    CHECK_EQ(bad, 0, "identity-map pdes read through 0xfffff000 equal the pd's");
    CHECK_EQ(*self_pde(LA) & PTE_FRAME, *pg_pde(pd, LA) & PTE_FRAME, "the test region's pde through the self map");
    CHECK_EQ(*self_pde(SELF_PD) & ~(PTE_A | PTE_D), (uint32_t)pd | PTE_P | PTE_W,
             "pde 1023 through the self map: the pd itself, p=1 r/w=1 u/s=0");
    CHECK_EQ(*self_pte((uint32_t)pd) & PTE_FRAME, (uint32_t)pd, "the pd's own identity pte through the self map");
}

static void check_new_mappings(void)
{
    struct pg_access a;
    uint32_t *page = pg_alloc();
    page[0x50 / 4] = 0x5e1f0050;

    /* A PTE written through the self map, in an existing page table. */
    *self_pte(LA + 0x5000) = (uint32_t)page | PTE_P | PTE_W | PTE_U;
    invlpg(LA + 0x5000);
    a = pg_read(LA + 0x5050, 3);
    pg_expect(&a, 0, 0, LA + 0x5050, 0x5e1f0050, "pte written through the self map: the page is mapped");
    CHECK_EQ(*pg_pte(pd, LA + 0x5000) & ~PTE_A, (uint32_t)page | PTE_P | PTE_W | PTE_U,
             "  and the kit sees that pte in the table");

    /* A new page table: its PDE, then its PTE, through the self map. The
     * self-map page of that table was not present: no INVLPG needed. */
    uint32_t *pt = pg_alloc();
    *self_pde(NEW_LA) = (uint32_t)pt | PTE_P | PTE_W | PTE_U;
    *self_pte(NEW_LA + 0x2000) = (uint32_t)page | PTE_P | PTE_W | PTE_U;
    CHECK_EQ(pt[2], (uint32_t)page | PTE_P | PTE_W | PTE_U, "pde then pte written through the self map: the pte is in the new table");
    a = pg_read(NEW_LA + 0x2050, 0);
    pg_expect(&a, 0, 0, NEW_LA + 0x2050, 0x5e1f0050, "new table installed through the self map: the page is mapped");
    a = pg_write(NEW_LA + 0x2054, 0x77, 3);
    CHECK(!a.faulted && page[0x54 / 4] == 0x77, "cpl3 write through the new mapping lands in the page");
    CHECK_EQ(*self_pte(NEW_LA + 0x2000) & (PTE_A | PTE_D), PTE_A | PTE_D, "its pte, read through the self map, has a=1 d=1");

    *self_pte(NEW_LA + 0x2000) &= ~PTE_P;
    invlpg(NEW_LA + 0x2000);
    a = pg_read(NEW_LA + 0x2058, 0);
    pg_expect(&a, 1, 0, NEW_LA + 0x2058, PG_ANY, "pte cleared through the self map + invlpg: #PF(0)");

    /* Many PTEs written through the self map, then used. */
    int bad = 0;
    for (uint32_t i = 0; i < 64; i++)
        *self_pte(NEW_LA + 0x10000 + i * 0x1000) = (uint32_t)page | PTE_P | PTE_W;
    for (uint32_t i = 0; i < 64; i++) {
        page[(i * 4) / 4 + 0x100] = i;
        bad += *(volatile uint32_t *)(NEW_LA + 0x10000 + i * 0x1000 + 0x400 + i * 4) != i;
    }
    CHECK_EQ(bad, 0, "64 ptes written through the self map, each maps the page");
}

static void check_user(void)
{
    struct pg_access a = pg_read(SELF_PD, 3);
    pg_expect(&a, 1, PF_P | PF_U, SELF_PD, PG_ANY, "cpl3 read of the self-mapped pd: #PF(P|U)");
    a = pg_write(SELF_PT + 0x100, 0, 3);
    pg_expect(&a, 1, PF_P | PF_W | PF_U, SELF_PT + 0x100, PG_ANY, "cpl3 write to a self-mapped page table: #PF(P|W|U)");
}

int main(void)
{
    pm_init();
    pd = pg_new_space();
    pg_map(pd, LA, 0, 0);               /* the test region's page table */
    pd[1023] = (uint32_t)pd | PTE_P | PTE_W;
    pg_enable(pd, 0);
    check_reads();
    check_new_mappings();
    check_user();
    pg_disable();
    return check_summary();
}
