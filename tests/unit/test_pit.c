/* The 8254 model (devices/pit8254.c) against the data sheet's waveforms,
 * clock by clock. The model is compiled into this test with fakes for what
 * it uses: clock_ns() is a variable the test sets to the time of a chosen
 * clock edge, the dev_timer and IRQ 0 are recorded, and the ports are
 * reached through the callbacks it registers. Edge numbers below count
 * from the model's epoch (pit_reset); a count written after edge E is
 * loaded on edge E+1 and counts from E+2 on. */
#include "devices/pit8254.c"

#include "check.h"

/* ---- fakes for the model's dependencies ---- */

#define FAKE_NOW_START 5000000000u
#include "fake_devices.h"

static uint32_t in(uint16_t port, unsigned size)
{
    return port_owner[port].rd(port_owner[port].opaque, port, size);
}

static uint8_t inb(uint16_t port) { return (uint8_t)in(port, 1); }

static void outb(uint16_t port, uint8_t v)
{
    port_owner[port].wr(port_owner[port].opaque, port, 1, v);
}

/* ---- helpers ---- */

#define CTRL 0x43
#define PORT_B_ 0x61

/* The clock is just after edge `edge`. */
static void at(uint64_t edge)
{
    fake_now = pit_edge_time(&pit, edge);
}

static void fresh(void)
{
    pit_reset(&pit, fake_now);
    fake_irq_level[PIT_IRQ] = 0;
    fake_irq_rises[PIT_IRQ] = 0;
}

/* Control word for counter ch, access LSB then MSB, mode m, binary. */
static uint8_t cw_word(int ch, int m)
{
    return (uint8_t)(ch << 6 | RW_WORD << 4 | m << 1);
}

static void load(int ch, uint8_t control, uint16_t count)
{
    outb(CTRL, control);
    outb((uint16_t)(0x40 + ch), (uint8_t)count);
    outb((uint16_t)(0x40 + ch), (uint8_t)(count >> 8));
}

static void count_word(int ch, uint16_t count)
{
    outb((uint16_t)(0x40 + ch), (uint8_t)count);
    outb((uint16_t)(0x40 + ch), (uint8_t)(count >> 8));
}

/* Two bytes from a counter port, LSB first. */
static unsigned read_word(uint16_t port)
{
    unsigned lo = inb(port);
    return lo | inb(port) << 8;
}

/* Counter latch command, then the two bytes. */
static unsigned latched(int ch)
{
    outb(CTRL, (uint8_t)(ch << 6));
    return read_word((uint16_t)(0x40 + ch));
}

/* Read-back of the status alone. */
static uint8_t status(int ch)
{
    outb(CTRL, (uint8_t)(0xc0 | RB_NO_COUNT | RB_COUNTER(ch)));
    return inb((uint16_t)(0x40 + ch));
}

static bool out_of(int ch)
{
    return status(ch) & STATUS_OUT;
}

static void gate2(bool high)
{
    outb(PORT_B_, high ? PB_GATE2 : 0);
}

static bool out2(void)
{
    return inb(PORT_B_) & PB_OUT2;
}

/* The monitor runs the IRQ timer at its deadline, plus `late` edges. */
static void run_timer(uint64_t late)
{
    fake_now = pit.timer.deadline;
    if (late)
        fake_now = pit_edge_time(&pit, pit_edge_at(&pit, fake_now) + late);
    pit.timer.armed = false;
    pit_timer_expired(&pit);
}

/* Reads counter ch at edges first..first+n-1 (latched) into v, and its
 * OUT into o unless o is NULL. */
static void sample_out(int ch, uint64_t first, int n, unsigned *v, bool *o)
{
    for (int i = 0; i < n; i++) {
        at(first + (uint64_t)i);
        v[i] = latched(ch);
        if (o)
            o[i] = out_of(ch);
    }
}

