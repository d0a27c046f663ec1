/* Stacks of privilege changes (see stack.h). */
#include "ring-compression/stack.h"
#include "ring-compression/descriptors.h"
#include "ring-compression/segment.h"
#include "dbt/guest_mem.h"

void gstack_current(const struct vcpu *v, struct gstack *s)
{
    s->seg = v->seg[S_SS];
    s->esp = v->regs[R_ESP];
    s->fault_code = 0;
    s->user = v->cpl == 3;
}

static bool in_limit(const struct segment *seg, uint32_t offset, unsigned size)
{
    uint32_t last = offset + size - 1;
    if (last < offset)
        return false;
    if (seg->attrib & SEG_ATTR_TYPE_ED) {
        uint32_t upper = (seg->attrib & SEG_ATTR_DB) ? 0xffffffffu : 0xffffu;
        return offset > seg->limit && last <= upper;
    }
    return last <= seg->limit;
}

/* With B = 0 the stack pointer is SP: it wraps at 64 KiB. */
static uint32_t sp_add(const struct gstack *s, int32_t n)
{
    if (s->seg.attrib & SEG_ATTR_DB)
        return s->esp + (uint32_t)n;
    return (s->esp & 0xffff0000u) | ((s->esp + (uint32_t)n) & 0xffffu);
}

static uint32_t sp_offset(const struct gstack *s, uint32_t esp)
{
    return (s->seg.attrib & SEG_ATTR_DB) ? esp : esp & 0xffff;
}

bool gstack_push(struct vcpu *v, struct gstack *s, unsigned size, uint32_t value)
{
    uint32_t esp = sp_add(s, -(int32_t)size), off = sp_offset(s, esp);
    if (!in_limit(&s->seg, off, size))
        return fault(v, 12, s->fault_code);
    if (!gmem_write_linear_as(v, s->seg.base + off, size, &value, s->user))
        return false;
    s->esp = esp;
    return true;
}

bool gstack_pop(struct vcpu *v, struct gstack *s, unsigned size, uint32_t *value)
{
    uint32_t off = sp_offset(s, s->esp);
    if (!in_limit(&s->seg, off, size))
        return fault(v, 12, s->fault_code);
    *value = 0;
    if (!gmem_read_linear_as(v, s->seg.base + off, size, value, s->user))
        return false;
    s->esp = sp_add(s, (int32_t)size);
    return true;
}

bool tss_inner_stack(struct vcpu *v, unsigned dpl, struct gstack *s, uint32_t ext)
{
    unsigned type = v->tr.attrib & 0xf;
    bool tss32 = type == DT_TSS32_AVAIL || type == DT_TSS32_BUSY;
    uint32_t at = tss32 ? 4 + 8 * dpl : 2 + 4 * dpl, size = tss32 ? 8 : 4;
    if (at + size - 1 > v->tr.limit)
        return fault(v, 10, (v->tr.selector & ~3u) | ext);
    uint32_t esp = 0;
    uint16_t ss = 0;
    if (!gmem_read_linear(v, v->tr.base + at, tss32 ? 4 : 2, &esp) ||
        !gmem_read_linear(v, v->tr.base + at + (tss32 ? 4 : 2), 2, &ss))
        return false;
    if ((ss & ~3u) == 0)
        return fault(v, 10, ext);
    uint32_t d[2];
    switch (desc_fetch(v, ss, d)) {
    case DESC_OUTSIDE: return fault(v, 10, (ss & ~3u) | ext);
    case DESC_MEMFAULT: return false;
    case DESC_OK: break;
    }
    bool writable_data = !desc_is_system(d) && !desc_is_code(d) && (d[1] & (1u << 9));
    if ((ss & 3) != dpl || desc_dpl(d) != dpl || !writable_data)
        return fault(v, 10, (ss & ~3u) | ext);
    if (!desc_present(d))
        return fault(v, 12, (ss & ~3u) | ext);
    if (!(d[1] & (1u << 8))) {
        d[1] |= 1u << 8;
        if (!desc_store_high(v, ss, d[1]))
            return false;
    }
    seg_from_descriptor(&s->seg, ss, d);
    s->esp = tss32 ? esp : esp & 0xffff;
    s->fault_code = (ss & ~3u) | ext;
    s->user = dpl == 3;
    return true;
}

void gstack_commit(struct vcpu *v, const struct gstack *s)
{
    v->seg[S_SS] = s->seg;
    vcpu_segment_changed(v, S_SS);
    if (s->seg.attrib & SEG_ATTR_DB)
        v->regs[R_ESP] = s->esp;
    else
        v->regs[R_ESP] = (v->regs[R_ESP] & 0xffff0000u) | (s->esp & 0xffff);
}
