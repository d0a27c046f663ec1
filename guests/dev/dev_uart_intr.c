/* IRQ 4 delivered: the UART's THRE interrupt reaches the CPU through the
 * master 8259A and runs an IDT handler, which identifies the source in IIR
 * and ends it with a non-specific EOI (PC16550D data sheet table 4; 8259A
 * fully nested mode). Needs interrupt delivery from the monitor.
 * The master is reprogrammed to vector base 0x20 as an OS does: SeaBIOS's
 * base 08 puts IRQ 4 on vector 0c, which the pm kit's stubs treat as #SS
 * with an error code.
 *
 * Only THRE is used as a source, with OUT2 set and loopback off: the only
 * setting where a PC and QEMU 7.2 agree (see dev_uart.c). How many THR
 * bytes one interrupt covers depends on where the CPU looks at INTR, so
 * the test waits for the handler after each event instead of counting
 * bytes; and it prints nothing while ETBEI is on. */
#include "pc.h"
#include "pm.h"

#define COM1 0x3f8
#define THR  (COM1 + 0)
#define IER  (COM1 + 1)
#define IIR  (COM1 + 2)
#define MCR  (COM1 + 4)

#define PIC_BASE 0x20
#define IRQ4_VECTOR (PIC_BASE + 4)

static volatile uint32_t irq_count;
static volatile uint8_t last_iir, last_isr;

static int irq4_handler(struct pm_fault *f)
{
    (void)f;
    outb(PIC1_CMD, 0x0b);           /* OCW3: read ISR */
    last_isr = inb(PIC1_CMD);
    outb(PIC1_CMD, 0x0a);
    last_iir = inb(IIR);            /* THRE: this read acknowledges it */
    irq_count++;
    pic_eoi(4);
    return 1;
}

/* Waits, interrupts on, until the handler has run `n` times in all or
 * `spins` PAUSEs went by. */
static int wait_irqs(uint32_t n, uint32_t spins)
{
    __asm__ volatile("sti");
    for (uint32_t i = 0; irq_count < n && i < spins; i++)
        __asm__ volatile("pause");
    __asm__ volatile("cli");
    return irq_count >= n;
}

int main(void)
{
    uint8_t r_iir[3], r_isr;
    int ok[4];

    pm_init();
    pm_set_handler(IRQ4_VECTOR, irq4_handler);
    __asm__ volatile("cli");
    uint8_t imr = inb(PIC1_DATA);

    printf("     THR bytes written with ETBEI on: ");
    /* The master only (the slave keeps SeaBIOS's setup): ICW1-ICW4, base
     * 0x20. ICW1 also resets the edge sense (QEMU's stale IR4 request is
     * gone) and clears the mask, set again at once (IF = 0 meanwhile). */
    pic_icw(PIC1_CMD, PIC_BASE, 0x04);
    outb(PIC1_DATA, 0xef);          /* IR4 only */
    outb(MCR, 0x08);

    outb(IER, 0x02);                /* THRE pending: IRQ 4 */
    ok[0] = wait_irqs(1, 10000000);
    r_iir[0] = last_iir;
    r_isr = last_isr;

    outb(THR, '*');                 /* THRE again once the byte left */
    ok[1] = wait_irqs(2, 10000000);
    r_iir[1] = last_iir;

    /* HLT wakes up for the interrupt: STI's shadow covers the HLT, so the
     * request pending from ETBEI's rising edge is taken in HLT. */
    outb(IER, 0x00);
    outb(IER, 0x02);
    __asm__ volatile("sti; hlt; cli");
    ok[2] = irq_count == 3;
    r_iir[2] = last_iir;

    outb(IER, 0x00);
    ok[3] = wait_irqs(4, 100000) == 0;   /* nothing more comes */
    outb(PIC1_DATA, imr);
    printf("\n");

    CHECK(ok[0], "ETBEI on, OUT2 set, IR4 unmasked, IF = 1: the IRQ 4 handler runs");
    CHECK_EQ(r_isr, 0x10, "in the handler: ISR bit 4 (IR4 in service)");
    CHECK_EQ(r_iir[0], 0x02, "in the handler: IIR says THRE");
    CHECK(ok[1], "a THR write: THRE again, another interrupt");
    CHECK_EQ(r_iir[1], 0x02, "...IIR says THRE");
    CHECK(ok[2], "STI; HLT: the interrupt ends the halt");
    CHECK_EQ(r_iir[2], 0x02, "...IIR says THRE");
    CHECK(ok[3], "ETBEI off: no more interrupts");
    return check_summary();
}