static void sample(int ch, uint64_t first, int n, unsigned *v)
{
    sample_out(ch, first, n, v, NULL);
}

static bool same(const unsigned *got, const unsigned *want, int n)
{
    for (int i = 0; i < n; i++)
        if (got[i] != want[i]) {
            printf("     at +%d: got %04x want %04x\n", i, got[i], want[i]);
            return false;
        }
    return true;
}

/* ---- reset state ---- */

static void test_reset(void)
{
    fresh();
    at(1);
    CHECK_EQ(status(0), 0xb4, "reset: counter 0 mode 2, LSB then MSB, binary, OUT high (SeaBIOS)");
    CHECK_EQ(status(1), 0x86, "reset: counter 1 mode 3, RW 00 (QEMU's reset)");
    CHECK_EQ(status(2), 0x86, "reset: counter 2 mode 3, RW 00, OUT high (GATE 2 low)");
    CHECK_EQ(inb(PORT_B_) & ~PB_REFRESH, 0x20, "reset: 0x61 = GATE2 low, speaker off, OUT2 high");
    CHECK_EQ(latched(0), 0xffff, "reset: counter 0 counts from 65536 (count 0)");
    at(2);
    CHECK(inb(0x41) == 0xfc && inb(0x41) == 0xfc,
          "reset: counter 1 (RW 00) reads its LSB each time, mode 3 counts by two");
    CHECK_EQ(inb(CTRL), 0, "the control word register reads 0 (as in QEMU)");
    CHECK(pit.timer.armed && pit.timer.deadline == pit_edge_time(&pit, 65535),
          "reset: the IRQ 0 timer is armed for OUT's fall at count 1 (edge 65535)");
    run_timer(0);
    CHECK(fake_irq_rises[PIT_IRQ] == 0 && pit.timer.deadline == pit_edge_time(&pit, 65536),
          "reset: no request before OUT's first rising edge (edge 65536)");
    run_timer(0);
    CHECK(fake_irq_rises[PIT_IRQ] == 1 && fake_irq_level[PIT_IRQ],
          "reset: IRQ 0 rises at the end of the period: 18.2 Hz");
}

/* ---- modes ---- */

static void test_mode0(void)
{
    unsigned v[4];

    fresh();
    at(100);
    outb(CTRL, cw_word(1, 0));
    CHECK_EQ(status(1), 0x70, "mode 0: after the control word OUT is low and NULL COUNT set");
    count_word(1, 10);
    CHECK_EQ(status(1), 0x70, "mode 0: NULL COUNT stays set until the count is loaded");
    at(101);
    CHECK_EQ(latched(1), 10, "mode 0: the count is loaded on the next clock");
    CHECK_EQ(status(1), 0x30, "mode 0: NULL COUNT clears when the CE is loaded");
    at(110);
    CHECK(latched(1) == 1 && !out_of(1), "mode 0: OUT low while counting down to 1");
    at(111);
    CHECK(latched(1) == 0 && out_of(1), "mode 0: OUT high at terminal count, N+1 clocks after the write");
    sample(1, 112, 2, v);
    CHECK(v[0] == 0xffff && v[1] == 0xfffe && out_of(1),
          "mode 0: the CE wraps to FFFF and counts on; OUT stays high");

    at(200);
    outb(0x41, 5);
    at(210);
    CHECK(latched(1) == 0xffa7 && !out_of(1),
          "mode 0: the first byte of a new count stops counting and sets OUT low");
    outb(0x41, 0);
    sample(1, 211, 1, v);
    at(215);
    CHECK(v[0] == 5 && latched(1) == 1 && !out_of(1), "mode 0: the second byte loads the new count");
    at(216);
    CHECK(out_of(1), "mode 0: OUT high at the new terminal count");

    /* GATE (counter 2) */
    at(300);
    gate2(true);
    load(2, cw_word(2, 0), 1000);
    at(400);
    CHECK_EQ(latched(2), 901, "mode 0: counts with GATE high");
    gate2(false);
    at(500);
    CHECK(latched(2) == 901 && !out2(), "mode 0: GATE low holds the count, OUT unchanged");
    gate2(true);
    at(1400);
    CHECK(latched(2) == 1 && !out2(), "mode 0: counting resumes with GATE high");
    at(1401);
    CHECK(out2(), "mode 0: OUT 2 (0x61 bit 5) high at terminal count");
    at(2000);
    gate2(false);
    load(2, cw_word(2, 0), 50);
    at(2010);
    CHECK_EQ(latched(2), 50, "mode 0: a count written with GATE low is loaded and held");

    /* IRQ 0 */
    at(3000);
    load(0, cw_word(0, 0), 100);
    CHECK(!fake_irq_level[PIT_IRQ] && pit.timer.deadline == pit_edge_time(&pit, 3101),
          "mode 0 on counter 0: IRQ 0 low, timer armed for the terminal count");
    int rises = fake_irq_rises[PIT_IRQ];
    run_timer(0);
    CHECK(fake_irq_level[PIT_IRQ] && fake_irq_rises[PIT_IRQ] == rises + 1 && !pit.timer.armed,
          "mode 0 on counter 0: one rising edge, then no timer (one-shot)");
}

