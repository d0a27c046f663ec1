/* Access rights of 32-bit paging and the #PF they raise (SDM vol. 3A, 4.6
 * and 4.7):
 *   - a CPL3 (user-mode) access needs U/S = 1 in the PDE and in the PTE; a
 *     CPL3 write also needs R/W = 1 in both;
 *   - a CPL0 (supervisor-mode) access may read any page; it may write any
 *     page when CR0.WP = 0, only pages with R/W = 1 in both entries when
 *     CR0.WP = 1;
 *   - an entry with P = 0 (PDE or PTE) raises #PF whatever the access;
 *   - the #PF error code: P = 1 for a protection violation, 0 for a
 *     not-present page; W/R = 1 for a write; U/S = 1 for a CPL3 access;
 *     CR2 = the linear address accessed (4.7, 6.15 interrupt 14);
 *   - an instruction fetch is checked like a read and its #PF has W/R = 0
 *     (the I/D bit stays 0 in 32-bit paging without SMEP).
 * Every combination of CPL x PDE U/S x PTE U/S x PDE R/W x PTE R/W x CR0.WP
 * x read/write, each at its own linear address (so a stale CR2 is seen),
 * entries changed and INVLPG'd between cases. */
#include "paging.h"

static uint32_t *pd;
static uint32_t *data;          /* the physical page behind DATA_LA */

#define DATA_LA  PG_TEST_LA
#define CODE_LA  (PG_TEST_LA + 0x1000)
#define NP_LA    (PG_TEST_LA + 0x400000)    /* its own PDE, for PDE P = 0 */

static int allowed(int cpl, int write, int wp, uint32_t pde, uint32_t pte)
{
    uint32_t both = pde & pte;
    if (cpl == 3)
        return (both & PTE_U) && (!write || (both & PTE_W));
    return !write || !wp || (both & PTE_W);
}

static void check_rights(void)
{
    int n = 0;
    for (int wp = 0; wp < 2; wp++) {
        pg_set_wp(wp);
        for (uint32_t bits = 0; bits < 16; bits++) {
            uint32_t pde = PTE_P | (bits & 1 ? PTE_U : 0) | (bits & 2 ? PTE_W : 0);
            uint32_t pte = PTE_P | (bits & 4 ? PTE_U : 0) | (bits & 8 ? PTE_W : 0);
            pg_set_pde_flags(pd, DATA_LA, pde);
            pg_set_pte_flags(pd, DATA_LA, pte);
            invlpg(DATA_LA);
            for (int cpl = 0; cpl <= 3; cpl += 3) {
                for (int write = 0; write < 2; write++) {
                    /* A new dword of the page every case: CR2 differs each time. */
                    uint32_t off = (uint32_t)(n++ * 4) & 0xffc;
                    uint32_t la = DATA_LA + off;
                    uint32_t *phys = &data[off / 4];
                    uint32_t value = 0x5a000000u | (uint32_t)n;
                    int ok = allowed(cpl, write, wp, pde, pte);
                    uint32_t err = PF_P | (write ? PF_W : 0) | (cpl == 3 ? PF_U : 0);
                    *phys = 0xc0de0000u | (uint32_t)n;
                    struct pg_access a;
                    uint32_t want;
                    if (write) {
                        a = pg_write(la, value, cpl);
                        /* Where the store went: the physical page, seen at CPL0. */
                        a.value = *phys;
                        want = value;
                    } else {
                        a = pg_read(la, cpl);
                        want = *phys;
                    }
                    pg_expect(&a, !ok, err, la, want,
                              "cpl%d %s, pde u=%d w=%d pte u=%d w=%d wp=%d: %s", cpl,
                              write ? "write" : "read", !!(pde & PTE_U), !!(pde & PTE_W),
                              !!(pte & PTE_U), !!(pte & PTE_W), wp, pg_outcome(!ok, err));
                    if (!ok && write)
                        CHECK_EQ(*phys, 0xc0de0000u | (uint32_t)n,
                                 "  the faulting store left memory alone");
                }
            }
        }
    }
    pg_set_wp(0);
}

