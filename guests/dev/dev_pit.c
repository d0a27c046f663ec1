/* The 8254 interval timer (ports 0x40-0x43) and port 0x61 at register
 * level, as the 8254 data sheet (Intel 231164) and the PC define them:
 * the counter latch command, the LSB/MSB flip-flops, the read-back command
 * and status byte, counting in modes 0-3, GATE 2 and OUT 2 through port
 * 0x61, and 0x61's refresh toggle.
 *
 * Deterministic: no value that depends on time is printed; checks compare
 * counts with each other. Time is measured in clocks of counter 0, which
 * SeaBIOS leaves running in mode 2 (count 65536) and this test never
 * reprograms: its count changes on every clock edge (wait_clocks).
 * The counters run on host time, so the guest being descheduled between
 * two reads (tens of ms on a loaded host) moves counts by any amount. So
 * a check leaves margins of 10 ms or more where it can, nothing is printed
 * between the accesses it measures (a line of serial output moves a count
 * by hundreds), and a measurement is tried up to 3 times (TRIES): a
 * model that is wrong fails all three, a pause spoils one.
 *
 * Only what QEMU 7.2 does as the data sheet says is checked here; the rest
 * is checked clock by clock in tests/unit/test_pit.c. QEMU counts in binary
 * whatever the BCD bit; never sets NULL COUNT (so it is only checked once
 * the count is in the CE, where it is 0 on both); inverts OUT in modes 1,
 * 2, 4 and 5 and computes mode 6 and 7's OUT as mode 0's (so OUT is only
 * compared in modes 0 and 3); and ignores GATE levels (so only GATE's
 * rising edge is checked, not that a low GATE holds the count). */
#include "guest.h"

#define PIT_CH(n)   (0x40 + (n))
#define PIT_CTRL    0x43
#define PORT_B      0x61
#define PB_GATE2    0x01
#define PB_SPEAKER  0x02
#define PB_REFRESH  0x10
#define PB_OUT2     0x20

#define RW_LSB      0x10
#define RW_MSB      0x20
#define RW_WORD     0x30
#define CW(ch, rw, mode)  ((uint8_t)((ch) << 6 | (rw) | (mode) << 1))
#define BCD         0x01
#define LATCH(ch)   ((uint8_t)((ch) << 6))
#define READ_BACK(count, status, chans) \
    ((uint8_t)(0xc0 | ((count) ? 0 : 0x20) | ((status) ? 0 : 0x10) | (chans) << 1))
#define STATUS_OUT  0x80

#define SPIN_LIMIT  20000000u       /* polls before a wait gives up (seconds) */
#define TRIES       3

static unsigned latch(int ch)
{
    outb(PIT_CTRL, LATCH(ch));
    unsigned lo = inb(PIT_CH(ch));
    return lo | inb(PIT_CH(ch)) << 8;
}

/* Two bytes from a counter: LSB, then MSB (latched or not). */
static unsigned read_word(int ch)
{
    unsigned lo = inb(PIT_CH(ch));
    return lo | inb(PIT_CH(ch)) << 8;
}

static uint8_t status(int ch)
{
    outb(PIT_CTRL, READ_BACK(0, 1, 1 << ch));
    return inb(PIT_CH(ch));
}

static void load(int ch, uint8_t control, uint16_t count)
{
    outb(PIT_CTRL, control);
    outb(PIT_CH(ch), (uint8_t)count);
    outb(PIT_CH(ch), (uint8_t)(count >> 8));
}

/* Returns after counter 0 changed n times: at least n clock edges later.
 * Returns 0 if it never did (the counter is dead). */
static int wait_clocks(unsigned n)
{
    unsigned last = latch(0);
    for (uint32_t spins = 0; n && spins < SPIN_LIMIT; spins++) {
        unsigned now = latch(0);
        if (now != last) {
            last = now;
            n--;
        }
    }
    return n == 0;
}

/* Polls counter 2 until its count drops below `below`. */
static int wait_count2_below(unsigned below)
{
    for (uint32_t spins = 0; spins < SPIN_LIMIT; spins++)
        if (latch(2) < below)
            return 1;
    return 0;
}

/* Whether `bit` of port 0x61 changes `times` times (within SPIN_LIMIT reads). */
static int port_b_toggles(uint8_t bit, unsigned times)
{
    uint8_t level = inb(PORT_B) & bit;
    for (uint32_t spins = 0; times && spins < SPIN_LIMIT; spins++) {
        uint8_t now = inb(PORT_B) & bit;
        if (now != level) {
            level = now;
            times--;
        }
    }
    return times == 0;
}