static void test_mode1(void)
{
    fresh();
    at(3000);
    gate2(false);
    load(2, cw_word(2, 1), 20);
    CHECK_EQ(status(2), 0xf2, "mode 1: OUT high and NULL COUNT set after the count is written");
    at(3010);
    CHECK(out2() && (status(2) & STATUS_NULL), "mode 1: no trigger, nothing loaded");
    gate2(true);
    CHECK(out2(), "mode 1: the trigger takes effect on the next clock");
    at(3011);
    CHECK(latched(2) == 20 && status(2) == 0x32, "mode 1: trigger loads the count, OUT low, NULL COUNT clear");
    at(3030);
    CHECK(latched(2) == 1 && !out2(), "mode 1: OUT low for N clocks");
    at(3031);
    CHECK(latched(2) == 0 && out2(), "mode 1: OUT high at terminal count");
    at(3040);
    gate2(false);
    gate2(true);
    at(3050);
    CHECK(latched(2) == 11 && !out2(), "mode 1: a second trigger fires the one-shot again");
    gate2(false);
    gate2(true);
    at(3051);
    CHECK_EQ(latched(2), 20, "mode 1: retriggered during the pulse: reloads the count");
    at(3060);
    count_word(2, 5);
    at(3065);
    CHECK(latched(2) == 6 && !out2(), "mode 1: a new count does not change the current pulse");
    at(3070);
    CHECK(!out2(), "mode 1: the retriggered pulse lasts N clocks from its trigger...");
    at(3071);
    CHECK(out2(), "mode 1: ...and ends at terminal count");
    at(3080);
    gate2(false);
    gate2(true);
    at(3081);
    CHECK_EQ(latched(2), 5, "mode 1: the next trigger loads the new count");

    at(3100);
    load(1, cw_word(1, 1), 7);
    at(3200);
    CHECK_EQ(status(1), 0xf2, "mode 1 on counter 1 (GATE tied high, never triggered): NULL COUNT stays set");
}

