/* A system reset through the 8042 keyboard controller, the way PCs have
 * rebooted since the AT: wait until the controller's input buffer is empty
 * (status bit 1, IBF), then command 0xfe, which pulses output-port bit 0,
 * the CPU's reset line. */
#include "defs.h"
#include "x86.h"

#define KBD_STATUS 0x64
#define KBD_CMD 0x64
#define KBD_IBF 0x02

void i8042_reboot(void)
{
    cli();
    for (uint32_t n = 0; inb(KBD_STATUS) & KBD_IBF; n++)
        if (n > 10000000)
            panic("i8042: input buffer never empties");
    outb(KBD_CMD, 0xfe);
    for (volatile uint32_t n = 0; n < 100000000; n++)
        ;
    panic("i8042: command 0xfe did not reset the machine");
}
