/* Changing live paging entries (SDM vol. 3A, 4.10.4: INVLPG and MOV CR3
 * invalidate; 4.10.4.3: no invalidation is needed when an entry goes from
 * P = 0 to P = 1):
 *   - a PTE pointed at another physical page + INVLPG: reads see the new
 *     page, writes land in it and not in the old one (many rounds);
 *   - P = 1 -> 0 + INVLPG: the next access raises #PF(0);
 *   - P = 0 -> 1: the next access goes through, no INVLPG needed;
 *   - rights taken away + INVLPG (R/W, U/S): the next access faults; given
 *     back + INVLPG: it goes through;
 *   - a PDE pointed at another page table + INVLPG of an address it maps;
 *   - a 4 MiB PDE pointed elsewhere + INVLPG of any address inside it;
 *   - a PTE change followed by MOV CR3 (same value) instead of INVLPG.
 * Only what the SDM guarantees: no check ever depends on a stale TLB entry
 * being used, or not used, before the invalidation. */
#include "paging.h"

#define LA      PG_TEST_LA
#define BIG_LA  0x80000000u
#define NPAGES  4

static uint32_t *pd;
static volatile uint32_t *pte;
static uint32_t *pages[NPAGES];

static uint32_t pattern(int page, uint32_t off)
{
    return 0x10000000u * (uint32_t)(page + 1) + off;
}

static void check_remap(void)
{
    struct pg_access a;
    for (int i = 0; i < NPAGES; i++) {
        *pte = (uint32_t)pages[i] | PTE_P | PTE_W | PTE_U;
        invlpg(LA);
        a = pg_read(LA + 0x40, 0);
        pg_expect(&a, 0, 0, LA + 0x40, pattern(i, 0x40), "pte -> page %d + invlpg: cpl0 read sees page %d", i, i);
        a = pg_read(LA + 0x44, 3);
        pg_expect(&a, 0, 0, LA + 0x44, pattern(i, 0x44), "pte -> page %d + invlpg: cpl3 read sees page %d", i, i);
    }

    /* A write lands in the page mapped now, not in the one before. */
    *pte = (uint32_t)pages[0] | PTE_P | PTE_W | PTE_U;
    invlpg(LA);
    pg_read(LA, 0);
    *pte = (uint32_t)pages[1] | PTE_P | PTE_W | PTE_U;
    invlpg(LA);
    a = pg_write(LA + 0x80, 0x5555aaaa, 3);
    CHECK(!a.faulted && pages[1][0x80 / 4] == 0x5555aaaa && pages[0][0x80 / 4] == pattern(0, 0x80),
          "pte -> page 1 + invlpg: the write lands in page 1, page 0 untouched");

    /* Many rounds, each read and written through the new mapping. */
    int bad = 0;
    for (int r = 0; r < 400; r++) {
        int i = (r * 3 + 1) % NPAGES;
        uint32_t off = (uint32_t)(r * 8) & 0xff8;
        *pte = (uint32_t)pages[i] | PTE_P | PTE_W | PTE_U;
        invlpg(LA);
        uint32_t want = pages[i][off / 4];
        a = pg_read(LA + off, r & 1 ? 3 : 0);
        bad += a.faulted || a.value != want;
        a = pg_write(LA + off + 4, (uint32_t)r, r & 1 ? 0 : 3);
        bad += a.faulted || pages[i][off / 4 + 1] != (uint32_t)r;
    }
    CHECK_EQ(bad, 0, "400 rounds of pte -> another page + invlpg, read and write");
}

static void check_present(void)
{
    struct pg_access a;
    *pte = (uint32_t)pages[2] | PTE_P | PTE_W | PTE_U;
    invlpg(LA);
    pg_read(LA, 0);
    *pte &= ~PTE_P;
    invlpg(LA);
    a = pg_read(LA + 0x100, 0);
    pg_expect(&a, 1, 0, LA + 0x100, PG_ANY, "p 1 -> 0 + invlpg: cpl0 read #PF(0)");
    a = pg_write(LA + 0x104, 1, 3);
    pg_expect(&a, 1, PF_W | PF_U, LA + 0x104, PG_ANY, "p 1 -> 0 + invlpg: cpl3 write #PF(W|U)");
    *pte |= PTE_P;      /* no INVLPG: not-present translations are never cached */
    a = pg_read(LA + 0x108, 3);
    pg_expect(&a, 0, 0, LA + 0x108, pages[2][0x108 / 4], "p 0 -> 1, no invlpg: cpl3 read goes through");

    *pte = (uint32_t)pages[3] | PTE_W | PTE_U;
    invlpg(LA);
    a = pg_read(LA + 0x10c, 0);
    pg_expect(&a, 1, 0, LA + 0x10c, PG_ANY, "pte not present, another frame: #PF(0)");
    *pte |= PTE_P;
    a = pg_read(LA + 0x10c, 0);
    pg_expect(&a, 0, 0, LA + 0x10c, pages[3][0x10c / 4], "p 0 -> 1 with a new frame, no invlpg: the new page");
}

