/* Event delivery through the IDT (see interrupt.h). The order of the checks
 * and the error codes are those of the SDM's INT n pseudo-code (vol. 2A,
 * "INT n/INTO/INT3/INT1 — Call to Interrupt Procedure"): IDT limit, gate
 * type, gate DPL for software interrupts, gate present, then the target
 * code segment, then the stack. Every push happens before any register
 * changes, so a fault during delivery leaves the interrupted state intact
 * for the next event (#DF or the second fault). */
#include "ring-compression/interrupt.h"
#include "ring-compression/descriptors.h"
#include "ring-compression/stack.h"
#include "ring-compression/task.h"
#include "dbt/guest_mem.h"
#include "common/stats.h"
#include "dbt/mode.h"
#include "dbt/translate.h"

#include <stdio.h>

bool intr_has_error_code(int vector)
{
    return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17;
}

/* Fault-class exceptions (SDM vol. 3A, table 6-1), whose frames carry
 * RF = 1 so that the IRET restarting the instruction does not stop on an
 * instruction breakpoint again (17.3.1.1); #DB is set apart by its caller. */
static bool fault_class(int vector)
{
    return vector == 0 || (vector >= 5 && vector <= 7) || (vector >= 10 && vector <= 14) ||
           vector == 16 || vector == 17 || vector == 19;
}

struct event {
    int vector;
    uint32_t error_code;
    bool has_error;
    bool soft;          /* INT n, INT3, INTO: gate DPL checked, no error code */
    bool external;      /* a hardware interrupt */
    uint32_t ext;       /* EXT bit of error codes raised while delivering it */
};

static bool push_frame(struct vcpu *v, struct gstack *s, unsigned size, const struct event *e,
                       uint32_t eflags, bool outer)
{
    uint32_t esp = v->regs[R_ESP];
    return (!outer || (gstack_push(v, s, size, v->seg[S_SS].selector) && gstack_push(v, s, size, esp))) &&
           gstack_push(v, s, size, eflags) && gstack_push(v, s, size, v->seg[S_CS].selector) &&
           gstack_push(v, s, size, v->eip) &&
           (!e->has_error || dbt_broken("error-code") || gstack_push(v, s, size, e->error_code));
}

