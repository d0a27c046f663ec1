/* The shared freestanding C library (see libc.h). */
#include "libc.h"

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