static void test_mode2(void)
{
    unsigned v[10];

    fresh();
    at(4000);
    load(1, cw_word(1, 2), 4);
    CHECK_EQ(status(1), 0xf4, "mode 2: OUT high, NULL COUNT set after the count is written");
    sample(1, 4001, 8, v);
    CHECK(same(v, (unsigned[]){ 4, 3, 2, 1, 4, 3, 2, 1 }, 8), "mode 2: counts N..1 and reloads");
    at(4004);
    CHECK_EQ(status(1), 0x34, "mode 2: OUT low for the one clock at count 1");
    at(4005);
    CHECK(out_of(1), "mode 2: OUT high again with the reload");
    at(4006);
    count_word(1, 6);
    CHECK(status(1) & STATUS_NULL, "mode 2: a new count sets NULL COUNT");
    sample(1, 4007, 9, v);
    CHECK(same(v, (unsigned[]){ 2, 1, 6, 5, 4, 3, 2, 1, 6 }, 9),
          "mode 2: a new count takes effect at the end of the current period");
    CHECK(!(status(1) & STATUS_NULL), "mode 2: NULL COUNT clears at the reload");

    /* GATE */
    at(6000);
    gate2(true);
    load(2, cw_word(2, 2), 100);
    at(6050);
    CHECK_EQ(latched(2), 51, "mode 2: counts with GATE high");
    gate2(false);
    at(6060);
    CHECK(latched(2) == 51 && out2(), "mode 2: GATE low holds the count");
    gate2(true);
    at(6061);
    CHECK_EQ(latched(2), 100, "mode 2: GATE's rising edge reloads the count on the next clock");
    at(6160);
    CHECK(latched(2) == 1 && !out2(), "mode 2: OUT low at count 1");
    gate2(false);
    CHECK(out2(), "mode 2: GATE low forces OUT high at once");
    gate2(true);

    /* IRQ 0: one rising edge per period */
    at(7000);
    load(0, cw_word(0, 2), 10);
    int rises = fake_irq_rises[PIT_IRQ];
    for (int i = 0; i < 20; i++)
        run_timer(0);
    CHECK(fake_irq_rises[PIT_IRQ] == rises + 10 && fake_irq_level[PIT_IRQ],
          "mode 2 on counter 0: 20 OUT transitions, 10 rising edges on IRQ 0");
    CHECK(pit.timer.deadline == pit_edge_time(&pit, 7001 + 10 * 10 + 9),
          "mode 2 on counter 0: next transition at count 1 of the 11th period");
    rises = fake_irq_rises[PIT_IRQ];
    run_timer(35);
    CHECK_EQ(fake_irq_rises[PIT_IRQ], rises + 1, "IRQ 0: a timer run late folds the missed periods into one edge");
    CHECK_EQ(pit_edge_at(&pit, pit.timer.deadline), 7001 + 14 * 10 + 9,
             "IRQ 0: after a late run the timer follows the counter again");
}

static void test_mode3(void)
{
    unsigned v[12];
    bool o[12];

    fresh();
    at(7000);
    load(1, cw_word(1, 3), 6);
    sample_out(1, 7001, 7, v, o);
    CHECK(same(v, (unsigned[]){ 6, 4, 2, 6, 4, 2, 6 }, 7), "mode 3, even N: counts down by two, reloads each half");
    CHECK(o[0] && o[1] && o[2] && !o[3] && !o[4] && !o[5] && o[6],
          "mode 3, even N: OUT high N/2 clocks, low N/2");

    at(7100);
    load(1, cw_word(1, 3), 5);
    sample_out(1, 7101, 6, v, o);
    CHECK(same(v, (unsigned[]){ 4, 2, 0, 4, 2, 4 }, 6), "mode 3, odd N: counts from N-1 by two");
    CHECK(o[0] && o[1] && o[2] && !o[3] && !o[4] && o[5], "mode 3, odd N: OUT high (N+1)/2 clocks, low (N-1)/2");

    at(7200);
    load(1, cw_word(1, 3), 6);
    at(7202);
    count_word(1, 10);
    sample(1, 7203, 4, v);
    at(7204);
    CHECK(same(v, (unsigned[]){ 2, 10, 8, 6 }, 4) && !out_of(1),
          "mode 3: a new count takes effect at the end of the half period");

    at(7300);
    gate2(true);
    load(2, cw_word(2, 3), 8);
    at(7306);
    CHECK(!out2(), "mode 3: OUT 2 low in the second half");
    gate2(false);
    at(7310);
    CHECK(out2() && latched(2) == 6, "mode 3: GATE low forces OUT high and holds the count");
    gate2(true);
    at(7311);
    CHECK(out2() && latched(2) == 8, "mode 3: GATE's rising edge restarts the period");

    at(8000);
    load(0, cw_word(0, 3), 0);
    int rises = fake_irq_rises[PIT_IRQ];
    for (int i = 0; i < 6; i++)
        run_timer(0);
    CHECK(fake_irq_rises[PIT_IRQ] == rises + 3 && pit_edge_at(&pit, pit.timer.deadline) == 8001 + 3 * 65536 + 32768,
          "mode 3 on counter 0, count 0: IRQ 0 rises every 65536 clocks (18.2 Hz)");
}

