/* Translation-cache memory, block index, chaining and invalidation (see
 * tc.h). Policy: when the TC is full, flush everything (vx32, blink) until a
 * measurement says selective eviction pays. */
#define _GNU_SOURCE
#include "codecache/tc.h"
#include "common/panic.h"
#include "common/stats.h"
#include "shadow-mmu/shadow.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define HASH_BUCKETS 65536
/* Tables for this many modes; a guest that uses more (a hostile one can
 * make thousands of mode keys) gets, for the rest, one shared table that
 * stays empty: its indirect branches always take the monitor's path. */
#define MAX_IBTC_KEYS 128
#define IBTC_TABLE_BYTES ((size_t)8 << 32)

static uint8_t *tc_wr_base, *tc_exec_base;
static size_t tc_size, tc_used, tc_permanent;
static uint8_t *miss_stub;

static struct tc_block *hash[HASH_BUCKETS];

/* Blocks in emission order, so host address -> block is a binary search. */
static struct tc_block **blocks;
static size_t nblocks, blocks_cap;

/* Per guest physical page: the blocks made from it. */
struct code_page {
    gpa_t page;
    struct tc_block **list;
    uint32_t n, cap;
    struct code_page *next;
};
#define PAGE_BUCKETS 4096
static struct code_page *pages[PAGE_BUCKETS];

static struct {
    uint32_t key;
    int space;
    uint64_t *table;
} ibtc[MAX_IBTC_KEYS];
static unsigned nibtc;
/* Per address space: the linear pages with EIPs in some table, so that a
 * changed mapping clears 32 KiB only where entries exist. */
#define LPAGES (1u << 20)
static uint32_t *ibtc_pages[SHADOW_SLOTS];
static uint64_t *ibtc_always_miss;

int tc_init(size_t bytes)
{
    int fd = memfd_create("bt386-tc", MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, (off_t)bytes) < 0)
        return -1;
    /* Not populated: the TC grows by a few hundred KiB for most guests, and
     * a first-touch fault per 4 KiB (two views) costs ~40 us against ~50 ms
     * to populate 64 MiB twice at every start (measured: bt386 -m 4 started
     * in 70 ms, now 20 ms). */
    tc_wr_base = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    tc_exec_base = mmap(NULL, bytes, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    close(fd);
    if (tc_wr_base == MAP_FAILED || tc_exec_base == MAP_FAILED)
        return -1;
    tc_size = bytes;
    g_stats.tc_capacity = bytes;
    return 0;
}

uint8_t *tc_writable(const uint8_t *exec)
{
    return tc_wr_base + (exec - tc_exec_base);
}

bool tc_contains(const void *host)
{
    const uint8_t *p = host;
    return p >= tc_exec_base && p < tc_exec_base + tc_size;
}

void tc_publish_raw(size_t used)
{
    tc_used += used;
}

void tc_set_permanent(uint8_t *stub)
{
    miss_stub = stub;
    tc_permanent = tc_used;
}

uint8_t *tc_indirect_miss_stub(void)
{
    return miss_stub;
}

bool tc_reserve(size_t min_room, struct tc_space *sp)
{
    tc_used = (tc_used + 15) & ~(size_t)15;
    if (tc_used + min_room > tc_size)
        return false;
    sp->wr = tc_wr_base + tc_used;
    sp->exec = tc_exec_base + tc_used;
    sp->room = tc_size - tc_used;
    return true;
}

static unsigned hash_of(gva_t eip, uint32_t key)
{
    return (eip ^ (eip >> 16) ^ (key * 0x9e3779b1u)) & (HASH_BUCKETS - 1);
}

struct tc_block *tc_block_new(gva_t eip, uint32_t key, uint32_t cs_base, uint32_t cs_limit)
{
    struct tc_block *b = calloc(1, sizeof *b);
    if (!b)
        panic("out of memory for a translated block");
    b->eip = eip;
    b->key = key;
    b->cs_base = cs_base;
    b->cs_limit = cs_limit;
    return b;
}

