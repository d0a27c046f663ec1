/* The nano benchmark guest: the cost, in guest TSC ticks, of one trap,
 * privileged instruction or control transfer per row of nano_rows[]
 * (rows.c). Reads its options from the Multiboot command line:
 *
 *   (none)                   check mode: every row runs CHECK_ITERS times and
 *                            prints an ok/FAIL line, no timings (the ctest)
 *   mode=time                times the rows, one "name cycles" line each
 *   mode=list                prints the row names, one a line, nothing else
 *   bench=a,b  iters=N  reps=N   rows to run (default all), iterations per
 *                            run, runs per row (the least is kept)
 *
 * A row's cycles: (least ticks of `reps` runs of its loop - least ticks of
 * as many runs of the empty loop at the same CPL) / (iters * ops), to a
 * tenth of a cycle (a row with iter_div runs iters / iter_div iterations).
 * Without bench=, check mode runs the rows without paging, or with
 * NANO_CHECK_PAGING (bench_nano_paging_guest) only those with paging. A row whose setup or run fails prints "name n/a why"
 * and the others still run; the guest then exits with 3. */
#include "guest.h"
#include "nano.h"
#include "pm.h"

#define CHECK_ITERS 100
#define DEFAULT_ITERS 100000
#define DEFAULT_REPS 5
#define WARMUP_ITERS 1000       /* once per row: translation, caches, the count check */
#ifndef NANO_CHECK_PAGING
#define NANO_CHECK_PAGING 0
#endif

/* Multiboot v1 information structure, the fields up to the command line. */
struct multiboot_info {
    uint32_t flags;
    uint32_t mem_lower, mem_upper;
    uint32_t boot_device;
    uint32_t cmdline;
};
#define MULTIBOOT_INFO_CMDLINE (1u << 2)

enum mode { MODE_CHECK, MODE_TIME, MODE_LIST };

struct options {
    enum mode mode;
    uint32_t iters, reps;
    uint32_t select;            /* bit i: nano_rows[i] */
};

