/* The run loop (see run.h). Only monitor/ knows how the TC is entered and
 * left; the exit reasons are those of enum tc_exit (ring-compression/vcpu.h). */
#include "monitor/run.h"
#include "codecache/tc.h"
#include "common/panic.h"
#include "common/stats.h"
#include "common/vm.h"
#include "dbt/callouts.h"
#include "dbt/guest_mem.h"
#include "dbt/mode.h"
#include "dbt/translate.h"
#include "decoder/disasm.h"
#include "devices/clock.h"
#include "devices/irq.h"
#include "monitor/kick.h"
#include "ring-compression/debug.h"
#include "ring-compression/interrupt.h"
#include "shadow-mmu/shadow.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static struct {
    struct vcpu *v;
    const struct run_options *o;
    bool stop;
    int status;
    int first_vector;           /* the event whose delivery ended in a triple fault */
    uint32_t first_eip;
    uint64_t expired;           /* deadline of the timer that last raised INTR, or 0 */
    uint64_t mode_map;          /* the shadow map v->ibtc_table belongs to */
    uint32_t prev_key;          /* the mode before (enter_mode) */
    uint64_t prev_map, prev_table;
} run;

void vm_request_stop(int status)
{
    if (run.stop)
        return;
    run.stop = true;
    run.status = status;
    if (run.v)
        run.v->stop_request = 1;
}

void vm_request_reset(void)
{
    if (run.o && run.o->no_reboot) {
        vm_request_stop(0);
        return;
    }
    vm_request_stop(RUN_STATUS_RESET);
}

/* devices/irq.h: the PIC's INTR output, seen by the run loop and by
 * callouts that set IF (they leave the TC to take it). */
void cpu_set_intr(bool asserted)
{
    if (run.v)
        run.v->intr = asserted;
}

struct vcpu *run_current_vcpu(void)
{
    return run.v;
}

static const char *const vector_names[32] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
    "#BR bound range exceeded", "#UD invalid opcode", "#NM device not available",
    "#DF double fault", "coprocessor segment overrun", "#TS invalid TSS",
    "#NP segment not present", "#SS stack-segment fault", "#GP general protection",
    "#PF page fault", "reserved 15", "#MF x87 floating-point error", "#AC alignment check",
    "#MC machine check", "#XM SIMD floating-point exception",
};

void run_dump_guest(FILE *f, const struct vcpu *v)
{
    static const char *const names[8] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };
    static const char *const snames[S_COUNT] = { "es", "cs", "ss", "ds", "fs", "gs" };
    fprintf(f, "  eip %08x  eflags %08x  cpl %u\n", v->eip, vcpu_get_eflags(v), v->cpl);
    for (int r = 0; r < 8; r++)
        fprintf(f, "  %s %08x%s", names[r], v->regs[r], r % 4 == 3 ? "\n" : "");
    for (int s = 0; s < S_COUNT; s++)
        fprintf(f, "  %s %04x base %08x limit %08x attr %04x\n", snames[s], v->seg[s].selector,
                v->seg[s].base, v->seg[s].limit, v->seg[s].attrib);
    fprintf(f, "  cr0 %08x cr2 %08x cr3 %08x cr4 %08x\n", v->cr0, v->cr2, v->cr3, v->cr4);
    const struct physmem *pm = shadow_physmem();
    gva_t la = v->seg[S_CS].base + v->eip;
    gpa_t pa;
    struct shadow_fault fault;
    if (pm && shadow_fetch(la, v->cpl == 3, &pa, &fault)) {
        /* The bytes of EIP's page only: with paging the next page may be
         * anywhere. */
        size_t in_page = GUEST_PAGE_SIZE - (la & ~GUEST_PAGE_MASK);
        size_t n = in_page < 15 ? in_page : 15;
        if (pm->size - pa < n)
            n = (size_t)(pm->size - pa);
        char text[128];
        disasm_text(DISASM_GUEST32, pm->ram + pa, n, la, text, sizeof text);
        fprintf(f, "  at eip: %s  (", text);
        for (size_t i = 0; i < n && i < 8; i++)
            fprintf(f, "%02x%s", pm->ram[pa + i], i + 1 < n && i < 7 ? " " : "");
        fprintf(f, ")\n");
    } else {
        fprintf(f, "  at eip: (linear %08x cannot be fetched: nothing to disassemble)\n", la);
    }
}