void tc_block_discard(struct tc_block *b)
{
    free(b->map);
    free(b);
}

static struct code_page *code_page_get(gpa_t page, bool create)
{
    struct code_page **pp = &pages[(page >> GUEST_PAGE_SHIFT) & (PAGE_BUCKETS - 1)];
    for (struct code_page *p = *pp; p; p = p->next)
        if (p->page == page)
            return p;
    if (!create)
        return NULL;
    struct code_page *p = calloc(1, sizeof *p);
    if (!p)
        panic("out of memory for a code page");
    p->page = page;
    p->next = *pp;
    *pp = p;
    return p;
}

bool codecache_page_has_code(gpa_t page)
{
    struct code_page *p = code_page_get(page & GUEST_PAGE_MASK, false);
    return p && p->n > 0;
}

static void code_page_add(gpa_t page, struct tc_block *b)
{
    struct code_page *p = code_page_get(page, true);
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 8;
        p->list = realloc(p->list, p->cap * sizeof *p->list);
        if (!p->list)
            panic("out of memory for a code page list");
    }
    p->list[p->n++] = b;
    if (p->n == 1)
        shadow_protect_code(page);
}

static void code_page_remove(gpa_t page, struct tc_block *b)
{
    struct code_page *p = code_page_get(page, false);
    if (!p)
        return;
    for (uint32_t i = 0; i < p->n; i++)
        if (p->list[i] == b) {
            p->list[i] = p->list[--p->n];
            if (p->n == 0)
                shadow_unprotect_code(page);
            return;
        }
}

void tc_block_publish(struct tc_block *b, size_t used)
{
    tc_used += used;
    b->host_end = b->host + used;
    b->valid = true;
    unsigned h = hash_of(b->eip, b->key);
    b->hash_next = hash[h];
    hash[h] = b;
    if (nblocks == blocks_cap) {
        blocks_cap = blocks_cap ? blocks_cap * 2 : 4096;
        blocks = realloc(blocks, blocks_cap * sizeof *blocks);
        if (!blocks)
            panic("out of memory for the block index");
    }
    blocks[nblocks++] = b;
    for (unsigned i = 0; i < b->npages; i++)
        code_page_add(b->page[i], b);
    for (unsigned i = 0; i < b->nexits; i++)
        b->exits[i].from = b;
    g_stats.blocks_translated++;
    g_stats.tc_bytes += used;
}

struct tc_block *tc_lookup(gva_t eip, uint32_t key, uint32_t cs_base, uint32_t cs_limit,
                           bool (*still_maps)(const struct tc_block *))
{
    g_stats.tc_lookups++;
    for (struct tc_block *b = hash[hash_of(eip, key)]; b; b = b->hash_next)
        if (b->eip == eip && b->key == key && b->cs_base == cs_base && b->cs_limit == cs_limit &&
            (!still_maps || still_maps(b))) {
            g_stats.tc_lookup_hits++;
            return b;
        }
    return NULL;
}

static void write_rel32(uint8_t *rel32_exec, const uint8_t *target)
{
    int32_t rel = (int32_t)(target - (rel32_exec + 4));
    memcpy(tc_writable(rel32_exec), &rel, 4);
}

static struct tc_exit_slot *exit_slot_at(uint8_t *rel32)
{
    struct tc_block *from = tc_block_at(rel32);
    if (!from)
        return NULL;
    for (unsigned i = 0; i < from->nexits; i++)
        if (from->exits[i].rel32 == rel32)
            return &from->exits[i];
    return NULL;
}

void tc_unchain_exits(struct tc_block *b)
{
    for (unsigned i = 0; i < b->nexits; i++)
        if (b->exits[i].to)
            write_rel32(b->exits[i].rel32, b->exits[i].stub);
}

void tc_chain(uint8_t *rel32, struct tc_block *to)
{
    struct tc_exit_slot *s = exit_slot_at(rel32);
    if (!s || !s->from->valid || !to->valid)
        return;
    if (s->to) {
        /* Unchained by a kick (tc_unchain_exits) and taken since: the
         * bookkeeping still holds, only the jump needs its target back. */
        if (s->to == to)
            write_rel32(rel32, to->host);
        return;
    }
    write_rel32(rel32, to->host);
    s->to = to;
    s->next_in = to->incoming;
    to->incoming = s;
    g_stats.chain_links++;
}

