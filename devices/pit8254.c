/* The PC's Intel 8254 programmable interval timer at ports 0x40-0x43, and
 * port 0x61 (system control port B), whose bits gate counter 2 and show its
 * output. Owns the three counters' programming, latches and counting
 * elements, the level of IRQ 0 (counter 0's OUT) and port 0x61's bits;
 * must not know the PIC beyond irq_set, and makes no sound (0x61's speaker
 * bit is only stored).
 *
 * Modelled after the 8254 data sheet (Intel 231164): counters 0-2 clocked
 * at 1.193182 MHz; modes 0-5 (6 and 7 are 2 and 3, the status byte shows
 * the bits as written); binary and BCD counting; access by LSB, MSB or
 * LSB-then-MSB with separate read and write flip-flops; the counter latch
 * command (a second latch before the read is ignored); the read-back
 * command (count and/or status of several counters at once; status first);
 * the status byte (OUT, NULL COUNT, RW, mode, BCD). A count written to the
 * count register (CR) reaches the counting element (CE) on the next clock
 * edge (modes 0, 2, 3, 4), or on the edge after a GATE trigger (modes 1,
 * 5); a new count in modes 2 and 3 waits for the end of the (half)
 * period. GATE: level-sensitive in modes 0, 2, 3, 4 (low holds the count;
 * in 2 and 3 it also forces OUT high), a rising edge (re)triggers modes 1,
 * 2, 3, 5. On a PC, GATE 0 and 1 are tied high; GATE 2 is port 0x61 bit 0.
 *
 * Time: nothing ticks. Clock edge k happens at `epoch + k / 1.193182 MHz`
 * (epoch = clock_ns() at start). Each counter keeps the state of its CE as
 * of its last write (ce_state), and ce_at() computes the state at a later
 * edge in closed form; reads and latches work on such a copy. Counter 0's
 * next OUT transition is a dev_timer, so IRQ 0 follows OUT on time; when
 * the monitor runs the timer late, the edges missed are folded into one
 * rising edge (a lost tick, as on a busy PC), never into none.
 *
 * Where QEMU 7.2 (hw/timer/i8254*.c, hw/audio/pcspk.c; checked with a probe
 * guest under `qemu-system-i386 -kernel`) differs from the data sheet, we
 * follow the data sheet and guests/dev/dev_pit.c only checks what both do:
 *   - QEMU counts in binary whatever the BCD bit says;
 *   - its status byte's NULL COUNT is always 0;
 *   - its OUT is inverted in modes 1, 2, 4, 5 (mode 2: high for one clock
 *     per period); the number of rising edges, hence IRQ 0's rate, is the
 *     same;
 *   - it ignores GATE levels (only a rising edge restarts modes 1, 2, 3, 5);
 *   - a control word neither stops the counter nor sets OUT, and a count
 *     reaches the CE at once rather than on the next clock edge;
 *   - 0x61 bit 4 flips on every read; here it toggles every 18 clocks
 *     (15.085 us, the PC's refresh period) so that delay loops that count
 *     its toggles last as long as on a PC;
 *   - 0x61 bits 2-3 read 0; here they read back, as in the PIIX's NMI
 *     status and control register (QEMU's chipset).
 * As in QEMU: reads of 0x43 give 0 (the control word register cannot be
 * read); a wide access is byte accesses to consecutive ports; the latched
 * count of an LSB-then-MSB counter is read LSB first whatever the read
 * flip-flop says.
 *
 * Reset state is what a guest sees under QEMU after SeaBIOS (probe guest):
 * counter 0 in mode 2, LSB-then-MSB, count 0 (65536: 18.2 Hz), status 34
 * (b4 here: OUT is high); counters 1 and 2 as QEMU's reset leaves them,
 * mode 3, count 65536, RW 00 (status 86), which reads and writes the LSB
 * only; 0x61 reads 20 or 30 (GATE 2 low, speaker off, OUT 2 high). */
#include <stdbool.h>
#include <stdint.h>

#include "devices/bus.h"
#include "devices/clock.h"
#include "devices/irq.h"

#define PIT_BASE 0x40
#define PIT_PORTS 4
#define PIT_CONTROL 3               /* port offset of the control word register */
#define PIT_COUNTERS 3
#define PORT_B 0x61
#define PIT_IRQ 0

#define PIT_HZ 1193182u             /* the PC's 14.31818 MHz crystal / 12 */
#define NS_PER_S 1000000000u
#define REFRESH_EDGES 18            /* 0x61 bit 4 toggles every 15.085 us */

