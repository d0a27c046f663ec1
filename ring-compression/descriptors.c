/* Descriptor tables and segment loads (see descriptors.h). */
#include "ring-compression/descriptors.h"
#include "ring-compression/segment.h"
#include "dbt/callouts.h"
#include "dbt/guest_mem.h"
#include "dbt/translate.h"

uint32_t desc_base(const uint32_t d[2])
{
    return (d[0] >> 16) | ((d[1] & 0xff) << 16) | (d[1] & 0xff000000u);
}

uint32_t desc_limit(const uint32_t d[2])
{
    uint32_t limit = (d[0] & 0xffff) | (d[1] & 0x000f0000u);
    return (d[1] & (1u << 23)) ? (limit << 12) | 0xfff : limit;
}

bool fault(struct vcpu *v, int vector, uint32_t error_code)
{
    raise_exception(v, vector, error_code, true);
    return false;
}

/* Linear address of the descriptor of sel, or false if outside its table. */
static bool desc_address(const struct vcpu *v, uint16_t sel, gva_t *at)
{
    uint32_t base = v->gdtr_base, limit = v->gdtr_limit;
    if (sel & 4) {
        /* An LDT selector needs a loaded LDT (a null LDTR has P = 0). */
        if (!(v->ldtr.attrib & SEG_ATTR_P) || (v->ldtr.selector & ~3u) == 0)
            return false;
        base = v->ldtr.base;
        limit = v->ldtr.limit;
    }
    if ((uint32_t)(sel | 7) > limit)
        return false;
    *at = base + (sel & ~7u);
    return true;
}

enum desc_status desc_fetch(struct vcpu *v, uint16_t sel, uint32_t d[2])
{
    gva_t at;
    if (!desc_address(v, sel, &at))
        return DESC_OUTSIDE;
    /* Read as one quadword and split in registers: the callers' 4-byte
     * loads of d[1] then forward from 4-byte stores (an 8-byte store
     * forwarding to the high half stalled ~20 cycles a load: bench/nano
     * segload). */
    uint64_t q;
    if (!gmem_read_linear(v, at, 8, &q))
        return DESC_MEMFAULT;
    d[0] = (uint32_t)q;
    d[1] = (uint32_t)(q >> 32);
    return DESC_OK;
}

bool desc_store_high(struct vcpu *v, uint16_t sel, uint32_t d1)
{
    gva_t at;
    if (!desc_address(v, sel, &at))
        return true;
    return gmem_write_linear(v, at + 4, 4, &d1);
}

bool seg_load(struct vcpu *v, int sreg, uint16_t sel)
{
    return seg_load_with(v, sreg, sel, 13);
}

bool seg_load_with(struct vcpu *v, int sreg, uint16_t sel, int gp_vector)
{
    if ((sel & ~3u) == 0) {
        if (sreg == S_SS || sreg == S_CS)
            return fault(v, gp_vector, 0);
        /* A null selector: the register becomes unusable (P = 0). */
        v->seg[sreg] = (struct segment){ .selector = sel };
        vcpu_segment_changed(v, sreg);
        return true;
    }
    uint32_t d[2];
    switch (desc_fetch(v, sel, d)) {
    case DESC_OUTSIDE: return fault(v, gp_vector, sel & ~3u);
    case DESC_MEMFAULT: return false;
    case DESC_OK: break;
    }
    struct seg_fault f;
    if (!seg_check_load(v, sreg, sel, d, &f) && !dbt_broken("seg-checks"))
        return fault(v, f.vector == 13 ? gp_vector : f.vector, f.error_code);
    /* The CPU marks the descriptor accessed (type bit 0) when it loads it. */
    if (!(d[1] & (1u << 8))) {
        d[1] |= 1u << 8;
        if (!desc_store_high(v, sel, d[1]))
            return false;
    }
    seg_from_descriptor(&v->seg[sreg], sel, d);
    vcpu_segment_changed(v, sreg);
    return true;
}

void seg_load_cs(struct vcpu *v, uint16_t sel, uint32_t d[2], unsigned cpl)
{
    if (!(d[1] & (1u << 8))) {
        d[1] |= 1u << 8;
        desc_store_high(v, sel, d[1]);
    }
    seg_from_descriptor(&v->seg[S_CS], (uint16_t)((sel & ~3u) | cpl), d);
    vcpu_segment_changed(v, S_CS);
    v->cpl = cpl;
}

void seg_null_inaccessible(struct vcpu *v)
{
    if (dbt_broken("iret-null"))
        return;
    static const int data_regs[] = { S_ES, S_DS, S_FS, S_GS };
    for (unsigned i = 0; i < ARRAY_SIZE(data_regs); i++) {
        struct segment *s = &v->seg[data_regs[i]];
        bool conforming_code = (s->attrib & SEG_ATTR_TYPE_CODE) && (s->attrib & SEG_ATTR_TYPE_ED);
        if ((s->attrib & SEG_ATTR_S) && !conforming_code && SEG_ATTR_DPL(s->attrib) < v->cpl) {
            *s = (struct segment){ .selector = 0 };
            vcpu_segment_changed(v, data_regs[i]);
        }
    }
}

bool io_permitted(struct vcpu *v, uint16_t port, unsigned size)
{
    /* Only a 32-bit TSS has a bitmap; its base is the word at offset 0x66. */
    unsigned type = v->tr.attrib & 0xf;
    if (!(v->tr.attrib & SEG_ATTR_P) || (type != DT_TSS32_AVAIL && type != DT_TSS32_BUSY) ||
        v->tr.limit < 0x67)
        return fault(v, 13, 0);
    uint16_t map = 0;
    if (!gmem_read_linear(v, v->tr.base + 0x66, 2, &map))
        return false;
    /* The CPU always reads two bytes of the map: both must be in the TSS. */
    uint32_t first = (uint32_t)map + port / 8;
    if (first + 1 > v->tr.limit)
        return fault(v, 13, 0);
    uint16_t bits = 0;
    if (!gmem_read_linear(v, v->tr.base + first, 2, &bits))
        return false;
    uint16_t mask = (uint16_t)(((1u << size) - 1) << (port & 7));
    if (bits & mask)
        return fault(v, 13, 0);
    return true;
}
