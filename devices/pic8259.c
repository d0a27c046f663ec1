/* The PC's two Intel 8259A programmable interrupt controllers: the master
 * at ports 0x20/0x21 drives the CPU's INTR pin, the slave at 0xa0/0xa1
 * drives the master's IR2 (ISA lines 8-15 through one cascade input); and
 * the PIIX's edge/level control registers (ELCR) at 0x4d0/0x4d1. Owns the
 * request, in-service and mask registers, the ICW/OCW programming state
 * and the INTA protocol (devices/irq.h). Must not know about the CPU beyond
 * cpu_set_intr, nor about the devices that drive the lines.
 *
 * Modelled after the 8259A data sheet (Intel 231468):
 *   - ICW1-ICW4: SNGL skips ICW3, IC4 = 0 clears ICW4's functions; ICW1
 *     clears the mask, resets the edge-sense circuits (a line already high
 *     must go low and high again), sets IR7 lowest, leaves special mask
 *     mode and selects IRR for reads. ICW2's T7-T3 are the vector base
 *     (8086 mode); ICW4's AEOI and SFNM are honoured.
 *   - Triggering: a line is level-sensitive when ICW1.LTIM is set or its
 *     ELCR bit is. Edge: a rising edge sets IRR, the INTA cycle clears it,
 *     and only a new rising edge requests again. Level: IRR is the line.
 *     NB: an edge request stays latched if the line falls before INTA (as
 *     in QEMU), where the data sheet withdraws it ("the IR input must
 *     remain high until after the falling edge of the first INTA"). Time
 *     here is the monitor's, not the bus's: a device may signal an edge as
 *     irq_set(l, 1); irq_set(l, 0) in one callback, and the CPU only looks
 *     at INTR between translated blocks, so a pulse must not be lost. A
 *     level request still vanishes with its line, and a slave request that
 *     vanishes after the master latched IR2 is a spurious IRQ 15.
 *   - Priority: fully nested with rotation ("highest" is the IR of top
 *     priority); a request interrupts when it is unmasked and of higher
 *     priority than every level in service. Special mask mode: only the
 *     request's own in-service bit blocks it ("enables interrupts from all
 *     other levels, lower as well as higher, that are not masked").
 *     SFNM on the master: the cascade level in service does not block
 *     further requests from the slave.
 *   - OCW2: every command (non-specific/specific EOI, rotate on
 *     non-specific/specific EOI, set/clear rotate in AEOI, set priority).
 *     OCW3: IRR/ISR read select, poll, special mask mode.
 *   - Cascade through IR2 when the master is not in single mode and its
 *     ICW3 names IR2; the slave's ID (its ICW3) is not checked: the PC
 *     wires one slave to IR2.
 *   - Spurious interrupts: an INTA with no request left gives IR7's
 *     vector and sets no ISR bit; if the slave's request vanished, the
 *     master still acknowledges IR2 (ISR bit 2 set) and the slave answers
 *     with its own IR7 vector, as Linux's spurious-IRQ15 handling expects.
 *
 * Where QEMU 7.2 (after SeaBIOS) differs, measured with probe guests:
 *   - QEMU ignores LTIM (the PIIX3 disables it in favour of the ELCR); we
 *     honour it as the 8259A does. Nothing on a PC sets it.
 *   - In special mask mode QEMU still lets an unmasked level in service
 *     block lower ones; we take the data sheet's words (as Bochs does).
 *   - Reset state is SeaBIOS's: ICW1 11, vector bases 08/70, ICW3 04/02,
 *     ICW4 01 (8086, normal EOI), masks b8/8e, ELCR 00/0c, IRR selected.
 *     QEMU shows a stale IRR bit 4 (SeaBIOS's serial traffic, latched);
 *     here IRR starts empty.
 *   - ICW1 also clears ISR (QEMU does; the data sheet does not say), and
 *     the poll command applies AEOI like an INTA (QEMU does; the data sheet
 *     only says the poll read "sets the appropriate IS bit").
 *   - A poll with nothing pending reads 00, as in QEMU (the data sheet
 *     leaves W2-W0 undefined when I = 0).
 *   - MCS-80/85 mode (ICW4.uPM = 0) is recorded but the vector is still the
 *     8086 one: x86 CPUs run two INTA cycles, QEMU does the same.
 *   - BUF and M/S (buffered mode) have no effect: the roles are wired.
 *   - Wide accesses are split into byte accesses to consecutive ports, as
 *     the ISA bus does for an 8-bit device; QEMU instead sends every byte of
 *     a wide access to the first register range (inw 0x4d0 reads the
 *     master's ELCR twice). The guests use byte accesses only. */
