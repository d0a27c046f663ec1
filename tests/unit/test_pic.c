/* The 8259A pair (devices/pic8259.c) driven directly: lines through
 * irq_set, the CPU side through pic_intr/pic_acknowledge and the INTR
 * changes it reports through cpu_set_intr, programming through the ports.
 * Each rule of the 8259A data sheet checked here is the name of its check.
 * Each part runs in a child process so that it starts from the reset state
 * SeaBIOS leaves (the other devices' inits may drive lines: every part
 * lowers all lines first, as the devices' callbacks never run here). */
#include "devices/bus.h"
#include "devices/irq.h"
#include "check.h"
#include "fake_vm.h"     /* isa-debug-exit and the i8042, linked in, want it */

/* The monitor's INTR pin: the last level and how often it changed. */
static int intr_level = -1, intr_changes;

void cpu_set_intr(bool asserted)
{
    intr_level = asserted;
    intr_changes++;
}

static uint8_t inb(uint16_t port) { return (uint8_t)io_read(port, 1); }
static void outb(uint16_t port, uint8_t v) { io_write(port, 1, v); }

#define M 0x20          /* master command port; +1 data */
#define S 0xa0
#define ELCR 0x4d0

static uint8_t irr(uint16_t chip) { outb(chip, 0x0a); return inb(chip); }
static uint8_t isr(uint16_t chip) { outb(chip, 0x0b); return inb(chip); }
static void eoi(uint16_t chip) { outb(chip, 0x20); }

static void lower_all_lines(void)
{
    for (int l = 0; l < IRQ_LINES; l++)
        if (l != 2)
            irq_set(l, 0);
}

/* The devices' inits may have raised lines (the PIT's OUT starts high):
 * lower them all, then take every latched edge request with INTAs and end
 * each with a specific EOI, keeping the masks. */
static void start(void)
{
    if (devices_init() != 0) {
        CHECK(0, "devices_init");
        exit(1);
    }
    lower_all_lines();
    uint8_t mm = inb(M + 1), sm = inb(S + 1);
    outb(M + 1, 0);
    outb(S + 1, 0);
    for (int i = 0; i < 16 && pic_intr(); i++) {
        pic_acknowledge();
        for (int l = 0; l < 8; l++) {
            outb(M, (uint8_t)(0x60 | l));
            outb(S, (uint8_t)(0x60 | l));
        }
    }
    outb(M + 1, mm);
    outb(S + 1, sm);
    outb(M, 0x0a);
    outb(S, 0x0a);
}

/* Linux's init_8259A: vectors 0x20/0x28, cascade on IR2, 8086 mode, then
 * every line unmasked and edge-triggered. icw4m is the master's ICW4. */
static void init_pair(uint8_t icw4m)
{
    outb(M, 0x11); outb(M + 1, 0x20); outb(M + 1, 0x04); outb(M + 1, icw4m);
    outb(S, 0x11); outb(S + 1, 0x28); outb(S + 1, 0x02); outb(S + 1, 0x01);
    outb(M + 1, 0); outb(S + 1, 0);
    outb(ELCR, 0); outb(ELCR + 1, 0);
}

static void reset_state(void *unused)
{
    (void)unused;
    start();
    CHECK_EQ(inb(M + 1), 0xb8, "reset: master mask as SeaBIOS leaves it");
    CHECK_EQ(inb(S + 1), 0x8e, "reset: slave mask as SeaBIOS leaves it");
    CHECK(inb(ELCR) == 0x00 && inb(ELCR + 1) == 0x0c, "reset: ELCR 00 0c (PCI IRQ 10, 11 level)");
    CHECK(inb(M) == 0 && inb(S) == 0, "reset: command-port reads give IRR, empty");
    CHECK(isr(M) == 0 && isr(S) == 0, "reset: nothing in service");
    CHECK(!pic_intr(), "reset: INTR low");

    irq_set(0, 1);
    CHECK(pic_intr() && intr_level == 1, "IRQ 0 unmasked at reset raises INTR");
    CHECK_EQ(pic_acknowledge(), 0x08, "reset: master vector base 0x08");
    CHECK(!pic_intr() && intr_level == 0, "INTA drops INTR");
    irq_set(8, 1);
    CHECK(!pic_intr(), "IRQ 8 waits: IR0 in service has priority over IR2");
    eoi(M);
    CHECK(pic_intr(), "non-specific EOI of IR0 lets the cascade through");
    CHECK_EQ(pic_acknowledge(), 0x70, "reset: slave vector base 0x70");
    CHECK(isr(M) == 0x04 && isr(S) == 0x01, "cascade INTA sets master ISR bit 2 and slave bit 0");
}

