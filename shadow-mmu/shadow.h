/* The shadow map: what translated code consults on every guest memory
 * access. Four flat tables (supervisor read/write, user read/write), one
 * 64-bit entry per guest linear page: the host address of the page minus its
 * guest linear address, or 0 when the access must take the slow path (not
 * filled yet, not allowed, a page with translated code for writes, MMIO).
 * The emitted lookup (dbt/emit_mem.c) is
 *     mov r11, [r14 + (la >> 12) * 8 + table * SHADOW_TABLE_BYTES]
 * with r14 = the map. NB: codecache/ relies on write entries of pages that
 * hold translated code staying empty: shadow_protect_code() keeps them so.
 *
 *   shadow_init(&physmem);
 *   uint64_t addend;
 *   enum shadow_result r = shadow_resolve(la, size, ACC_WRITE, &addend, &fault);
 */
#ifndef BT386_SHADOW_H
#define BT386_SHADOW_H

#include "common/types.h"
#include "shadow-mmu/physmem.h"

#define SHADOW_PAGES        (1u << 20)
#define SHADOW_TABLE_BYTES  ((uint64_t)SHADOW_PAGES * 8)

enum shadow_table { SM_SUP_READ, SM_SUP_WRITE, SM_USER_READ, SM_USER_WRITE, SM_TABLES };

struct shadow_map {
    uint64_t addend[SM_TABLES][SHADOW_PAGES];
};

/* The table an access of this kind uses. */
static inline enum shadow_table shadow_table_for(bool user, bool write)
{
    return (enum shadow_table)((user ? 2 : 0) + (write ? 1 : 0));
}

/* Not an IA-32 vector: an access to a guest-physical address with no RAM
 * (paging off). Ends the run with a report until MMIO and holes exist. */
#define SHADOW_NO_RAM 256     /* not a vector: INT 0xff must stay INT 0xff */

enum shadow_result {
    SHADOW_OK,          /* *addend is valid for the whole access */
    SHADOW_FAULT,       /* the access is not allowed: *fault says why */
};

struct shadow_fault {
    int vector;         /* 14 for #PF; 13 for #GP; SHADOW_NO_RAM outside RAM */
    uint32_t error_code;
    gva_t address;
};

int shadow_init(struct physmem *pm);
struct shadow_map *shadow_current(void);
const struct physmem *shadow_physmem(void);

/* Translates a guest linear address for an access of `size` bytes that
 * stays inside one page; fills the shadow entry when the page may be
 * cached for this kind of access. */
enum shadow_result shadow_resolve(gva_t la, unsigned size, bool write, bool user,
                                  uint64_t *addend, struct shadow_fault *fault);

/* Host pointer for a C-side access of `size` bytes in one page, or NULL. */
uint8_t *shadow_host_ptr(gva_t la, unsigned size, bool write, bool user,
                         struct shadow_fault *fault);

/* Guest physical page that linear page `la` maps to (paging off: itself). */
bool shadow_linear_to_phys(gva_t la, gpa_t *pa);

/* A page now holds translated code: no write entry may reach it (nor the
 * page before it, whose unaligned accesses may cross into it). */
void shadow_protect_code(gpa_t page);
/* The page holds no translated code any more. */
void shadow_unprotect_code(gpa_t page);
/* Forget every entry (TC flush, mode changes). */
void shadow_flush(void);

/* Pages that translated code may write directly; codecache/ answers. */
bool codecache_page_has_code(gpa_t page);

#endif