#include <stdbool.h>
#include <stddef.h>

#include "common/panic.h"
#include "devices/bus.h"
#include "devices/irq.h"

#define PIC_MASTER_BASE 0x20
#define PIC_SLAVE_BASE 0xa0
#define ELCR_BASE 0x4d0
#define CASCADE_IR 2        /* the master's input driven by the slave's INT */
#define SPURIOUS_IR 7       /* the level an INTA without a request reports */

#define ICW1_IC4 0x01       /* ICW4 follows */
#define ICW1_SNGL 0x02      /* single: no ICW3 */
#define ICW1_LTIM 0x08      /* all inputs level-triggered */
#define ICW1_INIT 0x10      /* D4 of a command-port write: this is ICW1 */
#define OCW3_SELECT 0x08    /* D3 (D4 = 0): OCW3, else OCW2 */
#define OCW3_RIS 0x01
#define OCW3_RR 0x02
#define OCW3_POLL 0x04
#define OCW3_SMM 0x20
#define OCW3_ESMM 0x40
#define ICW4_UPM 0x01
#define ICW4_AEOI 0x02
#define ICW4_SFNM 0x10
#define POLL_INT 0x80       /* poll word: a request was found */

enum ocw2_cmd {             /* OCW2 bits R SL EOI */
    OCW2_CLEAR_ROTATE_AEOI = 0,
    OCW2_EOI = 1,
    OCW2_NOP = 2,
    OCW2_SPECIFIC_EOI = 3,
    OCW2_SET_ROTATE_AEOI = 4,
    OCW2_ROTATE_EOI = 5,
    OCW2_SET_PRIORITY = 6,
    OCW2_ROTATE_SPECIFIC_EOI = 7,
};

enum init_step { INIT_DONE, INIT_ICW2, INIT_ICW3, INIT_ICW4 };

struct pic_chip {
    const char *name;
    bool master;
    uint8_t lines;          /* the input pins' levels */
    uint8_t irr, isr, imr;
    uint8_t elcr;           /* PIIX ELCR: 1 = level-sensitive */
    uint8_t elcr_mask;      /* the ELCR bits that exist */
    uint8_t vector_base;    /* ICW2 T7-T3 */
    uint8_t icw1, icw3, icw4;
    uint8_t highest;        /* the IR of top priority (0 until rotated) */
    enum init_step init;    /* what the next data-port write is */
    bool read_isr;          /* OCW3 RIS: command-port reads give ISR */
    bool poll;              /* OCW3 P: the next read is a poll */
    bool special_mask;
    bool rotate_aeoi;
};

/* The state SeaBIOS leaves (see the header). Static initialisers, not
 * DEVICE_INIT: another device's init may drive its line before ours. */
static struct pic_chip master = {
    .name = "8259A master", .master = true, .imr = 0xb8, .elcr = 0x00,
    .elcr_mask = 0xf8,              /* PIIX: IRQ 0, 1, 2 are always edge */
    .vector_base = 0x08, .icw1 = ICW1_INIT | ICW1_IC4, .icw3 = 1 << CASCADE_IR,
    .icw4 = ICW4_UPM,
};
static struct pic_chip slave = {
    .name = "8259A slave", .imr = 0x8e, .elcr = 0x0c,
    .elcr_mask = 0xde,              /* PIIX: IRQ 8 and 13 are always edge */
    .vector_base = 0x70, .icw1 = ICW1_INIT | ICW1_IC4, .icw3 = CASCADE_IR,
    .icw4 = ICW4_UPM,
};
static bool intr;                   /* the level last given to cpu_set_intr */

