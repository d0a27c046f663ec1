/* Interrupt lines between the PC's devices and the CPU. Devices drive ISA
 * lines 0-15 with irq_set (the level their output pin has; the 8259A pair
 * in pic8259.c turns edges into requests, or levels where ELCR says so).
 * The PIC drives the CPU's INTR pin with cpu_set_intr (monitor side), and
 * the CPU side acknowledges with pic_acknowledge when it takes the
 * interrupt (the two INTA cycles: the vector, or a spurious 7/15).
 *
 *   irq_set(4, 1);                  the UART wants service (level high)
 *   irq_set(4, 0);                  ...and no longer
 *   if (pic_intr()) vector = pic_acknowledge();       (monitor/run.c)
 */
#ifndef BT386_DEVICES_IRQ_H
#define BT386_DEVICES_IRQ_H

#include <stdbool.h>

#define IRQ_LINES 16

/* The level of ISA line `line` as the device drives it. */
void irq_set(int line, int level);

/* The 8259A pair: is INTR asserted, and the vector of the INTA cycle. */
bool pic_intr(void);
int pic_acknowledge(void);

/* Implemented by the monitor: INTR changed (may be called from device code
 * running in a callout or in the run loop, never from another thread). */
void cpu_set_intr(bool asserted);

#endif
