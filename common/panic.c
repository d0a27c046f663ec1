/* panic() and fatal_user(): how bt386 stops on a monitor bug and on a user
 * error. Owns the panic hook and the libunwind backtrace; must not know
 * anything about the guest (the monitor's hook prints guest state).
 * Everything goes to stderr: stdout is the guest's serial console. */
#define UNW_LOCAL_ONLY
#include <libunwind.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/panic.h"

static void (*panic_hook)(void);
static volatile int panic_depth;

void panic_set_hook(void (*dump)(void))
{
    panic_hook = dump;
}

/* One line per frame, innermost first, starting with panic's caller.
 * noinline: the frames to skip must be exactly this one and panic's. */
static __attribute__((noinline)) void print_backtrace(void)
{
    unw_context_t ctx;
    unw_cursor_t cur;

    if (unw_getcontext(&ctx) != 0 || unw_init_local(&cur, &ctx) != 0) {
        fprintf(stderr, "bt386: (no backtrace: libunwind failed)\n");
        return;
    }
    fprintf(stderr, "bt386: backtrace:\n");
    if (unw_step(&cur) <= 0)        /* from print_backtrace to panic */
        return;
    for (int depth = 0; depth < 64 && unw_step(&cur) > 0; depth++) {
        unw_word_t ip = 0, off = 0;
        char name[256];

        unw_get_reg(&cur, UNW_REG_IP, &ip);
        if (unw_get_proc_name(&cur, name, sizeof name, &off) == 0)
            fprintf(stderr, "  #%-2d 0x%016lx %s+0x%lx\n", depth, (unsigned long)ip,
                    name, (unsigned long)off);
        else
            fprintf(stderr, "  #%-2d 0x%016lx ?\n", depth, (unsigned long)ip);
    }
}

void panic(const char *fmt, ...)
{
    va_list ap;

    panic_depth++;
    fprintf(stderr, panic_depth > 1 ? "bt386: internal error (while panicking): "
                                    : "bt386: internal error: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    if (panic_depth > 1) {
        /* The hook or the backtrace itself failed: leave without running
         * atexit handlers that may touch the same broken state. */
        _exit(PANIC_EXIT_STATUS);
    }
    print_backtrace();
    if (panic_hook) {
        fprintf(stderr, "bt386: guest state:\n");
        panic_hook();
    }
    fflush(stderr);
    /* exit(), not _exit(): atexit handlers flush the guest's serial output,
     * which usually says what the guest was doing. */
    exit(PANIC_EXIT_STATUS);
}

void fatal_user(const char *fmt, ...)
{
    va_list ap;

    fputs("bt386: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(FATAL_USER_EXIT_STATUS);
}