/* Control word: SC1 SC0 RW1 RW0 M2 M1 M0 BCD. SC = 3 is the read-back
 * command: 1 1 /COUNT /STATUS CNT2 CNT1 CNT0 0. */
#define CW_SC(v)        ((v) >> 6)
#define CW_RW(v)        (((v) >> 4) & 3)
#define CW_MODE(v)      (((v) >> 1) & 7)
#define CW_BCD          0x01
#define CW_BITS         0x3f        /* what the status byte repeats */
#define SC_READ_BACK    3
#define RB_NO_COUNT     0x20
#define RB_NO_STATUS    0x10
#define RB_COUNTER(i)   (2u << (i))

#define STATUS_OUT      0x80
#define STATUS_NULL     0x40

enum rw_mode {
    RW_LATCH = 0,       /* in a control word: the counter latch command */
    RW_LSB = 1,
    RW_MSB = 2,
    RW_WORD = 3,        /* LSB then MSB */
};

/* Port 0x61: GATE2 SPKR_DAT_EN PCI_SERR_EN IOCHK_EN (read/write), then
 * REFRESH_TOGGLE OUT2 (read only); bits 6-7 (NMI sources) read 0. */
#define PB_GATE2        0x01
#define PB_WRITABLE     0x0f
#define PB_REFRESH      0x10
#define PB_OUT2         0x20

/* A counter's counting element and OUT right after clock edge `edge`.
 * Between two writes to the counter this is a function of time only, which
 * ce_at computes; writes change it at the edge they happen after. */
struct ce_state {
    uint64_t edge;
    uint32_t ce;            /* 0..modulus; the modulus (65536, 10000) reads as 0 */
    bool out;
    bool load;              /* the CR reaches the CE at edge + 1 */
    bool running;           /* the CE counts from a loaded count */
    bool strobe;            /* modes 4, 5: OUT strobes at the next terminal count */
    bool odd_half;          /* mode 3: this half period began with an odd count */
    bool null_count;        /* the CR holds a count the CE has not loaded */
};

struct pit_counter {
    uint8_t control;        /* RW, M and BCD bits as last written (status bits 5-0) */
    uint8_t mode;           /* 0-5 */
    uint8_t rw;             /* enum rw_mode; RW_LATCH only at reset: used as RW_LSB */
    bool bcd;
    bool gate;
    uint16_t cr;            /* the count register: the last complete count */
    bool cr_valid;          /* a count was written since the control word */
    uint8_t cr_lsb;         /* the first byte of an LSB-then-MSB count */
    bool write_msb;         /* write flip-flop: the next count byte is the MSB */
    bool read_msb;          /* read flip-flop: the next unlatched read is the MSB */
    uint16_t ol;            /* output latch */
    bool count_latched;
    bool ol_msb;            /* the next latched byte read is the MSB */
    uint8_t status;
    bool status_latched;
    struct ce_state s;      /* as of the last write */
};

struct pit {
    struct pit_counter ch[PIT_COUNTERS];
    uint64_t epoch;         /* clock_ns() of edge 0 */
    uint8_t port_b;         /* 0x61's writable bits */
    bool irq_level;         /* IRQ 0 as last driven */
    uint64_t irq_edge;      /* IRQ 0 has followed counter 0's OUT up to this edge */
    struct dev_timer timer; /* counter 0's next OUT transition */
};

static struct pit pit;

/* ---- time ---- */

/* The number of clock edges from the epoch to `now`. */
static uint64_t pit_edge_at(const struct pit *p, uint64_t now)
{
    unsigned __int128 ns = now > p->epoch ? now - p->epoch : 0;
    return (uint64_t)(ns * PIT_HZ / NS_PER_S);
}

/* The first clock_ns() value at which edge `edge` has happened. */
static uint64_t pit_edge_time(const struct pit *p, uint64_t edge)
{
    unsigned __int128 ns = ((unsigned __int128)edge * NS_PER_S + PIT_HZ - 1) / PIT_HZ;
    return p->epoch + (uint64_t)ns;
}

static uint64_t pit_edge_now(const struct pit *p)
{
    return pit_edge_at(p, clock_ns());
}

/* ---- counts: binary or BCD ---- */

static uint32_t pit_modulus(const struct pit_counter *c)
{
    return c->bcd ? 10000 : 65536;
}

/* The initial count N of the CR as a number of clocks: 0 is the modulus.
 * BCD digits above 9 are undefined on the chip; here they weigh their value. */
