/* The two ways bt386 gives up (STYLE.md, "errors by kind"):
 *
 *   panic("shadow entry %#x points outside RAM", e);   a monitor bug: message,
 *        backtrace, guest state dump through the registered hook, exit 70
 *   fatal_user("cannot open kernel '%s': %s", p, strerror(errno));   the
 *        user's mistake: one line "bt386: <msg>" on stderr, exit 2
 *
 * A guest error (triple fault, a guest that stops with a failure code) is
 * neither: it is a guest event, reported by the run loop.
 * Messages are given without a trailing newline. */
#ifndef BT386_PANIC_H
#define BT386_PANIC_H

#define PANIC_EXIT_STATUS 70      /* EX_SOFTWARE in sysexits.h */
#define FATAL_USER_EXIT_STATUS 2  /* like a shell builtin's usage error */

/* A broken monitor invariant: never returns. Safe to call again from inside
 * the dump hook (the nested call skips the hook and exits at once). */
_Noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A user error (bad option, unusable kernel file): never returns. */
_Noreturn void fatal_user(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The monitor registers a function that prints the guest state (registers,
 * the current block) to stderr; panic calls it after the backtrace.
 * NULL removes it. */
void panic_set_hook(void (*dump)(void));

#endif
