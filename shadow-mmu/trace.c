/* Tracing of guest page-table pages (see trace.h).
 *
 * Both per-page lists (uses as a page table, shadow write entries) are
 * singly linked through one node pool and checked lazily: a node whose
 * space no longer holds what it says is dead and is unlinked when its list
 * is next walked. Dropping too much is always safe (the entry is refilled
 * by a hidden fault); dropping too little never happens, because a node is
 * added at every fill that depends on the page. When the pool runs out,
 * every paging space is cleared and the pool starts again. */
#include "shadow-mmu/trace.h"
#include "codecache/tc.h"
#include "common/panic.h"
#include "common/stats.h"

#include <stdlib.h>
#include <string.h>

#define NODES (1u << 18)
#define SNAPSHOTS 64
/* Traced stores in a row (no fill through the table in between) after
 * which a page table goes out of sync. */
#define UNSYNC_AFTER 8

#define PTE_A 0x20u
#define PTE_D 0x40u

enum { PP_PT = 1, PP_OOS = 2 };

struct node {
    uint32_t next;
    uint32_t what;              /* linear page (writers) or directory slot (uses) */
    uint8_t slot;
};

struct ppage {
    uint32_t writers;           /* node list: shadow write entries to this page */
    uint32_t uses;              /* node list: (space, slot) using it as a page table */
    uint16_t writes;            /* traced stores in a row */
    uint8_t flags;
    uint8_t pd_count;           /* spaces whose page directory it is */
    int16_t snapshot;           /* out of sync: its snapshot, else -1 */
};

static struct ppage *pages;
static uint32_t npages;
static struct node *nodes;
static uint32_t free_list, next_unused;
static bool adaptive = true;

static struct {
    gpa_t page;
    bool used;
    uint32_t copy[1024];
} *snaps;

int trace_init(uint64_t ram_bytes)
{
    npages = (uint32_t)(ram_bytes >> GUEST_PAGE_SHIFT);
    pages = calloc(npages, sizeof *pages);
    nodes = calloc(NODES, sizeof *nodes);
    snaps = calloc(SNAPSHOTS, sizeof *snaps);
    if (!pages || !nodes || !snaps)
        return -1;
    trace_reset();
    return 0;
}

void trace_set_adaptive(bool on)
{
    adaptive = on;
}

static bool broken_snapshot;

void trace_set_broken_snapshot(bool broken)
{
    broken_snapshot = broken;
}

void trace_reset(void)
{
    for (uint32_t i = 0; i < npages; i++) {
        uint8_t pd = pages[i].pd_count;
        memset(&pages[i], 0, sizeof pages[i]);
        pages[i].pd_count = pd;
        pages[i].snapshot = -1;
    }
    for (int i = 0; i < SNAPSHOTS; i++)
        snaps[i].used = false;
    free_list = 0;
    next_unused = 1;            /* node 0 ends a list */
}

static struct ppage *page_of(gpa_t pa)
{
    uint32_t n = pa >> GUEST_PAGE_SHIFT;
    return n < npages ? &pages[n] : NULL;
}

/* May forget everything first (pool exhausted): callers take a node
 * before they change any state that the forgetting would reset. */
static uint32_t node_new(void)
{
    if (free_list) {
        uint32_t n = free_list;
        free_list = nodes[n].next;
        return n;
    }
    if (next_unused == NODES) {
        space_clear_all();
        trace_reset();
    }
    return next_unused++;
}

static void node_free(uint32_t n)
{
    nodes[n].next = free_list;
    free_list = n;
}

static bool writer_alive(const struct node *n, gpa_t page)
{
    const struct space *s = &spaces[n->slot];
    gpa_t pa;
    for (int t = SM_SUP_WRITE; t < SM_TABLES; t += 2) {
        uint64_t a = s->map->addend[t][n->what];
        if (a && space_entry_phys(n->what, a, &pa) && (pa & GUEST_PAGE_MASK) == page)
            return true;
    }
    return false;
}

