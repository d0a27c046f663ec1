/* bt386's command line (monitor/options.c): good lines give the right
 * struct options, bad ones a one-line message, and options_parse itself
 * exits 2 (errors) or 0 (--help) as the brief for bt386's CLI says. */
#include "monitor/options.h"
#include "check.h"

#define MiB (1ull << 20)

static int parse(struct options *o, char *err, const char *const *words)
{
    char *argv[32] = { "bt386" };
    int argc = 1;
    for (; words[argc - 1]; argc++)
        argv[argc] = (char *)words[argc - 1];
    err[0] = 0;
    return options_parse_args(argc, argv, o, err, 256);
}

#define PARSE(o, err, ...) parse(o, err, (const char *const[]){ __VA_ARGS__, NULL })

static void test_good(void)
{
    struct options o;
    char err[256];

    CHECK_EQ(PARSE(&o, err, "k.elf"), 0, "a kernel alone parses");
    CHECK_STR(o.kernel, "k.elf", "the kernel is the positional argument");
    CHECK_EQ(o.ram_size, 128 * MiB, "default RAM is QEMU's 128 MiB");
    CHECK_STR(o.cmdline, "", "default command line is empty, not NULL");
    CHECK(!o.stats && !o.stats_json && !o.trace && !o.no_chain && !o.no_ibtc,
          "switches are off by default");

    CHECK_EQ(PARSE(&o, err, "-m", "256", "-append", "console=ttyS0 a", "--stats",
                   "--stats-json", "s.json", "--trace", "--no-chain", "--no-ibtc", "k"), 0,
             "every option at once");
    CHECK_EQ(o.ram_size, 256 * MiB, "-m 256 is MiB");
    CHECK_STR(o.cmdline, "console=ttyS0 a", "-append");
    CHECK_STR(o.stats_json, "s.json", "--stats-json FILE");
    CHECK(o.stats && o.trace && o.no_chain && o.no_ibtc, "switches set");

    CHECK_EQ(PARSE(&o, err, "-kernel", "a.elf", "--append=x y", "--stats-json=j"), 0,
             "-kernel and --opt=value");
    CHECK_STR(o.kernel, "a.elf", "-kernel KERNEL");
    CHECK_STR(o.cmdline, "x y", "--append=CMDLINE");
    CHECK_STR(o.stats_json, "j", "--stats-json=FILE");

    CHECK_EQ(PARSE(&o, err, "--append", "q", "--m", "1G", "k"), 0, "--append, --m");
    CHECK_EQ(o.ram_size, 1ull << 30, "-m 1G");
    CHECK_EQ(PARSE(&o, err, "-m", "2049K", "k"), 0, "-m 2049K");
    CHECK_EQ(o.ram_size, 0x202000, "RAM is rounded up to 8 KiB as QEMU does");
    CHECK_EQ(PARSE(&o, err, "-m", "3G", "k"), 0, "-m 3G, the maximum");
    CHECK_EQ(o.ram_size, 3ull << 30, "-m 3G size");
    CHECK_EQ(PARSE(&o, err, "-m", "2", "k"), 0, "-m 2, the minimum");
    CHECK_EQ(PARSE(&o, err, "-m", "size=64M", "k"), 0, "-m size=64M (QEMU's long form)");
    CHECK_EQ(o.ram_size, 64 * MiB, "-m size=64M size");
    CHECK_EQ(PARSE(&o, err, "-m", "128", "-m", "64", "k"), 0, "-m twice");
    CHECK_EQ(o.ram_size, 64 * MiB, "the last -m wins, as in QEMU");
    CHECK_EQ(PARSE(&o, err, "--", "-odd-name"), 0, "-- ends the options");
    CHECK_STR(o.kernel, "-odd-name", "a kernel named like an option after --");

    CHECK_EQ(PARSE(&o, err, "--help"), OPTIONS_HELP, "--help");
    CHECK_EQ(PARSE(&o, err, "-h"), OPTIONS_HELP, "-h");
    CHECK_EQ(PARSE(&o, err, "k", "--help"), OPTIONS_HELP, "--help after a kernel");
}

static void test_sizes(void)
{
    static const struct { const char *s; uint64_t bytes; } good[] = {
        { "128", 128 * MiB }, { "1G", 1ull << 30 }, { "1g", 1ull << 30 },
        { "512k", 512 << 10 }, { "1.5G", 3ull << 29 }, { "0.5", 512 << 10 },
        { "4096B", 4096 }, { "2T", 2ull << 40 }, { "size=3M", 3 * MiB },
    };
    static const char *const bad[] = {
        "", "x", "1x", "1MB", ".5", "5.", "-1", "0x100", "1 M", "99999999999999999999",
        "20000000000000T", "size=", "128,slots=2",
    };
    uint64_t b;

    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        b = 0;
        CHECK(options_parse_size(good[i].s, &b) == 0 && b == good[i].bytes,
              "size '%s' is %llu bytes", good[i].s, (unsigned long long)good[i].bytes);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(options_parse_size(bad[i], &b) < 0, "'%s' is not a size", bad[i]);
}

