/* The translation cache: host code memory mapped twice (a writable view the
 * translator writes through and an executable view that runs; never both at
 * one address), the blocks and their lookup by (guest EIP, mode key),
 * chaining and unchaining of direct exits, the in-TC indirect-branch tables,
 * and invalidation of the blocks made from a guest page that is written.
 *
 *   struct tc_block *b = tc_lookup(eip, key, cs_base, cs_limit, still_maps);
 *   if (!b) b = translate(...);               (dbt/ fills a block via tc_emit_*)
 *   tc_chain(exit_link, b);                   patch a direct exit to jump to b
 *   tc_invalidate_range(gpa, len, &hit_current);   on a store to code
 */
#ifndef BT386_TC_H
#define BT386_TC_H

#include "common/types.h"

#define TC_MAX_EXITS 4

/* A patchable direct exit: a jmp/jcc whose rel32 at `rel32` (executable
 * address) initially points at `stub`, the code that leaves to the monitor. */
struct tc_exit_slot {
    uint8_t *rel32;
    uint8_t *stub;
    struct tc_block *from;
    struct tc_block *to;            /* chained target, or NULL */
    struct tc_exit_slot *next_in;   /* the target's list of incoming links */
};

/* Host offset -> guest EIP of the instruction whose code starts there. */
struct tc_pc_map {
    uint32_t host_off;
    gva_t eip;
};

struct tc_block {
    gva_t eip;                      /* guest EIP (CS offset) of the first instruction */
    uint32_t key;
    uint32_t cs_base;               /* linear = cs_base + EIP */
    uint32_t cs_limit;              /* the limit its code was checked against */
    gva_t guest_end;                /* one past the last guest byte translated */
    gpa_t page[2];                  /* guest physical pages the bytes came from */
    gpa_t phys_start;               /* guest physical address of the first byte */
    gpa_t last_page;                /* guest physical page of the last byte */
    uint8_t npages;
    bool valid;
    uint32_t ninsns;
    uint8_t *host;                  /* executable address of the entry (first byte) */
    uint8_t *host_end;
    struct tc_block *hash_next;
    struct tc_exit_slot *incoming;
    struct tc_exit_slot exits[TC_MAX_EXITS];
    uint8_t nexits;
    uint32_t nmap;
    struct tc_pc_map *map;
};

int tc_init(size_t bytes);

/* Emission: reserve room, write through the writable view, then publish. */
struct tc_space {
    uint8_t *wr;                    /* where to write */
    uint8_t *exec;                  /* the same byte's executable address */
    size_t room;
};
/* Returns false when the TC is too full (the caller flushes and retries). */
bool tc_reserve(size_t min_room, struct tc_space *sp);
struct tc_block *tc_block_new(gva_t eip, uint32_t key, uint32_t cs_base, uint32_t cs_limit);
/* Publishes a block whose code occupies `used` bytes of the reserved space. */
void tc_block_publish(struct tc_block *b, size_t used);
void tc_block_discard(struct tc_block *b);
/* Publishes `used` bytes of shared (block-less) code. */
void tc_publish_raw(size_t used);

/* Blocks are found by guest EIP, mode and CS base and limit: the same EIP
 * in another code segment is other code, or faults elsewhere. */
/* …and, with paging, made from the guest physical pages that its linear
 * pages map to now (still_maps decides; NULL with paging off): the same EIP
 * in another address space may be other code, and gets a block of its own. */
struct tc_block *tc_lookup(gva_t eip, uint32_t key, uint32_t cs_base, uint32_t cs_limit,
                           bool (*still_maps)(const struct tc_block *));
/* Patch the exit whose rel32 is at executable address `rel32` to jump to b. */
void tc_chain(uint8_t *rel32, struct tc_block *to);
/* Points every chained exit of b back at its exit stub, so that the next
 * one taken leaves the TC; the links are restored by the next tc_chain of
 * each. Only rewrites jump targets: safe in a signal handler that
 * interrupted translated code. */
void tc_unchain_exits(struct tc_block *b);
/* An indirect-branch table that always misses (every lookup leaves the TC). */
uint64_t *tc_ibtc_always_miss(void);
/* The block whose code contains executable address `host`, or NULL. */
struct tc_block *tc_block_at(const void *host);
/* Guest EIP of the instruction whose translation contains `host`. */
bool tc_guest_eip_at(const void *host, gva_t *eip);

/* Invalidates every block with a byte in [gpa, gpa + len); sets *hit when
 * `current` (may be NULL) is one of them. Returns the number invalidated. */
unsigned tc_invalidate_range(gpa_t gpa, uint32_t len, const struct tc_block *current, bool *hit);
/* Drops every block (TC full, or a change that no key covers). */
void tc_flush(void);

/* In-TC indirect-branch table of a mode in one guest address space (slot
 * of shadow_current_slot()): one 64-bit host address per guest EIP (2^32
 * entries, sparse), 0 where no block is known. Translated code jumps
 * through it without a check: a 0 entry jumps to address 0, and
 * monitor/signals.c turns that fault into an indirect-miss exit (target in
 * r10d). Per address space because with paging the same EIP may be other
 * code in another space. Measured: docs/decisions.md. */
uint64_t *tc_ibtc_table(uint32_t key, int space);
void tc_ibtc_fill(uint32_t key, int space, struct tc_block *b);
/* The space's entries for EIPs in linear pages [lpage, lpage + n) (and the
 * page before, whose blocks may run into them) are forgotten: their
 * mapping changed. */
void tc_ibtc_forget_range(int space, uint32_t lpage, uint32_t n);
static inline void tc_ibtc_forget_page(int space, uint32_t lpage)
{
    tc_ibtc_forget_range(space, lpage, 1);
}
/* Every table of the space emptied (it now holds another address space). */
void tc_ibtc_drop_space(int space);
/* Executable address of the shared stub that leaves on an indirect miss. */
uint8_t *tc_indirect_miss_stub(void);
/* Everything emitted so far (shared stubs) survives flushes; `miss_stub` is
 * what empty indirect-table slots point at. */
void tc_set_permanent(uint8_t *miss_stub);

/* Writable alias of an executable TC address (for patching). */
uint8_t *tc_writable(const uint8_t *exec);
bool tc_contains(const void *host);

#endif
