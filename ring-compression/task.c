/* Hardware task switches (see task.h), in the order of SDM vol. 3A, 7.3:
 * checks on the new TSS, the old task's state saved, busy bits and the
 * back link, TR loaded, then the new task's registers; the segment
 * registers are loaded last with their checks raising #TS/#NP/#SS in the
 * context of the new task. */
#include "ring-compression/task.h"
#include "ring-compression/sysregs.h"
#include "ring-compression/descriptors.h"
#include "ring-compression/segment.h"
#include "common/stats.h"
#include "dbt/guest_mem.h"
#include "dbt/translate.h"


/* Offsets in a 32-bit TSS (SDM vol. 3A, figure 7-2) and a 16-bit one
 * (figure 7-11). */
enum {
    TSS_LINK = 0x00, TSS_CR3 = 0x1c, TSS_EIP = 0x20, TSS_EFLAGS = 0x24, TSS_EAX = 0x28,
    TSS_ES = 0x48, TSS_LDT = 0x60, TSS_MIN_LIMIT = 0x67,
    TSS16_IP = 0x0e, TSS16_AX = 0x12, TSS16_ES = 0x22, TSS16_LDT = 0x2a, TSS16_MIN_LIMIT = 0x2b,
};

static const int seg_order[S_COUNT] = { S_ES, S_CS, S_SS, S_DS, S_FS, S_GS };

static bool load_task_ldt(struct vcpu *v, uint16_t sel)
{
    if ((sel & ~3u) == 0) {
        v->ldtr = (struct segment){ .selector = sel };
        return true;
    }
    uint32_t d[2];
    if (sel & 4)
        return fault(v, 10, sel & ~3u);
    switch (desc_fetch(v, sel, d)) {
    case DESC_OUTSIDE: return fault(v, 10, sel & ~3u);
    case DESC_MEMFAULT: return false;
    case DESC_OK: break;
    }
    if (!desc_is_system(d) || desc_type(d) != DT_LDT)
        return fault(v, 10, sel & ~3u);
    if (!desc_present(d))
        return fault(v, 10, sel & ~3u);
    seg_from_descriptor(&v->ldtr, sel, d);
    return true;
}

/* A task's state as either TSS format holds it. */
struct task_state {
    uint32_t eip, eflags, regs[8], cr3;
    uint16_t segs[S_COUNT], ldt;
};

static bool is_tss32(unsigned type)
{
    return type == DT_TSS32_AVAIL || type == DT_TSS32_BUSY;
}

/* The new task's state from its TSS (a 16-bit TSS, SDM vol. 3A 7.6, has
 * no CR3, FS or GS and 16-bit registers: the upper halves read as ones,
 * as QEMU loads them; the SDM leaves them undefined). */
static bool read_task(struct vcpu *v, gva_t base, bool tss32, struct task_state *t)
{
    if (tss32) {
        uint32_t w[26];
        if (!gmem_read_linear(v, base, sizeof w, w))
            return false;
        t->cr3 = w[TSS_CR3 / 4];
        t->eip = w[TSS_EIP / 4];
        t->eflags = w[TSS_EFLAGS / 4];
        for (int r = 0; r < 8; r++)
            t->regs[r] = w[TSS_EAX / 4 + r];
        for (int s = 0; s < S_COUNT; s++)
            t->segs[s] = (uint16_t)w[TSS_ES / 4 + s];
        t->ldt = (uint16_t)w[TSS_LDT / 4];
        return true;
    }
    uint16_t h[22];
    if (!gmem_read_linear(v, base, sizeof h, h))
        return false;
    t->cr3 = v->cr3;
    t->eip = h[TSS16_IP / 2];
    t->eflags = h[TSS16_IP / 2 + 1];
    for (int r = 0; r < 8; r++)
        t->regs[r] = 0xffff0000u | h[TSS16_AX / 2 + r];
    static const int order16[4] = { S_ES, S_CS, S_SS, S_DS };
    t->segs[S_FS] = t->segs[S_GS] = 0;
    for (int i = 0; i < 4; i++)
        t->segs[order16[i]] = h[TSS16_ES / 2 + i];
    t->ldt = h[TSS16_LDT / 2];
    return true;
}

