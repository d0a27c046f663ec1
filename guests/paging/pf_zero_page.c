/* Linear page 0 is a page like any other (SDM vol. 3A, 4.3: nothing in
 * 32-bit paging singles out address 0):
 *   - mapped to a RAM page, loads and stores at linear 0 (and 0xffc) reach
 *     that page, at CPL0 and CPL3;
 *   - unmapped (P = 0 + INVLPG): a NULL dereference raises #PF(0) with
 *     CR2 = 0, a store #PF(W), a call through a NULL pointer #PF with
 *     CR2 = 0 and EIP = 0; an access at 4 has CR2 = 4;
 *   - mapped again (no INVLPG needed for P 0 -> 1): it works again.
 * The accesses go through the kit's probes (the address is a run-time
 * value, so the compiler cannot treat a NULL dereference as undefined). */
#include "paging.h"

int main(void)
{
    pm_init();
    uint32_t *pd = pg_new_space();
    uint32_t *ram = pg_alloc();
    ram[0] = 0x0badf00d;
    ram[0xffc / 4] = 0x00c0ffee;
    pg_map(pd, 0, (uint32_t)ram, PTE_P | PTE_W | PTE_U);
    pg_enable(pd, 0);

    struct pg_access a;
    a = pg_read(0, 0);
    pg_expect(&a, 0, 0, 0, 0x0badf00d, "linear 0 mapped to a ram page: cpl0 read at 0");
    a = pg_read(0xffc, 3);
    pg_expect(&a, 0, 0, 0xffc, 0x00c0ffee, "linear 0 mapped: cpl3 read at 0xffc");
    a = pg_write(0, 0x12345678, 3);
    CHECK(!a.faulted && ram[0] == 0x12345678, "linear 0 mapped: cpl3 write at 0 lands in the ram page");
    a = pg_write(8, 0x9abcdef0, 0);
    CHECK(!a.faulted && ram[2] == 0x9abcdef0, "linear 0 mapped: cpl0 write at 8 lands in the ram page");
    /* `mov $0x2a, %eax; ret` at linear 0. */
    static const uint8_t code[] = { 0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3 };
    memcpy((uint8_t *)ram + 0x20, code, sizeof code);
    a = pg_call(0x20, 0);
    CHECK(!a.faulted && a.value == 0x2a, "code in page 0 runs");

    pg_set_pte_flags(pd, 0, PTE_W | PTE_U);
    invlpg(0);
    a = pg_read(0, 0);
    pg_expect(&a, 1, 0, 0, PG_ANY, "page 0 unmapped: cpl0 NULL read #PF(0), cr2 = 0");
    a = pg_read(0, 3);
    pg_expect(&a, 1, PF_U, 0, PG_ANY, "page 0 unmapped: cpl3 NULL read #PF(U), cr2 = 0");
    a = pg_write(0, 1, 0);
    pg_expect(&a, 1, PF_W, 0, PG_ANY, "page 0 unmapped: cpl0 NULL write #PF(W), cr2 = 0");
    a = pg_write(0, 1, 3);
    pg_expect(&a, 1, PF_W | PF_U, 0, PG_ANY, "page 0 unmapped: cpl3 NULL write #PF(W|U), cr2 = 0");
    a = pg_read(4, 0);
    pg_expect(&a, 1, 0, 4, PG_ANY, "page 0 unmapped: cpl0 read at 4 #PF(0), cr2 = 4");
    struct pm_fault f;
    if (pm_try(&f)) {
        ((void (*)(void))(uintptr_t)a.value)();     /* a.value is 0: a faulting probe leaves it so */
        pm_try_end();
        CHECK(0, "page 0 unmapped: a NULL call faults");
    } else {
        CHECK(f.vector == 14 && f.error_code == 0 && f.cr2 == 0 && f.eip == 0,
              "page 0 unmapped: a NULL call #PF(0), cr2 = 0, eip = 0");
    }
    a = pg_call(0, 3);
    pg_expect(&a, 1, PF_U, 0, PG_ANY, "page 0 unmapped: cpl3 NULL call #PF(U), cr2 = 0");
    CHECK(ram[0] == 0x12345678, "  the faulting stores left the ram page alone");

    pg_set_pte_flags(pd, 0, PTE_P | PTE_W | PTE_U);
    a = pg_read(0, 3);
    pg_expect(&a, 0, 0, 0, 0x12345678, "page 0 mapped again, no invlpg: cpl3 read at 0");
    pg_disable();
    return check_summary();
}
