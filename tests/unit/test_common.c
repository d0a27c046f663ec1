/* common/: panic and fatal_user (what they print, how they exit) and the
 * counters' two printed forms. */
#include <math.h>
#include <stdint.h>

#include "common/panic.h"
#include "common/stats.h"
#include "check.h"

static void dump_guest(void)
{
    fprintf(stderr, "EIP=00100000 (test hook)\n");
}

__attribute__((noinline)) void panicking_function(void);
__attribute__((noinline)) void panicking_function(void)
{
    panic("shadow entry %#x outside RAM", 0x1234);
}

static void do_panic(void *unused)
{
    (void)unused;
    panic_set_hook(dump_guest);
    panicking_function();
}

static void nested_hook(void)
{
    panic("the hook broke too");
}

static void do_nested_panic(void *unused)
{
    (void)unused;
    panic_set_hook(nested_hook);
    panic("first");
}

static void do_fatal_user(void *unused)
{
    (void)unused;
    fatal_user("cannot open kernel '%s': %s", "k", "No such file or directory");
}

static void test_panic(void)
{
    struct child_result r;

    child_run(do_panic, NULL, &r);
    CHECK_EQ(r.status, 70, "panic exits 70");
    CHECK(strncmp(r.err, "bt386: internal error: shadow entry 0x1234 outside RAM\n", 55) == 0,
          "panic's first line");
    CHECK(contains(r.err, "bt386: backtrace:\n  #0  0x") &&
          contains(r.err, " panicking_function+0x") && contains(r.err, " do_panic+0x") &&
          contains(r.err, " main+0x"), "a backtrace with function names and offsets");
    CHECK(!contains(r.err, "print_backtrace") && !contains(r.err, " panic+0x"),
          "the backtrace starts at panic's caller");
    const char *bt = strstr(r.err, "backtrace"), *hook = strstr(r.err, "EIP=00100000");
    CHECK(bt && hook && hook > bt, "the hook's guest dump comes after the backtrace");
    CHECK_STR(r.out, "", "nothing on stdout");

    child_run(do_nested_panic, NULL, &r);
    CHECK_EQ(r.status, 70, "a panic inside the hook still exits 70");
    CHECK(contains(r.err, "bt386: internal error: first\n") &&
          contains(r.err, "bt386: internal error (while panicking): the hook broke too\n"),
          "both messages, the second marked nested");

    child_run(do_fatal_user, NULL, &r);
    CHECK_EQ(r.status, 2, "fatal_user exits 2");
    CHECK_STR(r.err, "bt386: cannot open kernel 'k': No such file or directory\n",
              "fatal_user prints exactly one line");
}

static void test_stats(void)
{
    char path[] = "/tmp/bt386-stats-XXXXXX", buf[16384];
    FILE *f = tmpfile();

    g_stats.insns_translated = 12345;
    g_stats.tc_lookups = 100;
    g_stats.exits[EXIT_halt] = 3;
    g_stats.callouts[CALLOUT_io_out] = 77;
    struct stat_extra extra[] = {
        { "tc_hit_rate", "TC lookups that hit", 0.75 },
        { "ns_per_insn", "translation time per guest instruction", NAN },
    };

    stats_print_table(f, extra, 2);
    read_all(f, buf, sizeof buf);
    CHECK(contains(buf, "insns_translated") && contains(buf, "12345") &&
          contains(buf, "guest instructions translated"), "a counter's row: name, value, text");
    CHECK(contains(buf, "tc_capacity") && contains(buf, "chain_links"),
          "zero counters are listed too");
    CHECK(contains(buf, "exit.halt") && contains(buf, "callout.io_out"),
          "non-zero exits and callouts are listed by name");
    CHECK(!contains(buf, "exit.block_end") && !contains(buf, "callout.cpuid"),
          "zero exits and callouts are not");
    CHECK(contains(buf, "tc_hit_rate") && contains(buf, "0.7500"), "extra rows");
    CHECK_STR(exit_reason_name(EXIT_indirect_miss), "indirect_miss", "exit_reason_name");
    CHECK_STR(callout_kind_name(CALLOUT_mem_slow), "mem_slow", "callout_kind_name");
    CHECK_STR(exit_reason_name(EXIT_REASON_COUNT), "?", "exit_reason_name out of range");

    int fd = mkstemp(path);
    close(fd);
    CHECK_EQ(stats_write_json(path, extra, 2), 0, "stats_write_json");
    f = fopen(path, "r");
    read_all(f, buf, sizeof buf);
    CHECK(contains(buf, "\"insns_translated\": 12345") && contains(buf, "\"tc_bytes\": 0"),
          "JSON has every counter");
    CHECK(contains(buf, "\"block_end\": 0") && contains(buf, "\"halt\": 3") &&
          contains(buf, "\"io_out\": 77") && contains(buf, "\"misc\": 0"),
          "JSON has every exit and callout, zeros too");
    CHECK(contains(buf, "\"tc_hit_rate\": 0.75") && contains(buf, "\"ns_per_insn\": null"),
          "JSON derived values, NaN as null");
    char cmd[128];
    snprintf(cmd, sizeof cmd, "python3 -c 'import json,sys; json.load(open(sys.argv[1]))' %s",
             path);
    if (system("command -v python3 >/dev/null") == 0)
        CHECK(system(cmd) == 0, "python3 reads it as JSON");
    unlink(path);
    CHECK_EQ(stats_write_json("/nonexistent/dir/s.json", NULL, 0), (uint64_t)-1,
             "an unwritable path returns -1");
}

int main(void)
{
    test_panic();
    test_stats();
    return check_summary();
}
