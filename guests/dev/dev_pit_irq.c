/* Counter 0's OUT as IRQ 0 sees it (8254 data sheet; the 8259A takes
 * rising edges): one interrupt per period in modes 2 and 3 (a rate
 * generator's pulse and a square wave's rising edge alike), one at the
 * terminal count of mode 0, one per strobe of mode 4, none after. Time is
 * measured by counter 2 as a stopwatch (mode 0 from 65536, GATE 2 high),
 * so both counters run on one clock.
 *
 * Deterministic, and so under load too: while the guest is descheduled
 * (a busy host; ctest -j2 is enough) the periods it misses fold into one
 * interrupt, on QEMU as here, so no check counts interrupts in a window
 * of time. The checks are that interrupts keep coming, never faster than
 * one per period (what arrives late only makes the stopwatch read more),
 * and that a one-shot gives one and then none for 41 ms. The exact
 * waveforms are checked clock by clock in tests/unit/test_pit.c. Counter
 * 0 is left as SeaBIOS set it: mode 2, count 0. */
#include "pc.h"
#include "pm.h"

#define IRQ0_VECTOR 0x20
#define PIT_CH(n) (0x40 + (n))
#define PIT_CTRL 0x43
#define PORT_B 0x61
#define PB_GATE2 0x01
#define PB_OUT2 0x20

#define CLOCKS_PER_MS 1193
#define RATE_COUNT 596              /* 2 kHz */
#define RATE_TICKS 20
#define ONE_SHOT_QUIET 0xc000       /* clocks without a second interrupt: 41 ms */
#define STOPWATCH_FULL 0x10000u
#define SPIN_LIMIT 20000000u        /* polls of the stopwatch (seconds) */
#define TICK_SPIN_LIMIT 400000000u  /* loops waiting for an interrupt (seconds) */
#define TRIES 3

static volatile uint32_t ticks, stamp_at, stamp;

static uint32_t stopwatch_clocks(void);

/* Counts interrupts; the one numbered stamp_at reads the stopwatch. */
static int on_timer(struct pm_fault *f)
{
    (void)f;
    if (++ticks == stamp_at)
        stamp = stopwatch_clocks();
    pic_eoi(0);
    return 1;
}

static void load(int ch, uint8_t control, uint16_t count)
{
    outb(PIT_CTRL, control);
    outb(PIT_CH(ch), (uint8_t)count);
    outb(PIT_CH(ch), (uint8_t)(count >> 8));
}

static void stopwatch_start(void)
{
    outb(PORT_B, PB_GATE2);
    load(2, 0xb0, 0);               /* counter 2, LSB then MSB, mode 0, 65536 */
}

/* Clocks since stopwatch_start, STOPWATCH_FULL once past 65535. */
static uint32_t stopwatch_clocks(void)
{
    if (inb(PORT_B) & PB_OUT2)
        return STOPWATCH_FULL;
    outb(PIT_CTRL, 0x80);           /* latch counter 2 */
    uint32_t lo = inb(PIT_CH(2));
    uint32_t count = lo | inb(PIT_CH(2)) << 8;
    return count ? STOPWATCH_FULL - count : STOPWATCH_FULL;
}

/* Programs counter 0, then starts the stopwatch and counts from zero with
 * IF set. A request the PIC latched before (the old programming's edges,
 * or OUT rising with the new control word) is taken first, uncounted: the
 * new programming's first edge is 0.5 ms away or more. */
static void start(uint8_t control, uint16_t count, uint32_t stamp_tick)
{
    __asm__ volatile("cli");
    load(0, control, count);
    __asm__ volatile("sti; nop; nop; cli");
    ticks = 0;
    stamp_at = stamp_tick;
    stamp = 0;
    stopwatch_start();
    __asm__ volatile("sti");
}

static void wait_ticks(uint32_t n)
{
    for (uint32_t spins = 0; ticks < n && spins < TICK_SPIN_LIMIT; spins++)
        ;
}

/* RATE_TICKS interrupts come, and not before RATE_TICKS - 2 periods (one
 * period for the phase of counter 0 at the start, one for a request taken
 * early if the guest paused between the drain and the stopwatch). */
static int periodic(uint8_t control)
{
    start(control, RATE_COUNT, RATE_TICKS);
    wait_ticks(RATE_TICKS);
    __asm__ volatile("cli");
    return ticks >= RATE_TICKS && stamp >= (RATE_TICKS - 2) * RATE_COUNT;
}

/* A one-shot of 2 ms: one interrupt at its end, then none for
 * ONE_SHOT_QUIET clocks. Tried again if the guest paused in start() long
 * enough for the interrupt to be drained or to come at once. */
static int one_shot_once(uint8_t control)
{
    start(control, 2 * CLOCKS_PER_MS, 1);
    wait_ticks(1);
    for (uint32_t spins = 0; stopwatch_clocks() < ONE_SHOT_QUIET && spins < SPIN_LIMIT; spins++)
        ;
    __asm__ volatile("cli");
    return ticks == 1 && stamp >= 2 * CLOCKS_PER_MS - CLOCKS_PER_MS / 2;
}

static int one_shot(uint8_t control)
{
    for (int i = 0; i < TRIES; i++)
        if (one_shot_once(control))
            return 1;
    return 0;
}

int main(void)
{
    pm_init();
    pm_set_handler(IRQ0_VECTOR, on_timer);
    pic_init(IRQ0_VECTOR, 0x28, 0xfe, 0xff);   /* only IRQ 0 unmasked */

    CHECK(periodic(0x34), "mode 2, count 596: IRQ 0 keeps coming, one per period at most");
    CHECK(periodic(0x36), "mode 3, count 596: IRQ 0 keeps coming, one per period at most (OUT's rising edge)");
    CHECK(one_shot(0x30), "mode 0: one IRQ 0 at terminal count, none after");
    CHECK(one_shot(0x38), "mode 4: one IRQ 0 for the strobe at terminal count, none after");
    CHECK(periodic(0x34), "mode 2 again after the one-shots: IRQ 0 keeps coming");

    load(0, 0x34, 0);               /* as SeaBIOS left it */
    outb(PORT_B, 0);
    outb(PIC1_DATA, 0xff);
    return check_summary();
}
