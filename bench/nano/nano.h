/* The nano benchmark's rows: one entry per costly construct, each a timed
 * loop (loops.S) plus the setup that makes its trap reach a handler. The
 * driver (guest.c) times every row the same way, so adding a row is one
 * loop in loops.S and one entry in nano_rows[] (rows.c):
 *
 *   { "divzero", nano_loop_divzero, 0, 1, 1, divzero_setup, divzero_teardown,
 *     "div by 0 at cpl0 raises #DE, the handler skips the div and irets" },
 *
 * Nothing here prints; the driver owns the output format (README.md). */
#ifndef BENCH_NANO_H
#define BENCH_NANO_H

#include <stdint.h>

/* Runs its body n times; returns the TSC ticks the loop took. */
typedef uint64_t (*nano_loop)(uint32_t n);

struct nano_row {
    const char *name;           /* the table's row label, no spaces */
    nano_loop loop;
    uint8_t cpl;                /* 0, or 3: the loop runs inside pm_run_user */
    uint16_t ops;               /* operations per iteration: the result's divisor */
    uint8_t counted;            /* the handler counts: nano_count must reach n */
    /* NULL, or prepares the row (gates, MSRs); returns NULL when ready, or
     * why the row cannot run on this CPU. */
    const char *(*setup)(void);
    void (*teardown)(void);     /* NULL, or undoes setup */
    const char *what;           /* one line for the check mode */
    /* 0 or 1, or runs iters / iter_div iterations (at least 1) instead of
     * iters, for a row whose iteration is many operations (pt-fill: 1000
     * pages), so that every row times about the same number of them. */
    uint16_t iter_div;
    /* Turns paging on (nano_paging.h): the check mode of
     * bench_nano_guest runs the rows without, bench_nano_paging_guest's
     * those with (guest.c, NANO_CHECK_PAGING). */
    uint8_t paging;
};

/* At most 31 rows: guest.c selects them with a 32-bit mask. */
extern const struct nano_row nano_rows[];
extern const uint32_t nano_row_count;

/* loops.S */
extern volatile uint32_t nano_count;
uint64_t nano_loop_empty(uint32_t n);

/* Masks every PIC line, so rows that set IF see no interrupt. */
void nano_mask_pic(void);

#endif