/* One attempt; false if it faulted (that fault is then in v->exception). */
static bool deliver_once(struct vcpu *v, const struct event *e)
{
    uint32_t idt_error = (uint32_t)e->vector * 8 + 2 + e->ext;
    if ((uint32_t)e->vector * 8 + 7 > v->idtr_limit)
        return fault(v, 13, idt_error);
    uint32_t gate[2];
    if (!gmem_read_linear(v, v->idtr_base + (uint32_t)e->vector * 8, 8, gate))
        return false;
    unsigned type = desc_type(gate);
    bool valid = desc_is_system(gate) && (type == DT_TASK_GATE || type == DT_INT16 || type == DT_TRAP16 ||
                                          type == DT_INT32 || type == DT_TRAP32);
    if (!valid)
        return fault(v, 13, idt_error);
    if (e->soft && desc_dpl(gate) < v->cpl && !dbt_broken("int-dpl"))
        return fault(v, 13, idt_error);
    if (!desc_present(gate))
        return fault(v, 11, idt_error);

    uint16_t sel = (uint16_t)(gate[0] >> 16);
    if (type == DT_TASK_GATE) {
        uint32_t d[2];
        switch (desc_fetch(v, sel, d)) {
        case DESC_OUTSIDE: return fault(v, 10, (sel & ~3u) | e->ext);
        case DESC_MEMFAULT: return false;
        case DESC_OK: break;
        }
        if (sel & 4)
            return fault(v, 10, (sel & ~3u) | e->ext);
        if (!task_switch(v, sel, d, TASK_INT, v->eip, e->ext))
            return false;
        if (e->has_error) {
            /* Pushed on the new task's stack, with its operand size. */
            struct gstack s;
            gstack_current(v, &s);
            unsigned size = desc_type(d) == DT_TSS32_BUSY ? 4 : 2;
            if (!gstack_push(v, &s, size, e->error_code))
                return false;
            gstack_commit(v, &s);
        }
        return true;
    }

    uint32_t offset = (gate[0] & 0xffff) | (gate[1] & 0xffff0000u);
    unsigned size = (type & 8) ? 4 : 2;
    if (size == 2)
        offset &= 0xffff;
    if ((sel & ~3u) == 0)
        return fault(v, 13, e->ext);
    uint32_t d[2];
    switch (desc_fetch(v, sel, d)) {
    case DESC_OUTSIDE: return fault(v, 13, (sel & ~3u) | e->ext);
    case DESC_MEMFAULT: return false;
    case DESC_OK: break;
    }
    unsigned dpl = desc_dpl(d);
    if (!desc_is_code(d) || dpl > v->cpl)
        return fault(v, 13, (sel & ~3u) | e->ext);
    if (!desc_present(d))
        return fault(v, 11, (sel & ~3u) | e->ext);
    if (offset > desc_limit(d))
        return fault(v, 13, e->ext);

    uint32_t eflags = vcpu_get_eflags(v);
    /* Outside MODE_STEP nothing tracks instruction boundaries, and RF
     * loaded by an IRET would have cleared after the next instruction. */
    if (!(v->mode_key & MODE_STEP))
        eflags &= ~EFL_RF;
    if (!e->soft && !e->external && fault_class(e->vector))
        eflags |= EFL_RF;
    struct gstack s;
    bool outer = !desc_conforming(d) && dpl < v->cpl;
    if (outer) {
        if (!tss_inner_stack(v, dpl, &s, e->ext) || !push_frame(v, &s, size, e, eflags, true))
            return false;
    } else {
        gstack_current(v, &s);
        s.fault_code = e->ext;
        if (!push_frame(v, &s, size, e, eflags, false))
            return false;
    }
    /* Committed: nothing below can fault. */
    unsigned new_cpl = desc_conforming(d) ? v->cpl : dpl;
    gstack_commit(v, &s);
    seg_load_cs(v, sel, d, new_cpl);
    v->eip = offset;
    uint32_t clear = EFL_TF | EFL_NT | EFL_RF | EFL_VM | ((type & 1) || dbt_broken("gate-if") ? 0 : EFL_IF);
    vcpu_set_eflags(v, eflags & ~clear);
    return true;
}

/* SDM vol. 3A, table 6-5: which second fault turns into #DF. */
static bool contributory(int vector)
{
    return vector == 0 || (vector >= 10 && vector <= 13);
}

void intr_deliver(struct vcpu *v)
{
    struct event e = {
        .vector = v->exception,
        .error_code = v->error_code,
        .soft = v->event_soft,
        .external = v->event_ext,
        .ext = v->event_ext || !v->event_soft ? 1 : 0,
    };
    e.has_error = !e.soft && !v->event_ext && intr_has_error_code(e.vector);
    v->event_soft = v->event_ext = false;
    /* Faults while delivering a fault or trap push the EIP of its frame;
     * for INT n, cur_eip is already the INT instruction. */
    if (!e.soft)
        v->cur_eip = v->eip;
    for (;;) {
        v->exception = -1;
        v->stop_request = 0;
        g_stats.guest_events++;
        if (deliver_once(v, &e))
            return;
        int second = v->exception;
        /* Table 6-5 classes CPU exceptions: INT n/INT3/INTO (soft) are not
         * one, so a fault delivering them is delivered on its own, and
         * INT 8 is not a double fault. */
        if (e.vector == 8 && !e.soft) {
            v->shutdown = true;         /* a fault while delivering #DF */
            return;
        }
        bool df = !e.soft && !dbt_broken("df") &&
                  ((contributory(e.vector) && contributory(second)) ||
                   (e.vector == 14 && (second == 14 || contributory(second))));
        if (df) {
            e = (struct event){ .vector = 8, .error_code = 0, .has_error = true, .ext = 1 };
        } else {
            e = (struct event){ .vector = second, .error_code = v->error_code,
                                .has_error = intr_has_error_code(second), .ext = 1 };
        }
    }
}