/* Runs a measurement until it passes, TRIES times at most. */
static int tried(int (*measure)(void))
{
    for (int i = 0; i < TRIES; i++)
        if (measure())
            return 1;
    return 0;
}

/* a was read at least `clocks` clock edges before b, on a counter counting
 * down from 65536 that has not reloaded in between. */
static int older_by(unsigned a, unsigned b, unsigned clocks)
{
    return a > b && a - b >= clocks;
}

/* ---- counter 0: the time base ---- */

static void test_time_base(void)
{
    CHECK(wait_clocks(100), "counter 0 counts (SeaBIOS left it running)");
    CHECK_EQ(status(0) & 0x7f, 0x34,
             "read-back status: counter 0 in mode 2, LSB then MSB, binary (SeaBIOS)");
}

/* ---- counter latch command ---- */

static int latch_held(void)
{
    load(1, CW(1, RW_WORD, 2), 0);
    wait_clocks(2);
    outb(PIT_CTRL, LATCH(1));
    wait_clocks(300);
    outb(PIT_CTRL, LATCH(1));                   /* ignored: still latched */
    unsigned held = read_word(1);
    return older_by(held, latch(1), 300);
}

static int latch_split_read(void)
{
    load(1, CW(1, RW_WORD, 2), 0);
    wait_clocks(2);
    outb(PIT_CTRL, LATCH(1));
    unsigned lo = inb(PIT_CH(1));
    wait_clocks(300);
    unsigned v = lo | inb(PIT_CH(1)) << 8;
    return older_by(v, latch(1), 300);
}

static void test_counter_latch(void)
{
    CHECK(tried(latch_held),
          "counter latch: the count of the first latch command is held until read; a second is ignored");
    CHECK(tried(latch_split_read), "counter latch: LSB and MSB read 300 clocks apart are one latched value");
}

/* ---- counting in modes 2 and 3 (count 65536: far from a reload) ---- */

static unsigned samples[3];

static int goes_down(int mode)
{
    load(1, CW(1, RW_WORD, mode), 0);
    for (int i = 0; i < 3; i++) {
        wait_clocks(3);
        samples[i] = latch(1);
    }
    return samples[0] > samples[1] && samples[1] > samples[2];
}

static int mode2_goes_down(void) { return goes_down(2); }
static int mode3_goes_down(void) { return goes_down(3); }

static void test_periodic_counts(void)
{
    CHECK(tried(mode2_goes_down), "mode 2: the count goes down between reads");
    CHECK(tried(mode3_goes_down), "mode 3: the count goes down between reads");
    CHECK(!((samples[0] | samples[1] | samples[2]) & 1), "mode 3: an even count counts down by two");
}

/* ---- the LSB/MSB flip-flops (MSBs within ranges of 0x40: 13.7 ms) ---- */

static int word_order(void)
{
    load(1, CW(1, RW_WORD, 0), 0x80f0);
    wait_clocks(2);
    (void)inb(PIT_CH(1));                       /* LSB */
    uint8_t msb = inb(PIT_CH(1));
    return msb <= 0x80 && msb >= 0x40;
}

/* The data sheet's example: read LSB, write LSB, read MSB, write MSB. */
static int interleaved(void)
{
    load(1, CW(1, RW_WORD, 0), 0x80f0);
    wait_clocks(2);
    (void)inb(PIT_CH(1));
    outb(PIT_CH(1), 0x40);
    uint8_t msb = inb(PIT_CH(1));
    outb(PIT_CH(1), 0x56);
    wait_clocks(2);
    unsigned v = latch(1);
    return msb <= 0x80 && msb >= 0x40 && v < 0x5640 && v >= 0x1640;
}

/* Mode 2, count 0xff: the MSB is always 0, the LSB never. */
static int lsb_only(void)
{
    outb(PIT_CTRL, CW(1, RW_LSB, 2));
    outb(PIT_CH(1), 0xff);
    wait_clocks(2);
    uint8_t a = inb(PIT_CH(1)), b = inb(PIT_CH(1));
    outb(PIT_CTRL, LATCH(1));
    uint8_t c = inb(PIT_CH(1)), d = inb(PIT_CH(1));
    return a && b && c && d;
}

static int msb_only(void)
{
    outb(PIT_CTRL, CW(1, RW_MSB, 0));
    outb(PIT_CH(1), 0x80);
    wait_clocks(2);
    uint8_t a = inb(PIT_CH(1)), b = inb(PIT_CH(1));
    return a < 0x80 && a >= 0x40 && b <= a && b >= 0x40;
}