struct tc_block *tc_block_at(const void *host)
{
    const uint8_t *p = host;
    size_t lo = 0, hi = nblocks;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (p < blocks[mid]->host)
            hi = mid;
        else if (p >= blocks[mid]->host_end)
            lo = mid + 1;
        else
            return blocks[mid];
    }
    return NULL;
}

bool tc_guest_eip_at(const void *host, gva_t *eip)
{
    struct tc_block *b = tc_block_at(host);
    if (!b || b->nmap == 0)
        return false;
    uint32_t off = (uint32_t)((const uint8_t *)host - b->host);
    *eip = b->map[0].eip;
    for (uint32_t i = 0; i < b->nmap && b->map[i].host_off <= off; i++)
        *eip = b->map[i].eip;
    return true;
}

static void ibtc_forget(struct tc_block *b)
{
    for (unsigned i = 0; i < nibtc; i++) {
        uint64_t *slot = &ibtc[i].table[b->eip];
        if (*slot == (uint64_t)(uintptr_t)b->host)
            *slot = 0;
    }
}

static void block_invalidate(struct tc_block *b)
{
    b->valid = false;
    struct tc_block **pp = &hash[hash_of(b->eip, b->key)];
    while (*pp && *pp != b)
        pp = &(*pp)->hash_next;
    if (*pp)
        *pp = b->hash_next;
    /* Whoever jumps here directly goes back through its exit stub. */
    for (struct tc_exit_slot *s = b->incoming; s; s = s->next_in) {
        write_rel32(s->rel32, s->stub);
        s->to = NULL;
    }
    b->incoming = NULL;
    /* Our own chained exits leave their targets' incoming lists. */
    for (unsigned i = 0; i < b->nexits; i++) {
        struct tc_exit_slot *s = &b->exits[i];
        if (!s->to)
            continue;
        struct tc_exit_slot **ip = &s->to->incoming;
        while (*ip && *ip != s)
            ip = &(*ip)->next_in;
        if (*ip)
            *ip = s->next_in;
        s->to = NULL;
    }
    ibtc_forget(b);
    for (unsigned i = 0; i < b->npages; i++)
        code_page_remove(b->page[i], b);
    g_stats.smc_blocks_invalidated++;
}

static bool overlaps(gpa_t a, uint32_t alen, gpa_t b, uint32_t blen)
{
    return a < b + blen && b < a + alen;
}

/* Does the block's guest code overlap [gpa, gpa + len)? Its bytes start at
 * phys_start and may continue at the start of its second page. */
static bool block_covers(const struct tc_block *b, gpa_t gpa, uint32_t len)
{
    uint32_t size = b->guest_end - b->eip;
    uint32_t in_first = GUEST_PAGE_SIZE - (b->phys_start & ~GUEST_PAGE_MASK);
    if (in_first > size)
        in_first = size;
    if (overlaps(b->phys_start, in_first, gpa, len))
        return true;
    return size > in_first && b->npages == 2 && overlaps(b->page[1], size - in_first, gpa, len);
}

unsigned tc_invalidate_range(gpa_t gpa, uint32_t len, const struct tc_block *current, bool *hit)
{
    unsigned count = 0;
    *hit = false;
    gpa_t first = gpa & GUEST_PAGE_MASK, last = (gpa + len - 1) & GUEST_PAGE_MASK;
    for (gpa_t page = first;; page += GUEST_PAGE_SIZE) {
        struct code_page *p = code_page_get(page, false);
        for (uint32_t i = 0; p && i < p->n;) {
            struct tc_block *b = p->list[i];
            if (block_covers(b, gpa, len)) {
                if (b == current)
                    *hit = true;
                block_invalidate(b);       /* removes b from p->list */
                count++;
            } else {
                i++;
            }
        }
        if (page == last)
            break;
    }
    return count;
}