static void edge_level(void *unused)
{
    (void)unused;
    start();
    init_pair(0x01);
    intr_changes = 0;

    irq_set(3, 1);
    CHECK(irr(M) == 0x08 && pic_intr(), "edge: a rising edge sets IRR and raises INTR");
    CHECK(intr_changes == 1 && intr_level == 1, "cpu_set_intr(true) called once");
    irq_set(3, 1);
    CHECK(intr_changes == 1, "the line driven high again: no new call");
    CHECK_EQ(pic_acknowledge(), 0x23, "edge: INTA gives base + IR");
    CHECK(irr(M) == 0 && isr(M) == 0x08, "edge: INTA clears IRR, sets ISR");
    CHECK(intr_changes == 2 && intr_level == 0, "cpu_set_intr(false) after INTA");
    eoi(M);
    CHECK(!pic_intr() && irr(M) == 0, "edge: a line held high requests only once");
    irq_set(3, 1);
    CHECK(!pic_intr() && irr(M) == 0, "edge: driving a high line high again is no edge");
    irq_set(3, 0);
    irq_set(3, 1);
    CHECK(pic_intr(), "edge: low then high requests again");
    irq_set(3, 0);
    CHECK(pic_intr() && irr(M) == 0x08, "edge: the request stays latched when the line falls");
    CHECK_EQ(pic_acknowledge(), 0x23, "edge: ...and is acknowledged");
    eoi(M);

    irq_set(4, 1);
    irq_set(4, 0);
    CHECK(pic_intr(), "edge: a pulse in one callback is not lost");
    CHECK_EQ(pic_acknowledge(), 0x24, "edge: the pulse's vector");
    eoi(M);

    outb(ELCR, 0x20);
    irq_set(5, 1);
    CHECK(irr(M) == 0x20 && pic_intr(), "level (ELCR): a high line requests");
    CHECK_EQ(pic_acknowledge(), 0x25, "level: INTA gives base + IR");
    CHECK(irr(M) == 0x20 && isr(M) == 0x20, "level: IRR stays while the line is high");
    CHECK(!pic_intr(), "level: its own level in service blocks it");
    eoi(M);
    CHECK(pic_intr(), "level: EOI with the line still high requests again");
    irq_set(5, 0);
    CHECK(irr(M) == 0 && !pic_intr(), "level: IRR follows the line down");
    CHECK_EQ(pic_acknowledge(), 0x27, "level: a request gone before INTA is spurious IR7");
    CHECK_EQ(isr(M), 0, "spurious IR7 sets no ISR bit");

    outb(ELCR, 0xff);
    outb(ELCR + 1, 0xff);
    CHECK(inb(ELCR) == 0xf8 && inb(ELCR + 1) == 0xde,
          "ELCR bits of IRQ 0, 1, 2, 8, 13 cannot be set (PIIX)");
    CHECK_EQ(io_read(ELCR, 2), 0xdef8, "a 16-bit ELCR read gives both registers");
    outb(ELCR, 0);
    outb(ELCR + 1, 0);

    irq_set(6, 1);
    outb(ELCR, 0x40);
    CHECK_EQ(irr(M), 0x40, "ELCR to level: a line already high is a request");
    irq_set(6, 0);
    outb(ELCR, 0);
    irq_set(6, 1);
    outb(ELCR, 0x40);
    irq_set(6, 0);
    CHECK_EQ(irr(M), 0, "ELCR level: a falling line clears its request");
    outb(ELCR, 0);

    irq_set(7, 1);
    outb(M, 0x19); outb(M + 1, 0x20); outb(M + 1, 0x04); outb(M + 1, 0x01);
    CHECK_EQ(irr(M), 0x80, "ICW1.LTIM: every master line level-triggered, a high line requests");
    CHECK_EQ(pic_acknowledge(), 0x27, "LTIM: INTA gives IR7");
    eoi(M);
    CHECK(pic_intr(), "LTIM: still high after EOI: requests again");
    outb(M, 0x11); outb(M + 1, 0x20); outb(M + 1, 0x04); outb(M + 1, 0x01);
    CHECK(irr(M) == 0 && !pic_intr(), "ICW1 (edge) resets the edge sense: a high line is no request");
    irq_set(7, 0);
}

