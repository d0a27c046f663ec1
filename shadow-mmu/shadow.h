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

/* Not an IA-32 vector: an instruction fetch from a guest-physical address
 * with no RAM. Ends the run with a report (a CPU would execute the open
 * bus's 0xff bytes; a guest that gets there is lost). */
#define SHADOW_NO_RAM 256     /* not a vector: INT 0xff must stay INT 0xff */

enum shadow_result {
    SHADOW_OK,          /* *addend is valid for the whole access */
    SHADOW_FAULT,       /* the access is not allowed: *fault says why */
};

struct shadow_fault {
    int vector;         /* 14 for #PF; SHADOW_NO_RAM for a fetch outside RAM */
    uint32_t error_code;
    gva_t address;
};

/* Where a resolved access lands. Outside RAM (`ram` false) the access
 * belongs to the MMIO bus: a read's addend reaches the bytes the devices
 * returned (all ones where none answers), a write's reaches a scratch page
 * whose bytes the caller passes to shadow_mmio_write. Never cached. */
struct shadow_where {
    gpa_t pa;
    bool ram;
};

int shadow_init(struct physmem *pm);
/* adaptive: out-of-sync page tables (off: --no-adaptive-trace);
 * debug_break: a rule to break on purpose (docs/testing.md), or NULL. */
void shadow_set_options(bool adaptive, const char *debug_break);
struct shadow_map *shadow_current(void);
/* Which cached address space is current (codecache/ keys its indirect
 * tables by it); SHADOW_SLOTS of them. */
int shadow_current_slot(void);
#define SHADOW_SLOTS 9
const struct physmem *shadow_physmem(void);

/* The paging control registers changed (MOV CR0/CR3/CR4, a task switch):
 * switch address space, flush what the change obliges (SDM 4.10.4.1). */
void shadow_set_control(uint32_t cr0, uint32_t cr3, uint32_t cr4);
/* INVLPG (SDM 4.10.4.1). */
void shadow_invlpg(gva_t la);

/* Translates a guest linear address for an access of `size` bytes that
 * stays inside one page (walking the guest's tables, setting A/D as the
 * CPU does); fills the shadow entry when the page may be cached for this
 * kind of access. `where` may be NULL. */
enum shadow_result shadow_resolve(gva_t la, unsigned size, bool write, bool user,
                                  uint64_t *addend, struct shadow_fault *fault,
                                  struct shadow_where *where);

/* Host pointer for a C-side access of `size` bytes in one page, or NULL. */
uint8_t *shadow_host_ptr(gva_t la, unsigned size, bool write, bool user,
                         struct shadow_fault *fault, struct shadow_where *where);

/* An instruction fetch at linear `la`: the guest physical address (from
 * the shadow entry, or a walk that fills it), or a fault (#PF, or
 * SHADOW_NO_RAM outside RAM) that the caller may raise or ignore. */
bool shadow_fetch(gva_t la, bool user, gpa_t *pa, struct shadow_fault *fault);

/* A guest store of `size` bytes at physical `pa` is about to land: traced
 * page tables and directories drop what was derived from them. */
void shadow_note_write(gpa_t pa, unsigned size);
/* Is the page a traced page table or directory (stores to it reach C)? */
bool shadow_page_traced(gpa_t pa);

/* A page now holds translated code: no write entry may reach it (nor, with
 * paging off, the page before it, whose unaligned accesses may cross into
 * it). */
void shadow_protect_code(gpa_t page);
/* The page holds no translated code any more. */
void shadow_unprotect_code(gpa_t page);

/* Pages that translated code may write directly; codecache/ answers. */
bool codecache_page_has_code(gpa_t page);

/* Accesses to guest-physical addresses that are not RAM, in the pieces a
 * device sees (the MMIO bus, devices/bus.h). */
void shadow_mmio_read(gpa_t pa, void *buf, unsigned size);
void shadow_mmio_write(gpa_t pa, const void *buf, unsigned size);

/* Gauges for --stats. */
uint64_t shadow_bytes_used(void);

#endif
