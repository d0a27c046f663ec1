/* The test-guest runtime (see guest.h): a polled 16550 driver, a small
 * printf, the check counters and the exit path. Freestanding: no libc. */
#include "guest.h"

#define COM1 0x3f8
#define DEBUG_EXIT_PORT 0xf4

int checks_passed, checks_failed;

void serial_putc(char c)
{
    /* LSR bit 5: transmit holding register empty. */
    while (!(inb(COM1 + 5) & 0x20))
        ;
    outb(COM1, (uint8_t)c);
}

void puts_raw(const char *s)
{
    while (*s)
        serial_putc(*s++);
}

void *memset(void *d, int c, size_t n)
{
    uint8_t *p = d;
    while (n--)
        *p++ = (uint8_t)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    uint8_t *p = d;
    const uint8_t *q = s;
    while (n--)
        *p++ = *q++;
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *p = a, *q = b;
    for (; n; n--, p++, q++)
        if (*p != *q)
            return *p - *q;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (uint8_t)*a - (uint8_t)*b;
}

struct outbuf {
    char *buf;
    size_t n, len;
};

static void emit(struct outbuf *o, char c)
{
    if (o->len + 1 < o->n)
        o->buf[o->len] = c;
    o->len++;
}

static void emit_num(struct outbuf *o, uint64_t v, int base, int width, char pad, int neg, int upper)
{
    char tmp[24];
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int i = 0;
    do {
        tmp[i++] = digits[v % base];
        v /= base;
    } while (v);
    if (neg)
        tmp[i++] = '-';
    while (i < width--)
        emit(o, pad);
    while (i)
        emit(o, tmp[--i]);
}

/* Supports %d %i %u %x %X %c %s %p %%, flags '0' and '-' not needed beyond
 * zero padding, widths, and the 'l'/'ll' length modifiers. */
int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
    struct outbuf o = { buf, n, 0 };
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            emit(&o, *fmt);
            continue;
        }
        fmt++;
        char pad = ' ';
        int width = 0, longs = 0;
        if (*fmt == '0')
            pad = '0', fmt++;
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l')
            longs++, fmt++;
        switch (*fmt) {
        case 'd': case 'i': {
            int64_t v = longs > 1 ? va_arg(ap, int64_t) : va_arg(ap, int32_t);
            emit_num(&o, v < 0 ? -(uint64_t)v : (uint64_t)v, 10, width, pad, v < 0, 0);
            break;
        }
        case 'u': case 'x': case 'X': {
            uint64_t v = longs > 1 ? va_arg(ap, uint64_t) : va_arg(ap, uint32_t);
            emit_num(&o, v, *fmt == 'u' ? 10 : 16, width, pad, 0, *fmt == 'X');
            break;
        }
        case 'p':
            emit_num(&o, va_arg(ap, uint32_t), 16, 8, '0', 0, 0);
            break;
        case 'c':
            emit(&o, (char)va_arg(ap, int));
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            int len = (int)strlen(s);
            while (len < width--)
                emit(&o, ' ');
            while (*s)
                emit(&o, *s++);
            break;
        }
        case '%':
            emit(&o, '%');
            break;
        default:
            emit(&o, '?');
        }
    }
    if (n)
        buf[o.len < n ? o.len : n - 1] = 0;
    return (int)o.len;
}

int snprintf(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}

int printf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    puts_raw(buf);
    return r;
}

void guest_exit(int code)
{
    outb(DEBUG_EXIT_PORT, (uint8_t)code);
    /* Not under a VMM with isa-debug-exit: stop here. */
    for (;;)
        __asm__ volatile("cli; hlt");
}

void check_result(int ok, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    printf("%s %s\n", ok ? "ok  " : "FAIL", buf);
    if (ok)
        checks_passed++;
    else
        checks_failed++;
}

int check_summary(void)
{
    printf("passed %d failed %d\n", checks_passed, checks_failed);
    return checks_failed ? 1 : 0;
}

void guest_main_wrapper(void);
void guest_main_wrapper(void)
{
    if (mb_magic != 0x2BADB002) {
        printf("FAIL multiboot magic %08x\n", mb_magic);
        guest_exit(2);
    }
    guest_exit(main());
}
