/* say(): formats into a buffer on the task's stack and hands it to
 * write(), which appends it to this task's console log. */
#include <stdarg.h>
#include "user.h"
#include "libc.h"

void say(const char *fmt, ...)
{
    char buf[128];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    write(buf, (uint32_t)(len < (int)sizeof buf ? len : (int)sizeof buf - 1));
}
