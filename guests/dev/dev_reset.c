/* A system reset through the keyboard controller: command 0xfe pulses
 * the 8042's output port bit 0, the CPU's reset line. QEMU -no-reboot
 * exits with status 0 on a guest reset; bt386 ends the run the same way
 * and says "bt386: guest requested a reset through the i8042" on stderr.
 * Not a self-checking guest (it never returns): built for a CLI test.
 * If the reset does not happen the guest says so and fails (status 5). */
#include "guest.h"

int main(void)
{
    __asm__ volatile("cli");
    printf("pulsing the reset line through the i8042 (command 0xfe)\n");
    while (inb(0x64) & 0x02)
        ;                               /* IBF: the controller is busy */
    outb(0x64, 0xfe);
    for (volatile int i = 0; i < 1000000; i++)
        ;
    printf("FAIL the machine did not reset\n");
    return 2;
}