/* The outgoing task's EIP, EFLAGS, registers and selectors into its TSS. */
static bool save_task(struct vcpu *v, bool tss32, uint32_t eip, uint32_t eflags)
{
    gva_t old = v->tr.base;
    if (tss32) {
        uint32_t saved[10] = { eip, eflags }, segs[S_COUNT];
        for (int r = 0; r < 8; r++)
            saved[2 + r] = v->regs[r];
        for (int s = 0; s < S_COUNT; s++)
            segs[s] = v->seg[s].selector;
        return gmem_write_linear(v, old + TSS_EIP, sizeof saved, saved) &&
               gmem_write_linear(v, old + TSS_ES, sizeof segs, segs);
    }
    uint16_t saved[14] = { (uint16_t)eip, (uint16_t)eflags };
    for (int r = 0; r < 8; r++)
        saved[2 + r] = (uint16_t)v->regs[r];
    saved[10] = v->seg[S_ES].selector;
    saved[11] = v->seg[S_CS].selector;
    saved[12] = v->seg[S_SS].selector;
    saved[13] = v->seg[S_DS].selector;
    return gmem_write_linear(v, old + TSS16_IP, sizeof saved, saved);
}

bool task_switch(struct vcpu *v, uint16_t sel, uint32_t d[2], enum task_reason why,
                 uint32_t return_eip, uint32_t ext)
{
    unsigned type = desc_type(d);
    bool tss32 = is_tss32(type);
    if (!desc_is_system(d) || (!tss32 && type != DT_TSS16_AVAIL && type != DT_TSS16_BUSY))
        return fault(v, 13, (sel & ~3u) | ext);
    bool busy = type == DT_TSS32_BUSY || type == DT_TSS16_BUSY;
    if (why == TASK_IRET ? !busy : busy)
        return fault(v, why == TASK_IRET ? 10 : 13, (sel & ~3u) | ext);
    if (!desc_present(d))
        return fault(v, 11, (sel & ~3u) | ext);
    if (desc_limit(d) < (tss32 ? TSS_MIN_LIMIT : TSS16_MIN_LIMIT))
        return fault(v, 10, (sel & ~3u) | ext);
    bool old32 = is_tss32(v->tr.attrib & 0xf);
    if (!(v->tr.attrib & SEG_ATTR_P) || v->tr.limit < (old32 ? TSS_MIN_LIMIT : TSS16_MIN_LIMIT))
        return fault(v, 10, (v->tr.selector & ~3u) | ext);

    /* Read the whole new state first: a fault here leaves the old task. */
    uint32_t base = desc_base(d);
    struct task_state nt;
    if (!read_task(v, base, tss32, &nt))
        return false;

    /* Save the old task. */
    uint32_t old_flags = vcpu_get_eflags(v);
    if (why == TASK_IRET)
        old_flags &= ~EFL_NT;
    if (!save_task(v, old32, return_eip, old_flags))
        return false;
    uint16_t old_sel = v->tr.selector;
    if (why == TASK_JMP || why == TASK_IRET) {
        uint32_t od[2];
        if (desc_fetch(v, old_sel, od) == DESC_OK)
            desc_store_high(v, old_sel, od[1] & ~(2u << 8));
    }
    uint32_t new_flags = nt.eflags;
    if (why == TASK_CALL || why == TASK_INT) {
        uint16_t link = dbt_broken("task-link") ? 0 : old_sel;
        if (!gmem_write_linear(v, base + TSS_LINK, 2, &link))
            return false;
        new_flags |= EFL_NT;
    }
    if (why != TASK_IRET) {
        d[1] |= 2u << 8;                 /* busy */
        desc_store_high(v, sel, d[1]);
    }

    /* Commit: TR, then the new task's registers. */
    g_stats.task_switches++;
    seg_from_descriptor(&v->tr, sel, d);
    v->cr0 |= CR0_TS;
    if (v->cr0 & CR0_PG) {
        v->cr3 = nt.cr3;
        sys_paging_changed(v);
    }
    v->eip = nt.eip;
    vcpu_set_eflags(v, new_flags);
    for (int r = 0; r < 8; r++)
        v->regs[r] = nt.regs[r];
    for (int s = 0; s < S_COUNT; s++) {
        v->seg[s] = (struct segment){ .selector = nt.segs[s] };
        vcpu_segment_changed(v, s);
    }
    v->cpl = nt.segs[S_CS] & 3;
    /* Faults from here on belong to the new task: its EIP is the one
     * pushed (raise_exception points v->eip at the old instruction). */
    bool ok = load_task_ldt(v, nt.ldt);
    for (int i = 0; ok && i < S_COUNT; i++)
        ok = seg_load_with(v, seg_order[i], nt.segs[seg_order[i]], 10);
    if (ok && v->eip > v->seg[S_CS].limit)
        ok = fault(v, 13, 0);
    v->eip = nt.eip;
    v->cur_eip = v->eip;
    return ok;
}
