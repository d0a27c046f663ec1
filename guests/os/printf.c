/* A small vsnprintf for the kernel: %d %u %x %c %s %%, '0' padding and a
 * width; 32-bit values only. Output is truncated to the buffer, and the
 * return value is the length the whole text would have had. */
#include "defs.h"

struct out {
    char *buf;
    size_t n, len;
};

static void emit(struct out *o, char c)
{
    if (o->len + 1 < o->n)
        o->buf[o->len] = c;
    o->len++;
}

static void emit_num(struct out *o, uint32_t v, unsigned base, int width, char pad, int neg)
{
    char tmp[12];
    int i = 0;
    do {
        tmp[i++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (neg)
        tmp[i++] = '-';
    while (i < width--)
        emit(o, pad);
    while (i)
        emit(o, tmp[--i]);
}

int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
    struct out o = { buf, n, 0 };
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            emit(&o, *fmt);
            continue;
        }
        fmt++;
        char pad = ' ';
        int width = 0;
        if (*fmt == '0')
            pad = '0', fmt++;
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        switch (*fmt) {
        case 'd': {
            int32_t v = va_arg(ap, int32_t);
            emit_num(&o, v < 0 ? -(uint32_t)v : (uint32_t)v, 10, width, pad, v < 0);
            break;
        }
        case 'u':
            emit_num(&o, va_arg(ap, uint32_t), 10, width, pad, 0);
            break;
        case 'x':
            emit_num(&o, va_arg(ap, uint32_t), 16, width, pad, 0);
            break;
        case 'c':
            emit(&o, (char)va_arg(ap, int));
            break;
        case 's':
            for (const char *s = va_arg(ap, const char *); *s; s++)
                emit(&o, *s);
            break;
        case '%':
            emit(&o, '%');
            break;
        default:
            emit(&o, '?');
            break;
        }
    }
    if (o.n)
        o.buf[o.len < o.n ? o.len : o.n - 1] = 0;
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