static uint32_t pit_reload_value(const struct pit_counter *c)
{
    uint32_t n = c->cr;
    if (c->bcd)
        n = ((n >> 12) & 15) * 1000 + ((n >> 8) & 15) * 100 + ((n >> 4) & 15) * 10 + (n & 15);
    n %= pit_modulus(c);
    return n ? n : pit_modulus(c);
}

/* The CE as the chip shows it: 16 bits, or four BCD digits. */
static uint16_t pit_encode(const struct pit_counter *c, uint32_t ce)
{
    uint32_t v = ce % pit_modulus(c);
    if (c->bcd)
        v = (v / 1000) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | v % 10;
    return (uint16_t)v;
}

/* ce - k, wrapping to the top of the count as the data sheet says the CE
 * does in modes 0, 1, 4, 5 (to FFFF, or 9999 in BCD). */
static uint32_t pit_sub_wrap(uint32_t ce, uint64_t k, uint32_t modulus)
{
    return (uint32_t)(((uint64_t)ce % modulus + modulus - k % modulus) % modulus);
}

/* ---- the counting element ---- */

/* The CR -> CE transfer, done on a clock edge. */
static void ce_load(const struct pit_counter *c, struct ce_state *s)
{
    uint32_t n = pit_reload_value(c);

    s->load = false;
    s->running = true;
    s->null_count = false;
    switch (c->mode) {
    case 0:
        s->ce = n;          /* OUT stays low until the terminal count */
        break;
    case 1:
        s->ce = n;
        s->out = false;     /* the one-shot pulse starts */
        break;
    case 2:
        s->ce = n;
        s->out = true;
        break;
    case 3:
        /* An odd count loads N - 1 and keeps OUT high one clock longer. */
        s->ce = n & ~1u;
        s->odd_half = n & 1;
        s->out = true;
        break;
    default:                /* 4, 5 */
        s->ce = n;
        s->strobe = true;
        s->out = true;
        break;
    }
}

/* Whether the CE moves on clock edges: GATE enables counting in modes 0,
 * 2, 3, 4; in modes 1 and 5 it only triggers. */
static bool ce_counting(const struct pit_counter *c, const struct ce_state *s)
{
    return s->running && (c->mode == 1 || c->mode == 5 || c->gate);
}

/* Clocks from a CE value to its terminal count (0 counts a full wrap). */
static uint32_t ce_to_zero(const struct pit_counter *c, uint32_t ce)
{
    return ce ? ce : pit_modulus(c);
}

/* Mode 3 clocks from s to the end of its half period. */
static uint64_t ce_half_left(const struct ce_state *s)
{
    uint64_t r = s->ce / 2 + (s->out && s->odd_half);
    return r ? r : 1;
}

/* Moves s on by k clock edges, during which nothing was written. */
static void ce_advance(const struct pit_counter *c, struct ce_state *s, uint64_t k)
{
    if (k == 0)
        return;
    s->edge += k;
    if (s->load) {
        ce_load(c, s);      /* the loading edge does not decrement */
        if (--k == 0)
            return;
    }
    if (!ce_counting(c, s))
        return;

    uint32_t m = pit_modulus(c), n = pit_reload_value(c);
    switch (c->mode) {
    case 0:
    case 1:
        /* OUT goes high at the terminal count and stays high; the CE wraps
         * and goes on counting. */
        if (!s->out && k >= ce_to_zero(c, s->ce))
            s->out = true;
        s->ce = pit_sub_wrap(s->ce, k, m);
        break;
    case 2: {
        /* N, N-1, ... 1 (OUT low for that clock), then N again. */
        uint32_t ce = ce_to_zero(c, s->ce);
        if (k < ce) {
            s->ce = (uint32_t)(ce - k);
        } else {
            s->ce = n - (uint32_t)((k - ce) % n);
            s->null_count = false;
        }
        s->out = !(s->ce == 1 && n > 1);    /* N = 1 is illegal: OUT stays high */
        break;
    }
    case 3: {
        /* Halves of ceil(N/2) clocks high, floor(N/2) low; the CE counts
         * down by two from N & ~1 in each (an odd high half shows 0 last). */
        uint64_t r = ce_half_left(s);
        if (k < r) {
            s->ce -= (uint32_t)(2 * k);
            break;
        }
        uint64_t j = (k - r) % n;
        bool level = !s->out;                   /* of the half that starts at r */
        uint32_t len = level ? (n + 1) / 2 : n / 2;
        uint32_t top = n & ~1u;
        s->odd_half = n & 1;
        s->null_count = false;
        if (j < len) {
            s->out = level;
            s->ce = top - (uint32_t)(2 * j);
        } else {
            s->out = !level;
            s->ce = top - (uint32_t)(2 * (j - len));
        }
        break;
    }
    default:                /* 4, 5: OUT low for the one clock at the terminal count */
        if (!s->out) {
            s->out = true;
            s->strobe = false;
            s->ce = pit_sub_wrap(s->ce, 1, m);
            if (--k == 0)
                break;
        }
        if (s->strobe) {
            uint32_t d = ce_to_zero(c, s->ce);
            if (k == d)
                s->out = false;
            else if (k > d)
                s->strobe = false;
        }
        s->ce = pit_sub_wrap(s->ce, k, m);
        break;
    }
}

