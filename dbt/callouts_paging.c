/* The callout of INVLPG, the paging instruction translated code meets in
 * a loop (a kernel unmapping pages): it stays in the block when it can. */
#include "dbt/callouts.h"
#include "dbt/guest_mem.h"
#include "dbt/translate.h"
#include "codecache/tc.h"
#include "common/stats.h"
#include "shadow-mmu/shadow.h"

/* Is the code of the block that contains host address `at` on linear page
 * `page`? (Unknown: yes.) */
static bool block_on_page(const void *at, gva_t page)
{
    const struct tc_block *b = tc_block_at(at);
    if (!b)
        return true;
    gva_t first = b->cs_base + b->eip, last = b->cs_base + b->guest_end - 1;
    return (first & GUEST_PAGE_MASK) == page || (last & GUEST_PAGE_MASK) == page;
}

/* INVLPG m (SDM INVLPG: #GP(0) above CPL 0). A page that the running
 * block's code is not on changes nothing the rest of the block relies on
 * (its chains stay on its own pages), so the block goes on, rather than
 * through the run loop (bench/nano ptemod). info: the instruction's length. */
bool invlpg_emulate(struct vcpu *v, const struct insn *in, gva_t *la)
{
    if (!in->has_mem) {
        raise_exception(v, 6, 0, false);
        return false;
    }
    if (v->cpl != 0 && !dbt_broken("priv")) {
        raise_exception(v, 13, 0, true);
        return false;
    }
    *la = v->seg[in->mem.seg].base + gmem_effective_address(v, &in->mem);
    shadow_invlpg(*la);
    return true;
}

uint64_t callout_invlpg(struct vcpu *v)
{
    struct insn in;
    gva_t la;
    g_stats.callouts[CALLOUT_misc]++;
    if (!gmem_decode_current(v, &in)) {
        raise_exception(v, 6, 0, false);
        return 0;
    }
    if (!invlpg_emulate(v, &in, &la))
        return 0;
    if (block_on_page((void *)(uintptr_t)v->callout_ret, la & GUEST_PAGE_MASK)) {
        v->eip = v->cur_eip + v->callout_info;
        v->stop_request = 1;
    }
    return 0;
}
