/* say(): formats into a buffer on the task's stack and hands it to
 * write(), which appends it to this task's console log. */
#include <stdarg.h>
#include "user.h"

static void put_num(char *buf, int *len, uint32_t v, unsigned base)
{
    char tmp[12];
    int i = 0;
    do {
        tmp[i++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    while (i && *len < 120)
        buf[(*len)++] = tmp[--i];
}

void say(const char *fmt, ...)
{
    char buf[128];
    int len = 0;
    va_list ap;
    va_start(ap, fmt);
    for (; *fmt && len < 120; fmt++) {
        if (*fmt != '%') {
            buf[len++] = *fmt;
            continue;
        }
        fmt++;
        if (*fmt == 'd') {
            int v = va_arg(ap, int);
            if (v < 0) {
                buf[len++] = '-';
                v = -v;
            }
            put_num(buf, &len, (uint32_t)v, 10);
        } else if (*fmt == 'x') {
            put_num(buf, &len, va_arg(ap, uint32_t), 16);
        } else if (*fmt == 's') {
            for (const char *s = va_arg(ap, const char *); *s && len < 120; s++)
                buf[len++] = *s;
        }
    }
    va_end(ap);
    write(buf, (uint32_t)len);
}