static void priorities(void *unused)
{
    (void)unused;
    start();
    init_pair(0x01);

    irq_set(5, 1);
    irq_set(3, 1);
    CHECK_EQ(pic_acknowledge(), 0x23, "fully nested: IR3 before IR5");
    CHECK(!pic_intr(), "IR5 waits while IR3 is in service");
    irq_set(1, 1);
    CHECK(pic_intr(), "IR1 interrupts the service of IR3");
    CHECK_EQ(pic_acknowledge(), 0x21, "nested INTA gives IR1");
    CHECK_EQ(isr(M), 0x0a, "ISR holds IR1 and IR3");
    eoi(M);
    CHECK_EQ(isr(M), 0x08, "non-specific EOI clears the highest level in service (IR1)");
    CHECK(!pic_intr(), "IR5 still waits for IR3");
    outb(M, 0x60 | 5);
    CHECK_EQ(isr(M), 0x08, "specific EOI of a level not in service changes nothing");
    outb(M, 0x60 | 3);
    CHECK(isr(M) == 0 && pic_intr(), "specific EOI of IR3 lets IR5 through");
    CHECK_EQ(pic_acknowledge(), 0x25, "then IR5");
    outb(M, 0x40);
    CHECK_EQ(isr(M), 0x20, "OCW2 no-op (010) leaves ISR alone");
    outb(M, 0xa0);
    CHECK_EQ(isr(M), 0, "rotate on non-specific EOI clears IR5");

    /* IR5 is now lowest: IR6 is highest, then 7, 0, 1, 3, 4. */
    irq_set(4, 1);
    irq_set(6, 1);
    CHECK_EQ(pic_acknowledge(), 0x26, "after rotation IR6 outranks IR4");
    irq_set(7, 1);
    CHECK(!pic_intr(), "IR7 is below IR6 in service after rotation");
    outb(M, 0xe0 | 6);
    CHECK_EQ(isr(M), 0, "rotate on specific EOI clears IR6");
    CHECK_EQ(pic_acknowledge(), 0x27, "IR7 is now top priority");
    outb(M, 0x60 | 7);

    outb(M, 0xc0 | 3);
    irq_set(3, 0);
    irq_set(3, 1);
    irq_set(5, 0);
    irq_set(5, 1);
    CHECK_EQ(pic_acknowledge(), 0x24, "set priority (IR3 lowest): IR4, still pending, is top");
    CHECK(!pic_intr(), "IR5 is below IR4 in service");
    eoi(M);
    CHECK_EQ(pic_acknowledge(), 0x25, "then IR5");
    eoi(M);
    CHECK_EQ(pic_acknowledge(), 0x23, "IR3 last");
    eoi(M);
    outb(M, 0xc0 | 7);

    /* Special mask mode: IR3 in service masks itself, lower levels run. */
    irq_set(3, 0);
    irq_set(3, 1);
    CHECK_EQ(pic_acknowledge(), 0x23, "IR3 in service");
    outb(M + 1, 0x08);
    outb(M, 0x68);
    irq_set(5, 0);
    irq_set(5, 1);
    CHECK(pic_intr(), "special mask mode: a lower level runs while IR3 is masked");
    CHECK_EQ(pic_acknowledge(), 0x25, "special mask mode: IR5 nests in IR3");
    irq_set(6, 0);
    irq_set(6, 1);
    CHECK(pic_intr(), "special mask mode: even below an unmasked level in service (data sheet)");
    CHECK_EQ(pic_acknowledge(), 0x26, "special mask mode: IR6 nests in IR5");
    irq_set(5, 0);
    irq_set(5, 1);
    CHECK(!pic_intr(), "special mask mode: a level in service still blocks itself");
    outb(M, 0x48);
    CHECK_EQ(isr(M), 0x68, "ISR holds IR3, IR5, IR6");
    CHECK(!pic_intr(), "special mask mode off: IR5 waits for IR3 in service again");
    outb(M + 1, 0x00);
    outb(M, 0x60 | 3);
    CHECK(!pic_intr(), "IR5 waits for itself in service");
    outb(M, 0x60 | 5);
    CHECK(pic_intr(), "then requests");
}

