/* The 16550A's interrupts (National PC16550D data sheet, table 4 and the
 * MCR description) as a guest sees them: IIR's priorities among pending
 * sources, what acknowledges each, the FIFO trigger level and character
 * timeout, and IRQ 4 at the 8259A (IRR read with OCW3, IF = 0 throughout).
 *
 * The sources are made in loopback (MCR.LOOP: THR feeds RBR), so nothing
 * but the deliberate THR bytes reaches the console; nothing is printed
 * while loopback or the THRE interrupt is on, results are collected first.
 *
 * IRQ 4 is looked at only where a PC and QEMU 7.2 agree. On a PC the
 * UART's INTR pin reaches IRQ 4 through a buffer MCR.OUT2 enables, and
 * loopback forces the OUT2 pin inactive; QEMU raises IRQ 4 whenever a
 * source is pending. So: OUT2 set, loopback off, and only THRE as a source
 * (the other sources need a line partner or loopback); IRQ 4 is never read
 * while OUT2 is clear. QEMU also starts with a stale IRR bit 4 latched from
 * SeaBIOS's serial traffic: a poll acknowledges it first. */
#include "guest.h"

#define COM1 0x3f8
#define RBR  (COM1 + 0)
#define THR  (COM1 + 0)
#define IER  (COM1 + 1)
#define IIR  (COM1 + 2)
#define FCR  (COM1 + 2)
#define LCR  (COM1 + 3)
#define MCR  (COM1 + 4)
#define LSR  (COM1 + 5)

#define MCR_OUT2 0x08
#define MCR_LOOP 0x10

#define PIC_CMD  0x20
#define PIC_IMR  0x21
#define ELCR1    0x4d0

static uint8_t pic_irr(void)
{
    outb(PIC_CMD, 0x0a);            /* OCW3: read IRR */
    return inb(PIC_CMD);
}

static uint8_t pic_isr(void)
{
    outb(PIC_CMD, 0x0b);            /* OCW3: read ISR */
    uint8_t v = inb(PIC_CMD);
    outb(PIC_CMD, 0x0a);
    return v;
}

static uint8_t pic_poll(void)
{
    outb(PIC_CMD, 0x0c);            /* OCW3: poll; the read is the INTA */
    return inb(PIC_CMD);
}

static int irq4(void)
{
    return (pic_irr() >> 4) & 1;
}

/* Reads IIR until it stops showing `id` (its low nibble); a bound so that
 * a timeout that never comes is a FAIL, not a hang. */
static uint8_t iir_wait_change(uint8_t id)
{
    uint8_t v;
    for (uint32_t n = 0; ((v = inb(IIR)) & 0x0f) == id && n < 100000000u; n++)
        ;
    return v;
}

/* FIFOs off, loopback. */
static void test_priorities(void)
{
    uint8_t r[16];

    outb(MCR, MCR_LOOP | MCR_OUT2);
    outb(IER, 0x0f);
    r[0] = inb(IIR);
    r[1] = inb(IIR);
    outb(THR, 0x41);
    outb(THR, 0x42);                /* RBR still full: overrun */
    r[2] = inb(IIR);
    r[3] = inb(LSR);
    r[4] = inb(IIR);
    r[5] = inb(RBR);
    r[6] = inb(IIR);
    r[7] = inb(IIR);
    outb(IER, 0x01);
    outb(THR, 0x43);
    r[8] = inb(IIR);
    outb(IER, 0x00);
    r[9] = inb(IIR);
    r[10] = inb(LSR);
    outb(IER, 0x05);
    r[11] = inb(IIR);
    r[12] = inb(RBR);
    r[13] = inb(IIR);
    outb(IER, 0x00);
    outb(MCR, MCR_OUT2);

    CHECK_EQ(r[0], 0x02, "ETBEI turned on with THR empty: IIR THRE (02)");
    CHECK_EQ(r[1], 0x01, "reading IIR with THRE the source acknowledges it: 01");
    CHECK_EQ(r[2], 0x06, "overrun, data and THRE pending: receiver line status first (06)");
    CHECK_EQ(r[3], 0x63, "LSR: OE, DR, THRE, TEMT");
    CHECK_EQ(r[4], 0x04, "LSR read cleared OE: received data available next (04)");
    CHECK_EQ(r[5], 0x42, "RBR holds the byte that overran");
    CHECK_EQ(r[6], 0x02, "RBR read: THRE from the THR writes is left (02)");
    CHECK_EQ(r[7], 0x01, "...and acknowledged by that read: none (01)");
    CHECK_EQ(r[8], 0x04, "IER = ERBFI only: received data available (04)");
    CHECK_EQ(r[9], 0x01, "IER = 0: no interrupt though data is there (01)");
    CHECK_EQ(r[10], 0x61, "LSR.DR independent of IER");
    CHECK_EQ(r[11], 0x04, "ELSI and ERBFI, no line error: received data (04)");
    CHECK_EQ(r[12], 0x43, "RBR 43");
    CHECK_EQ(r[13], 0x01, "RBR read clears received data (01)");
}

