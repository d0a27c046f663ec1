/* The guest page-table walk (see walk.h). Rules, SDM vol. 3:
 *  - 4.3: CR3 bits 31:12 locate the page directory; PDE = [dir + la[31:22]*4];
 *    with CR4.PSE and PDE.PS the PDE maps 4 MiB (bits 31:22), else it locates
 *    a page table and PTE = [table + la[21:12]*4].
 *  - 4.6: a user access needs U/S = 1 at both levels; a user write needs
 *    R/W = 1 at both levels; a supervisor write needs it only with CR0.WP.
 *  - 4.8: A is set in every entry used; D in the entry that maps the page,
 *    on a write; neither on a faulting access.
 *  - 4.7: reserved bits of a 4 MiB PDE (21:13 with MAXPHYADDR 32 and no
 *    PSE-36) make a RSVD page fault, even with the access otherwise allowed. */
#include "shadow-mmu/walk.h"

#include <string.h>

#define PTE_P   (1u << 0)
#define PTE_RW  (1u << 1)
#define PTE_US  (1u << 2)
#define PTE_A   (1u << 5)
#define PTE_D   (1u << 6)
#define PTE_PS  (1u << 7)
#define PTE_G   (1u << 8)
#define PDE_4M_RESERVED 0x003fe000u
#define CR0_WP  (1u << 16)
#define CR4_PSE (1u << 4)

unsigned walk_broken;

/* An entry of guest physical memory: RAM, or all ones (an open bus). */
static uint32_t *entry_at(struct physmem *pm, gpa_t pa, uint32_t *ones)
{
    uint8_t *p = physmem_ptr(pm, pa, 4);
    if (!p) {
        *ones = 0xffffffffu;
        return ones;
    }
    return (uint32_t *)(void *)p;
}

int walk_linear(struct physmem *pm, const struct walk_regs *r, gva_t la, unsigned access,
                struct walk *w)
{
    bool write = access & WALK_WRITE, user = access & WALK_USER;
    uint32_t ones_pde, ones_pte;
    memset(w, 0, sizeof *w);
    w->error_code = (write ? PF_W : 0) | (user ? PF_U : 0);

    uint32_t *pde = entry_at(pm, (r->cr3 & 0xfffff000u) + (la >> 22) * 4, &ones_pde);
    if (!(*pde & PTE_P))
        return -1;
    bool large = (r->cr4 & CR4_PSE) && (*pde & PTE_PS);
    if (large && (*pde & PDE_4M_RESERVED) && !(walk_broken & WALK_BREAK_RSVD)) {
        w->error_code |= PF_P | PF_RSVD;
        return -1;
    }
    uint32_t *pte = pde, rights = *pde;
    if (walk_broken & WALK_BREAK_US)
        rights |= PTE_US;
    if (walk_broken & WALK_BREAK_RW)
        rights |= PTE_RW;
    if (!large) {
        w->table = *pde & 0xfffff000u;
        pte = entry_at(pm, w->table + ((la >> 12) & 0x3ff) * 4, &ones_pte);
        if (!(*pte & PTE_P))
            return -1;
        rights &= *pte;                 /* U/S and R/W combine across levels */
    }
    w->user_ok = rights & PTE_US;
    bool rw = rights & PTE_RW;
    bool wp = (r->cr0 & CR0_WP) && !(walk_broken & WALK_BREAK_WP);
    w->write_ok = user ? (w->user_ok && rw) : (rw || !wp);
    if ((user && !w->user_ok) || (write && !w->write_ok)) {
        w->error_code |= PF_P;
        return -1;
    }
    if (!(walk_broken & WALK_BREAK_AD)) {
        /* Only where the bits change: an entry outside RAM is a copy, and
         * a store to an entry costs a cache line even when it is equal. */
        if (!(*pde & PTE_A))
            *pde |= PTE_A;
        uint32_t set = PTE_A | (write ? PTE_D : 0);
        if ((*pte & set) != set)
            *pte |= set;
    }
    w->large = large;
    w->global = *pte & PTE_G;
    if (walk_broken & WALK_BREAK_PSE)
        large = false;
    w->pa = large ? (*pde & 0xffc00000u) | (la & 0x003fffffu)
                  : (*pte & 0xfffff000u) | (la & 0xfffu);
    return 0;
}
