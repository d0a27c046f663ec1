/* Aliases (SDM vol. 3A, 4.3-4.5: translation reads the paging structures
 * from physical memory, whatever linear addresses software uses to write
 * them; 4.10.4.1: INVLPG after each change):
 *   - a page table reachable as data through two linear addresses: a PTE
 *     written through either alias controls the translation it belongs
 *     to, and the A/D bits the CPU sets are read through both;
 *   - a data page mapped at two linear addresses: a write through one is
 *     read through the other, at CPL0 and CPL3, and a read-only alias
 *     faults on writes while the writable one goes through. */
#include "paging.h"

#define REGION  PG_TEST_LA              /* translated by the page table `pt` */
#define ALIAS1  0x50000000u             /* pt as data, twice */
#define ALIAS2  0x50801000u
#define DATA1   0x60000000u             /* one data page, twice */
#define DATA2   0x60403000u

static uint32_t *pd, *pt;
static uint32_t *pages[3];

static volatile uint32_t *alias(uint32_t base, uint32_t la)
{
    return (volatile uint32_t *)(base + ((la >> 12) & 0x3ff) * 4);
}

static void check_table_aliases(void)
{
    struct pg_access a;
    *alias(ALIAS1, REGION) = (uint32_t)pages[0] | PTE_P | PTE_W | PTE_U;
    invlpg(REGION);
    a = pg_read(REGION + 0x10, 0);
    pg_expect(&a, 0, 0, REGION + 0x10, 0xa0000010, "pte written through alias 1: page 0 mapped");

    *alias(ALIAS2, REGION + 0x1000) = (uint32_t)pages[1] | PTE_P | PTE_W | PTE_U;
    invlpg(REGION + 0x1000);
    a = pg_read(REGION + 0x1010, 3);
    pg_expect(&a, 0, 0, REGION + 0x1010, 0xa1000010, "pte written through alias 2: page 1 mapped");

    *alias(ALIAS2, REGION) = (uint32_t)pages[2] | PTE_P | PTE_W | PTE_U;
    invlpg(REGION);
    a = pg_read(REGION + 0x14, 3);
    pg_expect(&a, 0, 0, REGION + 0x14, 0xa2000014, "the alias-1 pte rewritten through alias 2: page 2");

    a = pg_write(REGION + 0x18, 0x1234, 0);
    CHECK(!a.faulted && pages[2][0x18 / 4] == 0x1234, "a write through it lands in page 2");
    CHECK_EQ(*alias(ALIAS1, REGION), (uint32_t)pages[2] | PTE_P | PTE_W | PTE_U | PTE_A | PTE_D,
             "alias 1 reads the pte with the a/d bits the cpu set");
    CHECK_EQ(*alias(ALIAS2, REGION + 0x1000), (uint32_t)pages[1] | PTE_P | PTE_W | PTE_U | PTE_A,
             "alias 2 reads the other pte with a=1 d=0");

    *alias(ALIAS1, REGION + 0x1000) &= ~PTE_P;
    invlpg(REGION + 0x1000);
    a = pg_read(REGION + 0x1020, 0);
    pg_expect(&a, 1, 0, REGION + 0x1020, PG_ANY, "p cleared through alias 1 + invlpg: #PF(0)");
    *alias(ALIAS2, REGION + 0x1000) |= PTE_P;
    a = pg_read(REGION + 0x1024, 0);
    pg_expect(&a, 0, 0, REGION + 0x1024, 0xa1000024, "p set through alias 2: page 1 again");

    /* Rights changed through one alias, back through the other. */
    *alias(ALIAS1, REGION) &= ~PTE_U;
    invlpg(REGION);
    a = pg_read(REGION + 0x28, 3);
    pg_expect(&a, 1, PF_P | PF_U, REGION + 0x28, PG_ANY, "u/s cleared through alias 1 + invlpg: cpl3 #PF(P|U)");
    *alias(ALIAS2, REGION) |= PTE_U;
    invlpg(REGION);
    a = pg_read(REGION + 0x2c, 3);
    pg_expect(&a, 0, 0, REGION + 0x2c, 0xa200002c, "u/s set through alias 2 + invlpg: cpl3 read");

    /* Many rounds alternating the alias that writes. */
    int bad = 0;
    for (int r = 0; r < 300; r++) {
        int i = r % 3;
        uint32_t base = r & 1 ? ALIAS2 : ALIAS1;
        uint32_t la = REGION + (uint32_t)(r % 5) * 0x1000;
        *alias(base, la) = (uint32_t)pages[i] | PTE_P | PTE_W | PTE_U;
        invlpg(la);
        a = pg_read(la + 0x40, r & 2 ? 3 : 0);
        bad += a.faulted || a.value != pages[i][0x40 / 4];
    }
    CHECK_EQ(bad, 0, "300 rounds: a pte written through alternating aliases, read through the mapping");
}

