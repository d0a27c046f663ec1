/* Calls from translated code into C through the trampoline (monitor/
 * tc_entry.S: tc_callout). Flag-free: only MOVs and the CALL, so a callout
 * can sit anywhere in a block whatever flags are live.
 *
 * Two trampolines: the monitor's C code never touches the x87/MMX state
 * and does no floating point, only SSE moves, so most callouts save just
 * the guest's XMM0-7 (tc_callout_light, ~200 cycles less than FXSAVE +
 * FXRSTOR here). A few system instructions read MMX/XMM registers from the FXSAVE
 * image (MASKMOVQ): those go through callout_system_fpu and the full one. */
#include "dbt/xlate.h"
#include "dbt/callouts.h"
#include "dbt/translate.h"

void emit_callout(struct xlate *x, uint64_t (*fn)(struct vcpu *), uint32_t info)
{
    struct emitter *em = x->em;
    EMIT(em, X_MOV, HMEM(4, HR_R15, HR_NONE, 0, VCPU_OFF(cur_eip)), HIMM(x->in->eip));
    EMIT(em, X_MOV, HMEM(4, HR_R15, HR_NONE, 0, VCPU_OFF(callout_info)), HIMM(info));
    EMIT(em, X_MOV, HREG(HR_R11, 8), HIMM((uint64_t)(uintptr_t)fn));
    bool full = fn == callout_system_fpu || dbt_broken("fpu");
    EMIT(em, X_CALL, HMEM(8, HR_R15, HR_NONE, 0, full ? VCPU_OFF(callout_entry) : VCPU_OFF(callout_light_entry)));
}

void emit_callout_and_exit(struct xlate *x, uint64_t (*fn)(struct vcpu *), uint32_t info)
{
    /* fn always sets stop_request: the trampoline leaves the TC. */
    emit_callout(x, fn, info);
    EMIT0(x->em, X_UD2);
}
