/* Guest memory for C callouts (see guest_mem.h). */
#include "dbt/guest_mem.h"
#include "dbt/callouts.h"
#include "dbt/translate.h"
#include "codecache/tc.h"
#include "common/stats.h"
#include "ring-compression/debug.h"
#include "shadow-mmu/shadow.h"

#include <string.h>

bool gmem_check_segment(struct vcpu *v, int seg, uint32_t offset, unsigned size, bool write)
{
    const struct segment *s = &v->seg[seg];
    int vector = seg == S_SS ? 12 : 13;
    uint32_t last = offset + size - 1;
    bool code = s->attrib & SEG_ATTR_TYPE_CODE;
    if (!(s->attrib & SEG_ATTR_P) || (write && (code || !(s->attrib & 2))) ||
        (!write && code && !(s->attrib & 2))) {
        raise_exception(v, vector, 0, true);
        return false;
    }
    if (!code && (s->attrib & SEG_ATTR_TYPE_ED)) {
        uint32_t upper = (s->attrib & SEG_ATTR_DB) ? 0xffffffffu : 0xffffu;
        if (offset <= s->limit || last > upper || last < offset) {
            raise_exception(v, vector, 0, true);
            return false;
        }
    } else if (last > s->limit || last < offset) {
        raise_exception(v, vector, 0, true);
        return false;
    }
    return true;
}

/* memcpy with the common sizes of CPU-made accesses inlined. */
static inline void copy_bytes(void *d, const void *s, unsigned n)
{
    switch (n) {
    case 2: memcpy(d, s, 2); break;
    case 4: memcpy(d, s, 4); break;
    case 8: memcpy(d, s, 8); break;
    default: memcpy(d, s, n); break;
    }
}

/* One chunk (within a page) that the fast paths of access_linear do not
 * serve: a walk, a traced or code page, MMIO. Out of line, so that the
 * fast paths stay small (bench/nano segload lost ~20 cycles a load when
 * this was inlined into them). */
static __attribute__((noinline)) bool access_chunk_slow(struct vcpu *v, gva_t la, unsigned chunk, bool write,
                                                        bool user, uint8_t *p)
{
    struct shadow_fault f;
    struct shadow_where where;
    uint8_t *host = shadow_host_ptr(la, chunk, write, user, &f, &where);
    if (!host) {
        v->cr2 = f.address;
        raise_exception(v, f.vector, f.error_code, f.vector == 14);
        return false;
    }
    if (write && !where.ram) {
        shadow_mmio_write(where.pa, p, chunk);
    } else if (write) {
        shadow_note_write(where.pa, chunk);
        gmem_note_code_write(v, where.pa, chunk);
        memcpy(host, p, chunk);
    } else {
        memcpy(p, host, chunk);
    }
    return true;
}

/* Where a chunk (within one page) is in host memory when no C-side work
 * is needed, else NULL:
 *  - paging off: the linear address is physical; RAM is read directly and
 *    written directly unless the page holds translated code (a bit in
 *    physmem's code map, in cache where the shadow map would not be);
 *  - paging on: a filled shadow entry is a walk already done, and a write
 *    entry exists only where no tracing or SMC check is needed. */
static inline uint8_t *chunk_host(const struct vcpu *v, gva_t la, unsigned chunk, bool write, bool user)
{
    static const struct physmem *pm;
    if (!(v->cr0 & CR0_PG)) {
        if (!pm)
            pm = shadow_physmem();
        if ((uint64_t)la + chunk <= pm->size && (!write || !physmem_page_has_code(pm, la)))
            return pm->ram + la;
        return NULL;
    }
    uint64_t a = ((const struct shadow_map *)(uintptr_t)v->shadow_base)
                     ->addend[shadow_table_for(user, write)][la >> GUEST_PAGE_SHIFT];
    return a ? (uint8_t *)(uintptr_t)(a + la) : NULL;
}

static bool access_split(struct vcpu *v, gva_t la, unsigned size, bool write, bool user, uint8_t *p)
{
    if (v->dr[7] & 0xff)
        dbg_data_access(v, la, size, write);
    while (size) {
        unsigned chunk = GUEST_PAGE_SIZE - (la & (GUEST_PAGE_SIZE - 1));
        if (chunk > size)
            chunk = size;
        uint8_t *host = chunk_host(v, la, chunk, write, user);
        if (host)
            copy_bytes(write ? host : p, write ? p : host, chunk);
        else if (!access_chunk_slow(v, la, chunk, write, user, p))
            return false;
        la += chunk;
        p += chunk;
        size -= chunk;
    }
    return true;
}

/* The common case inline in each caller: one chunk, no data breakpoint,
 * a host address at once (interrupt delivery and IRET make ~20 such
 * accesses: bench/nano syscall). */