static void poll_and_select(void *unused)
{
    (void)unused;
    start();
    init_pair(0x01);

    outb(M + 1, 0x40);
    irq_set(6, 1);
    irq_set(1, 1);
    outb(M, 0x0c);
    CHECK_EQ(inb(M), 0x81, "poll: I bit and the highest level requesting");
    CHECK(isr(M) == 0x02 && irr(M) == 0x40, "poll acknowledges: ISR set, edge IRR cleared");
    outb(M, 0x0c);
    CHECK_EQ(inb(M + 1), 0x00, "poll through the data port; masked IR6 is not reported: 00");
    CHECK_EQ(inb(M + 1), 0x40, "the poll is one read: the data port gives IMR again");
    eoi(M);
    outb(M + 1, 0x00);
    outb(M, 0x0c);
    CHECK_EQ(inb(M), 0x86, "poll after EOI and unmask: IR6");
    eoi(M);

    outb(M, 0x0b);
    irq_set(4, 1);
    CHECK_EQ(inb(M), 0x00, "OCW3 RR RIS = 11: reads give ISR");
    outb(M, 0x08);
    CHECK_EQ(inb(M), 0x00, "OCW3 with RR = 0 keeps ISR selected");
    outb(M, 0x0a);
    CHECK(inb(M) == 0x10 && inb(M) == 0x10, "OCW3 RR RIS = 10: reads give IRR, repeatedly");
    CHECK_EQ(io_read(M, 2), 0x0010, "inw 0x20: IRR then IMR");
    outb(M, 0x0c);
    CHECK_EQ(inb(M), 0x84, "poll IR4");

    irq_set(12, 1);
    outb(M, 0x0c);
    CHECK_EQ(inb(M), 0x82, "poll of the master: the cascade level, above IR4 in service");
    CHECK(isr(M) == 0x14 && isr(S) == 0x00, "the master's poll does not reach the slave");
    outb(S, 0x0c);
    CHECK_EQ(inb(S), 0x84, "poll of the slave: IR4 (IRQ 12)");
    CHECK_EQ(isr(S), 0x10, "slave ISR set by its poll");
    outb(S, 0x0c);
    CHECK_EQ(inb(S), 0x00, "poll with nothing pending reads 00");
}

