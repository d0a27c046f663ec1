/* Page tables written many times in a row (SDM vol. 3A, 4.10.4): what a
 * kernel filling a fresh table, or fork copying one, does. Whatever a
 * monitor does to keep up (bt386 stops tracing such a table and checks it
 * at the next MOV CR3), the architecture's promises hold:
 *   - entries going from P = 0 to P = 1 are usable at once, with no
 *     invalidation (4.10.4.3), however many were written in a row;
 *   - entries changed or cleared after use take effect at the next MOV CR3
 *     (4.10.4.1) or INVLPG of their page;
 *   - neighbours of a used page that were never accessed keep A = 0.
 * Each round maps 64 fresh pages in one table, reads them, then clears or
 * redirects them and reloads CR3. */
#include "paging.h"

#define LA     PG_TEST_LA
#define NPAGE  64
#define ROUNDS 6

static uint32_t *pd;
static uint32_t *frames[2][NPAGE];

static volatile uint32_t *pte_of(int i)
{
    return pg_pte(pd, LA + (uint32_t)i * 4096);
}

static uint32_t marker(int set, int i)
{
    return 0xa0000000u + (uint32_t)set * 0x1000 + (uint32_t)i;
}

int main(void)
{
    pm_init();
    pd = pg_new_space();
    for (int set = 0; set < 2; set++)
        for (int i = 0; i < NPAGE; i++) {
            frames[set][i] = pg_alloc();
            frames[set][i][0] = marker(set, i);
        }
    /* One present page makes the table live before paging is on. */
    pg_map(pd, LA, (uint32_t)frames[0][0], PTE_P | PTE_W | PTE_U);
    pg_enable(pd, PG_WP);

    int bad_fill = 0, bad_clear = 0, bad_redirect = 0, bad_invlpg = 0;
    for (int round = 0; round < ROUNDS; round++) {
        int set = round & 1;
        /* NP -> P, all in a row, then the reads: no invalidation needed. */
        for (int i = 0; i < NPAGE; i++)
            *pte_of(i) = (uint32_t)frames[set][i] | PTE_P | PTE_W | PTE_U;
        for (int i = 0; i < NPAGE; i++) {
            struct pg_access a = pg_read(LA + (uint32_t)i * 4096, round & 2 ? 3 : 0);
            bad_fill += a.faulted || a.value != marker(set, i);
        }
        /* Cleared after use, then MOV CR3: every page faults. */
        for (int i = 0; i < NPAGE; i++)
            *pte_of(i) = 0;
        write_cr3(read_cr3());
        for (int i = 0; i < NPAGE; i += 7) {
            struct pg_access a = pg_read(LA + (uint32_t)i * 4096, 0);
            bad_clear += !a.faulted || a.error_code != 0 || a.cr2 != LA + (uint32_t)i * 4096;
        }
        /* Redirected to the other set after use, then MOV CR3. */
        for (int i = 0; i < NPAGE; i++)
            *pte_of(i) = (uint32_t)frames[set][i] | PTE_P | PTE_W | PTE_U;
        for (int i = 0; i < NPAGE; i++)
            (void)pg_read(LA + (uint32_t)i * 4096, 0);
        for (int i = 0; i < NPAGE; i++)
            *pte_of(i) = (uint32_t)frames[!set][i] | PTE_P | PTE_W | PTE_U;
        write_cr3(read_cr3());
        for (int i = 0; i < NPAGE; i++) {
            struct pg_access a = pg_read(LA + (uint32_t)i * 4096, 0);
            bad_redirect += a.faulted || a.value != marker(!set, i);
        }
        /* One entry changed and invalidated with INVLPG alone. */
        *pte_of(5) = (uint32_t)frames[set][5] | PTE_P | PTE_W | PTE_U;
        invlpg(LA + 5 * 4096);
        struct pg_access a = pg_read(LA + 5 * 4096, 0);
        bad_invlpg += a.faulted || a.value != marker(set, 5);
        /* Back to not present, invalidated: the next round's entries go
         * from P = 0 to P = 1. */
        for (int i = 0; i < NPAGE; i++)
            *pte_of(i) = 0;
        write_cr3(read_cr3());
    }
    CHECK_EQ(bad_fill, 0, "64 entries made present in a row: each page readable at once, no invlpg");
    CHECK_EQ(bad_clear, 0, "entries cleared after use + mov cr3: #PF(0), cr2 = the page");
    CHECK_EQ(bad_redirect, 0, "entries redirected after use + mov cr3: the new frames are read");
    CHECK_EQ(bad_invlpg, 0, "one entry redirected + invlpg: the new frame is read");

    /* A: the neighbours of a page that is read stay unaccessed. */
    for (int i = 0; i < 16; i++)
        *pte_of(i) = (uint32_t)frames[0][i] | PTE_P | PTE_W | PTE_U;
    write_cr3(read_cr3());
    (void)pg_read(LA + 3 * 4096, 0);
    int accessed = 0;
    for (int i = 0; i < 16; i++)
        if (i != 3)
            accessed += (*pte_of(i) & PTE_A) != 0;
    CHECK(*pte_of(3) & PTE_A, "the page read has A set in its pte");
    CHECK_EQ(accessed, 0, "its 15 neighbours in the table keep A = 0");
    pg_disable();
    return check_summary();
}
