/* Helpers for the unit tests: checks that print one "ok"/"FAIL" line each,
 * like the test guests do, and a way to run a piece of a test in a child
 * process (for code that exits, or that needs fresh global state) with its
 * stdout and stderr captured.
 *
 *   CHECK(x == 3, "add wraps");                    "ok   add wraps"
 *   CHECK_EQ(got, 0x24f, "mbi flags");             prints both on failure
 *   CHECK_STR(msg, "unknown option '--foo'", "message");
 *   struct child_result r; child_run(fn, arg, &r);  r.status, r.out, r.err
 *   return check_summary();                        main's exit status
 */
#ifndef BT386_TESTS_CHECK_H
#define BT386_TESTS_CHECK_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int checks_passed, checks_failed;
static FILE *check_stream;      /* where check lines go; NULL means stdout */

static inline FILE *check_out(void)
{
    return check_stream ? check_stream : stdout;
}

static inline __attribute__((format(printf, 2, 3)))
int check_result(int ok, const char *fmt, ...)
{
    va_list ap;
    FILE *f = check_out();

    fputs(ok ? "ok   " : "FAIL ", f);
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
    fflush(f);
    if (ok)
        checks_passed++;
    else
        checks_failed++;
    return ok;
}

#define CHECK(cond, ...) check_result(!!(cond), __VA_ARGS__)

#define CHECK_EQ(got, want, ...) do {                                              \
        unsigned long long got_ = (unsigned long long)(got);                       \
        unsigned long long want_ = (unsigned long long)(want);                     \
        if (!check_result(got_ == want_, __VA_ARGS__))                             \
            fprintf(check_out(), "     got 0x%llx want 0x%llx (%s:%d)\n",          \
                    got_, want_, __FILE__, __LINE__);                              \
    } while (0)

#define CHECK_STR(got, want, ...) do {                                             \
        const char *gots_ = (got), *wants_ = (want);                               \
        if (!check_result(gots_ && strcmp(gots_, wants_) == 0, __VA_ARGS__))       \
            fprintf(check_out(), "     got \"%s\"\n     want \"%s\" (%s:%d)\n",      \
                    gots_ ? gots_ : "(null)", wants_, __FILE__, __LINE__);         \
    } while (0)

/* True if haystack contains needle. */
static inline int contains(const char *haystack, const char *needle)
{
    return haystack && strstr(haystack, needle) != NULL;
}

static inline int check_summary(void)
{
    fprintf(check_out(), "passed %d failed %d\n", checks_passed, checks_failed);
    return checks_failed ? 1 : 0;
}

struct child_result {
    int status;                 /* exit status, or 128 + signal number */
    char out[16384];            /* what the child wrote to stdout */
    char err[16384];            /* ... and to stderr */
};

static inline void read_all(FILE *f, char *buf, size_t size)
{
    size_t n;
    rewind(f);
    n = fread(buf, 1, size - 1, f);
    buf[n] = 0;
    fclose(f);
}

/* Runs fn(arg) in a child whose stdout and stderr go to files. The child's
 * own checks still print to the test's stdout; when fn returns, the child
 * exits 0 if they all passed, 1 if not. */
static inline void child_run(void (*fn)(void *), void *arg, struct child_result *r)
{
    FILE *out = tmpfile(), *err = tmpfile();

    if (!out || !err) {
        perror("tmpfile");
        exit(99);
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        exit(99);
    }
    if (pid == 0) {
        check_stream = fdopen(dup(STDOUT_FILENO), "w");
        checks_failed = 0;
        dup2(fileno(out), STDOUT_FILENO);
        dup2(fileno(err), STDERR_FILENO);
        fn(arg);
        fflush(NULL);
        exit(checks_failed ? 1 : 0);
    }
    int st;
    waitpid(pid, &st, 0);
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    read_all(out, r->out, sizeof r->out);
    read_all(err, r->err, sizeof r->err);
}

/* Lines in s (a final line without '\n' counts). */
static inline int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        if (*s == '\n' || s[1] == 0)
            n++;
    return n;
}

#endif
