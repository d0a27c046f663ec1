/* Far CALL/JMP/RET/IRET (see far.h). Nothing is committed before every
 * check and every stack access of the instruction has succeeded, so a
 * fault leaves the guest state as it was (the SDM's precise faults). */
#include "ring-compression/far.h"
#include "ring-compression/descriptors.h"
#include "ring-compression/stack.h"
#include "ring-compression/task.h"
#include "ring-compression/segment.h"
#include "dbt/guest_mem.h"
#include "dbt/translate.h"

#include <stdio.h>

static bool fetch(struct vcpu *v, uint16_t sel, uint32_t d[2], int vector)
{
    switch (desc_fetch(v, sel, d)) {
    case DESC_OUTSIDE: return fault(v, vector, sel & ~3u);
    case DESC_MEMFAULT: return false;
    case DESC_OK: return true;
    }
    return false;
}

/* Direct transfer to a code segment (no gate) at the current level. */
/* JMP/CALL to a checked code segment without a level change: CALL pushes
 * CS:EIP on the current stack. */
static bool enter_same_level(struct vcpu *v, uint16_t sel, uint32_t d[2], uint32_t offset,
                             unsigned size, bool call, uint32_t next)
{
    struct gstack s;
    gstack_current(v, &s);
    if (call && (!gstack_push(v, &s, size, v->seg[S_CS].selector) || !gstack_push(v, &s, size, next)))
        return false;
    if (offset > desc_limit(d))
        return fault(v, 13, 0);
    if (call)
        gstack_commit(v, &s);
    seg_load_cs(v, sel, d, v->cpl);
    v->eip = offset;
    return true;
}

static bool to_code_segment(struct vcpu *v, uint16_t sel, uint32_t d[2], uint32_t offset,
                            unsigned size, bool call, uint32_t next)
{
    unsigned dpl = desc_dpl(d), rpl = sel & 3;
    if ((desc_conforming(d) ? dpl > v->cpl : (rpl > v->cpl || dpl != v->cpl)) && !dbt_broken("far-priv"))
        return fault(v, 13, sel & ~3u);
    if (!desc_present(d))
        return fault(v, 11, sel & ~3u);
    return enter_same_level(v, sel, d, size == 2 ? offset & 0xffff : offset, size, call, next);
}

static bool through_call_gate(struct vcpu *v, uint16_t gsel, const uint32_t gate[2], bool call,
                              uint32_t next)
{
    unsigned gdpl = desc_dpl(gate);
    if (gdpl < v->cpl || gdpl < (gsel & 3u))
        return fault(v, 13, gsel & ~3u);
    if (!desc_present(gate))
        return fault(v, 11, gsel & ~3u);
    uint16_t sel = (uint16_t)(gate[0] >> 16);
    bool gate32 = desc_type(gate) == DT_CALL32;
    unsigned size = gate32 ? 4 : 2;
    uint32_t offset = (gate[0] & 0xffff) | (gate32 ? gate[1] & 0xffff0000u : 0);
    if ((sel & ~3u) == 0)
        return fault(v, 13, 0);
    uint32_t d[2];
    if (!fetch(v, sel, d, 13))
        return false;
    unsigned dpl = desc_dpl(d);
    if (!desc_is_code(d) || dpl > v->cpl)
        return fault(v, 13, sel & ~3u);
    if (!call && !desc_conforming(d) && dpl != v->cpl)
        return fault(v, 13, sel & ~3u);
    if (!desc_present(d))
        return fault(v, 11, sel & ~3u);
    if (!call || desc_conforming(d) || dpl == v->cpl)
        return enter_same_level(v, sel, d, offset, size, call, next);
    /* To a more privileged level: the TSS's stack, old SS:ESP, the
     * parameters copied from the old stack, then CS:EIP. */
    struct gstack inner, outer;
    if (!tss_inner_stack(v, dpl, &inner, 0))
        return false;
    gstack_current(v, &outer);
    unsigned count = gate[1] & 0x1f;
    uint32_t params[32];
    for (unsigned i = 0; i < count; i++) {
        struct gstack at = outer;
        at.esp += (uint32_t)((dbt_broken("gate-params") ? i : count - 1 - i) * size);
        if (!gstack_pop(v, &at, size, &params[i]))
            return false;
    }
    if (!gstack_push(v, &inner, size, v->seg[S_SS].selector) ||
        !gstack_push(v, &inner, size, v->regs[R_ESP]))
        return false;
    for (unsigned i = 0; i < count; i++)
        if (!gstack_push(v, &inner, size, params[i]))
            return false;
    if (!gstack_push(v, &inner, size, v->seg[S_CS].selector) || !gstack_push(v, &inner, size, next))
        return false;
    if (offset > desc_limit(d))
        return fault(v, 13, 0);
    gstack_commit(v, &inner);
    seg_load_cs(v, sel, d, dpl);
    v->eip = offset;
    return true;
}

