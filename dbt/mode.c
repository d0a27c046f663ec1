/* Computes the translation mode key of the vCPU's current state (mode.h). */
#include "dbt/mode.h"

uint32_t mode_key(const struct vcpu *v)
{
    uint32_t k = v->cpl & 3;
    if (v->cr0 & 0x80000000u)
        k |= MODE_PAGING;
    if (v->cr4 & (1u << 9))
        k |= MODE_OSFXSR;
    for (int s = 0; s < S_COUNT; s++) {
        const struct segment *seg = &v->seg[s];
        bool expand_down = !(seg->attrib & SEG_ATTR_TYPE_CODE) && (seg->attrib & SEG_ATTR_TYPE_ED);
        enum segmode m = SEGMODE_CHECKED;
        if (seg->limit == 0xffffffff && !expand_down)
            m = seg->base == 0 ? SEGMODE_FLAT : SEGMODE_BASED;
        k |= (uint32_t)m << MODE_SEG_SHIFT(s);
    }
    return k;
}
