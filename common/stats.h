/* bt386's counters: one X-macro list per kind, from which the struct, the
 * --stats table and the --stats-json file are all generated, so a counter
 * is declared once (blink's stats.inc). Counting is a plain increment of a
 * global: no locks (one vCPU thread), no cost when nobody prints them.
 *
 *   g_stats.tc_lookups++;
 *   g_stats.exits[EXIT_halt]++;  g_stats.callouts[CALLOUT_io_out]++;
 *   struct stat_extra x[] = { { "tc_hit_rate", "TC lookups that hit", rate } };
 *   stats_print_table(stderr, x, ARRAY_SIZE(x));
 *
 * To add a counter, add one line to a list below; nothing else changes. */
#ifndef BT386_STATS_H
#define BT386_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* X(name, description): plain event counts and totals. */
#define STATS_COUNTERS(X)                                                        \
    X(insns_translated,       "guest instructions translated")                   \
    X(blocks_translated,      "guest blocks translated")                         \
    X(blocks_executed,        "translated blocks entered (counted with --stats)") \
    X(tc_bytes,               "bytes of host code emitted into the TC")          \
    X(tc_lookups,             "TC lookups by (guest EIP, mode)")                 \
    X(tc_lookup_hits,         "TC lookups that found a block")                   \
    X(chain_links,            "direct branches chained block to block")          \
    X(chain_cross_page,       "direct branches left unchained: paging, target on another page") \
    X(ibtc_hits,              "indirect branches resolved in the in-TC table")   \
    X(ibtc_misses,            "indirect branches that missed the in-TC table")   \
    X(smc_invalidations,      "guest stores that hit a page with translated code") \
    X(smc_blocks_invalidated, "TC blocks invalidated by guest stores")           \
    X(tc_flushes,             "whole-TC flushes")                                \
    X(tc_capacity,            "bytes of TC memory")                              \
    X(translate_ns,           "nanoseconds spent translating")                   \
    X(guest_events,           "exceptions and interrupts delivered through the guest IDT") \
    X(task_switches,          "hardware task switches")                         \
    X(callout_continues,      "callouts that continued in the TC instead of leaving it") \
    X(interrupts,             "hardware interrupts taken by the guest")           \
    X(irq_latency_ns,         "total ns from a device timer's deadline to the guest taking its interrupt") \
    X(irq_latency_max_ns,     "longest such latency, ns")                        \
    X(irq_latency_lt_20us,    "interrupts taken < 20 us after their timer's deadline") \
    X(irq_latency_lt_100us,   "... 20-100 us")                                   \
    X(irq_latency_lt_1ms,     "... 100 us - 1 ms")                              \
    X(irq_latency_ge_1ms,     "... 1 ms or more")                               \
    X(idle_sleeps,            "host sleeps of a guest halted with IF set")        \
    X(pf_hidden,              "shadow-map misses of translated code the guest's tables allow (hidden faults)") \
    X(walks,                  "guest page-table walks (misses, fetches, C-side accesses, traced stores)") \
    X(pf_true,                "page faults the guest's tables raise (#PF delivered)") \
    X(traced_writes,          "guest stores to traced page tables and directories") \
    X(pt_unsync,              "page tables that went out of sync (adaptive tracing)") \
    X(pt_resyncs,             "out-of-sync page tables checked and traced again") \
    X(pt_resync_drops,        "entries the guest changed while out of sync, dropped") \
    X(cr3_loads,              "CR3 loads with paging on (MOV CR3, task switches)") \
    X(cr3_cache_hits,         "switches to an address space whose shadow map was cached") \
    X(cr3_cache_misses,       "switches to an address space that got a new shadow map") \
    X(invlpg,                 "INVLPG executed")                                 \
    X(shadow_fills,           "shadow-map entries filled")                       \
    X(shadow_drops,           "shadow-map entries dropped")                      \
    X(shadow_flushes,         "all shadow maps cleared (CR0.PG/WP, CR4.PSE/PGE changes)") \
    X(shadow_bytes,           "bytes of shadow-map tables in use")

/* X(name, description): why the TC returned to the monitor. */
#define STATS_EXIT_REASONS(X)                                                    \
    X(block_end,     "the block ended on a branch whose target is not chained")  \
    X(indirect_miss, "an indirect branch missed the in-TC table")                \
    X(callout_exit,  "a callout needed the run loop")                            \
    X(halt,          "HLT")                                                      \
    X(exception,     "a guest exception or interrupt to deliver")                \
    X(stop,          "a stop request (isa-debug-exit, end of run)")              \
    X(smc,           "a store invalidated the running block")                    \
    X(signal,        "a host signal")

/* X(name, description): which C function translated code called. */
#define STATS_CALLOUT_KINDS(X)                                                   \
    X(io_in,     "IN")                                                           \
    X(io_out,    "OUT")                                                          \
    X(io_string, "INS/OUTS")                                                     \
    X(cpuid,     "CPUID")                                                        \
    X(rdtsc,     "RDTSC")                                                        \
    X(popf,      "POPF/POPFD")                                                   \
    X(pushf,     "PUSHF/PUSHFD")                                                 \
    X(cli_sti,   "CLI/STI")                                                      \
    X(string_op, "string instructions done in C")                                \
    X(hlt,       "HLT")                                                          \
    X(bcd,       "BCD arithmetic (AAA, DAA...)")                                 \
    X(div_check, "DIV/IDIV whose divide error is checked in C")                  \
    X(mem_slow,  "memory access slow path (shadow-map miss, traced page)")       \
    X(misc,      "other callouts")

#define STATS_ENUM_EXIT(name, desc) EXIT_##name,
enum exit_reason { STATS_EXIT_REASONS(STATS_ENUM_EXIT) EXIT_REASON_COUNT };
#undef STATS_ENUM_EXIT

#define STATS_ENUM_CALLOUT(name, desc) CALLOUT_##name,
enum callout_kind { STATS_CALLOUT_KINDS(STATS_ENUM_CALLOUT) CALLOUT_KIND_COUNT };
#undef STATS_ENUM_CALLOUT

#define STATS_FIELD(name, desc) uint64_t name;
struct stats {
    STATS_COUNTERS(STATS_FIELD)
    uint64_t exits[EXIT_REASON_COUNT];
    uint64_t callouts[CALLOUT_KIND_COUNT];
};
#undef STATS_FIELD

extern struct stats g_stats;

/* A line the caller derives from the counters (a rate, a mean), printed
 * after them. name is an identifier-like key (it is also the JSON key). */
struct stat_extra {
    const char *name;
    const char *description;
    double value;
};

const char *exit_reason_name(enum exit_reason r);
const char *callout_kind_name(enum callout_kind k);

/* Every counter, the exits and callouts that are not zero, then extra[0..n). */
void stats_print_table(FILE *f, const struct stat_extra *extra, size_t n);

/* Every counter, exit and callout (zeros too) and extra[0..n) as one JSON
 * object in the file at path. Returns 0, or -1 with errno set. */
int stats_write_json(const char *path, const struct stat_extra *extra, size_t n);

#endif