/* The monitor's INTR pin. This default lets programs that link the devices
 * without the monitor (unit tests) link; monitor/run.c's definition wins. */
__attribute__((weak)) void cpu_set_intr(bool asserted)
{
    (void)asserted;
}

static uint8_t level_triggered(const struct pic_chip *c)
{
    return (c->icw1 & ICW1_LTIM) ? 0xff : c->elcr;
}

/* The IR of highest priority among `bits`, or -1. */
static int highest_of(const struct pic_chip *c, uint8_t bits)
{
    for (int i = 0; i < 8; i++) {
        int ir = (c->highest + i) & 7;
        if (bits & (1u << ir))
            return ir;
    }
    return -1;
}

/* 0 = top priority, 7 = lowest. */
static int priority(const struct pic_chip *c, int ir)
{
    return (ir - c->highest) & 7;
}

static bool cascade(void)
{
    return !(master.icw1 & ICW1_SNGL) && (master.icw3 & (1u << CASCADE_IR));
}

/* The IR this chip's INT output asks service for, or -1: the highest
 * unmasked request above every level in service (data sheet, "Fully
 * nested mode"; special mask mode and SFNM as in the header). */
static int chip_pending(const struct pic_chip *c)
{
    uint8_t req = c->irr & ~c->imr;

    if (c->special_mask)
        return highest_of(c, req & ~c->isr);
    int ir = highest_of(c, req);
    if (ir < 0)
        return -1;
    uint8_t blocking = c->isr;
    if (c->master && (c->icw4 & ICW4_SFNM) && cascade())
        blocking &= (uint8_t)~(1u << CASCADE_IR);
    int busy = highest_of(c, blocking);
    if (busy >= 0 && priority(c, busy) <= priority(c, ir))
        return -1;
    return ir;
}

/* An input pin is driven to `level`. Level mode: IRR is the pin. Edge
 * mode: a rising edge latches a request (see the header for why it stays
 * when the pin falls). */
static void chip_set_input(struct pic_chip *c, int ir, int level)
{
    uint8_t bit = (uint8_t)(1u << ir);
    bool rising = level && !(c->lines & bit);

    c->lines = level ? c->lines | bit : c->lines & (uint8_t)~bit;
    if (level_triggered(c) & bit)
        c->irr = level ? c->irr | bit : c->irr & (uint8_t)~bit;
    else if (rising)
        c->irr |= bit;
}

/* Recomputes the cascade (the slave's INT is the master's IR2 pin) and
 * the CPU's INTR, telling the monitor when INTR changes. Called after
 * every change of chip state. */
static void pic_update(void)
{
    chip_set_input(&master, CASCADE_IR, chip_pending(&slave) >= 0);
    bool now = chip_pending(&master) >= 0;
    if (now != intr) {
        intr = now;
        cpu_set_intr(now);
    }
}

/* The INTA cycle (or poll read) granting `ir`: ISR is set unless in AEOI
 * mode, and an edge request is consumed -- the pin stays high, so a new
 * request needs a new rising edge. A level request stays while the pin
 * is high (the data sheet's IRR latch is cleared and set again at once). */
static void chip_acknowledge(struct pic_chip *c, int ir)
{
    uint8_t bit = (uint8_t)(1u << ir);

    if (c->icw4 & ICW4_AEOI) {
        if (c->rotate_aeoi)
            c->highest = (uint8_t)((ir + 1) & 7);
    } else {
        c->isr |= bit;
    }
    if (!(level_triggered(c) & bit))
        c->irr &= (uint8_t)~bit;
}

void irq_set(int line, int level)
{
    /* IRQ 2 is the cascade on the PC/AT (the ISA slot's IRQ2 pin is wired
     * to IRQ 9): no device drives it. */
    if (line < 0 || line >= IRQ_LINES || line == CASCADE_IR)
        panic("irq_set: ISA line %d cannot be driven", line);
    chip_set_input(line < 8 ? &master : &slave, line & 7, level);
    pic_update();
}