static void test_bad(void)
{
    struct options o;
    char err[256];

    CHECK_EQ(PARSE(&o, err, "--foo", "k"), -1, "unknown option");
    CHECK_STR(err, "unknown option '--foo' (try --help)", "unknown option message");
    CHECK_EQ(PARSE(&o, err, "--stats-jsn=x", "k"), -1, "unknown option with =");
    CHECK_STR(err, "unknown option '--stats-jsn' (try --help)", "message names the option only");
    CHECK_EQ(PARSE(&o, err, "-x"), -1, "unknown short option");
    CHECK_EQ(PARSE(&o, err, "--stats"), -1, "no kernel");
    CHECK_STR(err, "no kernel given (try --help)", "no kernel message");
    CHECK_EQ(PARSE(&o, err, "k", "-m"), -1, "-m without its argument");
    CHECK_STR(err, "option '-m' needs an argument SIZE (try --help)", "missing argument message");
    CHECK_EQ(PARSE(&o, err, "k", "--stats-json"), -1, "--stats-json without FILE");
    CHECK_EQ(PARSE(&o, err, "-m", "1K", "k"), -1, "-m 1K");
    CHECK_STR(err, "'-m 1K': guest RAM must be 2M to 3G", "too little RAM message");
    CHECK_EQ(PARSE(&o, err, "-m", "2047K", "k"), 0, "-m 2047K rounds up to 2 MiB: allowed");
    CHECK_EQ(PARSE(&o, err, "-m", "2039K", "k"), -1, "-m 2039K is below 2 MiB");
    CHECK_EQ(PARSE(&o, err, "-m", "3073", "k"), -1, "-m 3073 is above 3 GiB");
    CHECK_EQ(PARSE(&o, err, "-m", "4G", "k"), -1, "-m 4G");
    CHECK_EQ(PARSE(&o, err, "-m", "0", "k"), -1, "-m 0");
    CHECK_EQ(PARSE(&o, err, "-m", "12X", "k"), -1, "-m 12X");
    CHECK_STR(err, "'-m 12X': not a size (try -m 256 or -m 1G)", "bad size message");
    CHECK_EQ(PARSE(&o, err, "a", "b"), -1, "two kernels");
    CHECK_STR(err, "two kernels given, 'a' and 'b' (try --help)", "two kernels message");
    CHECK_EQ(PARSE(&o, err, "-kernel", "a", "b"), -1, "-kernel and a positional");
    CHECK_EQ(PARSE(&o, err, "--stats=1", "k"), -1, "a switch given a value");
    CHECK_STR(err, "option '--stats' takes no argument (try --help)", "switch value message");
    CHECK(strchr(err, '\n') == NULL, "messages are one line without newline");
}

static void parse_and_exit(void *arg)
{
    char **argv = arg;
    int argc = 0;
    struct options o;

    while (argv[argc])
        argc++;
    options_parse(argc, argv, &o);
    exit(42);                   /* a good command line returns */
}

static void test_exits(void)
{
    struct child_result r;

    char *bad[] = { "bt386", "--foo", "k", NULL };
    child_run(parse_and_exit, bad, &r);
    CHECK_EQ(r.status, 2, "a bad command line exits 2");
    CHECK_STR(r.err, "bt386: unknown option '--foo' (try --help)\n", "one line on stderr");
    CHECK_STR(r.out, "", "nothing on stdout (the guest's console)");

    char *help[] = { "bt386", "--help", NULL };
    child_run(parse_and_exit, help, &r);
    CHECK_EQ(r.status, 0, "--help exits 0");
    CHECK(contains(r.out, "usage: bt386 [options] KERNEL") && contains(r.out, "--no-ibtc") &&
          contains(r.out, "-append CMDLINE") && contains(r.out, "-m SIZE"),
          "--help prints the usage and every option to stdout");
    CHECK(!contains(r.out, "  -h "), "aliases are not listed");
    CHECK_STR(r.err, "", "--help prints nothing on stderr");

    char *good[] = { "bt386", "-m", "64", "k", NULL };
    child_run(parse_and_exit, good, &r);
    CHECK_EQ(r.status, 42, "a good command line returns");
}

int main(void)
{
    test_good();
    test_sizes();
    test_bad();
    test_exits();
    return check_summary();
}