/* FIFOs on, trigger level 4, loopback. The character timeout comes 4
 * character times after the last FIFO activity: the guest reads IIR until
 * it changes. At 50 baud (divisor 2304, 8N1) that is 800 ms, so that the
 * checks that the timeout is not there yet hold on a loaded host too. */
static void test_fifo_timeout(void)
{
    uint8_t r[20];

    outb(MCR, MCR_LOOP | MCR_OUT2);
    outb(LCR, 0x83);                /* DLAB */
    outb(COM1 + 0, 0x00);           /* divisor 0900: 50 baud */
    outb(COM1 + 1, 0x09);
    outb(LCR, 0x03);                /* 8N1 */
    outb(FCR, 0x47);                /* enable, reset both FIFOs, trigger 4 */
    outb(IER, 0x01);
    r[0] = inb(IIR);
    outb(THR, 1);
    outb(THR, 2);
    outb(THR, 3);
    r[1] = inb(IIR);
    r[2] = iir_wait_change(0x01);
    r[3] = inb(RBR);
    r[4] = inb(IIR);
    r[5] = iir_wait_change(0x01);
    outb(THR, 4);
    outb(THR, 5);
    outb(THR, 6);
    r[6] = inb(IIR);
    r[7] = inb(RBR);
    r[8] = inb(IIR);
    r[9] = iir_wait_change(0x04);
    outb(IER, 0x00);
    r[10] = inb(IIR);
    outb(IER, 0x01);
    r[11] = inb(IIR);
    outb(FCR, 0x07);                /* reset both FIFOs, trigger 1 */
    r[12] = inb(IIR);
    r[13] = inb(LSR);
    outb(THR, 7);
    r[14] = inb(IIR);
    r[15] = inb(RBR);
    r[16] = inb(IIR);
    outb(FCR, 0x00);
    outb(IER, 0x00);
    outb(LCR, 0x80);
    outb(COM1 + 0, 0x0c);           /* back to 9600 baud, LCR 00 */
    outb(COM1 + 1, 0x00);
    outb(LCR, 0x00);
    outb(MCR, MCR_OUT2);

    CHECK_EQ(r[0], 0xc1, "FIFOs on: IIR bits 7:6 set, nothing pending (c1)");
    CHECK_EQ(r[1], 0xc1, "3 bytes, trigger 4: no data interrupt yet (c1)");
    CHECK_EQ(r[2], 0xcc, "4 character times without FIFO activity: character timeout (cc)");
    CHECK_EQ(r[3], 0x01, "RBR: the first byte");
    CHECK_EQ(r[4], 0xc1, "reading RBR clears the timeout and restarts it (c1)");
    CHECK_EQ(r[5], 0xcc, "4 character times later: timeout again (cc)");
    CHECK_EQ(r[6], 0xcc, "new bytes (5 now) do not clear a pending timeout (cc)");
    CHECK_EQ(r[7], 0x02, "RBR: the second byte");
    CHECK_EQ(r[8], 0xc4, "4 bytes at trigger 4: received data available (c4)");
    CHECK_EQ(r[9], 0xcc, "timeout outranks data, and comes above the trigger level too (cc)");
    CHECK_EQ(r[10], 0xc1, "IER = 0: nothing (c1)");
    CHECK_EQ(r[11], 0xcc, "ERBFI again: the timeout is still pending (cc)");
    CHECK_EQ(r[12], 0xc1, "FCR receive FIFO reset clears the timeout (c1)");
    CHECK_EQ(r[13], 0x60, "...and the data (LSR 60)");
    CHECK_EQ(r[14], 0xc4, "trigger 1: one byte is data available (c4)");
    CHECK_EQ(r[15], 0x07, "RBR 07");
    CHECK_EQ(r[16], 0xc1, "FIFO empty: nothing pending (c1)");
}