/* The counter's CE state after clock edge `edge` (not before its last write). */
static struct ce_state ce_at(const struct pit_counter *c, uint64_t edge)
{
    struct ce_state s = c->s;
    if (edge > s.edge)
        ce_advance(c, &s, edge - s.edge);
    return s;
}

/* Clocks from s to the next point where the CE changes course (a load, a
 * terminal count, the end of a half period or strobe), 0 if none comes. */
static uint64_t ce_next_event(const struct pit_counter *c, const struct ce_state *s)
{
    if (s->load)
        return 1;
    if (!ce_counting(c, s))
        return 0;
    uint32_t ce = ce_to_zero(c, s->ce);
    switch (c->mode) {
    case 0:
    case 1:
        return s->out ? 0 : ce;
    case 2:
        return ce > 1 ? ce - 1 : 1;
    case 3:
        return ce_half_left(s);
    default:
        if (!s->out)
            return 1;
        return s->strobe ? ce : 0;
    }
}

/* The edge of OUT's next transition after s, if there is one. A few
 * events at most lie between two transitions; more means OUT is constant
 * (the illegal count 1 in modes 2 and 3). */
static bool ce_next_transition(const struct pit_counter *c, const struct ce_state *from,
                               uint64_t *edge)
{
    struct ce_state s = *from;
    for (int i = 0; i < 4; i++) {
        uint64_t k = ce_next_event(c, &s);
        if (k == 0)
            return false;
        ce_advance(c, &s, k);
        if (s.out != from->out) {
            *edge = s.edge;
            return true;
        }
    }
    return false;
}

/* ---- IRQ 0 ---- */

static void pit_drive_irq(struct pit *p, bool level)
{
    p->irq_level = level;
    irq_set(PIT_IRQ, level);
}

/* Arms the timer for counter 0's next OUT transition after s. */
static void pit_irq_arm(struct pit *p, const struct ce_state *s)
{
    uint64_t edge;

    if (ce_next_transition(&p->ch[0], s, &edge))
        timer_arm(&p->timer, pit_edge_time(p, edge));
    else
        timer_cancel(&p->timer);
}

/* Brings IRQ 0 up to counter 0's OUT at `edge` and arms the timer for the
 * next transition. If OUT rose since the last call (the timer ran late, or
 * the guest reprogrammed the counter), the PIC sees a rising edge even if
 * OUT is low again by now: a late tick is delivered, not lost. Called
 * before and after every write that can change counter 0 (before: the old
 * programming's edges; after: the new OUT). */
static void pit_irq_sync(struct pit *p, uint64_t edge)
{
    const struct pit_counter *c = &p->ch[0];
    struct ce_state last = ce_at(c, p->irq_edge);
    uint64_t t1, t2;
    bool rose = false;

    if (ce_next_transition(c, &last, &t1) && t1 <= edge) {
        struct ce_state s1 = ce_at(c, t1);
        rose = s1.out || (ce_next_transition(c, &s1, &t2) && t2 <= edge);
    }
    struct ce_state now = ce_at(c, edge);
    if (rose) {
        if (p->irq_level)
            pit_drive_irq(p, false);
        pit_drive_irq(p, true);
    }
    if (now.out != p->irq_level)
        pit_drive_irq(p, now.out);
    p->irq_edge = edge;
    pit_irq_arm(p, &now);
}

static void pit_timer_expired(void *opaque)
{
    struct pit *p = opaque;
    pit_irq_sync(p, pit_edge_now(p));
}

/* ---- the counters' registers ---- */

