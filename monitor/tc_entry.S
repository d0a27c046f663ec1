/* Entering and leaving the translation cache, and the callout trampoline.
 * The register contract inside the TC (../shared/design/TRANSLATION.md):
 *
 *   eax ecx edx ebx ebp esi edi  guest registers of the same names (upper halves 0)
 *   r12d                          guest ESP (host RSP stays the monitor's stack)
 *   r15                           struct vcpu *
 *   r14                           struct shadow_map * of the current address space
 *                                 (reloaded when a callout continues elsewhere:
 *                                 MOV CR3 and task switches always stop)
 *   r13                           guest physical 0 in the direct mode's window
 *   r8-r11                        scratch for emitted sequences
 *   RFLAGS                        guest OF SF ZF AF PF CF and DF
 *   x87/MMX/SSE state             the guest's (saved in vcpu->fpu_state outside)
 *
 * NB: offsets come from the generated vcpu_offsets.h; the callout ABI is
 * documented at tc_callout below and relied on by dbt/emit_call.c. */
#include "vcpu_offsets.h"

    .text

/* Loads the guest registers from the vCPU (32-bit moves zero the upper
 * halves, which the direct mode's addressing relies on). */
.macro LOAD_GUEST
    mov V_REGS+0(%r15), %eax
    mov V_REGS+4(%r15), %ecx
    mov V_REGS+8(%r15), %edx
    mov V_REGS+12(%r15), %ebx
    mov V_REGS+16(%r15), %r12d
    mov V_REGS+20(%r15), %ebp
    mov V_REGS+24(%r15), %esi
    mov V_REGS+28(%r15), %edi
.endm

/* uint32_t tc_enter(struct vcpu *v, const void *host_code)
 * Runs translated code until it leaves; returns v->exit_reason. */
    .globl tc_enter
    .type tc_enter, @function
tc_enter:
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    sub $8, %rsp                  /* keep RSP 16-byte aligned inside the TC */
    mov %rdi, %r15
    mov %rsp, V_HOST_RSP(%r15)
    mov V_SHADOW_BASE(%r15), %r14
    mov V_WINDOW(%r15), %r13
    mov %rsi, %r11
    fxrstor64 V_FPU(%r15)
    mov V_EFLAGS(%r15), %eax
    and $(EFL_LIVE_MASK | 2), %eax
    push %rax
    popfq
    LOAD_GUEST
    jmp *%r11
    .size tc_enter, .-tc_enter

/* Saves the guest registers and arithmetic flags into the vCPU. */
.macro SAVE_GUEST
    mov %eax, V_REGS+0(%r15)
    mov %ecx, V_REGS+4(%r15)
    mov %edx, V_REGS+8(%r15)
    mov %ebx, V_REGS+12(%r15)
    mov %r12d, V_REGS+16(%r15)
    mov %ebp, V_REGS+20(%r15)
    mov %esi, V_REGS+24(%r15)
    mov %edi, V_REGS+28(%r15)
    pushfq
    pop %rax
    and $EFL_LIVE_MASK, %eax
    mov V_EFLAGS(%r15), %ecx
    and $~EFL_LIVE_MASK, %ecx
    or %ecx, %eax
    mov %eax, V_EFLAGS(%r15)
    cld                           /* the C ABI wants DF = 0; the guest's is saved */
.endm

/* Leaves the TC: emitted exits jump here through vcpu.exit_entry after
 * storing exit_reason/exit_eip/exit_link. */
    .globl tc_exit_to_monitor
    .type tc_exit_to_monitor, @function
tc_exit_to_monitor:
    SAVE_GUEST
    fxsave64 V_FPU(%r15)
    ldmxcsr mxcsr_default(%rip)
tc_leave_saved:                   /* guest state, FPU included, is in the vCPU */
    mov V_HOST_RSP(%r15), %rsp
    mov V_EXIT_REASON(%r15), %eax
    add $8, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    ret
    .size tc_exit_to_monitor, .-tc_exit_to_monitor

/* Callout prologue and epilogue shared by both trampolines: r8-r10 kept in
 * the vCPU across the C call; back in the TC, the guest's flags and
 * registers come from the vCPU (the callout may have changed them). */
.macro ENTER_CALLOUT
    mov %r8, V_XR+0(%r15)
    mov %r9, V_XR+8(%r15)
    mov %r10, V_XR+16(%r15)
    SAVE_GUEST
    mov (%rsp), %rax
    mov %rax, V_CALLOUT_RET(%r15)
.endm
.macro RETURN_TO_TC
    mov V_EFLAGS(%r15), %eax
    and $(EFL_LIVE_MASK | 2), %eax
    push %rax
    popfq
    LOAD_GUEST
    mov V_XR+0(%r15), %r8
    mov V_XR+8(%r15), %r9
    mov V_XR+16(%r15), %r10
    ret
.endm

/* Calls C with the vCPU as argument on a 16-byte aligned stack. */
.macro CALL_C fn
    mov %rsp, %rbp                /* guest EBP is saved in the vCPU */
    and $-16, %rsp
    mov %r15, %rdi
    call \fn
    mov %rbp, %rsp
