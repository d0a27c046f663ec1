/* The 8259A pair and the PIIX ELCR at register level, with interrupts off
 * (IF = 0 throughout: nothing is delivered, the CPU never runs an INTA).
 * The only request source is IRQ 0 from the PIT, which SeaBIOS leaves
 * running at 18.2 Hz: a test waits until IRR bit 0 is set (the edge just
 * happened, so the next one is ~55 ms away) and then does its port
 * accesses at once, printing only afterwards, so no other edge falls in
 * between. The OCW3 poll command stands in for the INTA cycle: its read
 * acknowledges like one. Only IRR bit 0 is ever compared: QEMU shows stale
 * edge requests on other lines (IRQ 4 from SeaBIOS's serial traffic).
 * Leaves every line masked, nothing in service and the ELCR as found. */
#include "guest.h"

#define PIC_M 0x20
#define PIC_S 0xa0
#define ELCR 0x4d0

#define OCW3_IRR 0x0a
#define OCW3_ISR 0x0b
#define OCW3_POLL 0x0c
#define OCW3_NOP 0x08       /* OCW3 with RR = 0: changes no selection */
#define EOI 0x20
#define SPECIFIC_EOI 0x60
#define ROTATE_EOI 0xa0
#define SET_PRIORITY 0xc0

/* ~60 times the reads one PIT period takes under QEMU (330 000). */
#define WAIT_READS 20000000u

static int pit_ticks = 1;   /* cleared once IRQ 0 failed to come */

static uint8_t read_irr(uint16_t chip) { outb(chip, OCW3_IRR); return inb(chip); }
static uint8_t read_isr(uint16_t chip) { outb(chip, OCW3_ISR); return inb(chip); }
static uint8_t poll(uint16_t port) { outb((uint16_t)(port & ~1), OCW3_POLL); return inb(port); }

/* The PIT's next rising edge on IRQ 0, seen as IRR bit 0 (IRR is
 * selected). Fails once, and then every later wait gives up at once. */
static int wait_irq0(void)
{
    if (!pit_ticks)
        return 0;
    outb(PIC_M, OCW3_IRR);
    for (uint32_t n = 0; n < WAIT_READS; n++)
        if (inb(PIC_M) & 1)
            return 1;
    pit_ticks = 0;
    CHECK(0, "IRQ 0 (PIT channel 0) sets IRR bit 0 within %u reads", WAIT_READS);
    return 0;
}

static void init_master(uint8_t icw4)
{
    outb(PIC_M, 0x11);          /* ICW1: edge, cascade, ICW4 follows */
    outb(PIC_M + 1, 0x08);      /* ICW2: SeaBIOS's vector base */
    outb(PIC_M + 1, 0x04);      /* ICW3: the slave on IR2 */
    outb(PIC_M + 1, icw4);
}

static void test_reset_state(void)
{
    CHECK(inb(PIC_M + 1) == 0xb8 && inb(PIC_S + 1) == 0x8e,
          "SeaBIOS leaves masks b8 8e (IRQ 0 1 2 6 8 12 13 14 open)");
    CHECK(inb(ELCR) == 0x00 && inb(ELCR + 1) == 0x0c,
          "SeaBIOS leaves ELCR 00 0c (PCI IRQ 10 and 11 level-triggered)");
    CHECK(read_isr(PIC_M) == 0 && read_isr(PIC_S) == 0, "nothing in service at kernel entry");
}

static void test_masks(void)
{
    int ok = 1;
    for (unsigned v = 0; v < 256; v++) {
        outb(PIC_M + 1, (uint8_t)v);
        outb(PIC_S + 1, (uint8_t)~v);
        ok &= inb(PIC_M + 1) == v && inb(PIC_S + 1) == (uint8_t)~v;
    }
    outb(PIC_M + 1, 0xff);
    outb(PIC_S + 1, 0xff);
    CHECK(ok, "OCW1: both mask registers read back all 256 values");
}