static void test_mode4(void)
{
    unsigned v[5];

    fresh();
    at(8000);
    load(1, cw_word(1, 4), 3);
    CHECK_EQ(status(1), 0xf8, "mode 4: OUT high, NULL COUNT set after the count");
    sample(1, 8001, 5, v);
    CHECK(same(v, (unsigned[]){ 3, 2, 1, 0, 0xffff }, 5), "mode 4: loads on the next clock, counts and wraps");
    at(8003);
    CHECK(out_of(1), "mode 4: OUT high until terminal count");
    at(8004);
    CHECK(!out_of(1), "mode 4: OUT low for one clock at terminal count, N+1 clocks after the write");
    at(8005);
    CHECK(out_of(1), "mode 4: OUT high again");
    at(8004 + 65536);
    CHECK(latched(1) == 0 && out_of(1), "mode 4: no strobe at the next wrap (one strobe per count)");

    at(80000);
    count_word(1, 10);
    at(80001);
    CHECK_EQ(latched(1), 10, "mode 4: a new count is loaded on the next clock (software retrigger)");
    at(80005);
    outb(0x41, 0x40);
    at(80007);
    CHECK_EQ(latched(1), 4, "mode 4: the first byte of a new count does not affect counting");
    outb(0x41, 0);
    at(80008);
    CHECK_EQ(latched(1), 0x40, "mode 4: the second byte loads it");

    at(90000);
    gate2(true);
    load(2, cw_word(2, 4), 10);
    at(90005);
    gate2(false);
    at(90100);
    CHECK_EQ(latched(2), 6, "mode 4: GATE low holds the count");
}

static void test_mode5(void)
{
    fresh();
    at(9000);
    gate2(false);
    load(2, cw_word(2, 5), 3);
    at(9010);
    CHECK(out2() && (status(2) & STATUS_NULL), "mode 5: nothing happens before a trigger");
    gate2(true);
    at(9011);
    CHECK(latched(2) == 3 && out2() && !(status(2) & STATUS_NULL), "mode 5: the trigger loads the count");
    at(9014);
    CHECK(latched(2) == 0 && !out2(), "mode 5: OUT low for one clock at terminal count");
    at(9015);
    CHECK(latched(2) == 0xffff && out2(), "mode 5: OUT high again, the CE wraps");
    gate2(false);
    gate2(true);
    at(9016);
    CHECK_EQ(latched(2), 3, "mode 5: retriggerable");
}

static void test_mode_aliases(void)
{
    unsigned v[5];

    fresh();
    at(100);
    load(1, 0x7c, 4);
    sample(1, 101, 5, v);
    at(200);
    CHECK((status(1) & 0x3f) == 0x3c && same(v, (unsigned[]){ 4, 3, 2, 1, 4 }, 5),
          "mode 6 is mode 2; the status byte shows M2-M0 as written");
    load(1, 0x7e, 4);
    sample(1, 201, 3, v);
    at(300);
    CHECK((status(1) & 0x3f) == 0x3e && same(v, (unsigned[]){ 4, 2, 4 }, 3),
          "mode 7 is mode 3; the status byte shows M2-M0 as written");
}

