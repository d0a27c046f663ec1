/* The guest page-table walk: 32-bit paging with 4 KiB and PSE 4 MiB pages
 * (SDM vol. 3, 4.3 and 4.6), as the CPU does it, accessed and dirty bits
 * included. A pure function of guest memory and the control registers; the
 * shadow-MMU issue puts it behind shadow_resolve().
 *
 *   struct walk w;
 *   if (walk_linear(&pm, &regs, la, WALK_WRITE | WALK_USER, &w) == 0)
 *       use w.pa;            else deliver #PF with w.error_code, CR2 = la
 */
#ifndef BT386_WALK_H
#define BT386_WALK_H

#include "shadow-mmu/physmem.h"

struct walk_regs {
    uint32_t cr0, cr3, cr4;
};

#define WALK_WRITE 1u               /* the access is a write */
#define WALK_USER  2u               /* the access is made at CPL 3 */

/* #PF error code bits (SDM 4.7). */
#define PF_P    1u                  /* 0: not present; 1: protection violation */
#define PF_W    2u
#define PF_U    4u
#define PF_RSVD 8u

struct walk {
    gpa_t pa;                       /* the translation, when the walk succeeds */
    gpa_t table;                    /* the page table used (4 KiB pages) */
    uint32_t error_code;            /* the #PF error code, when it fails */
    bool large;                     /* a 4 MiB page */
    bool global;                    /* G (honoured with CR4.PGE) */
    bool user_ok;                   /* the mapping allows CPL 3 accesses */
    bool write_ok;                  /* …and writes at the access's privilege */
};

/* Rules the walk breaks on purpose (--debug-break, so that the paging
 * guests are seen to fail): WALK_BREAK_* bits. */
#define WALK_BREAK_US   1u          /* the PDE's U/S bit ignored */
#define WALK_BREAK_RW   2u          /* the PDE's R/W bit ignored */
#define WALK_BREAK_WP   4u          /* CR0.WP ignored */
#define WALK_BREAK_AD   8u          /* A and D never set */
#define WALK_BREAK_PSE  16u         /* 4 MiB pages offset as 4 KiB ones */
#define WALK_BREAK_RSVD 32u         /* reserved bits ignored */
extern unsigned walk_broken;

/* Walks the tables for `la`; sets A (and D for a write) in the guest's
 * entries as the CPU does on a successful access. Returns 0, or -1 for a
 * page fault (w->error_code). Entries outside RAM read as all ones. */
int walk_linear(struct physmem *pm, const struct walk_regs *r, gva_t la, unsigned access,
                struct walk *w);

#endif