static void test_flip_flops(void)
{
    CHECK(tried(word_order), "LSB then MSB: count written and read least significant byte first");
    CHECK(tried(interleaved), "LSB then MSB: reads and writes have flip-flops of their own");
    CHECK(tried(lsb_only), "LSB only: a one-byte count, every read (latched or not) is the LSB");
    CHECK(tried(msb_only), "MSB only: count 0x8000 (LSB 0), every read is the MSB");
}

/* ---- read-back status after programming each mode ---- */

/* NULL COUNT clear (the count is in the CE), RW, mode and BCD as written;
 * OUT low in mode 0 (count 65536: 55 ms before the terminal count). */
static int status_is(int ch, uint8_t control)
{
    uint8_t st = status(ch);
    int ok = (st & 0x7f) == (control & 0x3f);
    if (((control >> 1) & 7) == 0)
        ok &= !(st & STATUS_OUT);
    return ok;
}

static void check_status(int ch, uint8_t control, const char *what)
{
    int ok = 0;
    uint8_t rw = control & RW_WORD;
    for (int i = 0; i < TRIES && !ok; i++) {
        if (rw != RW_WORD) {
            outb(PIT_CTRL, control);
            outb(PIT_CH(ch), 0);
        } else if (ch == 2) {
            /* Modes 1 and 5 load the count on a GATE trigger. */
            outb(PORT_B, 0);
            load(2, control, 0);
            outb(PORT_B, PB_GATE2);
        } else {
            load(ch, control, 0);
        }
        wait_clocks(2);
        ok = status_is(ch, control);
    }
    CHECK(ok, "read-back status after programming %s: %02x", what, control & 0x3f);
}

static void test_status_per_mode(void)
{
    static const char *names[] = { "mode 0", "mode 1", "mode 2", "mode 3", "mode 4", "mode 5",
                                   "mode 6 (= 2)", "mode 7 (= 3)" };

    for (int m = 0; m < 8; m++) {
        int ch = m == 1 || m == 5 ? 2 : 1;
        check_status(ch, CW(ch, RW_WORD, m), names[m]);
    }
    check_status(1, CW(1, RW_LSB, 2), "LSB only");
    check_status(1, CW(1, RW_MSB, 2), "MSB only");
    check_status(1, CW(1, RW_WORD, 2) | BCD, "BCD");
    outb(PORT_B, 0);
}

/* ---- the read-back command ---- */

static void setup_counters_1_2(void)
{
    load(1, CW(1, RW_WORD, 2), 0);
    outb(PORT_B, PB_GATE2);
    load(2, CW(2, RW_WORD, 0), 0);
    wait_clocks(2);
}

/* Counter 0 is wait_clocks' time base: when latched, it is read at once. */
static int read_back_all(void)
{
    setup_counters_1_2();
    outb(PIT_CTRL, READ_BACK(1, 1, 7));         /* count and status of 0, 1, 2 */
    uint8_t s[3];
    unsigned c[3];
    for (int ch = 0; ch < 3; ch++) {
        s[ch] = inb(PIT_CH(ch));
        c[ch] = read_word(ch);
    }
    return (s[0] & 0x7f) == 0x34 && (s[1] & 0x7f) == 0x34 && (s[2] & 0x7f) == 0x30 &&
           c[1] >= latch(1) && c[2] >= latch(2);
}

static int read_back_held(void)
{
    setup_counters_1_2();
    outb(PIT_CTRL, READ_BACK(1, 1, 6));         /* count and status of 1 and 2 */
    wait_clocks(300);
    uint8_t s1 = inb(PIT_CH(1)), s2 = inb(PIT_CH(2));
    unsigned c1 = read_word(1), c2 = read_word(2);
    return (s1 & 0x7f) == 0x34 && (s2 & 0x7f) == 0x30 &&
           older_by(c1, latch(1), 300) && older_by(c2, latch(2), 300);
}

static int read_back_count_first(void)
{
    setup_counters_1_2();
    outb(PIT_CTRL, READ_BACK(1, 0, 2));         /* count of counter 1 */
    wait_clocks(300);
    outb(PIT_CTRL, READ_BACK(1, 1, 2));         /* count again (ignored) and status */
    uint8_t st = inb(PIT_CH(1));
    unsigned held = read_word(1);
    return (st & 0x7f) == 0x34 && older_by(held, latch(1), 300);
}

static int read_back_status_only(void)
{
    setup_counters_1_2();
    unsigned before = latch(1);
    outb(PIT_CTRL, READ_BACK(0, 1, 2));         /* status only */
    uint8_t st = inb(PIT_CH(1));
    wait_clocks(2);
    unsigned live = read_word(1);
    return (st & 0x7f) == 0x34 && live < before;
}