static void test_bcd(void)
{
    unsigned v[3];

    fresh();
    at(10000);
    load(1, cw_word(1, 0) | CW_BCD, 0x0100);
    CHECK_EQ(status(1) & 0x3f, 0x31, "BCD: the status byte shows the BCD bit");
    sample(1, 10001, 3, v);
    CHECK(same(v, (unsigned[]){ 0x0100, 0x0099, 0x0098 }, 3), "BCD: counts in decimal digits");
    at(10101);
    CHECK(latched(1) == 0 && out_of(1), "BCD: terminal count after 100 clocks");
    at(10102);
    CHECK_EQ(latched(1), 0x9999, "BCD: the CE wraps to 9999");

    at(12000);
    load(1, cw_word(1, 2) | CW_BCD, 0);
    sample(1, 12001, 2, v);
    at(22000);
    v[2] = latched(1);
    CHECK(v[0] == 0 && v[1] == 0x9999 && v[2] == 1 && !out_of(1),
          "BCD: count 0 is 10000 (mode 2: period 10000 clocks)");
    at(22001);
    CHECK_EQ(latched(1), 0, "BCD: mode 2 reloads 10000 (reads 0000)");

    at(30000);
    load(1, cw_word(1, 3) | CW_BCD, 0x0010);
    sample(1, 30001, 3, v);
    at(30006);
    CHECK(same(v, (unsigned[]){ 0x10, 0x08, 0x06 }, 3) && !out_of(1), "BCD: mode 3 with count 10");
}

/* ---- latches, read-back, flip-flops ---- */

static void test_latch(void)
{
    fresh();
    at(13000);
    load(1, cw_word(1, 2), 0);
    at(13010);
    outb(CTRL, 0x40);
    at(13100);
    outb(CTRL, 0x40);
    unsigned lo = inb(0x41);
    at(13500);
    unsigned hi = inb(0x41);
    CHECK_EQ(lo | hi << 8, 65536 - 9, "latch: holds the count of the first latch command; a second is ignored");
    at(13600);
    CHECK_EQ(latched(1), 65536 - 599, "latch: after both bytes are read, reads follow the CE again");
    outb(CTRL, 0x40);
    load(1, cw_word(1, 2), 0);
    at(13700);
    CHECK_EQ(read_word(0x41), 65536 - 99, "latch: a control word drops a latched count");

    outb(CTRL, 0x60 | 2 << 1);          /* counter 1, MSB only, mode 2 */
    outb(0x41, 0x12);
    at(13702);
    outb(CTRL, 0x40);
    at(13800);
    CHECK(inb(0x41) == 0x11 && inb(0x41) == 0x11, "latch: an MSB-only counter's latch is one byte, the MSB");
    outb(CTRL, 0x50 | 2 << 1);          /* counter 1, LSB only, mode 2 */
    outb(0x41, 0x80);
    at(13802);
    outb(CTRL, 0x40);
    at(13900);
    CHECK(inb(0x41) == 0x7f && inb(0x41) == 0x80 - 99, "latch: an LSB-only counter's latch is one byte");
}