.endm
/* A kick (monitor/kick.c) that arrived while C ran: the calling block's
 * exits are unchained before it is returned to. Keeps rax (the callout's
 * result). */
.macro KICK_CHECK
    cmpb $0, V_KICK(%r15)
    je 6f
    push %rax
    CALL_C tc_kick_callout
    pop %rax
6:
.endm

/* A callout that wanted to leave may continue in the TC instead
 * (tc_continue_target, monitor/run.c: the next block, r11): the calling
 * block is not returned to, so its return address is dropped. */
.macro CONTINUE_IN_TC
    mov V_SHADOW_BASE(%r15), %r14
    mov V_EFLAGS(%r15), %eax
    and $(EFL_LIVE_MASK | 2), %eax
    push %rax
    popfq
    LOAD_GUEST
    lea 8(%rsp), %rsp             /* LEA: the guest's flags are loaded */
    jmp *%r11
.endm

/* The callout trampoline, reached by `call *exit...(%r15)` from emitted code:
 *   in:  r11 = uint64_t fn(struct vcpu *), vcpu.cur_eip/callout_info set
 *   out: r11 = fn's result; guest registers and flags reloaded from the vCPU
 *        (fn may change them); r8, r9, r10 preserved (fn may change
 *        vcpu.xr[] to change them).
 * If fn sets vcpu.stop_request, the TC is left instead of returning, with
 * the guest state fn left in the vCPU. */
    .globl tc_callout
    .type tc_callout, @function
tc_callout:
    ENTER_CALLOUT
    fxsave64 V_FPU(%r15)
    ldmxcsr mxcsr_default(%rip)
    CALL_C *%r11                  /* fn; C preserves r13 (the window) */
    cmpl $0, V_STOP_REQUEST(%r15)
    jne 1f
    KICK_CHECK
    mov %rax, %r11
    cmpb $0, V_DEBUG_NO_FPU_RESTORE(%r15)   /* only --debug-break fpu sets it */
    jne 2f
    fxrstor64 V_FPU(%r15)
2:
    RETURN_TO_TC
1:  CALL_C tc_continue_target
    test %rax, %rax
    jz 3f
    mov %rax, %r11
    fxrstor64 V_FPU(%r15)
    CONTINUE_IN_TC
3:  movl $TC_EXIT_CALLOUT_VALUE, V_EXIT_REASON(%r15)
    jmp tc_leave_saved
    .size tc_callout, .-tc_callout

/* The light trampoline: as tc_callout, but the monitor's C code touches no
 * x87/MMX state, so only the guest's XMM0-7 (all a 32-bit guest has) are
 * saved, into their places in the FXSAVE image. The guest's MXCSR stays
 * loaded: callouts do integer work only (SSE moves in memcpy), which no
 * MXCSR setting affects. Leaving the TC completes the image with FXSAVE,
 * as tc_leave_saved expects, and loads the monitor's MXCSR. */
.macro XMM_SAVE_GUEST
    movups %xmm0, V_FPU+160(%r15)
    movups %xmm1, V_FPU+176(%r15)
    movups %xmm2, V_FPU+192(%r15)
    movups %xmm3, V_FPU+208(%r15)
    movups %xmm4, V_FPU+224(%r15)
    movups %xmm5, V_FPU+240(%r15)
    movups %xmm6, V_FPU+256(%r15)
    movups %xmm7, V_FPU+272(%r15)
.endm
.macro XMM_LOAD_GUEST
    movups V_FPU+160(%r15), %xmm0
    movups V_FPU+176(%r15), %xmm1
    movups V_FPU+192(%r15), %xmm2
    movups V_FPU+208(%r15), %xmm3
    movups V_FPU+224(%r15), %xmm4
    movups V_FPU+240(%r15), %xmm5
    movups V_FPU+256(%r15), %xmm6
    movups V_FPU+272(%r15), %xmm7
.endm

    .globl tc_callout_light
    .type tc_callout_light, @function
tc_callout_light:
    ENTER_CALLOUT
    XMM_SAVE_GUEST
    CALL_C *%r11
    cmpl $0, V_STOP_REQUEST(%r15)
    jne 1f
    KICK_CHECK
    mov %rax, %r11
    XMM_LOAD_GUEST
    RETURN_TO_TC
1:  CALL_C tc_continue_target
    test %rax, %rax
    jz 3f
    mov %rax, %r11
    XMM_LOAD_GUEST
    CONTINUE_IN_TC
3:  XMM_LOAD_GUEST
    fxsave64 V_FPU(%r15)
    ldmxcsr mxcsr_default(%rip)
    movl $TC_EXIT_CALLOUT_VALUE, V_EXIT_REASON(%r15)
    jmp tc_leave_saved
    .size tc_callout_light, .-tc_callout_light

    .section .rodata
    .align 4
mxcsr_default:
    .long 0x1f80

    .section .note.GNU-stack, "", @progbits
