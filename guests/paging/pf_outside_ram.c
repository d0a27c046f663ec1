/* Paging entries that name guest-physical addresses with no RAM and no
 * device behind them (above the 128 MiB of RAM: 0x08000000, 0xe0000000).
 * The SDM (4.3-4.5) only says translation succeeds: the physical address
 * is formed and accessed, no #PF; what the platform returns is the bus's
 * business. On a PC an unclaimed read returns all ones and a write goes
 * nowhere, which is what bt386 does.
 * NB QEMU 7.2 reads unassigned memory as 0, not all ones, so the value
 * itself is not checked, only what both agree on:
 *   - a load or store through a PTE naming such an address raises no
 *     fault, at CPL0 and CPL3;
 *   - a store is ignored: the value read afterwards is the one read before
 *     it, never the value stored; reads are stable, and 8/16-bit reads
 *     agree with the 32-bit one (a uniform fill, 0 or all ones);
 *   - a PDE naming a page table above RAM: the walk reads that "table"
 *     from nowhere; with all ones every PTE has P = 1 (the access goes
 *     through, to physical 0xfffff000 + offset), with QEMU's zeros P = 0
 *     (#PF(0)): the check accepts either and nothing else (no other
 *     vector, no hang). */
#include "paging.h"

#define LA_E0     PG_TEST_LA             /* -> physical 0xe0000000 */
#define LA_128M   (PG_TEST_LA + 0x1000)  /* -> physical 0x08000000, the end of RAM */
#define TABLE_LA  0x50000000u            /* its pde names a table at 0xe0000000 */

static void check_no_ram(uint32_t la, const char *what)
{
    struct pg_access a = pg_read(la + 0x10, 0);
    CHECK(!a.faulted, "cpl0 read of %s: no fault", what);
    uint32_t before = a.value;
    a = pg_read(la + 0x10, 3);
    CHECK(!a.faulted && a.value == before, "cpl3 read of %s: no fault, the same value again", what);
    uint32_t uniform = before & 0xff;
    uniform |= uniform << 8;
    uniform |= uniform << 16;
    CHECK(before == uniform && *(volatile uint8_t *)(la + 0x13) == (before & 0xff) &&
              *(volatile uint16_t *)(la + 0x16) == (before & 0xffff),
          "8/16/32-bit reads of %s see one uniform fill", what);

    int bad = 0;
    for (uint32_t i = 0; i < 4; i++) {
        uint32_t v = 0x12345678u * (i + 1);
        a = pg_write(la + 0x10, v, i & 1 ? 3 : 0);
        bad += a.faulted;
        a = pg_read(la + 0x10, 0);
        bad += a.faulted || a.value != before;
    }
    *(volatile uint8_t *)(la + 0x20) = 0x5a;
    bad += *(volatile uint8_t *)(la + 0x20) != (before & 0xff);
    CHECK_EQ(bad, 0, "stores to %s: no fault, ignored (the old value reads back)", what);
}

int main(void)
{
    pm_init();
    uint32_t *pd = pg_new_space();
    pg_map(pd, LA_E0, 0xe0000000u, PTE_P | PTE_W | PTE_U);
    pg_map(pd, LA_128M, 0x08000000u, PTE_P | PTE_W | PTE_U);
    *pg_pde(pd, TABLE_LA) = 0xe0000000u | PTE_P | PTE_W | PTE_U;
    pg_enable(pd, 0);

    check_no_ram(LA_E0, "physical 0xe0000000");
    check_no_ram(LA_128M, "physical 0x08000000 (end of ram)");

    struct pg_access a = pg_read(TABLE_LA + 0x10, 3);
    CHECK(!a.faulted || (a.vector == 14 && a.error_code == PF_U && a.cr2 == TABLE_LA + 0x10),
          "cpl3 read through a pde naming a table above ram: goes through (ptes of all ones) or #PF(U) (zeros)");
    a = pg_read(TABLE_LA + 0x123010, 0);
    CHECK(!a.faulted || (a.vector == 14 && a.error_code == 0 && a.cr2 == TABLE_LA + 0x123010),
          "cpl0 read through it elsewhere: goes through or #PF(0)");
    pg_disable();
    return check_summary();
}
