/* The PC's 8259A pair as the test guests program it (8259A data sheet): the
 * master at 0x20/0x21, the slave at 0xa0/0xa1 on the master's IR2. pic_init
 * is what a PC BIOS or kernel does: ICW1-ICW4 to each chip (edge triggered,
 * cascade, the vector base, the cascade wiring, 8086 mode), then OCW1 (the
 * masks) to both; ICW1 clears a chip's mask and its edge sense, so no stale
 * request survives it. A guest that wants a different order or only one
 * chip writes the ports itself, or uses pic_icw for one chip.
 *
 *   pic_init(0x20, 0x28, 0xfe, 0xff);    vectors 0x20-0x2f, only IRQ 0 unmasked
 *   pic_eoi(12);                         in IRQ 12's handler: EOI to slave, master
 *   pic_mask(0xff, 0xff);                everything masked again
 */
#ifndef GUEST_PC_H
#define GUEST_PC_H

#include "guest.h"

#define PIC1_CMD 0x20               /* master: ICW1, OCW2, OCW3; reads IRR/ISR */
#define PIC1_DATA 0x21              /* master: ICW2-4, OCW1 (the mask) */
#define PIC2_CMD 0xa0               /* slave */
#define PIC2_DATA 0xa1
#define PIC_EOI 0x20                /* OCW2: non-specific EOI */

/* ICW1-ICW4 of the 8259A at `cmd`: 0x11 (edge, cascade, ICW4 follows), the
 * vector base, icw3 (master: 0x04, the slave on IR2; slave: 0x02, its ID)
 * and 0x01 (8086 mode, normal EOI). */
static inline void pic_icw(uint16_t cmd, uint8_t base, uint8_t icw3)
{
    outb(cmd, 0x11);
    outb((uint16_t)(cmd + 1), base);
    outb((uint16_t)(cmd + 1), icw3);
    outb((uint16_t)(cmd + 1), 0x01);
}

/* OCW1 to the master, then the slave: a set bit masks that IR line. */
static inline void pic_mask(uint8_t master_mask, uint8_t slave_mask)
{
    outb(PIC1_DATA, master_mask);
    outb(PIC2_DATA, slave_mask);
}

/* Both chips initialised (master's ICWs, slave's ICWs), then both masks. */
static inline void pic_init(uint8_t master_base, uint8_t slave_base,
                            uint8_t master_mask, uint8_t slave_mask)
{
    pic_icw(PIC1_CMD, master_base, 0x04);
    pic_icw(PIC2_CMD, slave_base, 0x02);
    pic_mask(master_mask, slave_mask);
}

/* Ends ISA line irq's interrupt: a non-specific EOI to the slave first if
 * the line is on it (8-15), then to the master. */
static inline void pic_eoi(unsigned irq)
{
    if (irq >= 8)
        outb(PIC2_CMD, PIC_EOI);
    outb(PIC1_CMD, PIC_EOI);
}

#endif
