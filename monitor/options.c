/* Parsing bt386's command line into struct options (see options.h). Owns
 * the option table, which also produces --help, and QEMU's -m size syntax;
 * must not act on any option (main does), so tests can parse freely.
 *
 * As in QEMU, "-opt" and "--opt" are the same option, and an option's
 * argument is the next word or follows '=' ("--stats-json=out.json"). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/panic.h"
#include "common/types.h"
#include "monitor/options.h"

/* What an option does; a new switch is one line in opt_table and one field
 * in struct options. */
enum opt_kind {
    OPT_FLAG,                   /* sets the bool at `field` */
    OPT_STRING,                 /* stores its argument at `field` */
    OPT_RAM,                    /* -m */
    OPT_KERNEL,                 /* -kernel, like the positional argument */
    OPT_HELP,
};

struct opt_desc {
    const char *name;           /* as --help shows it; matched without its dashes */
    enum opt_kind kind;
    size_t field;               /* OPT_FLAG, OPT_STRING: offset in struct options */
    const char *arg;            /* the argument's name in --help, NULL if none */
    const char *help;           /* NULL: an alias, not listed by --help */
};

#define FIELD(f) offsetof(struct options, f)

static const struct opt_desc opt_table[] = {
    { "-m", OPT_RAM, 0, "SIZE",
      "guest RAM in MiB, or with a suffix K, M, G (default 128M; 2M to 3G)" },
    { "-kernel", OPT_KERNEL, 0, "KERNEL",
      "the Multiboot kernel (or give it as the last argument)" },
    { "-append", OPT_STRING, FIELD(cmdline), "CMDLINE",
      "the kernel's command line" },
    { "-no-reboot", OPT_FLAG, FIELD(no_reboot), NULL,
      "a guest reset (i8042, port 0x92, 0xcf9) ends the run with status 0" },
    { "--stats", OPT_FLAG, FIELD(stats), NULL,
      "print the counters to stderr at exit" },
    { "--stats-json", OPT_STRING, FIELD(stats_json), "FILE",
      "write the counters to FILE as JSON at exit" },
    { "--trace", OPT_FLAG, FIELD(trace), NULL,
      "print each translated block to stderr" },
    { "--no-chain", OPT_FLAG, FIELD(no_chain), NULL,
      "do not chain blocks: every block returns to the run loop" },
    { "--no-ibtc", OPT_FLAG, FIELD(no_ibtc), NULL,
      "no in-TC indirect branch table: indirect branches take the slow path" },
    { "--no-direct", OPT_FLAG, FIELD(no_direct), NULL,
      "paging off too: every access through the shadow map (tests the slow path)" },
    { "--no-adaptive-trace", OPT_FLAG, FIELD(no_adaptive_trace), NULL,
      "trace every guest page-table write (no out-of-sync page tables)" },
    { "--debug-break", OPT_STRING, FIELD(debug_break), "RULE",
      "break one translation rule to see tests fail (docs/testing.md lists them)" },
    { "--help", OPT_HELP, 0, NULL,
      "print this help and exit" },
    { "-h", OPT_HELP, 0, NULL, NULL },
};

void options_usage(FILE *f)
{
    fprintf(f, "usage: bt386 [options] KERNEL\n"
               "Runs a 32-bit x86 Multiboot kernel by dynamic binary translation.\n"
               "The guest's serial port (COM1) writes to stdout and reads stdin when\n"
               "stdin is a terminal. The guest ends the run by writing V to port 0xf4\n"
               "(isa-debug-exit): bt386 then exits with status (V << 1) | 1.\n"
               "\noptions:\n");
    for (size_t i = 0; i < ARRAY_SIZE(opt_table); i++) {
        const struct opt_desc *d = &opt_table[i];
        char left[40];
        if (!d->help)
            continue;
        snprintf(left, sizeof left, "%s%s%s", d->name, d->arg ? " " : "",
                 d->arg ? d->arg : "");
        fprintf(f, "  %-22s %s\n", left, d->help);
    }
}

static uint64_t size_unit(char suffix)
{
    switch (suffix) {
    case 'b': case 'B': return 1;
    case 'k': case 'K': return 1ull << 10;
    case 'm': case 'M': return 1ull << 20;
    case 'g': case 'G': return 1ull << 30;
    case 't': case 'T': return 1ull << 40;
    }
    return 0;
}

/* QEMU's size syntax: digits, an optional decimal fraction, an optional
 * unit suffix (B, K, M, G, T, any case); no suffix means MiB. The optional
 * "size=" prefix is -m's own. */
