/* bt386's main: parse the command line, build the machine (RAM, shadow map,
 * translation cache, devices), load the kernel, run it, print statistics.
 * Exit status: the guest's isa-debug-exit value (V << 1) | 1; 2 for a user
 * error; 3 for a guest fault; 70 for a monitor bug. */
#include "monitor/boot_gdt.h"
#include "monitor/options.h"
#include "monitor/multiboot.h"
#include "monitor/run.h"
#include "monitor/signals.h"
#include "codecache/tc.h"
#include "common/panic.h"
#include "common/stats.h"
#include "dbt/translate.h"
#include "devices/bus.h"
#include "devices/cmos_rtc.h"
#include "ring-compression/sysregs.h"
#include "shadow-mmu/physmem.h"
#include "shadow-mmu/shadow.h"

#include <stdio.h>
#include <stdlib.h>

#define TC_BYTES (64u << 20)

static struct vcpu *vcpu;

static void dump_guest(void)
{
    if (vcpu)
        run_dump_guest(stderr, vcpu);
}

static void print_stats(const struct options *o)
{
    if (!o->stats && !o->stats_json)
        return;
    g_stats.ibtc_hits = vcpu->ibtc_hits >= g_stats.ibtc_misses ? vcpu->ibtc_hits - g_stats.ibtc_misses : 0;
    g_stats.blocks_executed = vcpu->blocks_executed;
    g_stats.shadow_bytes = shadow_bytes_used();
    double lookups = (double)(g_stats.tc_lookups + g_stats.ibtc_hits + g_stats.ibtc_misses);
    double hits = (double)(g_stats.tc_lookup_hits + g_stats.ibtc_hits);
    double runs = (double)g_stats.blocks_executed;
    struct stat_extra extra[] = {
        { "tc_hit_rate", "block entries whose translation was in the TC: 1 - translated / entered",
          runs > 0 ? 1.0 - (double)g_stats.blocks_translated / runs : 0 },
        { "lookup_hit_rate", "lookups that found a block (run loop + in-TC table)",
          lookups > 0 ? hits / lookups : 0 },
        { "translate_ns_per_insn", "translation time per guest instruction (ns)",
          g_stats.insns_translated ? (double)g_stats.translate_ns / (double)g_stats.insns_translated : 0 },
        { "host_bytes_per_insn", "host code bytes per guest instruction",
          g_stats.insns_translated ? (double)g_stats.tc_bytes / (double)g_stats.insns_translated : 0 },
    };
    if (o->stats)
        stats_print_table(stderr, extra, ARRAY_SIZE(extra));
    if (o->stats_json && stats_write_json(o->stats_json, extra, ARRAY_SIZE(extra)) < 0)
        fprintf(stderr, "bt386: cannot write %s\n", o->stats_json);
}

/* The Multiboot hand-over state (Multiboot spec 3.2), paging off. */
static void boot_vcpu(struct physmem *pm, const struct multiboot_entry *entry)
{
    vcpu_set_flat_segments(vcpu);
    boot_gdt_install(pm, vcpu);
    vcpu->eip = entry->eip;
    vcpu->regs[R_EAX] = entry->eax;
    vcpu->regs[R_EBX] = entry->ebx;
    sys_paging_changed(vcpu);
}

int main(int argc, char **argv)
{
    struct options o;
    options_parse(argc, argv, &o);
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    panic_set_hook(dump_guest);

    static struct physmem pm;
    if (physmem_init(&pm, o.ram_size) < 0)
        fatal_user("cannot allocate %llu MiB of guest RAM", (unsigned long long)(o.ram_size >> 20));
    pm.window_unused = o.no_direct;
    if (shadow_init(&pm) < 0 || tc_init(TC_BYTES) < 0)
        panic("cannot allocate the shadow map or the translation cache");
    shadow_set_options(!o.no_adaptive_trace, o.debug_break);
    struct dbt_options dopts = { .chain = !o.no_chain, .ibtc = !o.no_ibtc, .trace = o.trace,
                                 .debug_break = o.debug_break, .direct = !o.no_direct,
                                 .stats = o.stats || o.stats_json };
    if (dbt_init(&dopts) < 0)
        panic("cannot initialise the translator");
    cmos_set_ram_size(o.ram_size);      /* the CMOS memory-size bytes */
    if (devices_init() < 0)
        return 2;

    struct multiboot_entry entry;
    multiboot_load(&pm, o.kernel, o.cmdline, &entry);

    vcpu = vcpu_create();
    boot_vcpu(&pm, &entry);
    signals_install();

    struct run_options ropts = { .chain = !o.no_chain, .no_reboot = o.no_reboot };
    int status;
    while ((status = run_guest(vcpu, &ropts)) == RUN_STATUS_RESET) {
        /* A machine reset: what SeaBIOS and QEMU's Multiboot loader do
         * again on a PC. RAM keeps its contents (no firmware clears it);
         * the image is loaded anew. */
        devices_reset();
        tc_flush();
        uint64_t hits = vcpu->ibtc_hits, blocks = vcpu->blocks_executed;
        vcpu_reset(vcpu);
        vcpu->ibtc_hits = hits;             /* counted in the vCPU; --stats covers both boots */
        vcpu->blocks_executed = blocks;
        multiboot_load(&pm, o.kernel, o.cmdline, &entry);
        boot_vcpu(&pm, &entry);
    }
    fflush(stdout);
    print_stats(&o);
    return status;
}