bool pic_intr(void)
{
    return chip_pending(&master) >= 0;
}

/* The two INTA cycles of an 8086 CPU: the master resolves its request
 * (spurious IR7 if none is left), and for the cascade input the slave
 * resolves and supplies the vector (its own spurious IR7 if its request
 * vanished, the master's IR2 being acknowledged all the same). */
int pic_acknowledge(void)
{
    int ir = chip_pending(&master);
    int vector;

    if (ir < 0)
        return master.vector_base | SPURIOUS_IR;
    chip_acknowledge(&master, ir);
    if (ir == CASCADE_IR && cascade()) {
        int sir = chip_pending(&slave);
        if (sir < 0) {
            vector = slave.vector_base | SPURIOUS_IR;
        } else {
            chip_acknowledge(&slave, sir);
            vector = slave.vector_base | sir;
        }
    } else {
        vector = master.vector_base | ir;
    }
    pic_update();
    return vector;
}

/* ---- programming ---- */

static void write_icw1(struct pic_chip *c, uint8_t v)
{
    c->icw1 = v;
    if (!(v & ICW1_IC4))
        c->icw4 = 0;
    c->imr = 0;
    c->isr = 0;
    c->irr = c->lines & level_triggered(c);    /* edge-sense circuits reset */
    c->highest = 0;
    c->read_isr = false;
    c->poll = false;
    c->special_mask = false;
    c->rotate_aeoi = false;
    c->init = INIT_ICW2;
}

static void write_data(struct pic_chip *c, uint8_t v)
{
    switch (c->init) {
    case INIT_DONE:
        c->imr = v;                             /* OCW1 */
        break;
    case INIT_ICW2:
        c->vector_base = v & 0xf8;
        c->init = (c->icw1 & ICW1_SNGL) ? ((c->icw1 & ICW1_IC4) ? INIT_ICW4 : INIT_DONE)
                                        : INIT_ICW3;
        break;
    case INIT_ICW3:
        c->icw3 = v;
        c->init = (c->icw1 & ICW1_IC4) ? INIT_ICW4 : INIT_DONE;
        break;
    case INIT_ICW4:
        c->icw4 = v;
        c->init = INIT_DONE;
        break;
    }
}

static void write_ocw2(struct pic_chip *c, uint8_t v)
{
    int level = v & 7;
    int ir;

    switch ((enum ocw2_cmd)(v >> 5)) {
    case OCW2_CLEAR_ROTATE_AEOI:
        c->rotate_aeoi = false;
        break;
    case OCW2_SET_ROTATE_AEOI:
        c->rotate_aeoi = true;
        break;
    case OCW2_EOI:
    case OCW2_ROTATE_EOI:
        ir = highest_of(c, c->isr);     /* the level being served */
        if (ir < 0)
            break;
        c->isr &= (uint8_t)~(1u << ir);
        if ((v >> 5) == OCW2_ROTATE_EOI)
            c->highest = (uint8_t)((ir + 1) & 7);
        break;
    case OCW2_SPECIFIC_EOI:
        c->isr &= (uint8_t)~(1u << level);
        break;
    case OCW2_ROTATE_SPECIFIC_EOI:
        c->isr &= (uint8_t)~(1u << level);
        c->highest = (uint8_t)((level + 1) & 7);
        break;
    case OCW2_SET_PRIORITY:
        c->highest = (uint8_t)((level + 1) & 7);    /* `level` becomes lowest */
        break;
    case OCW2_NOP:
        break;
    }
}

static void write_ocw3(struct pic_chip *c, uint8_t v)
{
    if (v & OCW3_POLL)
        c->poll = true;
    if (v & OCW3_RR)
        c->read_isr = v & OCW3_RIS;
    if (v & OCW3_ESMM)
        c->special_mask = v & OCW3_SMM;
}

