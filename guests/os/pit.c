/* The 8254's channel 0 as the scheduler's clock (8254 data sheet): mode 2
 * (rate generator), binary, low then high byte of the divisor; its output
 * is IRQ 0. 1193182 Hz / 1193 = 1000.15 Hz, a 1 ms time slice. */
#include "defs.h"
#include "x86.h"

#define PIT_CH0 0x40
#define PIT_CMD 0x43
#define PIT_HZ 1193182u

void pit_init(void)
{
    uint16_t div = (uint16_t)((PIT_HZ + HZ / 2) / HZ);
    outb(PIT_CMD, 0x34);                /* channel 0, lobyte/hibyte, mode 2, binary */
    outb(PIT_CH0, (uint8_t)div);
    outb(PIT_CH0, (uint8_t)(div >> 8));
}