static int parse_uint(const char *s, size_t n, uint32_t min, uint32_t max, uint32_t *out)
{
    uint32_t v = 0;
    if (n == 0 || n > 9)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (uint32_t)(s[i] - '0');
    }
    if (v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

static int row_index(const char *s, size_t n)
{
    for (uint32_t i = 0; i < nano_row_count; i++)
        if (strlen(nano_rows[i].name) == n && !memcmp(nano_rows[i].name, s, n))
            return (int)i;
    return -1;
}

/* bench=a,b,...|all */
static int parse_select(const char *s, size_t n, uint32_t *select)
{
    if (n == 3 && !memcmp(s, "all", 3)) {
        *select = (1u << nano_row_count) - 1;
        return 0;
    }
    *select = 0;
    while (n) {
        size_t k = 0;
        while (k < n && s[k] != ',')
            k++;
        int i = row_index(s, k);
        if (i < 0)
            return -1;
        *select |= 1u << i;
        s += k;
        n -= k;
        if (n)
            s++, n--;
    }
    return 0;
}

/* If the word s[0..n) starts with key, advances past it. */
static int take_key(const char **s, size_t *n, const char *key)
{
    size_t k = strlen(key);
    if (*n < k || memcmp(*s, key, k))
        return 0;
    *s += k;
    *n -= k;
    return 1;
}

static int is_word(const char *s, size_t n, const char *w)
{
    return strlen(w) == n && !memcmp(s, w, n);
}

static int parse_word(const char *s, size_t n, struct options *o)
{
    size_t k = 0;
    while (k < n && s[k] != '=')
        k++;
    if (k == n)
        return 0;               /* no '=': QEMU's kernel path, say */
    if (take_key(&s, &n, "mode=")) {
        if (is_word(s, n, "time"))
            o->mode = MODE_TIME;
        else if (is_word(s, n, "list"))
            o->mode = MODE_LIST;
        else if (is_word(s, n, "check"))
            o->mode = MODE_CHECK;
        else
            return -1;
        return 0;
    }
    if (take_key(&s, &n, "bench="))
        return parse_select(s, n, &o->select);
    if (take_key(&s, &n, "iters="))
        return parse_uint(s, n, 1, 100000000, &o->iters);
    if (take_key(&s, &n, "reps="))
        return parse_uint(s, n, 1, 1000, &o->reps);
    return -1;
}

static int parse_cmdline(const char *s, struct options *o)
{
    while (*s) {
        size_t n = 0;
        while (s[n] && s[n] != ' ')
            n++;
        if (n && parse_word(s, n, o))
            return -1;
        s += n;
        while (*s == ' ')
            s++;
    }
    return 0;
}

/* --- running a loop at its CPL --- */

static nano_loop user_loop;
static uint32_t user_iters;
static uint64_t user_ticks;

/* Runs at CPL3 (pm_run_user): the kit's user segments are flat, so the
 * globals are reachable from there. */
static uint32_t user_trampoline(uint32_t unused)
{
    (void)unused;
    user_ticks = user_loop(user_iters);
    return 0;
}

/* A row's iterations for a nominal count n (nano.h, iter_div). */
static uint32_t row_iters(const struct nano_row *r, uint32_t n)
{
    uint32_t k = r->iter_div > 1 ? n / r->iter_div : n;
    return k ? k : 1;
}

static uint64_t run_loop(nano_loop loop, int cpl, uint32_t n)
{
    if (cpl == 0)
        return loop(n);
    user_loop = loop;
    user_iters = n;
    pm_run_user(user_trampoline, 0);
    return user_ticks;
}

/* Least ticks over `reps` runs of n iterations; 0 and *why set when a
 * counting handler did not run once per iteration. */
static uint64_t best_ticks(nano_loop loop, int cpl, int counted, uint32_t n, uint32_t reps,
                           const char **why)
{
    uint64_t best = ~0ull;
    for (uint32_t r = 0; r < reps; r++) {
        nano_count = 0;
        uint64_t t = run_loop(loop, cpl, n);
        if (counted && nano_count != n) {
            *why = "the handler did not run once per iteration";
            return 0;
        }
        if (t < best)
            best = t;
    }
    return best;
}

/* The empty loop's least ticks at each CPL, measured once per guest. */
static uint64_t empty_ticks[4];

static uint64_t empty_best(int cpl, const struct options *o)
{
    if (!empty_ticks[cpl]) {
        const char *why;
        best_ticks(nano_loop_empty, cpl, 0, WARMUP_ITERS, 1, &why);
        empty_ticks[cpl] = best_ticks(nano_loop_empty, cpl, 0, o->iters, o->reps, &why);
    }
    return empty_ticks[cpl];
}

/* Prints v / 10 with one decimal; v may be negative (noise). */
static void print_tenths(int64_t v)
{
    const char *sign = v < 0 ? "-" : "";
    uint64_t a = v < 0 ? (uint64_t)-v : (uint64_t)v;
    printf("%s%llu.%llu", sign, a / 10, a % 10);
}

/* Tenths of a cycle per operation, rounded to nearest. */
static int64_t tenths_per_op(uint64_t ticks, uint64_t empty, uint32_t n, uint32_t ops)
{
    int64_t diff = (int64_t)(ticks - empty) * 10;
    int64_t div = (int64_t)n * ops;
    return diff >= 0 ? (diff + div / 2) / div : -((-diff + div / 2) / div);
}

/* Times one row (setup done): prints its line; returns 0 or -1 (n/a). */
static int time_row(const struct nano_row *r, const struct options *o)
{
    const char *why = 0;
    uint32_t n = row_iters(r, o->iters);
    best_ticks(r->loop, r->cpl, r->counted, row_iters(r, WARMUP_ITERS), 1, &why);
    uint64_t t = why ? 0 : best_ticks(r->loop, r->cpl, r->counted, n, o->reps, &why);
    if (why) {
        printf("%s n/a %s\n", r->name, why);
        return -1;
    }
    /* The empty loop ran o->iters times; this row's loop ran n times. */
    uint64_t e = empty_best(r->cpl, o) * n / o->iters;
    printf("%s ", r->name);
    print_tenths(tenths_per_op(t, e, n, r->ops));
    printf("\n");
    return 0;
}

/* Check mode: the row's mechanism works, CHECK_ITERS times. */
static int check_row(const struct nano_row *r)
{
    const char *why = 0;
    uint32_t n = row_iters(r, CHECK_ITERS);
    best_ticks(r->loop, r->cpl, r->counted, n, 1, &why);
    CHECK(!why, "%s: %s, %u times", r->name, r->what, n);
    return why ? -1 : 0;
}

static int run_checked(const struct nano_row *r, const struct options *o)
{
    return o->mode == MODE_TIME ? time_row(r, o) : check_row(r);
}

/* Runs one row under pm_try, so that an unexpected exception makes it n/a
 * instead of ending the guest; the row's gates are undone either way.
 * A CPL0 row without setup needs no descriptor table: it runs without the
 * kit, which is installed (pm_init) only when a row first needs it, so
 * that those rows can be timed under a monitor that cannot run the kit. */
static int run_row(const struct nano_row *r, const struct options *o)
{
    static struct pm_fault f;   /* static: still valid when pm_try returns twice */
    static int kit_ready;
    const char *why;
    int rc;

    if (r->cpl == 0 && !r->setup)
        return run_checked(r, o);
    if (!kit_ready) {
        pm_init();
        kit_ready = 1;
    }
    why = r->setup ? r->setup() : 0;
    if (why) {
        if (o->mode == MODE_TIME)
            printf("%s n/a %s\n", r->name, why);
        else
            CHECK(0, "%s: %s (%s)", r->name, r->what, why);
        return -1;
    }
    if (pm_try(&f)) {
        rc = run_checked(r, o);
        pm_try_end();
    } else {
        __asm__ volatile("cli");
        if (o->mode == MODE_TIME)
            printf("%s n/a unexpected vector %u at %08x\n", r->name, f.vector, f.eip);
        else
            CHECK(0, "%s: %s (unexpected vector %u at %08x)", r->name, r->what, f.vector, f.eip);
        rc = -1;
    }
    if (r->teardown)
        r->teardown();
    return rc;
}

int main(void)
{
    const struct multiboot_info *mbi = (const struct multiboot_info *)(uintptr_t)mb_info;
    struct options o = { MODE_CHECK, DEFAULT_ITERS, DEFAULT_REPS, 0 };
    int failed = 0;

    if (mbi->flags & MULTIBOOT_INFO_CMDLINE) {
        const char *cmdline = (const char *)(uintptr_t)mbi->cmdline;
        if (parse_cmdline(cmdline, &o)) {
            printf("nano: bad command line '%s' (want mode=check|time|list bench=a,b "
                   "iters=N reps=N)\n", cmdline);
            return 2;
        }
    }
    if (!o.select)              /* no bench=: every row, or in check mode one kind */
        for (uint32_t i = 0; i < nano_row_count; i++)
            if (o.mode != MODE_CHECK || nano_rows[i].paging == NANO_CHECK_PAGING)
                o.select |= 1u << i;
    if (o.mode == MODE_LIST) {
        for (uint32_t i = 0; i < nano_row_count; i++)
            printf("%s\n", nano_rows[i].name);
        return 0;
    }
    nano_mask_pic();
    if (o.mode == MODE_TIME)
        printf("# nano: cycles per operation (guest TSC), empty loop subtracted, "
               "iters=%u, least of %u runs\n", o.iters, o.reps);
    for (uint32_t i = 0; i < nano_row_count; i++)
        if (o.select & (1u << i))
            failed |= run_row(&nano_rows[i], &o) != 0;
    if (o.mode == MODE_CHECK)
        return check_summary();
    for (int cpl = 0; cpl < 4; cpl++)
        if (empty_ticks[cpl]) {
            printf("# empty-cpl%d ", cpl);
            print_tenths(tenths_per_op(empty_ticks[cpl], 0, o.iters, 1));
            printf("\n");
        }
    return failed ? 3 : 0;
}
