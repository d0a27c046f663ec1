/* The shadow MMU's entry points (see shadow.h): resolving a guest access
 * (walk, hidden or true fault, fill), the control registers and INVLPG.
 * The maps live in space.c, the tracing of page tables in trace.c.
 *
 * Paging off: linear = physical, one identity map. Why unaligned accesses
 * need no check in the emitted code then: RAM is one contiguous host
 * mapping, so an access that crosses from page P into P+1 lands in the
 * right bytes whenever P+1 is RAM too. An entry for P is therefore filled
 * only when P+1 is also RAM and, for writes, P+1 holds no translated code.
 * With paging on, the emitted code sends every page-crossing access to the
 * slow path instead (dbt/emit_mem.c).
 *
 * What may get an entry (paging on), per SDM 4.6 and 4.8:
 *  - a read entry once the walk allowed the access (and set A);
 *  - a write entry once the walk allowed a write (and set D), unless the
 *    page is a traced page table or directory or holds translated code;
 *  - never an entry for memory outside RAM. */
#include "shadow-mmu/shadow.h"
#include "shadow-mmu/space.h"
#include "shadow-mmu/trace.h"
#include "shadow-mmu/walk.h"
#include "common/panic.h"
#include "common/stats.h"
#include "devices/bus.h"

#include <string.h>

#define CR0_PG  (1u << 31)
#define CR0_WP  (1u << 16)
#define CR4_PSE (1u << 4)
#define CR4_PGE (1u << 7)

static struct physmem *ram;
static struct walk_regs ctl;
/* Two pages each: an access of up to 512 bytes (FXRSTOR) may run past the
 * first. Reads outside RAM see mmio_page; writes to them land in sink. */
static uint8_t mmio_page[2 * GUEST_PAGE_SIZE] __attribute__((aligned(4096)));
static uint8_t sink[2 * GUEST_PAGE_SIZE] __attribute__((aligned(4096)));
static const char *broken_rule;

static bool broken(const char *rule)
{
    return broken_rule && strcmp(broken_rule, rule) == 0;
}

int shadow_init(struct physmem *pm)
{
    ram = pm;
    if (space_init() < 0 || trace_init(pm->size) < 0)
        return -1;
    return 0;
}

void shadow_set_options(bool adaptive, const char *debug_break)
{
    static const struct {
        const char *rule;
        unsigned bit;
    } walk_rules[] = {
        { "walk-us", WALK_BREAK_US }, { "walk-rw", WALK_BREAK_RW }, { "walk-wp", WALK_BREAK_WP },
        { "walk-ad", WALK_BREAK_AD }, { "walk-pse", WALK_BREAK_PSE }, { "walk-rsvd", WALK_BREAK_RSVD },
    };
    trace_set_adaptive(adaptive);
    broken_rule = debug_break;
    trace_set_broken_snapshot(broken("oos-stale"));
    walk_broken = 0;
    for (size_t i = 0; debug_break && i < sizeof walk_rules / sizeof walk_rules[0]; i++)
        if (strcmp(debug_break, walk_rules[i].rule) == 0)
            walk_broken = walk_rules[i].bit;
}

struct shadow_map *shadow_current(void)
{
    return space_current()->map;
}

int shadow_current_slot(void)
{
    return space_slot(space_current());
}

const struct physmem *shadow_physmem(void)
{
    return ram;
}

uint64_t shadow_bytes_used(void)
{
    return space_bytes_touched();
}

static bool paging(void)
{
    return ctl.cr0 & CR0_PG;
}

void shadow_set_control(uint32_t cr0, uint32_t cr3, uint32_t cr4)
{
    bool flush = ((cr0 ^ ctl.cr0) & (CR0_PG | CR0_WP)) || ((cr4 ^ ctl.cr4) & (CR4_PSE | CR4_PGE));
    bool was_paging = paging();
    bool new_space = (cr3 ^ ctl.cr3) & GUEST_PAGE_MASK;
    ctl.cr0 = cr0;
    ctl.cr4 = cr4;
    if (broken("cr3") && !flush && was_paging)
        return;                 /* keeps the old map (and CR3 for walks) */
    ctl.cr3 = cr3;
    if (flush) {
        /* WP changes what supervisor write entries mean; PSE and PGE what
         * the tables mean; PG everything (SDM 4.10.4.1). */
        space_clear_all();
        trace_reset();
    }
    if (!paging()) {
        space_use_identity();
        return;
    }
    /* A CR3 load invalidates all non-global translations: the traced
     * tables are in sync already, the out-of-sync ones are checked now. */
    trace_resync_all();
    if (new_space || flush || !was_paging || space_current() == &spaces[SPACE_IDENTITY]) {
        bool hit;
        space_for_cr3(cr3, &hit);
        if (hit)
            g_stats.cr3_cache_hits++;
        else
            g_stats.cr3_cache_misses++;
    }
    g_stats.cr3_loads++;
}

void shadow_invlpg(gva_t la)
{
    g_stats.invlpg++;
    if (!paging() || broken("stale"))
        return;
    space_drop_page(space_current(), la >> GUEST_PAGE_SHIFT);
}

