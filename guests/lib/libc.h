/* The freestanding C library the test guests and the test OS share: what
 * gcc may call even with -ffreestanding (memset, memcpy, memcmp), string
 * helpers, and vsnprintf (%d %i %u %x %X %c %s %p %%, '0' padding, widths,
 * 'l'/'ll'); no I/O, so kernel, user program and test guest each print
 * their own way. */
#ifndef GUEST_LIBC_H
#define GUEST_LIBC_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
int snprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
