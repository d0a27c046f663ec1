/* Host fault handling (see signals.h). A fault of translated code is
 * turned into a TC exit (an indirect-table miss, a direct-mode access to
 * redo, or a guest exception at its precise EIP); anything else is a bug
 * of the monitor and panics. Runs on its own stack because the fault may
 * come from anywhere. */
#define _GNU_SOURCE
#include "monitor/signals.h"
#include "monitor/run.h"
#include "monitor/kick.h"
#include "codecache/tc.h"
#include "common/panic.h"
#include "common/stats.h"
#include "shadow-mmu/shadow.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

/* The kicker thread's signal (monitor/kick.c). */
static void on_kick(int sig, siginfo_t *si, void *uc_)
{
    (void)sig, (void)si;
    ucontext_t *uc = uc_;
    struct vcpu *v = run_current_vcpu();
    if (!v)
        return;
    v->kick = 1;
    void *rip = (void *)(uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    /* In translated code: its block's exits lead out. In a callout the
     * trampoline does it on the way back (tc_entry.S); in the monitor the
     * run loop sees v->kick. */
    if (v->in_tc && tc_contains(rip))
        kick_unchain(v, rip);
}

static void on_fault(int sig, siginfo_t *si, void *uc_)
{
    ucontext_t *uc = uc_;
    greg_t *g = uc->uc_mcontext.gregs;
    void *rip = (void *)(uintptr_t)g[REG_RIP];
    struct vcpu *v = run_current_vcpu();
    gva_t eip;
    if (sig == SIGSEGV && rip == NULL && v && v->in_tc) {
        /* An indirect branch found no block in the flat table (entry 0,
         * codecache/tc.h): leave through the miss stub, target in r10d. */
        g_stats.exits[EXIT_signal]++;
        g[REG_RIP] = (greg_t)(uintptr_t)tc_indirect_miss_stub();
        return;
    }
    if (!v || !tc_contains(rip) || !tc_guest_eip_at(rip, &eip))
        panic("host signal %d (%s) at %p, address %p", sig, strsignal(sig), rip, si->si_addr);
    /* The register contract (monitor/tc_entry.S) names where each guest
     * register is at any point of translated code. */
    v->regs[R_EAX] = (uint32_t)g[REG_RAX];
    v->regs[R_ECX] = (uint32_t)g[REG_RCX];
    v->regs[R_EDX] = (uint32_t)g[REG_RDX];
    v->regs[R_EBX] = (uint32_t)g[REG_RBX];
    v->regs[R_ESP] = (uint32_t)g[REG_R12];
    v->regs[R_EBP] = (uint32_t)g[REG_RBP];
    v->regs[R_ESI] = (uint32_t)g[REG_RSI];
    v->regs[R_EDI] = (uint32_t)g[REG_RDI];
    v->eflags = (v->eflags & ~EFL_HOST_LIVE) | ((uint32_t)g[REG_EFL] & EFL_HOST_LIVE);
    v->eip = eip;
    g_stats.exits[EXIT_signal]++;
    if (sig == SIGSEGV && (uint8_t *)si->si_addr >= (uint8_t *)v + VCPU_POLL &&
        (uint8_t *)si->si_addr < (uint8_t *)v + VCPU_POLL + 4096) {
        /* The poll after an STI or POPF that set IF while an interrupt
         * waits (vcpu.h): leave at the next instruction, which may run
         * before the interrupt is taken (STI's shadow). */
        v->exit_reason = TC_EXIT_CALLOUT;
        v->eip = eip;
        v->irq_shadow = true;
        g[REG_RIP] = (greg_t)(uintptr_t)tc_exit_to_monitor;
        return;
    }
    if (sig == SIGSEGV && physmem_in_window(shadow_physmem(), si->si_addr)) {
        /* A direct-mode access hit a page with translated code or a hole:
         * leave the TC (tc_exit_to_monitor saves the guest registers from
         * the interrupted context) and redo the instruction exactly. No
         * guest state changed: the faulting access is the first side
         * effect of its instruction (dbt/emit_insn.c keeps it so). */
        v->exit_reason = TC_EXIT_MEMFAULT;
        v->exit_eip = eip;
        g[REG_RIP] = (greg_t)(uintptr_t)tc_exit_to_monitor;
        return;
    }
    /* Faults the guest instruction itself raised on the host, as it would
     * on an IA-32 CPU: a quotient overflow (zero divisors are caught
     * inline), an unmasked x87 or SSE exception, a general-protection fault
     * (an SSE operand that is not 16-byte aligned: the kernel reports #GP
     * as SIGSEGV with SI_KERNEL), an invalid opcode. They leave the TC as
     * guest exceptions at the precise EIP. A page fault at a host address
     * outside the window is not one of them: that is a bug here. */
    int vector = -1;
    if (sig == SIGFPE) {
        vector = 0;
        if (si->si_code != FPE_INTDIV && si->si_code != FPE_INTOVF && uc->uc_mcontext.fpregs) {
            /* x87 (FSW.ES) → #MF; SSE → #XM, or #UD without CR4.OSXMMEXCPT. */
            bool x87 = uc->uc_mcontext.fpregs->swd & 0x80;
            vector = x87 ? 16 : (v->cr4 & CR4_OSXMMEXCPT) ? 19 : 6;
        }
    } else if ((sig == SIGSEGV || sig == SIGBUS) && si->si_code == SI_KERNEL) {
        vector = 13;
    } else if (sig == SIGILL) {
        vector = 6;
    }
    if (vector >= 0) {
        v->exception = vector;
        v->error_code = 0;
        v->event_soft = false;
        v->cur_eip = eip;
        v->exit_reason = TC_EXIT_CALLOUT;
        g[REG_RIP] = (greg_t)(uintptr_t)tc_exit_to_monitor;
        return;
    }
    panic("host signal %d (%s) in translated code for guest eip %08x, address %p",
          sig, strsignal(sig), eip, si->si_addr);
}

void signals_install(void)
{
    static char altstack[64 * 1024];
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack };
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
    sa.sa_sigaction = on_kick;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
}