bool far_jmp_call(struct vcpu *v, uint16_t sel, uint32_t offset, unsigned opsize, bool call,
                  uint32_t next)
{
    if ((sel & ~3u) == 0)
        return fault(v, 13, 0);
    uint32_t d[2];
    if (!fetch(v, sel, d, 13))
        return false;
    if (!desc_is_system(d)) {
        if (!desc_is_code(d))
            return fault(v, 13, sel & ~3u);
        return to_code_segment(v, sel, d, offset, opsize, call, next);
    }
    unsigned type = desc_type(d), dpl = desc_dpl(d);
    switch (type) {
    case DT_CALL16: case DT_CALL32:
        return through_call_gate(v, sel, d, call, next);
    case DT_TASK_GATE: case DT_TSS32_AVAIL: case DT_TSS16_AVAIL: {
        if (dpl < v->cpl || dpl < (sel & 3u))
            return fault(v, 13, sel & ~3u);
        if (!desc_present(d))
            return fault(v, 11, sel & ~3u);
        uint16_t tss = sel;
        if (type == DT_TASK_GATE) {
            tss = (uint16_t)(d[0] >> 16);
            if (tss & 4)
                return fault(v, 13, tss & ~3u);
            if (!fetch(v, tss, d, 13))
                return false;
            if (!desc_is_system(d) || (desc_type(d) != DT_TSS32_AVAIL && desc_type(d) != DT_TSS16_AVAIL))
                return fault(v, 13, tss & ~3u);
        }
        return task_switch(v, tss, d, call ? TASK_CALL : TASK_JMP, next, 0);
    }
    default:
        return fault(v, 13, sel & ~3u);
    }
}

/* The code segment a RET/IRET returns to: checks of the SDM's
 * RETURN-FROM-PROCEDURE / RETURN-TO-... steps. */
static bool return_cs(struct vcpu *v, uint16_t sel, uint32_t d[2])
{
    if ((sel & ~3u) == 0)
        return fault(v, 13, 0);
    if (!fetch(v, sel, d, 13))
        return false;
    unsigned rpl = sel & 3, dpl = desc_dpl(d);
    if (!desc_is_code(d) || rpl < v->cpl || (desc_conforming(d) ? dpl > rpl : dpl != rpl))
        return fault(v, 13, sel & ~3u);
    if (!desc_present(d))
        return fault(v, 11, sel & ~3u);
    return true;
}

/* The outer stack segment of a return to level rpl. */
static bool return_ss(struct vcpu *v, uint16_t sel, unsigned rpl, uint32_t d[2])
{
    if ((sel & ~3u) == 0)
        return fault(v, 13, 0);
    if (!fetch(v, sel, d, 13))
        return false;
    bool writable_data = !desc_is_system(d) && !desc_is_code(d) && (d[1] & (1u << 9));
    if ((sel & 3u) != rpl || desc_dpl(d) != rpl || !writable_data)
        return fault(v, 13, sel & ~3u);
    if (!desc_present(d))
        return fault(v, 12, sel & ~3u);
    return true;
}

/* Common tail of RET far and IRET: pops done into s; to the same level or,
 * with SS:ESP popped from the old stack, to an outer one. */
