/* The guest page-table walk against the SDM's rules (shadow-mmu/walk.c):
 * present bits at both levels, U/S and R/W combined across levels, CR0.WP,
 * PSE 4 MiB pages and their reserved bits, A/D bits, error codes. */
#include "check.h"
#include "shadow-mmu/walk.h"

#include <stdint.h>
#include <string.h>

#define P 1u
#define RW 2u
#define US 4u
#define A 0x20u
#define D 0x40u
#define PS 0x80u

static struct physmem pm;
static uint32_t *pd, *pt;                /* directory at 0x10000, table at 0x11000 */

static uint32_t *at(gpa_t pa) { return (uint32_t *)(void *)(pm.ram + pa); }

/* la 0x00400000 + i*4K maps through pt[i]; la 0x00800000 is a 4 MiB page. */
static void setup(uint32_t pde_bits, uint32_t pte_bits)
{
    memset(pm.ram, 0, 0x20000);
    pd = at(0x10000);
    pt = at(0x11000);
    pd[1] = 0x11000 | pde_bits;
    pt[5] = 0x00123000 | pte_bits;
}

static int walk(uint32_t cr0, uint32_t cr4, gva_t la, unsigned access, struct walk *w)
{
    struct walk_regs r = { .cr0 = cr0 | 0x80000001u, .cr3 = 0x10000, .cr4 = cr4 };
    return walk_linear(&pm, &r, la, access, w);
}

int main(void)
{
    if (physmem_init(&pm, 4u << 20) < 0)
        return 99;
    struct walk w;
    int r;
    const gva_t la = 0x00405abc;

    setup(P | RW | US, P | RW | US);
    r = walk(0, 0, la, 0, &w);
    CHECK(r == 0 && w.pa == 0x00123abc, "4 KiB page: pa = PTE frame | offset (%08x)", w.pa);
    CHECK((pd[1] & A) && (pt[5] & A) && !(pt[5] & D), "a read sets A in PDE and PTE, not D");
    r = walk(0, 0, la, WALK_WRITE, &w);
    CHECK(r == 0 && (pt[5] & D) && !(pd[1] & D), "a write sets D in the PTE only");

    setup(RW | US, P | RW | US);
    r = walk(0, 0, la, WALK_WRITE | WALK_USER, &w);
    CHECK(r < 0 && w.error_code == (PF_W | PF_U),
          "PDE not present: error code W|U, P clear (%x)", w.error_code);
    CHECK(!(pd[1] & A), "no A bit on a faulting walk");
    setup(P | RW | US, RW | US);
    r = walk(0, 0, la, 0, &w);
    CHECK(r < 0 && w.error_code == 0, "PTE not present, supervisor read: error code 0");

    /* Every U/S x R/W combination at both levels, user and supervisor, WP 0/1. */
    int ok = 1;
    for (unsigned pde = 0; pde < 4; pde++)
        for (unsigned pte = 0; pte < 4; pte++)
            for (unsigned acc = 0; acc < 4; acc++)
                for (unsigned wp = 0; wp < 2; wp++) {
                    setup(P | pde * 2, P | pte * 2);
                    bool user = acc & WALK_USER, write = acc & WALK_WRITE;
                    bool u = (pde & 2) && (pte & 2), rw = (pde & 1) && (pte & 1);
                    bool allowed = user ? u && (!write || rw) : (!write || rw || !wp);
                    r = walk(wp ? 1u << 16 : 0, 0, la, acc, &w);
                    uint32_t want_ec = PF_P | (write ? PF_W : 0) | (user ? PF_U : 0);
                    if ((r == 0) != allowed || (!allowed && w.error_code != want_ec)) {
                        printf("     pde %x pte %x user %d write %d wp %u: got %d ec %x\n",
                               pde, pte, user, write, wp, r, w.error_code);
                        ok = 0;
                    }
                }
    CHECK(ok, "U/S and R/W combined across levels x CPL x write x CR0.WP (64 cases)");

    setup(P | RW | US, P | RW | US);
    pd[2] = 0x00c00000 | P | RW | US | PS;
    r = walk(0, 0x10, 0x00912345, 0, &w);
    CHECK(r == 0 && w.large && w.pa == 0x00d12345,
          "CR4.PSE: a 4 MiB page (pa %08x)", w.pa);
    r = walk(0, 0, 0x00912345, 0, &w);
    CHECK(r < 0 || w.pa != 0x00d12345,
          "without CR4.PSE the PS bit is ignored (the PDE points at a table)");
    pd[2] |= 0x2000;
    r = walk(0, 0x10, 0x00912345, 0, &w);
    CHECK(r < 0 && w.error_code == (PF_P | PF_RSVD),
          "reserved bit 13 in a 4 MiB PDE: RSVD fault (%x)", w.error_code);
    pd[2] = 0x00c00000 | P | RW | US | PS;
    r = walk(0, 0x10, 0x00912345, WALK_WRITE, &w);
    CHECK(r == 0 && (pd[2] & (A | D)) == (A | D),
          "a write through a 4 MiB page sets A and D in the PDE");

    setup(P | RW | US, P | RW | US | 0x100);
    r = walk(0, 0, la, 0, &w);
    CHECK(r == 0 && w.global, "G is reported for a 4 KiB page");
    pd[3] = 0x7ff000 | P | RW | US;     /* a table beyond RAM reads as all ones */
    r = walk(0, 0, 0x00c00000, 0, &w);
    CHECK(r == 0 && w.pa == 0xfffff000,
          "a page table outside RAM reads as all ones (an open bus)");
    return check_summary();
}
