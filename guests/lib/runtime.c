/* The test-guest runtime (see guest.h): a polled 16550 driver, printf,
 * the check counters and the exit path. Freestanding: the string and
 * formatting helpers are in libc.c, which guests/os links too. */
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
