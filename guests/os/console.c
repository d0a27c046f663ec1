/* Kernel output: kprintf formats a line and queues it on the interrupt-
 * driven UART (uart.c). panic gives up on interrupts and the ring and
 * writes polled, then leaves through isa-debug-exit. */
#include "defs.h"
#include "x86.h"

#define DEBUG_EXIT_PORT 0xf4

void kprintf(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    uart_write(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/* isa-debug-exit: QEMU (and bt386) exit with status (code << 1) | 1. */
void machine_exit(int code)
{
    outl(DEBUG_EXIT_PORT, (uint32_t)code);
    for (;;)
        __asm__ volatile("cli; hlt");
}

void panic(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    cli();
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    uart_polled_write("\npanic: ");
    uart_polled_write(buf);
    uart_polled_write("\n");
    machine_exit(2);
}
