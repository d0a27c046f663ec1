/* The 8259A pair (8259A data sheet): the master at 0x20/0x21, the slave at
 * 0xa0/0xa1 on the master's IR2. SeaBIOS leaves the master at vector base
 * 0x08, on top of the CPU's exceptions; the kernel programs both chips
 * again with ICW1-ICW4 (edge triggered, cascade, 8086 mode, normal EOI):
 * IRQ 0-7 at vectors 0x20-0x27, IRQ 8-15 at 0x28-0x2f. ICW1 also clears
 * the edge sense and the mask, so no request latched under SeaBIOS
 * survives. Only the timer (IRQ 0) and COM1 (IRQ 4) are unmasked. */
#include "defs.h"
#include "x86.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1

void pic_init(void)
{
    outb(PIC1_CMD, 0x11);               /* ICW1: edge, cascade, ICW4 follows */
    outb(PIC1_DATA, IRQ_BASE);          /* ICW2: vector base */
    outb(PIC1_DATA, 0x04);              /* ICW3: a slave on IR2 */
    outb(PIC1_DATA, 0x01);              /* ICW4: 8086 mode */
    outb(PIC2_CMD, 0x11);
    outb(PIC2_DATA, IRQ_BASE + 8);
    outb(PIC2_DATA, 0x02);              /* ICW3: slave ID 2 */
    outb(PIC2_DATA, 0x01);
    outb(PIC1_DATA, (uint8_t)~((1u << IRQ_TIMER) | (1u << IRQ_COM1)));
    outb(PIC2_DATA, 0xff);
}

/* Non-specific EOI (OCW2), to the slave first for IRQ 8-15. */
void pic_eoi(unsigned irq)
{
    if (irq >= 8)
        outb(PIC2_CMD, 0x20);
    outb(PIC1_CMD, 0x20);
}

/* The ISR bit of `irq` (OCW3 read ISR, then back to reading IRR). */
int pic_in_service(unsigned irq)
{
    uint16_t cmd = irq >= 8 ? PIC2_CMD : PIC1_CMD;
    outb(cmd, 0x0b);
    uint8_t isr = inb(cmd);
    outb(cmd, 0x0a);
    return (isr >> (irq & 7)) & 1;
}
