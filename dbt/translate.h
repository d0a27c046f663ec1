/* The translator's public face: turn the guest code at (EIP, mode) into a
 * block in the translation cache.
 *
 *   dbt_init(&opts);
 *   struct tc_block *b = dbt_translate(v, eip, key);   NULL: fetch fault raised on v
 */
#ifndef BT386_TRANSLATE_H
#define BT386_TRANSLATE_H

#include "codecache/tc.h"
#include "ring-compression/vcpu.h"

struct dbt_options {
    bool chain;         /* chain direct exits (off: --no-chain) */
    bool ibtc;          /* in-TC indirect branch table (off: --no-ibtc) */
    bool trace;         /* print each block: guest disassembly beside host code */
    bool direct;        /* paging off: direct accesses through the window (off: --no-direct) */
    bool stats;         /* emit the counters that cost a few instructions (--stats) */
    const char *debug_break;    /* a rule to break on purpose (tests must see it fail) */
};

int dbt_init(const struct dbt_options *o);
/* Is translation rule `rule` deliberately broken (--debug-break)? Only for
 * showing that the guest tests catch a wrong translation. */
bool dbt_broken(const char *rule);

/* Shared TC code that leaves to the monitor at vcpu.exit_eip, unchained. */
extern uint8_t *dbt_exit_stub;
struct tc_block *dbt_translate(struct vcpu *v, gva_t eip, uint32_t key);

#endif