static void test_elcr(void)
{
    uint8_t m = inb(ELCR), s = inb(ELCR + 1);
    outb(ELCR, 0xff);
    outb(ELCR + 1, 0xff);
    uint8_t fm = inb(ELCR), fs = inb(ELCR + 1);
    outb(ELCR, 0x00);
    outb(ELCR + 1, 0x00);
    uint8_t zm = inb(ELCR), zs = inb(ELCR + 1);
    outb(ELCR, 0xa8);
    outb(ELCR + 1, 0x52);
    uint8_t pm = inb(ELCR), ps = inb(ELCR + 1);
    outb(ELCR, m);
    outb(ELCR + 1, s);
    CHECK(fm == 0xf8 && fs == 0xde, "ELCR: the bits of IRQ 0, 1, 2, 8, 13 cannot be set (f8 de)");
    CHECK(zm == 0 && zs == 0, "ELCR: every other bit clears");
    CHECK(pm == 0xa8 && ps == 0x52, "ELCR: the settable bits read back (a8 52)");
    CHECK(inb(ELCR) == m && inb(ELCR + 1) == s, "ELCR restored");
}

/* Acknowledges and ends any IRQ 0 request left over, so that the next
 * wait sees a fresh edge. */
static void drain_irq0(void)
{
    outb(PIC_M + 1, 0xfe);
    poll(PIC_M);
    outb(PIC_M, EOI);
    outb(PIC_M + 1, 0xff);
}

static void test_masked_request(void)
{
    drain_irq0();
    if (!wait_irq0())
        return;
    uint8_t p = poll(PIC_M);
    uint8_t irr = read_irr(PIC_M) & 1;
    CHECK(1, "IRR records a request on a masked line (IRQ 0)");
    CHECK_EQ(p, 0x00, "poll: a masked request is not reported (I bit clear)");
    CHECK_EQ(irr, 1, "poll: ...and stays in IRR");
}

static void test_poll_acknowledge(void)
{
    /* The request of test_masked_request is still pending: unmask it. */
    if (!pit_ticks)
        return;
    outb(PIC_M + 1, 0xfe);
    uint8_t p = poll(PIC_M);
    uint8_t isr = read_isr(PIC_M);
    uint8_t irr = read_irr(PIC_M) & 1;
    CHECK_EQ(p, 0x80, "poll: I bit and level 0 for the unmasked IRQ 0");
    CHECK_EQ(isr, 0x01, "poll acknowledges like an INTA: ISR bit 0 set");
    CHECK_EQ(irr, 0, "poll acknowledges an edge request: IRR bit 0 cleared");
}

static void test_in_service(void)
{
    /* IR0 is in service (test_poll_acknowledge): wait for the next edge. */
    if (!wait_irq0())
        return;
    uint8_t p = poll(PIC_M);
    outb(PIC_M, OCW3_ISR);
    uint8_t r1 = inb(PIC_M), r2 = inb(PIC_M);
    outb(PIC_M, OCW3_NOP);
    uint8_t r3 = inb(PIC_M);
    outb(PIC_M, OCW3_IRR);
    uint8_t r4 = inb(PIC_M) & 1;
    outb(PIC_M, SPECIFIC_EOI | 3);
    uint8_t s1 = read_isr(PIC_M);
    outb(PIC_M, SPECIFIC_EOI | 0);
    uint8_t s2 = read_isr(PIC_M);
    uint8_t p2 = poll(PIC_M);
    uint8_t s3 = read_isr(PIC_M);
    outb(PIC_M, EOI);
    uint8_t s4 = read_isr(PIC_M);

    CHECK_EQ(p, 0x00, "fully nested: a new IR0 request waits while IR0 is in service");
    CHECK(r1 == 0x01 && r2 == 0x01, "OCW3 RR RIS = 11: command-port reads give ISR, repeatedly");
    CHECK_EQ(r3, 0x01, "OCW3 with RR = 0 keeps ISR selected");
    CHECK_EQ(r4, 1, "OCW3 RR RIS = 10: reads give IRR (the waiting request)");
    CHECK_EQ(s1, 0x01, "specific EOI of level 3 leaves IR0 in service");
    CHECK_EQ(s2, 0x00, "specific EOI of level 0 clears ISR bit 0");
    CHECK_EQ(p2, 0x80, "after the EOI the waiting request is granted (poll 80)");
    CHECK_EQ(s3, 0x01, "...and is in service");
    CHECK_EQ(s4, 0x00, "non-specific EOI clears the level in service");
}

