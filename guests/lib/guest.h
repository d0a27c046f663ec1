/* The test-guest runtime: serial output, checks that print ok/FAIL lines,
 * and exit through QEMU's isa-debug-exit port. Every guest in guests/ links
 * against it and defines `int main(void)`; main's return value (0 = pass)
 * becomes the exit code.
 *
 *   CHECK(x == 3, "add wraps");          prints "ok   add wraps" or "FAIL add wraps"
 *   CHECK_EQ(got, want, "imul %d", i);   prints both values on failure
 *   return check_summary();              "passed N failed M", 0 if M == 0
 */
#ifndef GUEST_H
#define GUEST_H

#include <stdint.h>
#include <stddef.h>
#include <stdarg.h>
#include "libc.h"

extern uint32_t mb_magic, mb_info;

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" :: "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint16_t inw(uint16_t port) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint32_t inl(uint16_t port) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

void serial_putc(char c);
void puts_raw(const char *s);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Leaves the machine: bt386 and QEMU exit with status (code << 1) | 1. */
void guest_exit(int code) __attribute__((noreturn));

void check_result(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int check_summary(void);
extern int checks_passed, checks_failed;

#define CHECK(cond, ...) check_result(!!(cond), __VA_ARGS__)
#define CHECK_EQ(got, want, fmt, ...) do { \
        uint32_t got_ = (uint32_t)(got), want_ = (uint32_t)(want); \
        check_result(got_ == want_, fmt, ##__VA_ARGS__); \
        if (got_ != want_) printf("     got %08x want %08x\n", got_, want_); \
    } while (0)

int main(void);

#endif