static void pit_control_word(struct pit_counter *c, uint8_t v, uint64_t edge)
{
    c->s = ce_at(c, edge);
    c->control = v & CW_BITS;
    c->rw = CW_RW(v);
    c->mode = CW_MODE(v) > 5 ? CW_MODE(v) - 4 : CW_MODE(v);
    c->bcd = v & CW_BCD;
    /* "All control logic is reset": flip-flops, latches (a latched count
     * is held "until read or the counter is reprogrammed"), the count. */
    c->write_msb = c->read_msb = false;
    c->count_latched = c->status_latched = false;
    c->cr_valid = false;
    c->s.ce %= pit_modulus(c);
    c->s.load = c->s.running = c->s.strobe = false;
    c->s.null_count = true;
    c->s.out = c->mode != 0;        /* mode 0 starts low, every other high */
}

static void pit_write_count(struct pit_counter *c, uint8_t v, uint64_t edge)
{
    uint16_t count;

    switch (c->rw) {
    case RW_MSB:
        count = (uint16_t)(v << 8);
        break;
    case RW_WORD:
        if (!c->write_msb) {
            c->cr_lsb = v;
            c->write_msb = true;
            if (c->mode == 0) {
                /* Mode 0: "writing the first byte disables counting", OUT
                 * goes low at once. (Mode 4: the first byte has no effect.) */
                c->s = ce_at(c, edge);
                c->s.running = c->s.load = false;
                c->s.out = false;
            }
            return;
        }
        c->write_msb = false;
        count = (uint16_t)(c->cr_lsb | v << 8);
        break;
    default:                        /* RW_LSB, and RW_LATCH at reset */
        count = v;
        break;
    }

    c->s = ce_at(c, edge);
    c->cr = count;
    c->cr_valid = true;
    c->s.null_count = true;
    switch (c->mode) {
    case 0:
        c->s.out = false;
        c->s.load = true;
        break;
    case 4:
        c->s.load = true;           /* counting goes on from the new count */
        break;
    case 2:
    case 3:
        /* The first count starts the counter; a later one waits for the
         * end of the current (half) period, or for a GATE trigger. */
        if (!c->s.running)
            c->s.load = true;
        break;
    default:                        /* 1, 5: armed; GATE's rising edge loads */
        break;
    }
}

static void pit_latch_count(struct pit_counter *c, uint64_t edge)
{
    if (c->count_latched)
        return;                     /* the first latch holds until read */
    c->ol = pit_encode(c, ce_at(c, edge).ce);
    c->count_latched = true;
    c->ol_msb = c->rw == RW_MSB;
}

static void pit_latch_status(struct pit_counter *c, uint64_t edge)
{
    if (c->status_latched)
        return;
    struct ce_state s = ce_at(c, edge);
    c->status = (uint8_t)((s.out ? STATUS_OUT : 0) | (s.null_count ? STATUS_NULL : 0) | c->control);
    c->status_latched = true;
}

static void pit_read_back(struct pit *p, uint8_t v, uint64_t edge)
{
    for (int i = 0; i < PIT_COUNTERS; i++) {
        if (!(v & RB_COUNTER(i)))
            continue;
        if (!(v & RB_NO_COUNT))
            pit_latch_count(&p->ch[i], edge);
        if (!(v & RB_NO_STATUS))
            pit_latch_status(&p->ch[i], edge);
    }
}

static uint8_t pit_read_counter(struct pit_counter *c, uint64_t edge)
{
    /* With both latched, status comes first, then the count. */
    if (c->status_latched) {
        c->status_latched = false;
        return c->status;
    }
    if (c->count_latched) {
        uint8_t b = (uint8_t)(c->ol_msb ? c->ol >> 8 : c->ol);
        if (c->rw == RW_WORD && !c->ol_msb)
            c->ol_msb = true;
        else
            c->count_latched = false;
        return b;
    }
    uint16_t v = pit_encode(c, ce_at(c, edge).ce);
    switch (c->rw) {
    case RW_MSB:
        return (uint8_t)(v >> 8);
    case RW_WORD:
        c->read_msb = !c->read_msb;
        return (uint8_t)(c->read_msb ? v : v >> 8);
    default:
        return (uint8_t)v;
    }
}

static void pit_set_gate(struct pit_counter *c, bool gate, uint64_t edge)
{
    if (gate == c->gate)
        return;
    c->s = ce_at(c, edge);
    c->gate = gate;
    if (!gate) {
        if (c->mode == 2 || c->mode == 3)
            c->s.out = true;
        return;
    }
    /* A rising edge is a trigger: modes 1, 5 load the CE (start the
     * one-shot), modes 2, 3 reload it (restart the period). */
    if (c->cr_valid && c->mode != 0 && c->mode != 4)
        c->s.load = true;
}