static const char *vector_name(int vector)
{
    return vector >= 0 && vector < 32 && vector_names[vector] ? vector_names[vector] : "interrupt";
}

/* A guest access to a guest-physical address with no RAM and no device:
 * the run ends (MMIO arrives with the PC devices). */
static int report_outside_ram(struct vcpu *v)
{
    fprintf(stderr, "bt386: guest access outside RAM at linear address %08x (eip %08x)\n",
            v->cr2, v->eip);
    run_dump_guest(stderr, v);
    return RUN_STATUS_GUEST_FAULT;
}

/* A fault while delivering #DF: the CPU shuts down (SDM vol. 3A, 6.15,
 * interrupt 8). A PC would reset; bt386 reports and stops. */
static int report_shutdown(struct vcpu *v, int first_vector, uint32_t first_eip)
{
    fprintf(stderr, "bt386: guest triple fault (shutdown): guest exception %d (%s) at eip %08x "
            "could not be delivered; last fault %d (%s)",
            first_vector, vector_name(first_vector), first_eip, v->exception, vector_name(v->exception));
    if (intr_has_error_code(v->exception))
        fprintf(stderr, ", error code %04x", v->error_code);
    fprintf(stderr, "\n");
    run_dump_guest(stderr, v);
    return RUN_STATUS_GUEST_FAULT;
}

/* Delivers the pending event through the guest IDT; false on a triple
 * fault (v->shutdown: the run loop reports it). */
static bool deliver(struct vcpu *v)
{
    run.first_vector = v->exception;
    run.first_eip = v->eip;
    intr_deliver(v);
    return !v->shutdown;
}

/* The mode's indirect table in the current address space (v->shadow_base
 * names the space: MOV CR3 changes it). */
static void enter_mode(struct vcpu *v, uint32_t key)
{
    if (key == v->mode_key && v->shadow_base == run.mode_map)
        return;
    /* The mode before this one is remembered too: SYSENTER/SYSEXIT and
     * INT/IRET go back and forth between two (bench/nano sysenter). */
    uint32_t old_key = v->mode_key;
    uint64_t old_map = run.mode_map, old_table = v->ibtc_table;
    if (key == run.prev_key && v->shadow_base == run.prev_map) {
        v->ibtc_table = run.prev_table;
    } else {
        v->ibtc_table = (uint64_t)(uintptr_t)tc_ibtc_table(key, shadow_current_slot());
    }
    v->mode_key = key;
    run.mode_map = v->shadow_base;
    run.prev_key = old_key;
    run.prev_map = old_map;
    run.prev_table = old_table;
}

/* With paging, is the block's code still what its linear pages map to?
 * (Its first and last byte's pages; a block spans at most two.) */
static bool block_still_maps(const struct tc_block *b)
{
    if (!(b->key & MODE_PAGING))
        return true;
    bool user = MODE_CPL(b->key) == 3;
    gva_t first = b->cs_base + b->eip, last = first + (b->guest_end - b->eip) - 1;
    gpa_t pa;
    struct shadow_fault f;
    if (!shadow_fetch(first, user, &pa, &f) || (pa & GUEST_PAGE_MASK) != (b->phys_start & GUEST_PAGE_MASK))
        return false;
    if (((first ^ last) & GUEST_PAGE_MASK) == 0)
        return true;
    return shadow_fetch(last, user, &pa, &f) && (pa & GUEST_PAGE_MASK) == b->last_page;
}