static void cascade_and_spurious(void *unused)
{
    (void)unused;
    start();
    init_pair(0x01);

    irq_set(12, 1);
    CHECK(irr(S) == 0x10 && irr(M) == 0x04 && pic_intr(), "slave request: slave INT drives master IR2");
    CHECK_EQ(pic_acknowledge(), 0x2c, "cascade INTA: the slave's vector");
    CHECK(isr(M) == 0x04 && isr(S) == 0x10 && irr(M) == 0, "ISR set on both chips");
    irq_set(9, 1);
    CHECK(irr(M) == 0x04 && !pic_intr(), "without SFNM the slave's higher request waits for IR2's EOI");
    eoi(S);
    eoi(M);
    CHECK_EQ(pic_acknowledge(), 0x29, "after both EOIs: IRQ 9");
    eoi(S);
    eoi(M);

    outb(S + 1, 0x04);
    irq_set(10, 1);
    CHECK(irr(S) == 0x04 && irr(M) == 0 && !pic_intr(), "a masked slave line does not reach IR2");
    outb(M + 1, 0x04);
    outb(S + 1, 0x00);
    CHECK(irr(M) == 0x04 && !pic_intr(), "masking IR2 on the master holds every slave line");
    outb(M + 1, 0x00);
    CHECK_EQ(pic_acknowledge(), 0x2a, "unmasked: IRQ 10");
    eoi(S);
    eoi(M);

    /* Spurious IRQ 15: the master latched IR2 (edge), then the slave's
     * request went away before the INTA. */
    outb(ELCR + 1, 0x08);
    irq_set(11, 1);
    CHECK(pic_intr(), "level IRQ 11 requests");
    irq_set(11, 0);
    CHECK(irr(S) == 0 && irr(M) == 0x04 && pic_intr(), "IRQ 11 gone: master IR2 stays latched");
    CHECK_EQ(pic_acknowledge(), 0x2f, "spurious on the slave: its IR7 vector (IRQ 15)");
    CHECK(isr(M) == 0x04 && isr(S) == 0x00, "spurious IRQ 15: master IR2 in service, slave none");
    eoi(M);
    outb(ELCR + 1, 0x00);
    irq_set(13, 1);
    outb(S + 1, 0x20);
    CHECK(pic_intr(), "slave line masked after the master latched IR2: INTR stays");
    CHECK_EQ(pic_acknowledge(), 0x2f, "...and the INTA is a spurious IRQ 15");
    eoi(M);
    outb(S + 1, 0x00);
    eoi(S);
    CHECK_EQ(pic_acknowledge(), 0x2d, "IRQ 13 unmasked again: delivered");
    eoi(S);
    eoi(M);

    irq_set(3, 1);
    CHECK(pic_intr() && intr_level == 1, "IR3 raises INTR");
    outb(M + 1, 0x08);
    CHECK(!pic_intr() && intr_level == 0, "masking IR3 drops INTR");
    CHECK_EQ(pic_acknowledge(), 0x27, "an INTA without a request is spurious IR7");
    CHECK_EQ(isr(M), 0, "spurious IR7 sets no ISR bit");
    outb(M + 1, 0x00);
    CHECK_EQ(pic_acknowledge(), 0x23, "unmasked: IR3's request was kept");
    eoi(M);

    init_pair(0x11);
    irq_set(12, 0);
    irq_set(12, 1);
    CHECK_EQ(pic_acknowledge(), 0x2c, "SFNM: IRQ 12 in service");
    irq_set(9, 0);
    irq_set(9, 1);
    CHECK(pic_intr(), "SFNM: a higher slave request passes the master's IR2 in service");
    CHECK_EQ(pic_acknowledge(), 0x29, "SFNM: IRQ 9 nests in IRQ 12");
    CHECK(isr(S) == 0x12 && isr(M) == 0x04, "SFNM: slave ISR 9 and 12, master IR2");
    irq_set(12, 0);
    irq_set(12, 1);
    CHECK(!pic_intr(), "SFNM: the slave's own nesting still holds IRQ 12");

    /* Master in single mode: IR2 is an ordinary input. */
    outb(M, 0x13); outb(M + 1, 0x20); outb(M + 1, 0x01);
    outb(M + 1, 0x00);
    outb(S, 0x11); outb(S + 1, 0x28); outb(S + 1, 0x02); outb(S + 1, 0x01);
    outb(S + 1, 0x00);
    irq_set(14, 0);
    irq_set(14, 1);
    CHECK_EQ(pic_acknowledge(), 0x22, "single master: IR2 gives the master's own vector");
    CHECK_EQ(isr(S), 0, "single master: the slave is not acknowledged");
}