static void check_rights(void)
{
    struct pg_access a;
    pg_set_wp(1);
    *pte = (uint32_t)pages[0] | PTE_P | PTE_W | PTE_U;
    invlpg(LA);
    a = pg_write(LA + 0x200, 1, 0);
    pg_expect(&a, 0, 0, LA + 0x200, PG_ANY, "r/w=1: cpl0 write goes through");
    *pte &= ~PTE_W;
    invlpg(LA);
    a = pg_write(LA + 0x204, 1, 0);
    pg_expect(&a, 1, PF_P | PF_W, LA + 0x204, PG_ANY, "r/w 1 -> 0 + invlpg, wp=1: cpl0 write #PF(P|W)");
    a = pg_write(LA + 0x208, 1, 3);
    pg_expect(&a, 1, PF_P | PF_W | PF_U, LA + 0x208, PG_ANY, "r/w 1 -> 0 + invlpg: cpl3 write #PF(P|W|U)");
    *pte |= PTE_W;
    invlpg(LA);
    a = pg_write(LA + 0x20c, 1, 3);
    pg_expect(&a, 0, 0, LA + 0x20c, PG_ANY, "r/w 0 -> 1 + invlpg: cpl3 write goes through");
    *pte &= ~PTE_U;
    invlpg(LA);
    a = pg_read(LA + 0x210, 3);
    pg_expect(&a, 1, PF_P | PF_U, LA + 0x210, PG_ANY, "u/s 1 -> 0 + invlpg: cpl3 read #PF(P|U)");
    a = pg_read(LA + 0x214, 0);
    pg_expect(&a, 0, 0, LA + 0x214, pages[0][0x214 / 4], "u/s 1 -> 0 + invlpg: cpl0 read goes through");
    *pte |= PTE_U;
    invlpg(LA);
    a = pg_read(LA + 0x218, 3);
    pg_expect(&a, 0, 0, LA + 0x218, pages[0][0x218 / 4], "u/s 0 -> 1 + invlpg: cpl3 read goes through");
    pg_set_wp(0);
}

/* A PDE pointed at another page table; its entry for LA names page 3. */
static void check_pde(void)
{
    struct pg_access a;
    uint32_t *pde = pg_pde(pd, LA);
    uint32_t old = *pde;
    uint32_t *pt2 = pg_alloc();
    pt2[(LA >> 12) & 0x3ff] = (uint32_t)pages[3] | PTE_P | PTE_W | PTE_U;
    *pte = (uint32_t)pages[1] | PTE_P | PTE_W | PTE_U;
    invlpg(LA);
    pg_read(LA, 0);
    *pde = (uint32_t)pt2 | PTE_P | PTE_W | PTE_U;
    invlpg(LA);
    a = pg_read(LA + 0x300, 0);
    pg_expect(&a, 0, 0, LA + 0x300, pages[3][0x300 / 4], "pde -> another page table + invlpg: its page");
    *pde = old;
    invlpg(LA);
    a = pg_read(LA + 0x304, 3);
    pg_expect(&a, 0, 0, LA + 0x304, pages[1][0x304 / 4], "pde -> the first table again + invlpg: its page");
    *pde &= ~PTE_P;
    invlpg(LA);
    a = pg_read(LA + 0x308, 3);
    pg_expect(&a, 1, PF_U, LA + 0x308, PG_ANY, "pde p 1 -> 0 + invlpg: cpl3 read #PF(U)");
    *pde |= PTE_P;
    a = pg_read(LA + 0x30c, 3);
    pg_expect(&a, 0, 0, LA + 0x30c, pages[1][0x30c / 4], "pde p 0 -> 1, no invlpg: goes through");
}

/* 4 MiB pages at 4 and 8 MiB of RAM (free, identity mapped). */
static void check_4m(void)
{
    struct pg_access a;
    uint32_t *bigpde = pg_pde(pd, BIG_LA);
    *(volatile uint32_t *)(0x00400000u + 0x2b0000) = 0x44444444;
    *(volatile uint32_t *)(0x00800000u + 0x2b0000) = 0x88888888;
    *bigpde = 0x00400000u | PTE_PS | PTE_P | PTE_W | PTE_U;
    invlpg(BIG_LA);
    a = pg_read(BIG_LA + 0x2b0000, 0);
    pg_expect(&a, 0, 0, BIG_LA + 0x2b0000, 0x44444444, "4 MiB pde -> 4 MiB: read");
    *bigpde = 0x00800000u | PTE_PS | PTE_P | PTE_W | PTE_U;
    invlpg(BIG_LA + 0x123000);      /* any address of the big page will do */
    a = pg_read(BIG_LA + 0x2b0000, 0);
    pg_expect(&a, 0, 0, BIG_LA + 0x2b0000, 0x88888888, "4 MiB pde -> 8 MiB + invlpg elsewhere in the page");
}

/* MOV CR3 flushes every non-global translation. */
static void check_cr3_reload(void)
{
    struct pg_access a;
    *pte = (uint32_t)pages[0] | PTE_P | PTE_W | PTE_U;
    invlpg(LA);
    pg_read(LA, 0);
    *pte = (uint32_t)pages[2] | PTE_P | PTE_W | PTE_U;
    write_cr3(read_cr3());
    a = pg_read(LA + 0x400, 0);
    pg_expect(&a, 0, 0, LA + 0x400, pages[2][0x400 / 4], "pte -> page 2 + mov cr3 (same value): page 2");
    *pte &= ~PTE_P;
    write_cr3(read_cr3());
    a = pg_read(LA + 0x404, 0);
    pg_expect(&a, 1, 0, LA + 0x404, PG_ANY, "p 1 -> 0 + mov cr3: #PF(0)");
}

int main(void)
{
    pm_init();
    pd = pg_new_space();
    for (int i = 0; i < NPAGES; i++) {
        pages[i] = pg_alloc();
        for (uint32_t off = 0; off < PG_SIZE; off += 4)
            pages[i][off / 4] = pattern(i, off);
    }
    pg_map(pd, LA, (uint32_t)pages[0], PTE_P | PTE_W | PTE_U);
    pte = pg_pte(pd, LA);
    pg_enable(pd, PG_PSE);
    check_remap();
    check_present();
    check_rights();
    check_pde();
    check_4m();
    check_cr3_reload();
    pg_disable();
    return check_summary();
}