/* ---- ports ---- */

static uint8_t pit_read_port(struct pit *p, unsigned off)
{
    if (off == PIT_CONTROL)
        return 0;
    return pit_read_counter(&p->ch[off], pit_edge_now(p));
}

static void pit_write_port(struct pit *p, unsigned off, uint8_t v)
{
    uint64_t edge = pit_edge_now(p);

    pit_irq_sync(p, edge);
    if (off != PIT_CONTROL)
        pit_write_count(&p->ch[off], v, edge);
    else if (CW_SC(v) == SC_READ_BACK)
        pit_read_back(p, v, edge);
    else if (CW_RW(v) == RW_LATCH)
        pit_latch_count(&p->ch[CW_SC(v)], edge);
    else
        pit_control_word(&p->ch[CW_SC(v)], v, edge);
    pit_irq_sync(p, edge);
}

/* Byte registers: an access of `size` bytes is `size` byte accesses to
 * consecutive ports (QEMU's as well); bytes past the range read all ones. */
static uint32_t pit_io_read(void *opaque, uint16_t port, unsigned size)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        unsigned off = (unsigned)port + i - PIT_BASE;
        uint32_t b = off < PIT_PORTS ? pit_read_port(opaque, off) : 0xff;
        v |= b << (8 * i);
    }
    return v;
}

static void pit_io_write(void *opaque, uint16_t port, unsigned size, uint32_t value)
{
    for (unsigned i = 0; i < size; i++) {
        unsigned off = (unsigned)port + i - PIT_BASE;
        if (off < PIT_PORTS)
            pit_write_port(opaque, off, (uint8_t)(value >> (8 * i)));
    }
}

static uint8_t port_b_value(const struct pit *p)
{
    uint64_t edge = pit_edge_now(p);
    uint8_t v = p->port_b;
    if ((edge / REFRESH_EDGES) & 1)
        v |= PB_REFRESH;
    if (ce_at(&p->ch[2], edge).out)
        v |= PB_OUT2;
    return v;
}

static uint32_t port_b_read(void *opaque, uint16_t port, unsigned size)
{
    (void)port;
    uint32_t v = port_b_value(opaque);
    return size == 1 ? v : v | (0xffffffffu << 8);     /* 0x62.. are not ours */
}

static void port_b_write(void *opaque, uint16_t port, unsigned size, uint32_t value)
{
    struct pit *p = opaque;
    (void)port, (void)size;
    p->port_b = value & PB_WRITABLE;
    pit_set_gate(&p->ch[2], value & PB_GATE2, pit_edge_now(p));
}

/* ---- reset ---- */

/* A counter as a control word `control` and count 0 (65536) left it, the
 * count loaded at edge 0. */
static void pit_counter_reset(struct pit_counter *c, uint8_t control, bool gate)
{
    *c = (struct pit_counter){ .gate = gate };
    pit_control_word(c, control, 0);
    c->cr = 0;
    c->cr_valid = true;
    ce_load(c, &c->s);
}

static void pit_reset(struct pit *p, uint64_t now)
{
    *p = (struct pit){ .epoch = now, .timer = { .fn = pit_timer_expired, .opaque = p } };
    pit_counter_reset(&p->ch[0], 0x34, true);   /* SeaBIOS: mode 2, LSB then MSB */
    pit_counter_reset(&p->ch[1], 0x06, true);   /* QEMU's reset: mode 3, RW 00 */
    pit_counter_reset(&p->ch[2], 0x06, false);  /* ... GATE 2 low (0x61 = 0) */
    /* IRQ 0 is driven from OUT's first transition on (the PIC may not be
     * initialised yet): a first falling edge changes nothing for the PIC,
     * whose line starts low, and the rising one after it is a request. */
    p->irq_level = p->ch[0].s.out;
    pit_irq_arm(p, &p->ch[0].s);
}

static void pit_machine_reset(void)
{
    timer_cancel(&pit.timer);
    pit_reset(&pit, clock_ns());
}
DEVICE_RESET(pit_machine_reset);

static int pit_init(void)
{
    pit_reset(&pit, clock_ns());
    io_register(PIT_BASE, PIT_PORTS, pit_io_read, pit_io_write, &pit, "i8254 PIT");
    io_register(PORT_B, 1, port_b_read, port_b_write, &pit, "port B (0x61)");
    return 0;
}
DEVICE_INIT(pit_init);