static void test_read_back(void)
{
    CHECK(tried(read_back_all),
          "read-back: one command latches status and count of counters 0, 1, 2; status reads first");
    CHECK(tried(read_back_held), "read-back: the latched counts are held while the counters go on");
    CHECK(tried(read_back_count_first),
          "read-back: a latched count is kept until read; a status latched later still reads first");
    CHECK(tried(read_back_status_only), "read-back: after a status alone, reads give the count");
    outb(PORT_B, 0);
}

/* ---- BCD ---- */

/* QEMU counts in binary in BCD mode, so only a count that reads the same
 * in both (9: 9..1 in mode 2) can be checked: every read is BCD. */
static void test_bcd(void)
{
    load(1, CW(1, RW_WORD, 2) | BCD, 0x0009);
    wait_clocks(2);
    int ok = 1;
    for (int i = 0; i < 200; i++) {
        unsigned v = latch(1);
        ok &= v >= 1 && v <= 9;
    }
    CHECK(ok, "BCD mode 2, count 9: the count stays within 1..9");
    CHECK_EQ(status(1) & 0x3f, (CW(1, RW_WORD, 2) & 0x3f) | BCD, "BCD: the status byte's BCD bit");
}

/* ---- GATE 2 and OUT 2 through port 0x61 ---- */

/* Count 65536, let down to a quarter (41 ms) before the trigger. */
static int gate_trigger(int mode)
{
    outb(PORT_B, mode == 1 ? 0 : PB_GATE2);
    load(2, CW(2, RW_WORD, mode), 0);
    outb(PORT_B, PB_GATE2);
    int went = wait_count2_below(0x4000);
    outb(PORT_B, 0);
    outb(PORT_B, PB_GATE2);
    wait_clocks(2);
    return went && latch(2) >= 0x4000;
}

static int mode2_gate(void) { return gate_trigger(2); }
static int mode1_gate(void) { return gate_trigger(1); }

static int mode0_out(void)
{
    outb(PORT_B, PB_GATE2);
    load(2, CW(2, RW_WORD, 0), 0xf000);         /* 51 ms */
    int low_first = !(inb(PORT_B) & PB_OUT2);
    uint32_t spins = 0;
    while (!(inb(PORT_B) & PB_OUT2) && spins < SPIN_LIMIT)
        spins++;
    return low_first && spins < SPIN_LIMIT;
}

/* After the terminal count the CE goes on counting (it does not stop at 0). */
static int mode0_wraps(void)
{
    wait_clocks(2);
    unsigned a = latch(2);
    wait_clocks(2);
    unsigned b = latch(2);
    return a != 0 && a != b && (inb(PORT_B) & PB_OUT2);
}

static void test_gate2(void)
{
    int ok = 1;
    for (uint8_t v = 0; v < 4; v++) {
        outb(PORT_B, v);
        ok &= (inb(PORT_B) & (PB_GATE2 | PB_SPEAKER)) == v;
    }
    outb(PORT_B, 0);
    CHECK(ok, "0x61 bits 0 (GATE 2) and 1 (speaker data enable) read back");
    CHECK(tried(mode2_gate), "mode 2: a rising edge of GATE 2 (0x61 bit 0) reloads the count");
    CHECK(tried(mode1_gate), "mode 1: a rising edge of GATE 2 retriggers the one-shot");
    outb(PORT_B, 0);
}

static void test_out2(void)
{
    CHECK(tried(mode0_out), "mode 0: OUT 2 (0x61 bit 5) is low while counting, high at terminal count");
    CHECK(mode0_wraps(), "mode 0: after terminal count OUT stays high and the CE counts on");

    load(2, CW(2, RW_WORD, 3), 0x0100);         /* 256 clocks: 4.7 kHz */
    CHECK(port_b_toggles(PB_OUT2, 6), "mode 3: OUT 2 is a square wave (0x61 bit 5 toggles)");
    outb(PORT_B, 0);
}

static void test_refresh(void)
{
    CHECK(port_b_toggles(PB_REFRESH, 4), "0x61 bit 4 (refresh) toggles");
}

int main(void)
{
    __asm__ volatile("cli");
    test_time_base();
    test_counter_latch();
    test_periodic_counts();
    test_flip_flops();
    test_status_per_mode();
    test_read_back();
    test_bcd();
    test_gate2();
    test_out2();
    test_refresh();
    return check_summary();
}
