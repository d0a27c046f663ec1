/* Address-space switches (SDM vol. 3A, 4.3: CR3 names the page directory
 * every translation starts from; 4.10.4.1: MOV to CR3 invalidates the
 * non-global TLB entries): 8 page directories map the same 16 linear pages
 * to different physical pages, some pages unmapped in some spaces. CR3
 * switches round-robin and in a scrambled order, 1000 times; after each:
 *   - reads see the current space's page;
 *   - writes land in the current space's physical page (seen at its
 *     identity address) and nowhere else;
 *   - a page unmapped in the current space raises #PF(0) with CR2. */
#include "paging.h"

#define NSPACES  8
#define NPAGES   16
#define REGION   PG_TEST_LA
#define PHYS     0x00400000u        /* free RAM: 8 x 16 pages from 4 MiB */

static uint32_t *spaces[NSPACES];

static int mapped(int s, int j)
{
    return (s * 7 + j * 3) % 5 != 0;
}

static volatile uint32_t *phys(int s, int j, uint32_t off)
{
    return (volatile uint32_t *)(PHYS + (uint32_t)(s * NPAGES + j) * PG_SIZE + off);
}

static uint32_t marker(int s, int j)
{
    return 0xc3000000u | (uint32_t)(s << 8) | (uint32_t)j;
}

/* Every page of space s as the current CR3: reads, then faults where unmapped. */
static int check_space(int s)
{
    int bad = 0;
    for (int j = 0; j < NPAGES; j++) {
        uint32_t la = REGION + (uint32_t)j * PG_SIZE + 0x10;
        struct pg_access a = pg_read(la, j & 1 ? 3 : 0);
        if (mapped(s, j))
            bad += a.faulted || a.value != marker(s, j);
        else
            bad += !a.faulted || a.error_code != (j & 1 ? PF_U : 0) || a.cr2 != la;
    }
    return bad;
}

int main(void)
{
    pm_init();
    for (int s = 0; s < NSPACES; s++) {
        spaces[s] = pg_new_space();
        for (int j = 0; j < NPAGES; j++) {
            *phys(s, j, 0x10) = marker(s, j);
            *phys(s, j, 0x20) = 0;
            if (mapped(s, j))
                pg_map(spaces[s], REGION + (uint32_t)j * PG_SIZE, (uint32_t)phys(s, j, 0),
                       PTE_P | PTE_W | PTE_U);
        }
    }
    pg_enable(spaces[0], 0);

    for (int s = 0; s < NSPACES; s++) {
        pg_set_cr3(spaces[s]);
        CHECK_EQ(check_space(s), 0, "cr3 = space %d: its 16 pages read its data, unmapped ones #PF(0)", s);
    }

    /* 1000 switches; each one reads one page and writes another, at a CPL
     * that alternates. */
    int bad_read = 0, bad_write = 0, bad_fault = 0;
    uint32_t written[NSPACES][NPAGES] = { { 0 } };
    for (int k = 0; k < 1000; k++) {
        int s = k < 500 ? k % NSPACES : (k * 5 + k / 8) % NSPACES;
        int j = (k * 7) % NPAGES, w = (k * 11 + 3) % NPAGES;
        int cpl = k & 1 ? 3 : 0;
        pg_set_cr3(spaces[s]);
        uint32_t la = REGION + (uint32_t)j * PG_SIZE + 0x10;
        struct pg_access a = pg_read(la, cpl);
        if (mapped(s, j))
            bad_read += a.faulted || a.value != marker(s, j);
        else
            bad_fault += !a.faulted || a.cr2 != la || a.error_code != (cpl ? PF_U : 0);
        uint32_t wla = REGION + (uint32_t)w * PG_SIZE + 0x20;
        uint32_t v = 0x5000000u + (uint32_t)k;
        a = pg_write(wla, v, 3 - cpl);
        if (mapped(s, w)) {
            written[s][w] = v;
            bad_write += a.faulted;
        } else {
            bad_fault += !a.faulted || a.cr2 != wla || a.error_code != (PF_W | (cpl ? 0 : PF_U));
        }
    }
    CHECK_EQ(bad_read, 0, "1000 cr3 switches: every read sees the current space's page");
    CHECK_EQ(bad_fault, 0, "1000 cr3 switches: every unmapped page #PF(0) with cr2");
    int bad = 0;
    for (int s = 0; s < NSPACES; s++)
        for (int j = 0; j < NPAGES; j++)
            bad += *phys(s, j, 0x20) != written[s][j];
    CHECK_EQ(bad, 0, "1000 cr3 switches: every write landed in the current space's physical page");
    CHECK_EQ(bad_write, 0, "1000 cr3 switches: no write to a mapped page faulted");

    for (int s = NSPACES - 1; s >= 0; s--) {
        pg_set_cr3(spaces[s]);
        CHECK_EQ(check_space(s), 0, "back to space %d: its pages still read its data", s);
    }
    pg_disable();
    return check_summary();
}