static struct tc_block *lookup(struct vcpu *v, gva_t eip, uint32_t key)
{
    return tc_lookup(eip, key, v->seg[S_CS].base, v->seg[S_CS].limit,
                     (key & MODE_PAGING) ? block_still_maps : NULL);
}

/* With paging, a direct exit is chained only to a block in the linear
 * pages of its own block: those were checked when the chain was entered
 * (every way into a page goes through a checked lookup), so the link stays
 * right in every address space the chain runs in. */
static bool may_chain(const struct tc_block *from, const struct tc_block *to)
{
    if (!(to->key & MODE_PAGING))
        return true;
    gva_t f0 = (from->cs_base + from->eip) & GUEST_PAGE_MASK;
    gva_t f1 = (from->cs_base + from->guest_end - 1) & GUEST_PAGE_MASK;
    gva_t t0 = (to->cs_base + to->eip) & GUEST_PAGE_MASK;
    gva_t t1 = (to->cs_base + to->guest_end - 1) & GUEST_PAGE_MASK;
    return (t0 == f0 || t0 == f1) && (t1 == f0 || t1 == f1);
}

/* Called by the callout trampolines (tc_entry.S) when a callout asked to
 * leave the TC: an exception, INT n, IRET, a far transfer, SYSENTER, a
 * segment load… Where the run loop would simply deliver the event and enter
 * the next block, do that here and return the block's host address, so the
 * trampoline jumps there without leaving the TC (the FPU state stays in the
 * registers, no FXSAVE/FXRSTOR, no run-loop round trip). 0: leave. */
uint64_t tc_continue_target(struct vcpu *v)
{
    uint32_t hint = v->key_hint;
    v->key_hint = 0;
    if (run.stop || !run.o->chain || v->halted || v->kick || v->redo_alone ||
        (v->mode_key & (MODE_STEP | MODE_SLOWMEM)))
        return 0;
    if (v->exception >= 0 && (v->exception == SHADOW_NO_RAM || !deliver(v)))
        return 0;
    /* An interrupt that IF now lets in is taken by the run loop. */
    if (v->intr && v->if_flag)
        return 0;
    uint32_t key = (hint & KEY_HINT_VALID) ? hint & ~KEY_HINT_VALID : mode_key(v);
    if (key & MODE_STEP)
        return 0;
    struct tc_block *b = lookup(v, v->eip, key);
    if (!b)
        return 0;
    enter_mode(v, key);
    v->stop_request = 0;
    g_stats.callout_continues++;
    return (uint64_t)(uintptr_t)b->host;
}

/* Host timer expiry to the guest taking the interrupt (--stats). */
static void count_latency(uint64_t ns)
{
    g_stats.irq_latency_ns += ns;
    if (ns > g_stats.irq_latency_max_ns)
        g_stats.irq_latency_max_ns = ns;
    if (ns < 20000)
        g_stats.irq_latency_lt_20us++;
    else if (ns < 100000)
        g_stats.irq_latency_lt_100us++;
    else if (ns < 1000000)
        g_stats.irq_latency_lt_1ms++;
    else
        g_stats.irq_latency_ge_1ms++;
}

/* Devices between two TC runs: the timers due, a kick acknowledged, an
 * interrupt the PIC asserts taken if IF allows (not in an STI shadow),
 * and the poll page armed while one waits for IF (vcpu.h). */
static void service_events(struct vcpu *v)
{
    if (v->kick) {
        v->kick = 0;
        v->mode_key = ~0u;          /* the kick swapped the indirect table out */
    }
    uint64_t now = clock_ns();
    uint64_t due = timers_next();
    if (due <= now) {
        bool intr = v->intr;
        timers_run(now);
        kick_set_deadline(timers_next());
        if (!intr && v->intr && !run.expired)
            run.expired = due;      /* this timer raised INTR: time its delivery */
    }
    kick_ack();
    if (v->intr && v->if_flag && !v->irq_shadow && v->exception < 0) {
        v->exception = pic_acknowledge();
        v->event_ext = true;
        v->halted = false;
        g_stats.interrupts++;
        if (run.expired)
            count_latency(now - run.expired);
        run.expired = 0;
    }
    bool arm = v->intr && !v->if_flag;
    if (arm != v->poll_armed) {
        vcpu_arm_poll(v, arm);
        v->poll_armed = arm;
    }
}

