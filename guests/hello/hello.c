/* The default guest: greets over the serial port, shows that the CPU
 * works (a few checks), and leaves through isa-debug-exit. */
#include "guest.h"

static uint32_t fib(uint32_t n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int main(void)
{
    printf("Hello from a 32-bit guest running under binary translation.\n");
    CHECK(fib(20) == 6765, "fib(20) = %u", fib(20));
    uint32_t eflags;
    __asm__ volatile("pushfl; popl %0" : "=r"(eflags));
    CHECK(eflags & 2, "EFLAGS bit 1 reads as 1");
    return check_summary();
}
