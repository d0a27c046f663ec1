/* Tracing of guest page-table pages (internal to shadow-mmu/): which guest
 * physical pages the shadow maps were derived from, and what a store to one
 * of them must drop. A traced page has no write entry in any shadow map, so
 * every guest store to it reaches C (the slow path), which calls
 * trace_write before the store lands.
 *
 * Per guest physical page it keeps
 *  - its uses as a page table: (space, page-directory slot) pairs;
 *  - the shadow write entries that point at it (a reverse map), so that a
 *    page that becomes a page table, a page directory or code can have them
 *    taken away;
 *  - adaptive tracing: a page table written many times in a row, with no
 *    fill from it in between (a guest filling a new table, fork copying
 *    one), goes out of sync: a snapshot is taken and it is written freely;
 *    at the next MOV CR3 (or when snapshots run out) the snapshot and the
 *    table are compared and what changed is dropped (SDM 4.10.4: a guest
 *    that changes a present entry must invalidate it; one that makes an
 *    entry present needs no invalidation, and a shadow miss reads the new
 *    entry anyway).
 *
 *   trace_use_pt(s, pdi, table);          a fill walked through `table`
 *   if (trace_write_protected(page)) no write entry;
 *   trace_write(pa, size);                a guest store to a traced page */
#ifndef BT386_TRACE_H
#define BT386_TRACE_H

#include "shadow-mmu/space.h"

int trace_init(uint64_t ram_bytes);
/* Adaptive tracing on (the default) or off (--no-adaptive-trace). */
void trace_set_adaptive(bool on);
/* --debug-break oos-stale: fills from an out-of-sync table leave its
 * snapshot alone, so a change after them goes unseen at the resync. */
void trace_set_broken_snapshot(bool broken);
/* Everything forgotten: every paging space was cleared. */
void trace_reset(void);

/* A fill walked through entry `index` of page table `table`, under
 * page-directory slot pdi of space s. */
void trace_use_pt(struct space *s, unsigned pdi, gpa_t table, unsigned index);
void trace_add_writer(struct space *s, uint32_t lpage, gpa_t page);
void trace_pd_adopted(gpa_t pd);
void trace_pd_released(gpa_t pd);

/* May a shadow write entry point at this page? Not if it is a traced page
 * table or a page directory (code is asked of codecache/ separately). */
bool trace_write_protected(gpa_t page);
/* Is the page traced at all (a store must call trace_write)? */
bool trace_is_traced(gpa_t page);
/* A guest store of `size` bytes at `pa` is about to land on a traced page. */
void trace_write(gpa_t pa, unsigned size);
/* Takes every shadow write entry to `page` away (it now holds code, or
 * became a page table or directory). */
void trace_revoke_writers(gpa_t page);
/* Out-of-sync page tables checked against their snapshots and traced
 * again (MOV CR3). */
void trace_resync_all(void);

#endif