static bool use_alive(const struct node *n, gpa_t page)
{
    const struct space *s = &spaces[n->slot];
    return s->used && s->pt_of[n->what] == page;
}

/* Walks a list, unlinking dead nodes; calls fn on each live one (fn may be
 * NULL). Returns whether (slot, what) is among the live ones. */
static bool list_walk(uint32_t *head, gpa_t page, bool (*alive)(const struct node *, gpa_t),
                      int slot, uint32_t what, void (*fn)(const struct node *, void *), void *arg)
{
    bool found = false;
    for (uint32_t *pp = head; *pp;) {
        uint32_t n = *pp;
        if (!alive(&nodes[n], page)) {
            *pp = nodes[n].next;
            node_free(n);
            continue;
        }
        if (nodes[n].slot == slot && nodes[n].what == what)
            found = true;
        if (fn)
            fn(&nodes[n], arg);
        pp = &nodes[n].next;
    }
    return found;
}

static void list_push(uint32_t *head, int slot, uint32_t what)
{
    uint32_t n = node_new();
    nodes[n].slot = (uint8_t)slot;
    nodes[n].what = what;
    nodes[n].next = *head;
    *head = n;
}

static void drop_writer(const struct node *n, void *arg)
{
    space_drop_write_to(&spaces[n->slot], n->what, *(gpa_t *)arg);
}

void trace_revoke_writers(gpa_t page)
{
    struct ppage *p = page_of(page);
    if (!p)
        return;
    page &= GUEST_PAGE_MASK;
    list_walk(&p->writers, page, writer_alive, -1, 0, drop_writer, &page);
    /* Every node is dead now. */
    while (p->writers) {
        uint32_t n = p->writers;
        p->writers = nodes[n].next;
        node_free(n);
    }
}

void trace_add_writer(struct space *s, uint32_t lpage, gpa_t page)
{
    struct ppage *p = page_of(page);
    if (!p)
        return;
    page &= GUEST_PAGE_MASK;
    int slot = space_slot(s);
    if (!list_walk(&p->writers, page, writer_alive, slot, lpage, NULL, NULL))
        list_push(&p->writers, slot, lpage);
}

static bool in_sync_table(const struct ppage *p)
{
    return (p->flags & PP_PT) && !(p->flags & PP_OOS);
}

bool trace_write_protected(gpa_t page)
{
    const struct ppage *p = page_of(page);
    return p && (in_sync_table(p) || p->pd_count);
}

bool trace_is_traced(gpa_t page)
{
    const struct ppage *p = page_of(page);
    return p && ((p->flags & PP_PT) || p->pd_count);
}

void trace_use_pt(struct space *s, unsigned pdi, gpa_t table, unsigned index)
{
    struct ppage *p = page_of(table);
    if (!p)
        return;                 /* a table outside RAM reads as ones: nothing to trace */
    table &= GUEST_PAGE_MASK;
    p->writes = 0;              /* the table is in use, not just being written */
    if ((p->flags & PP_OOS) && !broken_snapshot) {
        /* The snapshot holds, per entry, what the shadow was derived from:
         * a fill from an out-of-sync table records the entry it used, so
         * that a later change to it is seen at the resync. */
        const uint32_t *now = (const uint32_t *)(const void *)(shadow_physmem()->ram + table);
        snaps[p->snapshot].copy[index] = now[index];
    }
    if (s->pt_of[pdi] == table)
        return;
    list_push(&p->uses, space_slot(s), pdi);
    s->pt_of[pdi] = table;
    if (!(p->flags & PP_PT)) {
        p->flags |= PP_PT;
        trace_revoke_writers(table);
    }
}

void trace_pd_adopted(gpa_t pd)
{
    struct ppage *p = page_of(pd);
    if (!p)
        return;
    if (p->pd_count++ == 0)
        trace_revoke_writers(pd);
}