static void check_data_aliases(void)
{
    struct pg_access a;
    uint32_t *page = pg_alloc();
    pg_map(pd, DATA1, (uint32_t)page, PTE_P | PTE_W | PTE_U);
    pg_map(pd, DATA2, (uint32_t)page, PTE_P | PTE_W | PTE_U);
    a = pg_write(DATA1 + 0x100, 0x11111111, 0);
    a = pg_read(DATA2 + 0x100, 0);
    pg_expect(&a, 0, 0, DATA2 + 0x100, 0x11111111, "cpl0 write through data alias 1, read through alias 2");
    a = pg_write(DATA2 + 0x100, 0x22222222, 3);
    a = pg_read(DATA1 + 0x100, 3);
    pg_expect(&a, 0, 0, DATA1 + 0x100, 0x22222222, "cpl3 write through data alias 2, read through alias 1");
    int bad = 0;
    for (uint32_t i = 0; i < 200; i++) {
        uint32_t off = (i * 20) & 0xffc;
        *(volatile uint32_t *)((i & 1 ? DATA1 : DATA2) + off) = i * 0x01010101u;
        bad += *(volatile uint32_t *)((i & 1 ? DATA2 : DATA1) + off) != i * 0x01010101u;
    }
    CHECK_EQ(bad, 0, "200 writes through one data alias, each read back through the other");

    pg_set_pte_flags(pd, DATA2, PTE_P | PTE_U);
    invlpg(DATA2);
    pg_set_wp(1);
    a = pg_write(DATA2 + 0x200, 1, 0);
    pg_expect(&a, 1, PF_P | PF_W, DATA2 + 0x200, PG_ANY, "data alias 2 read-only, wp=1: cpl0 write #PF(P|W)");
    a = pg_write(DATA1 + 0x200, 0x33333333, 3);
    a = pg_read(DATA2 + 0x200, 3);
    pg_expect(&a, 0, 0, DATA2 + 0x200, 0x33333333, "write through the writable alias 1, read through read-only alias 2");
    pg_set_wp(0);
}

int main(void)
{
    pm_init();
    pd = pg_new_space();
    for (int i = 0; i < 3; i++) {
        pages[i] = pg_alloc();
        for (uint32_t off = 0; off < PG_SIZE; off += 4)
            pages[i][off / 4] = 0xa0000000u + 0x01000000u * (uint32_t)i + off;
    }
    pg_map(pd, REGION, 0, 0);           /* allocates the region's page table */
    pt = (uint32_t *)(*pg_pde(pd, REGION) & PTE_FRAME);
    pg_map(pd, ALIAS1, (uint32_t)pt, PTE_P | PTE_W);
    pg_map(pd, ALIAS2, (uint32_t)pt, PTE_P | PTE_W);
    pg_enable(pd, 0);
    check_table_aliases();
    check_data_aliases();
    pg_disable();
    return check_summary();
}