/* HLT with IF set: sleep until the next device deadline (the kicker's
 * signal, or stdin, can end it early). */
static void idle(void)
{
    uint64_t next = timers_next(), now = clock_ns();
    uint64_t ns = next == UINT64_MAX ? 100000000u : next > now ? next - now : 0;
    if (ns > 100000000u)
        ns = 100000000u;
    struct timespec ts = { .tv_sec = (time_t)(ns / 1000000000u), .tv_nsec = (long)(ns % 1000000000u) };
    nanosleep(&ts, NULL);
    g_stats.idle_sleeps++;
}

static struct tc_block *block_for(struct vcpu *v, gva_t eip)
{
    struct tc_block *b = lookup(v, eip, v->mode_key);
    if (!b)
        b = dbt_translate(v, eip, v->mode_key);
    return b;
}

/* No block could be made at EIP: its first instruction cannot be fetched.
 * The fault is the first byte's, or the next page's for an instruction
 * that runs into a page that cannot be fetched. */
static void fetch_fault(struct vcpu *v)
{
    gva_t la = v->seg[S_CS].base + v->eip;
    bool user = v->cpl == 3;
    struct shadow_fault f;
    gpa_t pa;
    if (shadow_fetch(la, user, &pa, &f) &&
        !shadow_fetch((la | ~GUEST_PAGE_MASK) + 1, user, &pa, &f)) {
        /* the next page's fault, in f */
    } else if (f.vector != 14) {
        f.vector = SHADOW_NO_RAM;
        f.address = la;
    }
    v->cr2 = f.address;
    v->cur_eip = v->eip;        /* the fault belongs to the instruction at EIP */
    if (f.vector == 14)
        raise_exception(v, 14, f.error_code, true);
    else
        v->exception = SHADOW_NO_RAM;
}