static void test_read_back(void)
{
    fresh();
    at(100);
    load(1, cw_word(1, 2), 1000);
    gate2(true);
    load(2, cw_word(2, 0) | CW_BCD, 0x0500);
    at(200);
    outb(CTRL, 0xc0 | RB_COUNTER(0) | RB_COUNTER(1) | RB_COUNTER(2));
    at(300);
    unsigned s0 = inb(0x40), c0 = read_word(0x40);
    unsigned s1 = inb(0x41), c1 = read_word(0x41);
    unsigned s2 = inb(0x42), c2 = read_word(0x42);
    CHECK(s0 == 0xb4 && s1 == 0xb4 && s2 == 0x31,
          "read-back: latches the status of several counters at once");
    CHECK(c0 == 65536 - 200 && c1 == 1000 - 99 && c2 == 0x0401,
          "read-back: ...and their counts; status reads first, then the count");
    CHECK_EQ(latched(1), 1000 - 199, "read-back: after the latched bytes, reads follow the CE");

    outb(CTRL, 0xc0 | RB_NO_STATUS | RB_COUNTER(1));
    at(400);
    outb(CTRL, 0xc0 | RB_NO_COUNT | RB_COUNTER(1));
    outb(CTRL, 0xc0 | RB_COUNTER(1));
    CHECK(inb(0x41) == 0xb4 && read_word(0x41) == 1000 - 199,
          "read-back: a count latched first is kept, the status still reads first");
    outb(CTRL, 0xc0 | RB_NO_COUNT | RB_COUNTER(1));
    at(500);
    outb(CTRL, 0xc0 | RB_NO_COUNT | RB_COUNTER(1));
    CHECK(inb(0x41) == 0xb4 && read_word(0x41) == 1000 - 399,
          "read-back: status only; a second status latch is ignored; then the count reads live");
    at(600);
    outb(CTRL, 0x70);
    CHECK_EQ(status(1), 0x70, "read-back: NULL COUNT is set by a control word");
}

static void test_flip_flops(void)
{
    fresh();
    at(100);
    load(1, cw_word(1, 0), 0x12f0);
    at(101);
    CHECK(inb(0x41) == 0xf0 && inb(0x41) == 0x12 && inb(0x41) == 0xf0,
          "LSB then MSB: written and read least significant byte first");
    outb(0x41, 0x40);               /* mode 0: stops counting */
    CHECK_EQ(inb(0x41), 0x12, "reads and writes have separate flip-flops (read LSB, write LSB, read MSB)");
    outb(0x41, 0x56);
    at(103);
    CHECK_EQ(latched(1), 0x563f, "...write MSB: the count is 0x5640");
    at(200);
    outb(CTRL, 0x50);               /* LSB only, mode 0 */
    outb(0x41, 0x80);
    at(211);
    CHECK(inb(0x41) == 0x80 - 10 && inb(0x41) == 0x80 - 10, "LSB only: the MSB of the count is 0");
    outb(CTRL, 0x60);               /* MSB only */
    outb(0x41, 0x34);
    at(212);
    CHECK(inb(0x41) == 0x34, "MSB only: the LSB is 0, reads give the MSB");
    at(213);
    CHECK(inb(0x41) == 0x33, "MSB only: ...and count from 0x3400");
    CHECK_EQ(in(0x40, 2) >> 8, 0x33, "a 16-bit IN at 0x40 reads 0x40 then 0x41 (byte registers)");
}

static void test_port_b(void)
{
    fresh();
    bool toggles = true;
    for (uint64_t k = 1; k < 6; k++) {
        at(k * REFRESH_EDGES);
        toggles &= !!(inb(PORT_B_) & PB_REFRESH) == (k & 1);
        at(k * REFRESH_EDGES + REFRESH_EDGES - 1);
        toggles &= !!(inb(PORT_B_) & PB_REFRESH) == (k & 1);
    }
    CHECK(toggles, "0x61 bit 4 toggles every 18 clocks (15.085 us refresh)");
    outb(PORT_B_, 0xff);
    CHECK_EQ(inb(PORT_B_) & 0xcf, 0x0f, "0x61 bits 0-3 read back, 6-7 read 0");
    CHECK(pit.ch[2].gate, "0x61 bit 0 is GATE 2");
    CHECK_EQ((in(PORT_B_, 2) & 0xffff) >> 8, 0xff, "a 16-bit IN at 0x61: 0x62 is not the PIT's");
}

int main(void)
{
    pit_init();
    test_reset();
    test_mode0();
    test_mode1();
    test_mode2();
    test_mode3();
    test_mode4();
    test_mode5();
    test_mode_aliases();
    test_bcd();
    test_latch();
    test_read_back();
    test_flip_flops();
    test_port_b();
    return check_summary();
}