static bool page_is_ram(uint64_t page)
{
    return (page + 1) * GUEST_PAGE_SIZE <= ram->size;
}

/* Pieces of at most a dword, none crossing a dword boundary: the widths a
 * device on a 32-bit bus sees. */
static unsigned mmio_piece(gpa_t pa, unsigned left)
{
    if (broken("mmio-width"))
        return 1;               /* every device access a byte */
    unsigned n = 4 - (pa & 3);
    return n < left ? n : left;
}

/* --debug-break hole-store: addresses outside RAM behave as a page of
 * memory (stores stay and are read back), as if a hole were RAM. */
static uint8_t hole_memory[GUEST_PAGE_SIZE + 512];

void shadow_mmio_read(gpa_t pa, void *buf, unsigned size)
{
    uint8_t *p = buf;
    if (broken("hole-store")) {
        memcpy(buf, &hole_memory[pa & ~GUEST_PAGE_MASK], size);
        return;
    }
    for (unsigned n; size; pa += n, p += n, size -= n) {
        n = mmio_piece(pa, size);
        uint32_t v = mmio_read(pa, n);
        memcpy(p, &v, n);
    }
}

void shadow_mmio_write(gpa_t pa, const void *buf, unsigned size)
{
    const uint8_t *p = buf;
    if (broken("hole-store")) {
        memcpy(&hole_memory[pa & ~GUEST_PAGE_MASK], buf, size);
        return;
    }
    for (unsigned n; size; pa += n, p += n, size -= n) {
        uint32_t v = 0;
        n = mmio_piece(pa, size);
        memcpy(&v, p, n);
        mmio_write(pa, n, v);
    }
}

/* A guest-physical address with no RAM: the MMIO bus. Never cached, so
 * the next access asks again. A read's bytes are fetched from the devices
 * now, into a page the instruction then reads; a write lands in `sink`,
 * and the caller hands the bytes to the devices (shadow_mmio_write). */
static enum shadow_result outside_ram(gva_t la, gpa_t pa, unsigned size, bool write, uint64_t *addend)
{
    uint8_t *page = write ? sink : mmio_page;
    if (!write && size)
        shadow_mmio_read(pa, mmio_page + (la & ~GUEST_PAGE_MASK), size);
    *addend = (uint64_t)(uintptr_t)page - (la & GUEST_PAGE_MASK);
    return SHADOW_OK;
}

static enum shadow_result resolve_identity(gva_t la, unsigned size, bool write, bool user,
                                           uint64_t *addend, struct shadow_where *where)
{
    uint64_t page = la >> GUEST_PAGE_SHIFT;
    where->pa = la;
    where->ram = (uint64_t)la + (size ? size : 1) <= ram->size;
    if (!where->ram)
        return outside_ram(la, la, size, write, addend);
    *addend = (uint64_t)(uintptr_t)ram->ram;
    /* Cache the translation only where the emitted code may use it blindly. */
    if (page_is_ram(page + 1) &&
        (!write || (!codecache_page_has_code((gpa_t)(page << GUEST_PAGE_SHIFT)) &&
                    !codecache_page_has_code((gpa_t)((page + 1) << GUEST_PAGE_SHIFT)))))
        space_fill(space_current(), shadow_table_for(user, write), (uint32_t)page, *addend);
    return SHADOW_OK;
}

/* Read entries for the neighbours of a page just filled, from the same
 * guest page table: a program that touches one page of a run (a stack, an
 * array, fork's copy) touches the next, and each fill saved is a callout
 * saved. Only entries the CPU could already have cached without changing
 * anything the guest sees: present, with A already set (the walk would set
 * it), allowed for this kind of read; no write entries (D, tracing). */
#define FILL_AROUND 16

static void fill_around(struct space *s, gva_t la, gpa_t table, bool user, enum shadow_table t)
{
    unsigned pdi = la >> 22, idx = (la >> GUEST_PAGE_SHIFT) & 1023;
    gpa_t dir = ctl.cr3 & GUEST_PAGE_MASK;
    if (!page_is_ram(table >> GUEST_PAGE_SHIFT) || !page_is_ram(dir >> GUEST_PAGE_SHIFT))
        return;
    const uint32_t *pde = (const uint32_t *)(const void *)(ram->ram + dir + pdi * 4);
    const uint32_t *pt = (const uint32_t *)(const void *)(ram->ram + table);
    for (unsigned j = idx & ~(FILL_AROUND - 1u); j < (idx | (FILL_AROUND - 1u)) + 1; j++) {
        uint32_t e = pt[j];
        uint32_t lpage = pdi << 10 | j;
        if (j == idx || (e & 0x21) != 0x21 || (user && !(e & *pde & 4)) || s->map->addend[t][lpage])
            continue;
        gpa_t frame = e & GUEST_PAGE_MASK;
        if (!page_is_ram(frame >> GUEST_PAGE_SHIFT))
            continue;
        if ((e & 0x100) && (ctl.cr4 & CR4_PGE))
            space_mark_global(lpage);
        trace_use_pt(s, pdi, table, j);
        space_fill(s, t, lpage, space_addend(lpage, frame));
    }
}