static void chip_write(struct pic_chip *c, unsigned a0, uint8_t v)
{
    if (a0)
        write_data(c, v);
    else if (v & ICW1_INIT)
        write_icw1(c, v);
    else if (v & OCW3_SELECT)
        write_ocw3(c, v);
    else
        write_ocw2(c, v);
    pic_update();
}

/* The poll command: this read is an interrupt acknowledge of the chip
 * alone (on the master, IR2 does not reach into the slave: software polls
 * the slave next). Reads I000 0W2W1W0, or 00 with nothing pending. */
static uint8_t chip_poll(struct pic_chip *c)
{
    c->poll = false;
    int ir = chip_pending(c);
    if (ir < 0)
        return 0;
    chip_acknowledge(c, ir);
    pic_update();
    return (uint8_t)(POLL_INT | ir);
}

static uint8_t chip_read(struct pic_chip *c, unsigned a0)
{
    if (c->poll)
        return chip_poll(c);            /* either port */
    if (a0)
        return c->imr;
    return c->read_isr ? c->isr : c->irr;
}

/* ---- ports ---- */

static uint32_t pic_io_read(void *opaque, uint16_t port, unsigned size)
{
    struct pic_chip *c = opaque;
    uint16_t base = c->master ? PIC_MASTER_BASE : PIC_SLAVE_BASE;
    uint32_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        unsigned a = (unsigned)port + i - base;
        uint32_t b = a < 2 ? chip_read(c, a) : 0xff;
        v |= b << (8 * i);
    }
    return v;
}

static void pic_io_write(void *opaque, uint16_t port, unsigned size, uint32_t value)
{
    struct pic_chip *c = opaque;
    uint16_t base = c->master ? PIC_MASTER_BASE : PIC_SLAVE_BASE;

    for (unsigned i = 0; i < size; i++) {
        unsigned a = (unsigned)port + i - base;
        if (a < 2)
            chip_write(c, a, (uint8_t)(value >> (8 * i)));
    }
}

/* ELCR: lines switched to level mode take their pin as request at once;
 * lines switched to edge keep a pending request until INTA. */
static void elcr_write(struct pic_chip *c, uint8_t v)
{
    uint8_t was_level = level_triggered(c);

    c->elcr = v & c->elcr_mask;
    uint8_t now_level = level_triggered(c) & ~was_level;
    c->irr = (uint8_t)((c->irr & ~now_level) | (c->lines & now_level));
    pic_update();
}

static uint32_t elcr_io_read(void *opaque, uint16_t port, unsigned size)
{
    uint32_t v = 0;
    (void)opaque;

    for (unsigned i = 0; i < size; i++) {
        unsigned a = (unsigned)port + i - ELCR_BASE;
        uint32_t b = a < 2 ? (a ? slave.elcr : master.elcr) : 0xff;
        v |= b << (8 * i);
    }
    return v;
}

static void elcr_io_write(void *opaque, uint16_t port, unsigned size, uint32_t value)
{
    (void)opaque;

    for (unsigned i = 0; i < size; i++) {
        unsigned a = (unsigned)port + i - ELCR_BASE;
        if (a < 2)
            elcr_write(a ? &slave : &master, (uint8_t)(value >> (8 * i)));
    }
}

static struct pic_chip master_at_boot, slave_at_boot;

static void pic8259_reset(void)
{
    uint8_t mlines = master.lines, slines = slave.lines;
    master = master_at_boot;
    slave = slave_at_boot;
    /* The pins keep their levels: the devices still drive them. */
    master.lines = mlines;
    slave.lines = slines;
    pic_update();
}
DEVICE_RESET(pic8259_reset);

static int pic8259_init(void)
{
    master_at_boot = master;
    slave_at_boot = slave;
    io_register(PIC_MASTER_BASE, 2, pic_io_read, pic_io_write, &master, master.name);
    io_register(PIC_SLAVE_BASE, 2, pic_io_read, pic_io_write, &slave, slave.name);
    io_register(ELCR_BASE, 2, elcr_io_read, elcr_io_write, NULL, "PIIX ELCR");
    return 0;
}
DEVICE_INIT(pic8259_init);