/* IRQ 4 at the master 8259A: only IR4 unmasked, so the poll command sees
 * nothing else. */
static void test_irq4(void)
{
    uint8_t imr = inb(PIC_IMR), elcr = inb(ELCR1);
    uint8_t r[24];

    /* Two THR bytes go out below, while ETBEI is on: no printing then. */
    printf("     THR bytes written with ETBEI on: ");
    outb(PIC_IMR, 0xef);
    if (pic_poll() & 0x80)          /* QEMU's stale request, see above */
        outb(PIC_CMD, 0x20);

    /* Edge-triggered (ELCR bit 4 clear, as SeaBIOS leaves it). */
    outb(MCR, MCR_OUT2);
    outb(IER, 0x00);
    r[0] = irq4();
    outb(IER, 0x02);
    r[1] = irq4();
    r[2] = pic_poll();
    r[3] = pic_isr();
    outb(PIC_CMD, 0x20);            /* non-specific EOI */
    r[4] = irq4();
    r[5] = inb(IIR);
    r[6] = irq4();
    outb(THR, '*');                 /* the line goes high again: an edge */
    r[7] = irq4();
    if (pic_poll() & 0x80)
        outb(PIC_CMD, 0x20);
    outb(IER, 0x00);

    /* Level-triggered (ELCR bit 4 set): IRR bit 4 is the line. */
    outb(ELCR1, elcr | 0x10);
    outb(IER, 0x02);
    r[8] = irq4();
    outb(IER, 0x00);
    r[9] = irq4();
    outb(IER, 0x02);
    r[10] = irq4();
    r[11] = inb(IIR);
    r[12] = irq4();
    outb(THR, '*');
    r[13] = irq4();
    r[14] = pic_poll();
    r[15] = irq4();
    outb(PIC_CMD, 0x20);
    r[16] = pic_isr();
    outb(IER, 0x00);
    r[17] = irq4();
    /* OUT2 off while THRE becomes pending (IRQ 4 not looked at: a PC
     * keeps it low, QEMU raises it), then on. */
    outb(MCR, 0x00);
    outb(IER, 0x02);
    outb(MCR, MCR_OUT2);
    r[18] = irq4();
    outb(IER, 0x00);
    r[19] = irq4();
    printf("\n");

    outb(ELCR1, elcr);
    outb(PIC_IMR, imr);

    CHECK_EQ(r[0], 0, "IER = 0: no source, IRQ 4 not requested");
    CHECK_EQ(r[1], 1, "ETBEI on, OUT2 set: THRE drives IRQ 4, IRR bit 4 set");
    CHECK_EQ(r[2], 0x84, "8259A poll: request at IR4");
    CHECK_EQ(r[3], 0x10, "the poll read acknowledged IR4: ISR bit 4");
    CHECK_EQ(r[4], 0, "edge mode: after the acknowledge IRR 4 stays clear, the line still high");
    CHECK_EQ(r[5], 0x02, "IIR: THRE, acknowledged by this read");
    CHECK_EQ(r[6], 0, "IRR 4 still clear");
    CHECK_EQ(r[7], 1, "a THR write makes THRE pending again: a new edge, IRR bit 4");
    CHECK_EQ(r[8], 1, "level mode: ETBEI on, IRQ 4 high");
    CHECK_EQ(r[9], 0, "level mode: ETBEI off, IRQ 4 low");
    CHECK_EQ(r[10], 1, "level mode: ETBEI on again re-arms THRE, IRQ 4 high");
    CHECK_EQ(r[11], 0x02, "IIR: THRE");
    CHECK_EQ(r[12], 0, "level mode: the IIR read acknowledged THRE, IRQ 4 low");
    CHECK_EQ(r[13], 1, "level mode: a THR write, THRE again, IRQ 4 high");
    CHECK_EQ(r[14], 0x84, "level mode poll: IR4");
    CHECK_EQ(r[15], 1, "level mode: the acknowledge leaves IRR 4 set while the line is high");
    CHECK_EQ(r[16], 0, "EOI cleared ISR");
    CHECK_EQ(r[17], 0, "level mode: ETBEI off, IRQ 4 low");
    CHECK_EQ(r[18], 1, "OUT2 set with THRE pending: IRQ 4 high");
    CHECK_EQ(r[19], 0, "ETBEI off: IRQ 4 low");
}

int main(void)
{
    __asm__ volatile("cli");
    test_priorities();
    test_fifo_timeout();
    test_irq4();
    return check_summary();
}
