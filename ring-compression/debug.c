/* Single-step and breakpoints (see debug.h). */
#include "ring-compression/debug.h"
#include "dbt/callouts.h"
#include "dbt/translate.h"

#define DR6_BS (1u << 14)

static bool enabled(const struct vcpu *v, int i)
{
    return (v->dr[7] >> (2 * i)) & 3;
}

static unsigned rw_kind(const struct vcpu *v, int i)
{
    return (v->dr[7] >> (16 + 4 * i)) & 3;    /* 0 execute, 1 write, 3 read/write */
}

static unsigned length(const struct vcpu *v, int i)
{
    static const unsigned bytes[4] = { 1, 2, 8, 4 };
    return bytes[(v->dr[7] >> (18 + 4 * i)) & 3];
}

bool dbg_instruction_breakpoint(struct vcpu *v)
{
    if (v->eflags & EFL_RF)
        return false;
    gva_t la = v->seg[S_CS].base + v->eip;
    uint32_t hits = 0;
    for (int i = 0; i < 4; i++)
        if (enabled(v, i) && rw_kind(v, i) == 0 && v->dr[i] == la)
            hits |= 1u << i;
    if (!hits)
        return false;
    v->dr[6] = (v->dr[6] & ~0xfu) | hits;
    v->cur_eip = v->eip;
    raise_exception(v, 1, 0, false);
    return true;
}

void dbg_data_access(struct vcpu *v, gva_t la, unsigned size, bool write)
{
    for (int i = 0; i < 4; i++) {
        unsigned kind = rw_kind(v, i);
        if (!enabled(v, i) || !(kind == 3 || (kind == 1 && write)))
            continue;
        unsigned len = length(v, i);
        gva_t start = v->dr[i] & ~(len - 1);
        if (la <= start + len - 1 && start <= la + size - 1)
            v->pending_dr6 |= 1u << i;
    }
}

void dbg_after_instruction(struct vcpu *v, bool tf_before, bool rf_before)
{
    if (dbt_broken("single-step"))
        tf_before = false;
    if (rf_before)
        v->eflags &= ~EFL_RF;
    if (v->ss_shadow) {
        v->ss_shadow = false;
        return;
    }
    uint32_t hits = v->pending_dr6;
    v->pending_dr6 = 0;
    if (!hits && !tf_before)
        return;
    v->dr[6] = (v->dr[6] & ~0xfu) | hits | (tf_before ? DR6_BS : 0);
    v->cur_eip = v->eip;
    raise_exception(v, 1, 0, false);
}