static inline bool access_linear(struct vcpu *v, gva_t la, unsigned size, bool write, bool user, void *buf)
{
    if (!(v->dr[7] & 0xff) && (la & (GUEST_PAGE_SIZE - 1)) + size <= GUEST_PAGE_SIZE) {
        uint8_t *host = chunk_host(v, la, size, write, user);
        if (host) {
            copy_bytes(write ? host : buf, write ? buf : host, size);
            return true;
        }
    }
    return access_split(v, la, size, write, user, buf);
}

void gmem_note_code_write(struct vcpu *v, gpa_t pa, unsigned size)
{
    if (dbt_broken("smc"))
        return;
    const struct physmem *pm = shadow_physmem();
    if ((uint64_t)pa + size > pm->size ||
        (!physmem_page_has_code(pm, pa) && !physmem_page_has_code(pm, pa + size - 1)))
        return;
    bool hit = false;
    if (v->smc_whole_page) {
        size = ((pa + size - 1) | ~GUEST_PAGE_MASK) - (pa & GUEST_PAGE_MASK) + 1;
        pa &= GUEST_PAGE_MASK;
    }
    unsigned n = tc_invalidate_range(pa, size, tc_block_at((void *)(uintptr_t)v->callout_ret), &hit);
    if (n)
        g_stats.smc_invalidations++;
    if (hit)
        v->smc_hit = true;
}

bool gmem_read(struct vcpu *v, int seg, uint32_t offset, unsigned size, void *out)
{
    if (!gmem_check_segment(v, seg, offset, size, false))
        return false;
    return access_linear(v, (gva_t)(v->seg[seg].base + offset), size, false, v->cpl == 3, out);
}

bool gmem_write(struct vcpu *v, int seg, uint32_t offset, unsigned size, const void *in)
{
    if (!gmem_check_segment(v, seg, offset, size, true))
        return false;
    return access_linear(v, (gva_t)(v->seg[seg].base + offset), size, true, v->cpl == 3, (void *)in);
}

bool gmem_read_linear(struct vcpu *v, gva_t la, unsigned size, void *out)
{
    return access_linear(v, la, size, false, false, out);
}

bool gmem_write_linear(struct vcpu *v, gva_t la, unsigned size, const void *in)
{
    return access_linear(v, la, size, true, false, (void *)in);
}

bool gmem_read_linear_as(struct vcpu *v, gva_t la, unsigned size, void *out, bool user)
{
    return access_linear(v, la, size, false, user, out);
}

bool gmem_write_linear_as(struct vcpu *v, gva_t la, unsigned size, const void *in, bool user)
{
    return access_linear(v, la, size, true, user, (void *)in);
}

uint32_t gmem_effective_address(const struct vcpu *v, const struct mem_operand *m)
{
    uint32_t ea = (uint32_t)m->disp;
    if (m->base >= 0)
        ea += v->regs[m->base];
    if (m->index >= 0)
        ea += v->regs[m->index] * m->scale;
    if (m->addr_size == 2)
        ea &= 0xffff;
    return ea;
}

/* Decoded instructions of recent callouts, by linear address. An entry is
 * used only if the guest's bytes still match it, so stores to code need no
 * hook here; a hit costs a 15-byte read instead of a Zydis decode. */
#define DECODE_CACHE_SIZE 256
static struct {
    gva_t la;
    uint32_t cs_db;             /* the code segment's D bit: the decode mode */
    struct insn in;
} decode_cache[DECODE_CACHE_SIZE];

static bool decode_uncached(struct vcpu *v, struct insn *in);

bool gmem_decode_current(struct vcpu *v, struct insn *in)
{
    gva_t la = v->seg[S_CS].base + v->cur_eip;
    uint32_t db = v->seg[S_CS].attrib & SEG_ATTR_DB;
    unsigned slot = (la ^ (la >> 8)) % DECODE_CACHE_SIZE;
    struct insn *c = &decode_cache[slot].in;
    uint8_t now[15];
    if (c->len && decode_cache[slot].la == la && decode_cache[slot].cs_db == db &&
        gmem_read_linear(v, la, c->len, now) && memcmp(now, c->bytes, c->len) == 0) {
        *in = *c;
        in->eip = v->cur_eip;
        return true;
    }
    v->exception = -1;
    v->stop_request = 0;
    if (!decode_uncached(v, in))
        return false;
    decode_cache[slot].la = la;
    decode_cache[slot].cs_db = db;
    *c = *in;
    return true;
}

static bool decode_uncached(struct vcpu *v, struct insn *in)
{
    /* Up to 15 bytes, fewer where the next page cannot be read: the
     * instruction itself was fetched, so it fits in what can be. */
    uint8_t buf[15];
    unsigned n = 15;
    while (n && !gmem_read_linear(v, v->seg[S_CS].base + v->cur_eip, n, buf)) {
        v->stop_request = 0;
        v->exception = -1;
        n--;
    }
    return n && insn_decode_mode(buf, n, v->cur_eip, !(v->seg[S_CS].attrib & SEG_ATTR_DB), in) == 0;
}