int options_parse_size(const char *s, uint64_t *bytes)
{
    uint64_t whole = 0, frac = 0, frac_scale = 1, unit = 1ull << 20;

    if (strncmp(s, "size=", 5) == 0)
        s += 5;
    if (*s < '0' || *s > '9')
        return -1;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (whole > (UINT64_MAX - 9) / 10)
            return -1;
        whole = whole * 10 + (uint64_t)(*s - '0');
    }
    if (*s == '.') {
        s++;
        if (*s < '0' || *s > '9')
            return -1;
        for (; *s >= '0' && *s <= '9'; s++) {
            if (frac_scale < 1000000000000ull) {    /* enough digits for bytes */
                frac = frac * 10 + (uint64_t)(*s - '0');
                frac_scale *= 10;
            }
        }
    }
    if (*s) {
        unit = size_unit(*s++);
        if (!unit || *s)
            return -1;
    }
    if (whole > UINT64_MAX / unit)
        return -1;
    *bytes = whole * unit + (uint64_t)((double)frac / (double)frac_scale * (double)unit);
    return 0;
}

static int opt_error(char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int opt_error(char *err, size_t errsz, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errsz, fmt, ap);
    va_end(ap);
    return -1;
}

static const char *skip_dashes(const char *s)
{
    return s + (s[1] == '-' ? 2 : 1);
}

/* name: the option as typed, without its dashes, len bytes long. */
static const struct opt_desc *find_option(const char *name, size_t len)
{
    for (size_t i = 0; i < ARRAY_SIZE(opt_table); i++) {
        const char *known = skip_dashes(opt_table[i].name);
        if (strlen(known) == len && strncmp(known, name, len) == 0)
            return &opt_table[i];
    }
    return NULL;
}

static int set_kernel(struct options *o, const char *path, char *err, size_t errsz)
{
    if (o->kernel)
        return opt_error(err, errsz, "two kernels given, '%s' and '%s' (try --help)",
                         o->kernel, path);
    o->kernel = path;
    return 0;
}

static int set_ram(struct options *o, const char *arg, char *err, size_t errsz)
{
    uint64_t bytes;

    if (options_parse_size(arg, &bytes) < 0)
        return opt_error(err, errsz, "'-m %s': not a size (try -m 256 or -m 1G)", arg);
    /* QEMU rounds RAM up to 8 KiB, and its e820 map shows the rounded size. */
    if (bytes > UINT64_MAX - 0x1fff)
        bytes = UINT64_MAX;
    else
        bytes = (bytes + 0x1fff) & ~(uint64_t)0x1fff;
    if (bytes < OPTIONS_MIN_RAM || bytes > OPTIONS_MAX_RAM)
        return opt_error(err, errsz, "'-m %s': guest RAM must be 2M to 3G", arg);
    o->ram_size = bytes;
    return 0;
}

int options_parse_args(int argc, char **argv, struct options *o, char *err, size_t errsz)
{
    bool only_files = false;

    *o = (struct options){ .ram_size = OPTIONS_DEFAULT_RAM, .cmdline = "" };
    for (int i = 1; i < argc; i++) {
        const char *word = argv[i];

        if (only_files || word[0] != '-' || word[1] == 0) {
            if (set_kernel(o, word, err, errsz) < 0)
                return -1;
            continue;
        }
        if (strcmp(word, "--") == 0) {
            only_files = true;
            continue;
        }

        const char *name = skip_dashes(word);
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const struct opt_desc *d = find_option(name, len);
        if (!d)
            return opt_error(err, errsz, "unknown option '%.*s' (try --help)",
                             (int)(name - word + len), word);

        const char *arg = NULL;
        if (d->arg) {
            if (eq)
                arg = eq + 1;
            else if (i + 1 < argc)
                arg = argv[++i];
            else
                return opt_error(err, errsz, "option '%s' needs an argument %s (try --help)",
                                 word, d->arg);
        } else if (eq) {
            return opt_error(err, errsz, "option '%.*s' takes no argument (try --help)",
                             (int)(name - word + len), word);
        }

        switch (d->kind) {
        case OPT_FLAG:
            *(bool *)((char *)o + d->field) = true;
            break;
        case OPT_STRING:
            *(const char **)((char *)o + d->field) = arg;
            break;
        case OPT_RAM:
            if (set_ram(o, arg, err, errsz) < 0)
                return -1;
            break;
        case OPT_KERNEL:
            if (set_kernel(o, arg, err, errsz) < 0)
                return -1;
            break;
        case OPT_HELP:
            return OPTIONS_HELP;
        }
    }
    if (!o->kernel)
        return opt_error(err, errsz, "no kernel given (try --help)");
    return 0;
}

int options_parse(int argc, char **argv, struct options *o)
{
    char err[512];

    switch (options_parse_args(argc, argv, o, err, sizeof err)) {
    case 0:
        return 0;
    case OPTIONS_HELP:
        options_usage(stdout);
        exit(0);
    default:
        fatal_user("%s", err);
    }
}
