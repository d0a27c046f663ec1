/* Cached guest address spaces and the bookkeeping of their shadow maps
 * (see space.h). Why a log and a touched-page bitmap: a map is 32 MiB of
 * address space that is populated only where entries were written (a
 * first-touch host fault costs ~20 us here); clearing it with memset would
 * populate all of it, and madvise costs a system call. A switch back to a
 * cached space costs nothing at all: its map is still filled. */
#define _GNU_SOURCE
#include "shadow-mmu/space.h"
#include "shadow-mmu/trace.h"
#include "codecache/tc.h"
#include "common/panic.h"
#include "common/stats.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define LOG_MAX (1u << 16)

_Static_assert(SPACE_SLOTS == SHADOW_SLOTS, "shadow.h's SHADOW_SLOTS counts the spaces of space.h");

struct space spaces[SPACE_SLOTS];
static struct space *current;
static uint64_t clock_now;
static uint32_t global_pages[SHADOW_PAGES / 32];

bool space_page_is_global(uint32_t lpage)
{
    return (global_pages[lpage >> 5] >> (lpage & 31)) & 1;
}

void space_mark_global(uint32_t lpage)
{
    global_pages[lpage >> 5] |= 1u << (lpage & 31);
}

static int map_new(struct space *s, bool populate)
{
    s->map = mmap(NULL, sizeof *s->map, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | (populate ? MAP_POPULATE : 0), -1, 0);
    if (s->map == MAP_FAILED)
        return -1;
    s->log = malloc(LOG_MAX * sizeof *s->log);
    if (!s->log)
        return -1;
    for (unsigned i = 0; i < 1024; i++)
        s->pt_of[i] = SPACE_NO_PT;
    return 0;
}

int space_init(void)
{
    /* The identity map is used from the first instruction on: touched up
     * front. Paging spaces get their pages as entries are filled. */
    if (map_new(&spaces[SPACE_IDENTITY], true) < 0)
        return -1;
    spaces[SPACE_IDENTITY].used = true;
    current = &spaces[SPACE_IDENTITY];
    return 0;
}

struct space *space_current(void)
{
    return current;
}

int space_slot(const struct space *s)
{
    return (int)(s - spaces);
}

void space_use_identity(void)
{
    current = &spaces[SPACE_IDENTITY];
}

uint64_t space_addend(uint32_t lpage, gpa_t pa)
{
    return (uint64_t)(uintptr_t)shadow_physmem()->ram + (pa & GUEST_PAGE_MASK) -
           ((uint64_t)lpage << GUEST_PAGE_SHIFT);
}

bool space_entry_phys(uint32_t lpage, uint64_t addend, gpa_t *pa)
{
    const struct physmem *pm = shadow_physmem();
    uint64_t host = addend + ((uint64_t)lpage << GUEST_PAGE_SHIFT);
    uint64_t ram = (uint64_t)(uintptr_t)pm->ram;
    if (addend == 0 || host < ram || host >= ram + pm->size)
        return false;
    *pa = (gpa_t)(host - ram);
    return true;
}

static void touch(struct space *s, enum shadow_table t, uint32_t lpage)
{
    uint32_t page = ((uint32_t)t * SHADOW_PAGES + lpage) / 512;
    uint64_t bit = 1ull << (page & 63);
    if (!(s->touched[page / 64] & bit)) {
        s->touched[page / 64] |= bit;
        s->ntouched++;
    }
}

static bool touched(const struct space *s, enum shadow_table t, uint32_t lpage)
{
    uint32_t page = ((uint32_t)t * SHADOW_PAGES + lpage) / 512;
    return (s->touched[page / 64] >> (page & 63)) & 1;
}

void space_fill(struct space *s, enum shadow_table t, uint32_t lpage, uint64_t addend)
{
    uint64_t *e = &s->map->addend[t][lpage];
    if (*e == addend)
        return;
    *e = addend;
    g_stats.shadow_fills++;
    touch(s, t, lpage);
    s->pde_used[lpage >> 15] |= 1u << ((lpage >> 10) & 31);
    if (s->nlog < LOG_MAX)
        s->log[s->nlog++] = (uint32_t)t << 20 | lpage;
    else
        s->log_overflow = true;
}

static void drop_one(struct space *s, uint32_t lpage)
{
    bool any = false;
    for (int t = 0; t < SM_TABLES; t++) {
        uint64_t *e = &s->map->addend[t][lpage];
        if (*e) {
            *e = 0;
            g_stats.shadow_drops++;
            any = true;
        }
    }
    if (any)
        tc_ibtc_forget_page(space_slot(s), lpage);
}

void space_drop_page(struct space *s, uint32_t lpage)
{
    drop_one(s, lpage);
    if (space_page_is_global(lpage))
        for (int i = 0; i < SPACE_PAGING_SLOTS; i++)
            if (spaces[i].used && &spaces[i] != s)
                drop_one(&spaces[i], lpage);
}

