/* bt386's command line. The syntax follows qemu-system-i386 where the two
 * overlap (-m, -kernel, -append) so a QEMU command line for a Multiboot
 * guest mostly works unchanged; bt386's own switches are --long options.
 *
 *   struct options o;
 *   options_parse(argc, argv, &o);     exits 2 on a bad command line,
 *                                      0 after --help
 *   physmem_init(&pm, o.ram_size); multiboot_load(&pm, o.kernel, o.cmdline, &e);
 */
#ifndef BT386_OPTIONS_H
#define BT386_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define OPTIONS_DEFAULT_RAM (128ull << 20)      /* QEMU's default */
#define OPTIONS_MIN_RAM     (2ull << 20)
#define OPTIONS_MAX_RAM     (3ull << 30)        /* all of it below the PCI hole */

struct options {
    const char *kernel;         /* the Multiboot kernel's path, as typed */
    uint64_t ram_size;          /* bytes, a multiple of 8 KiB as in QEMU */
    const char *cmdline;        /* -append; "" when not given, never NULL */
    bool stats;                 /* --stats: counter table on stderr at exit */
    const char *stats_json;     /* --stats-json FILE, or NULL */
    bool trace;                 /* --trace: each translated block, on stderr */
    bool no_chain;              /* --no-chain: every block returns to the run loop */
    bool no_ibtc;               /* --no-ibtc: indirect branches take the slow path */
    bool no_direct;             /* --no-direct: no window accesses while paging is off */
    bool no_adaptive_trace;
    bool no_reboot;             /* -no-reboot: a guest reset ends the run */     /* --no-adaptive-trace: page tables always traced */
    const char *debug_break;    /* --debug-break RULE: a deliberately broken translation */
};

/* Fills *o from argv; on an error prints one line to stderr and exits 2,
 * on --help prints the usage to stdout and exits 0. Returns 0. */
int options_parse(int argc, char **argv, struct options *o);

/* The same without exiting, for tests: returns 0, OPTIONS_HELP for
 * --help, or -1 with a one-line message (no "bt386: ", no newline) in err. */
#define OPTIONS_HELP 1
int options_parse_args(int argc, char **argv, struct options *o, char *err, size_t errsz);

/* Parses a QEMU -m size ("128", "512M", "1.5G", "size=64M"): a plain number
 * is MiB. Returns 0 with *bytes set, or -1 if it is not a size. */
int options_parse_size(const char *s, uint64_t *bytes);

void options_usage(FILE *f);

#endif