static bool finish_return(struct vcpu *v, struct gstack *s, unsigned size, uint16_t cs,
                          uint32_t d[2], uint32_t eip, uint16_t release, uint32_t *new_flags,
                          uint32_t flag_mask)
{
    unsigned rpl = cs & 3;
    if (size == 2)
        eip &= 0xffff;
    if (rpl == v->cpl) {
        if (eip > desc_limit(d))
            return fault(v, 13, 0);
        s->esp += release;
        gstack_commit(v, s);
        seg_load_cs(v, cs, d, rpl);
    } else {
        uint32_t esp = 0, ss = 0, sd[2];
        s->esp += release;
        if (!gstack_pop(v, s, size, &esp) || !gstack_pop(v, s, size, &ss))
            return false;
        if (!return_ss(v, (uint16_t)ss, rpl, sd))
            return false;
        if (eip > desc_limit(d))
            return fault(v, 13, 0);
        if (!(sd[1] & (1u << 8))) {
            sd[1] |= 1u << 8;
            desc_store_high(v, (uint16_t)ss, sd[1]);
        }
        struct gstack outer = { .esp = esp + release };
        seg_from_descriptor(&outer.seg, (uint16_t)ss, sd);
        if (!(outer.seg.attrib & SEG_ATTR_DB))
            outer.esp &= 0xffff;
        gstack_commit(v, &outer);
        if (size == 2)
            v->regs[R_ESP] &= 0xffff;   /* 16-bit pops load SP; the high half is 0 */
        seg_load_cs(v, cs, d, rpl);
        seg_null_inaccessible(v);
    }
    if (new_flags)
        vcpu_set_eflags(v, (vcpu_get_eflags(v) & ~flag_mask) | (*new_flags & flag_mask));
    v->eip = eip;
    return true;
}

bool far_ret(struct vcpu *v, unsigned size, uint16_t release)
{
    struct gstack s;
    gstack_current(v, &s);
    uint32_t eip = 0, cs = 0, d[2];
    if (!gstack_pop(v, &s, size, &eip) || !gstack_pop(v, &s, size, &cs) || !return_cs(v, (uint16_t)cs, d))
        return false;
    return finish_return(v, &s, size, (uint16_t)cs, d, eip, release, NULL, 0);
}

bool far_iret(struct vcpu *v, unsigned size, uint32_t next_eip)
{
    uint32_t flags = vcpu_get_eflags(v);
    if (flags & EFL_NT) {
        /* Return to the task that called this one (TSS back link). */
        uint16_t link = 0;
        uint32_t d[2];
        if (!gmem_read_linear_as(v, v->tr.base, 2, &link, false))
            return false;
        if (link & 4)
            return fault(v, 10, link & ~3u);
        if (!fetch(v, link, d, 10))
            return false;
        return task_switch(v, link, d, TASK_IRET, next_eip, 0);
    }
    struct gstack s;
    gstack_current(v, &s);
    uint32_t eip = 0, cs = 0, fl = 0, d[2];
    if (!gstack_pop(v, &s, size, &eip) || !gstack_pop(v, &s, size, &cs) || !gstack_pop(v, &s, size, &fl))
        return false;
    if (v->cpl == 0 && size == 4 && (fl & EFL_VM)) {
        fprintf(stderr, "bt386: IRET to virtual-8086 mode is not supported\n");
        return fault(v, 13, 0);
    }
    if (!return_cs(v, (uint16_t)cs, d))
        return false;
    /* Which flags IRET may change, decided at the CPL it starts from. */
    unsigned iopl = (flags >> 12) & 3;
    uint32_t mask = EFL_CF | EFL_PF | EFL_AF | EFL_ZF | EFL_SF | EFL_TF | EFL_DF | EFL_OF | EFL_NT |
                    EFL_RF | EFL_AC | EFL_ID;
    if (v->cpl == 0)
        mask |= EFL_IOPL | EFL_VIF | EFL_VIP;
    if (v->cpl <= iopl)
        mask |= EFL_IF;
    if (size == 2)
        mask &= 0xffff;
    return finish_return(v, &s, size, (uint16_t)cs, d, eip, 0, &fl, mask);
}