void space_drop_pde(struct space *s, unsigned pdi)
{
    uint32_t first = (uint32_t)pdi << 10;
    s->pt_of[pdi] = SPACE_NO_PT;
    for (uint32_t w = first / 32; w < (first + 1024) / 32; w++)
        if (global_pages[w])
            for (uint32_t b = 0; b < 32; b++)
                if ((global_pages[w] >> b) & 1)
                    space_drop_page(s, w * 32 + b);
    if (!((s->pde_used[pdi >> 5] >> (pdi & 31)) & 1))
        return;
    s->pde_used[pdi >> 5] &= ~(1u << (pdi & 31));
    for (int t = 0; t < SM_TABLES; t++)
        for (uint32_t half = 0; half < 1024; half += 512) {
            if (!touched(s, (enum shadow_table)t, first + half))
                continue;
            uint64_t *e = &s->map->addend[t][first + half];
            for (int i = 0; i < 512; i++)
                if (e[i]) {
                    e[i] = 0;
                    g_stats.shadow_drops++;
                }
        }
    tc_ibtc_forget_range(space_slot(s), first, 1024);
}

void space_drop_write_to(struct space *s, uint32_t lpage, gpa_t pa)
{
    for (int t = SM_SUP_WRITE; t < SM_TABLES; t += 2) {
        uint64_t *e = &s->map->addend[t][lpage];
        gpa_t now;
        if (*e && space_entry_phys(lpage, *e, &now) && (now & GUEST_PAGE_MASK) == (pa & GUEST_PAGE_MASK)) {
            *e = 0;
            g_stats.shadow_drops++;
        }
    }
}

void space_clear(struct space *s)
{
    if (s->log_overflow) {
        madvise(s->map, sizeof *s->map, MADV_DONTNEED);
        memset(s->touched, 0, sizeof s->touched);
        s->ntouched = 0;
    } else {
        for (uint32_t i = 0; i < s->nlog; i++) {
            uint64_t *e = &s->map->addend[s->log[i] >> 20][s->log[i] & (SHADOW_PAGES - 1)];
            if (*e) {
                *e = 0;
                g_stats.shadow_drops++;
            }
        }
    }
    s->nlog = 0;
    s->log_overflow = false;
    memset(s->pde_used, 0, sizeof s->pde_used);
    for (unsigned i = 0; i < 1024; i++)
        s->pt_of[i] = SPACE_NO_PT;
    tc_ibtc_drop_space(space_slot(s));
}

void space_clear_all(void)
{
    for (int i = 0; i < SPACE_PAGING_SLOTS; i++)
        if (spaces[i].used)
            space_clear(&spaces[i]);
    memset(global_pages, 0, sizeof global_pages);
    g_stats.shadow_flushes++;
}

/* Global translations of the space being left, so that a new space does
 * not refill them one hidden fault at a time. */
static void copy_globals(struct space *to, const struct space *from)
{
    for (uint32_t w = 0; w < SHADOW_PAGES / 32; w++) {
        if (!global_pages[w])
            continue;
        for (uint32_t b = 0; b < 32; b++) {
            uint32_t lpage = w * 32 + b;
            if (!((global_pages[w] >> b) & 1))
                continue;
            for (int t = 0; t < SM_TABLES; t++) {
                uint64_t a = from->map->addend[t][lpage];
                if (a)
                    space_fill(to, (enum shadow_table)t, lpage, a);
            }
        }
    }
}

struct space *space_for_cr3(gpa_t cr3, bool *hit)
{
    cr3 &= GUEST_PAGE_MASK;
    for (int i = 0; i < SPACE_PAGING_SLOTS; i++) {
        struct space *s = &spaces[i];
        if (s->used && s->cr3 == cr3) {
            *hit = true;
            s->stamp = ++clock_now;
            current = s;
            return s;
        }
    }
    /* A free slot, else the least recently used one. */
    struct space *victim = NULL;
    for (int i = 0; i < SPACE_PAGING_SLOTS; i++) {
        struct space *s = &spaces[i];
        if (!s->used) {
            victim = s;
            break;
        }
        if (!victim || s->stamp < victim->stamp)
            victim = s;
    }
    *hit = false;
    if (!victim->map && map_new(victim, false) < 0)
        panic("out of memory for a shadow map");
    if (victim->used) {
        gpa_t old = victim->cr3;
        space_clear(victim);
        victim->used = false;
        trace_pd_released(old);
    }
    struct space *prev = current;
    victim->used = true;
    victim->cr3 = cr3;
    victim->stamp = ++clock_now;
    current = victim;
    trace_pd_adopted(cr3);
    if (prev != victim && prev != &spaces[SPACE_IDENTITY] && prev->used)
        copy_globals(victim, prev);
    return victim;
}

uint64_t space_bytes_touched(void)
{
    uint64_t n = 0;
    for (int i = 0; i < SPACE_SLOTS; i++)
        n += (uint64_t)spaces[i].ntouched * GUEST_PAGE_SIZE;
    return n;
}