/* P = 0 at either level: #PF with P = 0 in the error code, W/R and U/S as
 * for any access. */
static void check_not_present(void)
{
    pg_map(pd, NP_LA, (uint32_t)data, PTE_P | PTE_W | PTE_U);
    for (int level = 0; level < 2; level++) {
        pg_set_pde_flags(pd, NP_LA, level == 0 ? PTE_W | PTE_U : PTE_P | PTE_W | PTE_U);
        pg_set_pte_flags(pd, NP_LA, level == 0 ? PTE_P | PTE_W | PTE_U : PTE_W | PTE_U);
        invlpg(NP_LA);
        for (int cpl = 0; cpl <= 3; cpl += 3) {
            for (int write = 0; write < 2; write++) {
                uint32_t la = NP_LA + 0x100 + (uint32_t)(level * 4 + cpl + write) * 8;
                uint32_t err = (write ? PF_W : 0) | (cpl == 3 ? PF_U : 0);
                struct pg_access a = write ? pg_write(la, 1, cpl) : pg_read(la, cpl);
                pg_expect(&a, 1, err, la, PG_ANY, "cpl%d %s, %s p=0: %s", cpl,
                          write ? "write" : "read", level == 0 ? "pde" : "pte", pg_outcome(1, err));
            }
        }
    }
    /* Present again at both levels: the access goes through (NP -> P needs
     * no INVLPG, SDM 4.10.4.3). */
    pg_set_pde_flags(pd, NP_LA, PTE_P | PTE_W | PTE_U);
    pg_set_pte_flags(pd, NP_LA, PTE_P | PTE_W | PTE_U);
    data[0x300 / 4] = 0x600df00d;
    struct pg_access a = pg_read(NP_LA + 0x300, 3);
    pg_expect(&a, 0, 0, NP_LA + 0x300, 0x600df00d, "cpl3 read, pde and pte present again: no fault");
}

/* Instruction fetches: `mov $0x1234abcd, %eax; ret` on a page of its own. */
static void check_fetch(void)
{
    static const uint8_t code[] = { 0xb8, 0xcd, 0xab, 0x34, 0x12, 0xc3 };
    uint8_t *page = pg_alloc();
    memcpy(page + 0x80, code, sizeof code);
    pg_map(pd, CODE_LA, (uint32_t)page, PTE_P | PTE_U);
    invlpg(CODE_LA);
    uint32_t target = CODE_LA + 0x80;
    struct pg_access a;

    a = pg_call(target, 0);
    pg_expect(&a, 0, 0, target, 0x1234abcd, "cpl0 fetch from a read-only user page: runs");
    a = pg_call(target, 3);
    pg_expect(&a, 0, 0, target, 0x1234abcd, "cpl3 fetch from a read-only user page: runs");

    pg_set_pte_flags(pd, CODE_LA, PTE_P);
    invlpg(CODE_LA);
    a = pg_call(target, 0);
    pg_expect(&a, 0, 0, target, 0x1234abcd, "cpl0 fetch from a supervisor page: runs");
    a = pg_call(target, 3);
    pg_expect(&a, 1, PF_P | PF_U, target, PG_ANY, "cpl3 fetch from a supervisor page: #PF(P|U)");

    pg_set_pte_flags(pd, CODE_LA, PTE_U);
    invlpg(CODE_LA);
    a = pg_call(target, 0);
    pg_expect(&a, 1, 0, target, PG_ANY, "cpl0 fetch from a not-present page: #PF(0), cr2 = target");
    a = pg_call(target, 3);
    pg_expect(&a, 1, PF_U, target, PG_ANY, "cpl3 fetch from a not-present page: #PF(U), cr2 = target");
}

int main(void)
{
    pm_init();
    pd = pg_new_space();
    data = pg_alloc();
    pg_map(pd, DATA_LA, (uint32_t)data, PTE_P | PTE_W | PTE_U);
    pg_enable(pd, 0);
    check_rights();
    check_not_present();
    check_fetch();
    pg_disable();
    return check_summary();
}