void tc_flush(void)
{
    for (size_t i = 0; i < nblocks; i++)
        tc_block_discard(blocks[i]);
    nblocks = 0;
    memset(hash, 0, sizeof hash);
    for (unsigned i = 0; i < PAGE_BUCKETS; i++) {
        struct code_page *p = pages[i], *next;
        for (; p; p = next) {
            next = p->next;
            if (p->n)
                shadow_unprotect_code(p->page);
            free(p->list);
            free(p);
        }
        pages[i] = NULL;
    }
    /* Back to untouched zero pages: only the pages ever filled cost anything. */
    for (unsigned i = 0; i < nibtc; i++)
        madvise(ibtc[i].table, IBTC_TABLE_BYTES, MADV_DONTNEED);
    for (int i = 0; i < SHADOW_SLOTS; i++)
        if (ibtc_pages[i])
            memset(ibtc_pages[i], 0, LPAGES / 32 * sizeof(uint32_t));
    tc_used = tc_permanent;
    g_stats.tc_flushes++;
}

uint64_t *tc_ibtc_always_miss(void)
{
    if (!ibtc_always_miss) {
        ibtc_always_miss = mmap(NULL, IBTC_TABLE_BYTES, PROT_READ,
                                MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (ibtc_always_miss == MAP_FAILED)
            panic("cannot map an indirect-branch table");
    }
    return ibtc_always_miss;
}

uint64_t *tc_ibtc_table(uint32_t key, int space)
{
    for (unsigned i = 0; i < nibtc; i++)
        if (ibtc[i].key == key && ibtc[i].space == space)
            return ibtc[i].table;
    if (nibtc == MAX_IBTC_KEYS)
        return tc_ibtc_always_miss();
    /* 32 GiB of address space, never reserved: pages appear as entries are
     * written (a few hundred for a whole OS), untouched entries read 0. */
    uint64_t *t = mmap(NULL, IBTC_TABLE_BYTES, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (t == MAP_FAILED)
        panic("cannot map an indirect-branch table");
    ibtc[nibtc].key = key;
    ibtc[nibtc].space = space;
    ibtc[nibtc].table = t;
    nibtc++;
    return t;
}

void tc_ibtc_fill(uint32_t key, int space, struct tc_block *b)
{
    uint64_t *t = tc_ibtc_table(key, space);
    if (t == ibtc_always_miss)
        return;
    if (!ibtc_pages[space]) {
        ibtc_pages[space] = calloc(LPAGES / 32, sizeof(uint32_t));
        if (!ibtc_pages[space])
            panic("out of memory for an indirect table's page map");
    }
    uint32_t lpage = b->eip >> GUEST_PAGE_SHIFT;
    ibtc_pages[space][lpage / 32] |= 1u << (lpage % 32);
    t[b->eip] = (uint64_t)(uintptr_t)b->host;
}

void tc_ibtc_forget_range(int space, uint32_t lpage, uint32_t n)
{
    uint32_t *pages_of = ibtc_pages[space];
    if (!pages_of)
        return;
    uint32_t first = lpage ? lpage - 1 : 0;
    for (uint32_t p = first; p < lpage + n && p < LPAGES; p++) {
        if (!((pages_of[p / 32] >> (p % 32)) & 1))
            continue;
        pages_of[p / 32] &= ~(1u << (p % 32));
        for (unsigned i = 0; i < nibtc; i++)
            if (ibtc[i].space == space)
                memset(&ibtc[i].table[(uint64_t)p << GUEST_PAGE_SHIFT], 0, GUEST_PAGE_SIZE * sizeof(uint64_t));
    }
}

void tc_ibtc_drop_space(int space)
{
    if (!ibtc_pages[space])
        return;
    memset(ibtc_pages[space], 0, LPAGES / 32 * sizeof(uint32_t));
    for (unsigned i = 0; i < nibtc; i++)
        if (ibtc[i].space == space)
            madvise(ibtc[i].table, IBTC_TABLE_BYTES, MADV_DONTNEED);
}