static enum shadow_result resolve_paging(gva_t la, unsigned size, bool write, bool user, uint64_t *addend,
                                         struct shadow_fault *fault, struct shadow_where *where)
{
    struct walk w;
    if (walk_linear(ram, &ctl, la, (write ? WALK_WRITE : 0) | (user ? WALK_USER : 0), &w) < 0) {
        fault->vector = 14;
        fault->error_code = broken("pf-error") ? w.error_code & ~PF_U : w.error_code;
        fault->address = broken("pf-cr2") ? 0 : la;
        g_stats.pf_true++;
        return SHADOW_FAULT;
    }
    g_stats.walks++;
    uint32_t lpage = la >> GUEST_PAGE_SHIFT;
    gpa_t page = w.pa & GUEST_PAGE_MASK;
    where->pa = w.pa;
    where->ram = page_is_ram(page >> GUEST_PAGE_SHIFT);
    if (!where->ram)
        return outside_ram(la, w.pa, size, write, addend);
    struct space *s = space_current();
    *addend = space_addend(lpage, page);
    if (!w.large)
        trace_use_pt(s, la >> 22, w.table, (la >> GUEST_PAGE_SHIFT) & 1023);
    if (w.global && (ctl.cr4 & CR4_PGE))
        space_mark_global(lpage);
    enum shadow_table t = shadow_table_for(user, write);
    if (!write) {
        space_fill(s, t, lpage, *addend);
        if (!w.large && !broken("walk-ad"))
            fill_around(s, la, w.table, user, t);
    } else if (!trace_write_protected(page) && !physmem_page_has_code(ram, page)) {
        space_fill(s, t, lpage, *addend);
        trace_add_writer(s, lpage, page);
    }
    return SHADOW_OK;
}

enum shadow_result shadow_resolve(gva_t la, unsigned size, bool write, bool user,
                                  uint64_t *addend, struct shadow_fault *fault,
                                  struct shadow_where *where)
{
    struct shadow_where spare;
    if (!where)
        where = &spare;
    if (!paging())
        return resolve_identity(la, size, write, user, addend, where);
    return resolve_paging(la, size, write, user, addend, fault, where);
}

uint8_t *shadow_host_ptr(gva_t la, unsigned size, bool write, bool user,
                         struct shadow_fault *fault, struct shadow_where *where)
{
    uint64_t addend;
    if (shadow_resolve(la, size, write, user, &addend, fault, where) != SHADOW_OK)
        return NULL;
    return (uint8_t *)(uintptr_t)(addend + la);
}

bool shadow_fetch(gva_t la, bool user, gpa_t *pa, struct shadow_fault *fault)
{
    if (paging()) {
        /* A filled read entry is a walk already done (a fetch is a read):
         * the translator fetches every instruction, the block check every
         * lookup. */
        uint32_t lpage = la >> GUEST_PAGE_SHIFT;
        uint64_t a = space_current()->map->addend[shadow_table_for(user, false)][lpage];
        if (a && space_entry_phys(lpage, a, pa)) {
            *pa |= la & ~GUEST_PAGE_MASK;
            return true;
        }
    }
    uint64_t addend;
    struct shadow_where where;
    /* Size 0: no bytes are read from a device, the caller reads RAM. */
    if (shadow_resolve(la, 0, false, user, &addend, fault, &where) != SHADOW_OK)
        return false;
    if (!where.ram) {
        fault->vector = SHADOW_NO_RAM;
        fault->error_code = 0;
        fault->address = la;
        return false;
    }
    *pa = where.pa;
    return true;
}

bool shadow_page_traced(gpa_t pa)
{
    return trace_is_traced(pa & GUEST_PAGE_MASK);
}

void shadow_note_write(gpa_t pa, unsigned size)
{
    if (broken("stale"))
        return;
    gpa_t last = pa + size - 1;
    if (trace_is_traced(pa & GUEST_PAGE_MASK))
        trace_write(pa, size);
    if ((last ^ pa) & GUEST_PAGE_MASK && trace_is_traced(last & GUEST_PAGE_MASK))
        trace_write(last & GUEST_PAGE_MASK, (last & ~GUEST_PAGE_MASK) + 1);
}

void shadow_protect_code(gpa_t page)
{
    /* The identity map: the linear page is the physical one, and the page
     * before may cross into it. */
    struct space *id = &spaces[SPACE_IDENTITY];
    uint32_t p = page >> GUEST_PAGE_SHIFT;
    physmem_set_writable(ram, page, false);
    id->map->addend[SM_SUP_WRITE][p] = 0;
    id->map->addend[SM_USER_WRITE][p] = 0;
    if (p > 0) {
        id->map->addend[SM_SUP_WRITE][p - 1] = 0;
        id->map->addend[SM_USER_WRITE][p - 1] = 0;
    }
    trace_revoke_writers(page);
}

void shadow_unprotect_code(gpa_t page)
{
    /* Write entries come back lazily through the slow path. */
    physmem_set_writable(ram, page, true);
}