void trace_pd_released(gpa_t pd)
{
    struct ppage *p = page_of(pd);
    if (p && p->pd_count)
        p->pd_count--;
}

struct pte_range {
    unsigned first, last;
};

static void drop_ptes(const struct node *n, void *arg)
{
    const struct pte_range *r = arg;
    for (unsigned i = r->first; i <= r->last; i++)
        space_drop_page(&spaces[n->slot], n->what << 10 | i);
}

static int snapshot_take(gpa_t page);

void trace_write(gpa_t pa, unsigned size)
{
    struct ppage *p = page_of(pa);
    if (!p || (p->flags & PP_OOS))
        return;
    gpa_t page = pa & GUEST_PAGE_MASK;
    uint32_t off = pa & ~GUEST_PAGE_MASK;
    uint32_t end = off + size > GUEST_PAGE_SIZE ? GUEST_PAGE_SIZE : off + size;
    struct pte_range r = { off / 4, (end - 1) / 4 };
    bool table = false;
    if (p->flags & PP_PT) {
        g_stats.traced_writes++;
        list_walk(&p->uses, page, use_alive, -1, 0, drop_ptes, &r);
        table = p->uses != 0;
        if (!table)
            p->flags &= ~PP_PT;     /* no space uses it any more: untraced */
    }
    if (p->pd_count) {
        if (!(p->flags & PP_PT))
            g_stats.traced_writes++;
        for (int i = 0; i < SPACE_PAGING_SLOTS; i++)
            if (spaces[i].used && spaces[i].cr3 == page)
                for (unsigned pdi = r.first; pdi <= r.last; pdi++)
                    space_drop_pde(&spaces[i], pdi);
        return;                     /* directories are always traced */
    }
    if (table && adaptive && ++p->writes >= UNSYNC_AFTER) {
        int snap = snapshot_take(page);
        if (snap >= 0) {
            p->snapshot = (int16_t)snap;
            p->flags |= PP_OOS;
            g_stats.pt_unsync++;
        }
    }
}

/* Has a guest entry changed in a way the shadow must see? A and D going
 * from 0 to 1 is the walk's own doing; everything else counts. */
static bool entry_changed(uint32_t old, uint32_t now)
{
    return ((old ^ now) & ~(PTE_A | PTE_D)) || (old & ~now & (PTE_A | PTE_D));
}

static void resync(gpa_t page)
{
    struct ppage *p = page_of(page);
    int snap = p->snapshot;
    const uint32_t *now = (const uint32_t *)(const void *)(shadow_physmem()->ram + page);
    for (unsigned i = 0; i < 1024; i++) {
        if (!entry_changed(snaps[snap].copy[i], now[i]))
            continue;
        struct pte_range r = { i, i };
        list_walk(&p->uses, page, use_alive, -1, 0, drop_ptes, &r);
        g_stats.pt_resync_drops++;
    }
    snaps[snap].used = false;
    p->snapshot = -1;
    p->flags &= ~PP_OOS;
    p->writes = 0;
    trace_revoke_writers(page);
    g_stats.pt_resyncs++;
}

static int snapshot_take(gpa_t page)
{
    int slot = -1;
    for (int i = 0; i < SNAPSHOTS && slot < 0; i++)
        if (!snaps[i].used)
            slot = i;
    if (slot < 0) {
        /* All in use: bring slot 0's table back in sync to make room
         * (any victim is correct: a resync is what MOV CR3 does anyway). */
        resync(snaps[0].page);
        slot = 0;
    }
    snaps[slot].used = true;
    snaps[slot].page = page;
    memcpy(snaps[slot].copy, shadow_physmem()->ram + page, GUEST_PAGE_SIZE);
    return slot;
}

void trace_resync_all(void)
{
    for (int i = 0; i < SNAPSHOTS; i++)
        if (snaps[i].used)
            resync(snaps[i].page);
}