static void test_rotate_and_data_port_poll(void)
{
    if (!wait_irq0())
        return;
    outb(PIC_M, OCW3_POLL);
    uint8_t p = inb(PIC_M + 1);
    uint8_t m = inb(PIC_M + 1);
    uint8_t s1 = read_isr(PIC_M);
    outb(PIC_M, ROTATE_EOI);
    uint8_t s2 = read_isr(PIC_M);
    outb(PIC_M, SET_PRIORITY | 7);      /* back to IR7 lowest */
    CHECK_EQ(p, 0x80, "poll: the read may be of the data port");
    CHECK_EQ(m, 0xfe, "poll: one read only, the data port then gives IMR");
    CHECK_EQ(s1, 0x01, "the data-port poll acknowledged IR0");
    CHECK_EQ(s2, 0x00, "rotate on non-specific EOI clears the level in service");
}

static void test_reinit(void)
{
    /* IR0 in service and a new IR0 request pending, then ICW1. */
    if (!wait_irq0())
        return;
    poll(PIC_M);
    if (!wait_irq0())
        return;
    init_master(0x01);
    uint8_t imr = inb(PIC_M + 1);
    uint8_t irr = read_irr(PIC_M) & 1;
    uint8_t isr = read_isr(PIC_M);
    outb(PIC_M + 1, 0xfe);
    uint8_t m = inb(PIC_M + 1);
    CHECK_EQ(imr, 0x00, "ICW1 clears the mask register");
    CHECK_EQ(irr, 0, "ICW1 resets the edge sense: the pending IR0 request is gone");
    CHECK_EQ(isr, 0x00, "re-initialisation leaves nothing in service");
    CHECK_EQ(m, 0xfe, "ICW1 IC4 SNGL = 1 0: ICW2, ICW3, ICW4, then OCW1");
}

static void test_icw_sequences(void)
{
    outb(PIC_M, 0x10);                  /* cascade, no ICW4 */
    outb(PIC_M + 1, 0x08);
    outb(PIC_M + 1, 0x04);
    outb(PIC_M + 1, 0x5a);
    uint8_t a = inb(PIC_M + 1);
    outb(PIC_M, 0x13);                  /* single, ICW4 */
    outb(PIC_M + 1, 0x08);
    outb(PIC_M + 1, 0x01);
    outb(PIC_M + 1, 0xa5);
    uint8_t b = inb(PIC_M + 1);
    outb(PIC_M, 0x12);                  /* single, no ICW4 */
    outb(PIC_M + 1, 0x08);
    outb(PIC_M + 1, 0x3c);
    uint8_t c = inb(PIC_M + 1);
    init_master(0x01);
    outb(PIC_M + 1, 0xff);
    CHECK_EQ(a, 0x5a, "ICW1 IC4 = 0: ICW2, ICW3, then OCW1");
    CHECK_EQ(b, 0xa5, "ICW1 SNGL = 1: no ICW3 (ICW2, ICW4, then OCW1)");
    CHECK_EQ(c, 0x3c, "ICW1 SNGL = 1, IC4 = 0: ICW2, then OCW1");

    outb(PIC_S, 0x11);
    outb(PIC_S + 1, 0x70);
    outb(PIC_S + 1, 0x02);
    outb(PIC_S + 1, 0x01);
    uint8_t s = inb(PIC_S + 1);
    outb(PIC_S + 1, 0xff);
    CHECK_EQ(s, 0x00, "slave: ICW1 clears its mask register; ICW2-4 taken");
    CHECK(inb(PIC_S + 1) == 0xff, "slave: OCW1 after the ICWs");
}

static void test_auto_eoi(void)
{
    init_master(0x03);                  /* 8086 mode, AEOI */
    outb(PIC_M + 1, 0xfe);
    if (!wait_irq0())
        goto out;
    uint8_t p = poll(PIC_M);
    uint8_t isr = read_isr(PIC_M);
    CHECK_EQ(p, 0x80, "AEOI: poll grants IR0");
    CHECK_EQ(isr, 0x00, "AEOI: the acknowledge leaves no level in service");
out:
    init_master(0x01);
    outb(PIC_M + 1, 0xff);
}

int main(void)
{
    __asm__ volatile("cli");
    test_reset_state();
    test_masks();
    test_elcr();
    test_masked_request();
    test_poll_acknowledge();
    test_in_service();
    test_rotate_and_data_port_poll();
    test_reinit();
    test_icw_sequences();
    test_auto_eoi();
    outb(PIC_M + 1, 0xff);
    outb(PIC_S + 1, 0xff);
    outb(PIC_M, EOI);
    CHECK(read_isr(PIC_M) == 0 && read_isr(PIC_S) == 0, "left with nothing in service");
    return check_summary();
}