static void programming(void *unused)
{
    (void)unused;
    start();
    init_pair(0x01);

    outb(M + 1, 0x5a);
    outb(S + 1, 0xa5);
    CHECK(inb(M + 1) == 0x5a && inb(S + 1) == 0xa5, "OCW1: the masks read back");
    irq_set(3, 1);
    outb(M + 1, 0x00);
    pic_acknowledge();
    outb(M, 0x0b);
    outb(M, 0x10);
    CHECK_EQ(inb(M + 1), 0x00, "ICW1 clears the mask");
    CHECK_EQ(inb(M), 0x00, "ICW1 selects IRR for reads");
    outb(M, 0x0b);
    CHECK_EQ(inb(M), 0x00, "ICW1 clears ISR");
    outb(M + 1, 0x37);
    outb(M + 1, 0x04);
    outb(M + 1, 0x5a);
    CHECK_EQ(inb(M + 1), 0x5a, "IC4 = 0: ICW2, ICW3, then the data port is OCW1 again");
    outb(M + 1, 0x00);
    irq_set(3, 0);
    irq_set(3, 1);
    CHECK_EQ(pic_acknowledge(), 0x33, "ICW2: T7-T3 are the vector base, low bits ignored");
    CHECK_EQ(isr(M), 0x08, "IC4 = 0 clears AEOI: ISR is set");
    eoi(M);

    outb(M, 0x12);
    outb(M + 1, 0x20);
    outb(M + 1, 0x66);
    CHECK_EQ(inb(M + 1), 0x66, "SNGL without IC4: only ICW2 is taken");
    outb(M, 0x11); outb(M + 1, 0x20); outb(M + 1, 0x04); outb(M + 1, 0x03);
    outb(M + 1, 0x00);
    CHECK_EQ(inb(M + 1), 0x00, "ICW1 IC4: ICW2, ICW3, ICW4, then OCW1");

    irq_set(5, 0);
    irq_set(5, 1);
    CHECK_EQ(pic_acknowledge(), 0x25, "AEOI: INTA");
    CHECK_EQ(isr(M), 0x00, "AEOI: no ISR bit after the INTA");
    irq_set(6, 1);
    outb(M, 0x0c);
    CHECK_EQ(inb(M), 0x86, "AEOI: poll");
    CHECK_EQ(isr(M), 0x00, "AEOI applies to a poll acknowledge too (as QEMU)");

    outb(M, 0x80);
    irq_set(1, 1);
    CHECK_EQ(pic_acknowledge(), 0x21, "rotate in AEOI: IR1");
    irq_set(7, 1);
    irq_set(1, 0);
    irq_set(1, 1);
    CHECK_EQ(pic_acknowledge(), 0x27, "rotate in AEOI: IR1 became lowest, IR7 first");
    outb(M, 0x00);
    CHECK_EQ(pic_acknowledge(), 0x21, "clear rotate in AEOI: IR1");
    irq_set(7, 0);
    irq_set(7, 1);
    irq_set(0, 1);
    CHECK_EQ(pic_acknowledge(), 0x20, "no rotation after that INTA: IR0 before IR7");

    outb(M, 0xc0 | 6);
    outb(M, 0x11); outb(M + 1, 0x20); outb(M + 1, 0x04); outb(M + 1, 0x01);
    irq_set(7, 0);
    irq_set(7, 1);
    irq_set(6, 0);
    irq_set(6, 1);
    CHECK_EQ(pic_acknowledge(), 0x26, "ICW1 makes IR7 lowest again");
}

int main(void)
{
    static const struct { void (*fn)(void *); const char *what; } parts[] = {
        { reset_state, "reset state" },
        { edge_level, "edge and level triggering" },
        { priorities, "priorities" },
        { poll_and_select, "poll and read select" },
        { cascade_and_spurious, "cascade and spurious" },
        { programming, "initialisation and AEOI" },
    };
    struct child_result r;

    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        child_run(parts[i].fn, NULL, &r);
        CHECK_EQ(r.status, 0, "%s (child)", parts[i].what);
    }
    return check_summary();
}