int run_guest(struct vcpu *v, const struct run_options *o)
{
    static bool kicker_started;
    run.v = v;
    run.o = o;
    run.stop = false;
    run.status = 0;
    v->callout_entry = (uint64_t)(uintptr_t)tc_callout;
    v->callout_light_entry = (uint64_t)(uintptr_t)tc_callout_light;
    v->exit_entry = (uint64_t)(uintptr_t)tc_exit_to_monitor;
    v->shadow_base = (uint64_t)(uintptr_t)shadow_current();
    v->window = (uint64_t)(uintptr_t)shadow_physmem()->window;
    v->debug_no_fpu_restore = dbt_broken("fpu");
    bool redo_slow = false;
    v->mode_key = ~0u;
    clock_set_notify(kick_set_deadline);
    kick_set_deadline(timers_next());       /* timers the devices armed at reset */
    if (!kicker_started && kick_start(v) < 0)
        fprintf(stderr, "bt386: cannot start the timer thread; device timers run only at exits\n");
    kicker_started = true;
    for (;;) {
        if (run.stop) {
            g_stats.exits[EXIT_stop]++;
            return run.status;
        }
        if (v->shutdown)
            return report_shutdown(v, run.first_vector, run.first_eip);
        service_events(v);
        if (v->exception >= 0) {
            if (v->exception == SHADOW_NO_RAM)
                return report_outside_ram(v);
            deliver(v);
            continue;
        }
        if (v->halted) {
            /* Only an interrupt ends HLT, and with IF clear none can (no
             * NMI source exists): the guest is done. */
            if (!v->if_flag) {
                fprintf(stderr, "bt386: guest halted at eip %08x with interrupts disabled; "
                        "nothing can wake it\n", v->eip);
                return 0;
            }
            idle();
            continue;
        }
        /* After a direct-mode fault, or in an STI shadow, one instruction
         * (through the slow path). */
        bool one = redo_slow || v->irq_shadow || v->redo_alone;
        uint32_t key = mode_key(v) | (one ? MODE_SLOWMEM : 0);
        redo_slow = false;
        v->redo_alone = false;
        enter_mode(v, key);
        bool step = key & MODE_STEP;
        if (step && dbg_instruction_breakpoint(v))
            continue;
        bool tf_before = v->eflags & EFL_TF, rf_before = v->eflags & EFL_RF;
        /* RF only suppresses instruction breakpoints, which exist only in
         * MODE_STEP; elsewhere the first instruction clears it. */
        if (!step)
            v->eflags &= ~EFL_RF;
        struct tc_block *b = block_for(v, v->eip);
        if (!b) {
            fetch_fault(v);
            continue;
        }
        if (!(key & MODE_SLOWMEM))
            v->smc_whole_page = false;
        v->stop_request = run.stop;
        v->in_tc = true;
        /* A kick that arrived since service_events found no block to
         * unchain (the handler looks at in_tc first): take it now rather
         * than a millisecond later, when the kicker repeats it. */
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
        if (v->kick) {
            v->in_tc = false;
            continue;
        }
        uint32_t reason = tc_enter(v, b->host);
        v->in_tc = false;
        if (v->writeback_size) {
            /* A page-crossing store done on a copy (dbt/callouts.c). */
            if (v->exception < 0 &&
                !gmem_write_linear_as(v, v->writeback_la, v->writeback_size, v->bounce, v->writeback_user))
                panic("write-back of a page-crossing store at %08x failed", v->writeback_la);
            v->writeback_size = 0;
        }
        switch (reason) {
        case TC_EXIT_BLOCK_END: {
            g_stats.exits[v->exit_link ? EXIT_block_end : EXIT_callout_exit]++;
            v->eip = v->exit_eip;
            if (v->exit_link && o->chain && !run.stop && !(v->mode_key & (MODE_SLOWMEM | MODE_STEP))) {
                struct tc_block *next = block_for(v, v->eip);
                struct tc_block *from = tc_block_at((void *)(uintptr_t)v->exit_link);
                if (next && from && may_chain(from, next))
                    tc_chain((uint8_t *)(uintptr_t)v->exit_link, next);
                else if (next && from)
                    g_stats.chain_cross_page++;
            }
            break;
        }
        case TC_EXIT_INDIRECT: {
            g_stats.exits[EXIT_indirect_miss]++;
            g_stats.ibtc_misses++;
            v->eip = v->exit_eip;
            /* The table is per mode, indexed by EIP: only a flat CS makes
             * EIP name one piece of code. */
            if (!(v->mode_key & (MODE_SLOWMEM | MODE_STEP)) && MODE_SEG(v->mode_key, S_CS) == SEGMODE_FLAT) {
                struct tc_block *next = block_for(v, v->eip);
                if (next)
                    tc_ibtc_fill(v->mode_key, shadow_current_slot(), next);
            }
            break;
        }
        case TC_EXIT_MEMFAULT:
            v->eip = v->exit_eip;
            redo_slow = true;
            /* A store that cost a host signal drops every block of the
             * page it hit, so the page takes stores freely until code is
             * translated there again: a guest writing data next to code
             * (or a loader filling a page) pays one signal, not one a
             * store. */
            v->smc_whole_page = true;
            break;
        case TC_EXIT_CALLOUT:
            g_stats.exits[EXIT_callout_exit]++;
            break;
        }
        /* MODE_STEP blocks are one instruction: it completed unless it
         * raised an exception or has to be redone. */
        if (one && reason != TC_EXIT_MEMFAULT)
            v->irq_shadow = false;
        if (step && v->exception < 0 && reason != TC_EXIT_MEMFAULT && !run.stop)
            dbg_after_instruction(v, tf_before, rf_before);
        else if (!step)
            v->ss_shadow = false;
    }
}
