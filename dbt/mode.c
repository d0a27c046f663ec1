/* Computes the translation mode key of the vCPU's current state (mode.h). */
#include "dbt/mode.h"

enum segmode segmode_of(const struct segment *seg, bool step)
{
    bool expand_down = !(seg->attrib & SEG_ATTR_TYPE_CODE) && (seg->attrib & SEG_ATTR_TYPE_ED);
    if (seg->limit == 0xffffffff && !expand_down && !step)
        return seg->base == 0 ? SEGMODE_FLAT : SEGMODE_BASED;
    return SEGMODE_CHECKED;
}

uint32_t mode_key(const struct vcpu *v)
{
    uint32_t k = v->cpl & 3;
    if (v->cr0 & 0x80000000u)
        k |= MODE_PAGING;
    if (v->cr4 & CR4_OSFXSR)
        k |= MODE_OSFXSR;
    if (v->cr0 & CR0_TS)
        k |= MODE_TS;
    if (v->cr0 & CR0_EM)
        k |= MODE_EM;
    if (v->cr0 & CR0_MP)
        k |= MODE_MP;
    if (!(v->seg[S_CS].attrib & SEG_ATTR_DB))
        k |= MODE_CODE16;
    bool step = (v->eflags & EFL_TF) || (v->dr[7] & 0xff) ||
                ((v->cr0 & CR0_AM) && (v->eflags & EFL_AC) && v->cpl == 3);
    if (step)
        k |= MODE_STEP;
    for (int s = 0; s < S_COUNT; s++)
        k |= (uint32_t)segmode_of(&v->seg[s], step) << MODE_SEG_SHIFT(s);
    return k;
}
