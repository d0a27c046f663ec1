/* The MC146818A model (devices/cmos_rtc.c) against the data sheet, to the
 * nanosecond: the model is compiled into this test with a fake clock_ns(),
 * recorded timers and IRQ 8, and its ports reached through the callbacks
 * it registers. Each part sets the time itself by holding the divider in
 * reset, writing the registers and releasing it at a chosen instant, so
 * the first update is exactly 500 ms later. */
#include "devices/cmos_rtc.c"

#include "check.h"

/* ---- fakes for the model's dependencies ---- */

#define FAKE_NOW_START 7000000000u
#include "fake_devices.h"

static uint8_t cmos_read(uint8_t reg)
{
    port_owner[0x70].wr(port_owner[0x70].opaque, 0x70, 1, reg);
    return (uint8_t)port_owner[0x71].rd(port_owner[0x71].opaque, 0x71, 1);
}

static void cmos_write(uint8_t reg, uint8_t v)
{
    port_owner[0x70].wr(port_owner[0x70].opaque, 0x70, 1, reg);
    port_owner[0x71].wr(port_owner[0x71].opaque, 0x71, 1, v);
}

/* The model's one timer. */
static struct dev_timer *const timer = &rtc.timer;

/* Runs the timer if its deadline has come, as the monitor loop does. */
static void run_timer(void)
{
    if (timer->armed && timer->deadline <= fake_now) {
        timer->armed = false;
        timer->fn(timer->opaque);
    }
}

/* ---- helpers ---- */

#define MS 1000000ull
#define UIP_START (NS / 2 - UIP_NS)     /* after release: UIP rises here */

static uint64_t released;              /* fake_now when the divider left reset */

/* hh:mm:ss dd.mm.ccyy weekday, in the current format, then release. */
static void start_at(const uint8_t t[8], uint8_t b)
{
    static const uint8_t regs[8] = { REG_SECONDS, REG_MINUTES, REG_HOURS, REG_WEEKDAY,
                                     REG_DAY, REG_MONTH, REG_YEAR, REG_CENTURY };
    cmos_write(REG_A, 0x66);
    cmos_write(REG_B, b);
    for (int i = 0; i < 8; i++)
        cmos_write(regs[i], t[i]);
    cmos_read(REG_C);
    cmos_write(REG_A, 0x26);
    released = fake_now;
}

static void after(uint64_t ns)
{
    fake_now = released + ns;
}

static int time_is(const uint8_t t[8])
{
    return cmos_read(REG_SECONDS) == t[0] && cmos_read(REG_MINUTES) == t[1] &&
           cmos_read(REG_HOURS) == t[2] && cmos_read(REG_WEEKDAY) == t[3] &&
           cmos_read(REG_DAY) == t[4] && cmos_read(REG_MONTH) == t[5] &&
           cmos_read(REG_YEAR) == t[6] && cmos_read(REG_CENTURY) == t[7];
}

/* ---- the parts ---- */

static void update_timing(void)
{
    static const uint8_t t[8] = { 0x59, 0x59, 0x23, 0x06, 0x31, 0x12, 0x99, 0x20 };
    static const uint8_t next[8] = { 0x00, 0x00, 0x00, 0x07, 0x01, 0x01, 0x00, 0x21 };

    start_at(t, B_24H);
    after(UIP_START - 1);
    CHECK(!(cmos_read(REG_A) & A_UIP) && time_is(t), "before tBUC: UIP 0, time unchanged");
    after(UIP_START);
    CHECK((cmos_read(REG_A) & A_UIP) && time_is(t), "244 us before the update UIP rises, time unchanged");
    after(NS / 2 - 1);
    CHECK(cmos_read(REG_A) & A_UIP, "UIP stays 1 up to the update");
    after(NS / 2);
    CHECK(!(cmos_read(REG_A) & A_UIP), "UIP falls at the update, 500 ms after the divider reset");
    CHECK(time_is(next), "23:59:59 31.12.2099 + 1 s = 00:00:00 1.1.2100: the century byte counts too");
    CHECK_EQ(cmos_read(REG_C) & (C_UF | C_PF), C_UF | C_PF, "the update set UF (and PF: edge at 0.5 s)");
    after(NS / 2 + NS - 1);
    CHECK_EQ(cmos_read(REG_SECONDS), 0x00, "the next update is a whole second later");
    after(NS / 2 + NS);
    CHECK_EQ(cmos_read(REG_SECONDS), 0x01, "...and at it the seconds count");
}

static void calendar(void)
{
    static const uint8_t feb2100[8] = { 0x59, 0x59, 0x23, 0x01, 0x28, 0x02, 0x00, 0x21 };
    static const uint8_t mar2100[8] = { 0x00, 0x00, 0x00, 0x02, 0x01, 0x03, 0x00, 0x21 };
    static const uint8_t pm_hours12[8] = { 59, 59, 0x80 | 11, 3, 30, 4, 24, 20 };
    static const uint8_t am[8] = { 0, 0, 12, 4, 1, 5, 24, 20 };

    start_at(feb2100, B_24H);
    after(NS / 2);
    CHECK(time_is(mar2100), "2100 is not a leap year (gmtime's rule): 28.2.2100 -> 1.3.2100");

    start_at(pm_hours12, B_DM);
    after(NS / 2);
    CHECK(time_is(am), "12-hour binary: 11:59:59 PM (8b) -> 12:00:00 AM (0c), weekday and date count");

    /* 10.10.2024 was a Thursday (5): the guest says Monday (2). */
    static const uint8_t odd_weekday[8] = { 0x59, 0x59, 0x23, 0x02, 0x10, 0x10, 0x24, 0x20 };
    static const uint8_t odd_next[8] = { 0x00, 0x00, 0x00, 0x03, 0x11, 0x10, 0x24, 0x20 };
    start_at(odd_weekday, B_24H);
    after(NS / 2);
    CHECK(time_is(odd_next), "the weekday is a counter of its own: 2 -> 3 whatever the date says");
    cmos_write(REG_B, B_24H | B_DM);
    CHECK_EQ(cmos_read(REG_HOURS), 0, "DM = 1 formats the running time in binary");
    cmos_write(REG_B, B_24H);
}

static void set_mode(void)
{
    static const uint8_t t[8] = { 0x10, 0x00, 0x12, 0x02, 0x01, 0x01, 0x24, 0x20 };

    start_at(t, B_24H);
    after(NS / 2 + 300 * MS);               /* divider 1.3 s: 12:00:11, phase 0.3 s */
    cmos_write(REG_B, B_SET | B_UIE | B_24H);
    CHECK_EQ(cmos_read(REG_B), B_SET | B_24H, "SET clears UIE");
    cmos_write(REG_MINUTES, 0x30);
    after(NS / 2 + 5 * NS);
    CHECK(cmos_read(REG_SECONDS) == 0x11 && cmos_read(REG_MINUTES) == 0x30 && !(cmos_read(REG_A) & A_UIP),
          "SET: no updates, the written minutes stay, UIP 0");
    cmos_read(REG_C);
    after(NS / 2 + 5 * NS + 300 * MS);      /* divider 6.3 s: the update at 6 s did nothing */
    CHECK_EQ(cmos_read(REG_C) & C_UF, 0, "SET: no UF while updates are stopped");
    cmos_write(REG_B, B_24H);
    after(NS / 2 + 6 * NS - 1);
    CHECK_EQ(cmos_read(REG_SECONDS), 0x11, "SET = 0: the divider phase kept, no update before the next second");
    after(NS / 2 + 6 * NS);
    CHECK(cmos_read(REG_SECONDS) == 0x12 && cmos_read(REG_MINUTES) == 0x30,
          "SET = 0: the clock runs on from the written time");

    /* A counter written while the clock runs: the others keep counting. */
    cmos_write(REG_HOURS, 0x05);
    after(NS / 2 + 7 * NS);
    CHECK(cmos_read(REG_SECONDS) == 0x13 && cmos_read(REG_MINUTES) == 0x30 && cmos_read(REG_HOURS) == 0x05,
          "a time register written while running takes the value and keeps counting");
}

static void divider(void)
{
    static const uint8_t t[8] = { 0x00, 0x00, 0x08, 0x02, 0x01, 0x01, 0x24, 0x20 };

    start_at(t, B_24H);
    after(NS / 2 + 100 * MS);
    cmos_write(REG_A, 0x66);
    cmos_read(REG_C);
    after(NS / 2 + 10 * NS);
    CHECK(cmos_read(REG_SECONDS) == 0x01 && !(cmos_read(REG_A) & A_UIP) &&
          (cmos_read(REG_C) & (C_UF | C_PF)) == 0,
          "divider held in reset: no updates, no UIP, no periodic flag");
    cmos_write(REG_A, 0x26);
    released = fake_now;
    after(NS / 2 - 1);
    CHECK_EQ(cmos_read(REG_SECONDS), 0x01, "released: no update for 500 ms");
    after(NS / 2);
    CHECK_EQ(cmos_read(REG_SECONDS), 0x02, "released: the first update 500 ms later");
}

static void periodic(void)
{
    static const uint8_t t[8] = { 0x00, 0x00, 0x08, 0x02, 0x01, 0x01, 0x24, 0x20 };

    start_at(t, B_24H);                     /* RS = 6: 1024 Hz, 32 cycles */
    /* The divider restarts at 0.5 s, an edge; the next is 32 cycles on. */
    after(976562);
    CHECK_EQ(cmos_read(REG_C) & C_PF, 0, "RS = 6: no PF before 976.5625 us");
    after(976563);
    CHECK_EQ(cmos_read(REG_C) & (C_PF | C_IRQF), C_PF, "RS = 6: PF at 976.5625 us, PIE = 0: no IRQF");
    cmos_write(REG_A, 0x23);                /* RS = 3: 8192 Hz, 4 cycles */
    cmos_read(REG_C);
    /* 976563 ns is 0.1875 ns past cycle 32; cycle 36 is at 1098632.8125 ns. */
    after(1098632);
    CHECK_EQ(cmos_read(REG_C) & C_PF, 0, "RS = 3: no PF before 122.07 us");
    after(1098633);
    CHECK_EQ(cmos_read(REG_C) & C_PF, C_PF, "RS = 3: PF every 4 cycles (122.07 us)");
    cmos_write(REG_A, 0x21);                /* RS = 1: as RS = 8, 256 Hz */
    cmos_read(REG_C);
    after(3906250 - 1);
    CHECK_EQ(cmos_read(REG_C) & C_PF, 0, "RS = 1: no PF before 3.90625 ms");
    after(3906250);
    CHECK_EQ(cmos_read(REG_C) & C_PF, C_PF, "RS = 1 at 32.768 kHz is 256 Hz (as RS = 8)");
    cmos_write(REG_A, 0x20);
    cmos_read(REG_C);
    after(NS / 4);
    CHECK_EQ(cmos_read(REG_C) & C_PF, 0, "RS = 0: no periodic flag");
    cmos_write(REG_A, 0x26);
}

static void interrupts(void)
{
    static const uint8_t t[8] = { 0x00, 0x00, 0x08, 0x02, 0x01, 0x01, 0x24, 0x20 };

    start_at(t, B_24H);
    fake_irq_rises[RTC_IRQ] = 0;
    CHECK(!timer->armed, "no interrupt enabled: no timer runs");
    cmos_write(REG_A, 0x2f);                /* 2 Hz */
    cmos_write(REG_B, B_24H | B_PIE);
    CHECK(timer->armed && timer->deadline == released + NS / 2,
          "PIE: a timer for the next periodic edge (500 ms, the next second)");
    after(NS / 2);
    run_timer();
    CHECK(fake_irq_level[RTC_IRQ] && fake_irq_rises[RTC_IRQ] == 1, "at the edge IRQ 8 rises (IRQF = PF & PIE)");
    CHECK(!timer->armed, "while IRQF is 1 no timer runs");
    after(NS);
    CHECK_EQ(cmos_read(REG_C), C_IRQF | C_PF | C_UF, "C reads IRQF | PF | UF");
    CHECK(!fake_irq_level[RTC_IRQ], "reading C lowers IRQ 8");
    CHECK(timer->armed && timer->deadline == released + NS + NS / 2,
          "...and arms the timer for the next edge");

    cmos_write(REG_B, B_24H | B_UIE);
    CHECK(timer->deadline == released + NS + NS / 2, "UIE: a timer for the next update");
    after(NS + NS / 2);
    run_timer();
    CHECK(fake_irq_level[RTC_IRQ] && fake_irq_rises[RTC_IRQ] == 2, "the update raises IRQ 8 (IRQF = UF & UIE)");
    cmos_write(REG_B, B_24H);
    CHECK(!fake_irq_level[RTC_IRQ], "clearing UIE lowers IRQF and IRQ 8");
    cmos_write(REG_B, B_24H | B_UIE);
    CHECK(fake_irq_level[RTC_IRQ] && fake_irq_rises[RTC_IRQ] == 3, "enabling UIE with UF set raises IRQ 8 again");
    cmos_read(REG_C);

    /* Alarm 08:00:05 (the clock reads 08:00:02 now); hours don't care. */
    cmos_write(REG_SECONDS_ALARM, 0x05);
    cmos_write(REG_MINUTES_ALARM, 0x00);
    cmos_write(REG_HOURS_ALARM, 0xc0);
    cmos_write(REG_B, B_24H | B_AIE);
    CHECK(timer->armed && timer->deadline == released + 4 * NS + NS / 2,
          "AIE: a timer for the update that reaches the alarm time (4 s on)");
    after(4 * NS + NS / 2 - 1);
    CHECK_EQ(cmos_read(REG_C) & C_AF, 0, "no AF before the alarm second");
    after(4 * NS + NS / 2);
    run_timer();
    CHECK(fake_irq_level[RTC_IRQ] && (cmos_read(REG_C) & (C_AF | C_IRQF)) == (C_AF | C_IRQF),
          "the alarm update sets AF and raises IRQ 8");
    cmos_write(REG_HOURS_ALARM, 0x07);
    CHECK(timer->armed && timer->deadline == released + (86400 - 3600 + 4) * NS + NS / 2,
          "an alarm at 07:00:05 is 23 hours away");
    cmos_write(REG_HOURS_ALARM, 0x25);
    CHECK(!timer->armed, "an alarm hour that never comes (25): no timer");
    cmos_write(REG_B, B_24H);
    cmos_write(REG_HOURS_ALARM, 0);
    cmos_write(REG_SECONDS_ALARM, 0);
}

static void registers(void)
{
    CHECK_EQ(port_owner[0x70].rd(port_owner[0x70].opaque, 0x70, 1), 0xff, "0x70 reads ff");
    port_owner[0x70].wr(port_owner[0x70].opaque, 0x70, 1, 0x80 | REG_D);
    CHECK_EQ(port_owner[0x70].rd(port_owner[0x70].opaque, 0x70, 2), 0x80ff,
             "index bit 7 is the NMI mask; a 16-bit read of 0x70 gets register D as its high half");
    cmos_write(0x37, 0x19);
    CHECK_EQ(cmos_read(REG_CENTURY), 0x19, "0x37 writes the century byte 0x32");
    cmos_write(0x40, 0x5a);
    CHECK_EQ(cmos_read(0x40), 0x5a, "RAM byte reads back");
    cmos_write(REG_D, 0);
    cmos_write(REG_C, 0xff);
    CHECK(cmos_read(REG_D) == D_VRT && cmos_read(REG_C) == 0, "C and D are read only");
}

static void memory_bytes(void)
{
    CHECK_EQ(rtc.ram[0x17] | rtc.ram[0x18] << 8, 0xffff, "128 MiB default: 0x17-0x18 = 65535 KiB");
    CHECK_EQ(rtc.ram[0x34] | rtc.ram[0x35] << 8, 0x0700, "128 MiB default: 0x34-0x35 = 112 MiB / 64 KiB");
    cmos_set_ram_size(3ull << 30);
    CHECK_EQ(rtc.ram[0x34] | rtc.ram[0x35] << 8, (3072 - 16) * 16, "-m 3G: 0x34-0x35 = 0xbf00");
    CHECK_EQ(rtc.ram[0x15] | rtc.ram[0x16] << 8, 640, "-m 3G: 640 KiB of base memory");
    cmos_set_ram_size(2ull << 20);
    CHECK(cmos_read(0x17) == 0x00 && cmos_read(0x18) == 0x04 && cmos_read(0x30) == 0x00 &&
          cmos_read(0x31) == 0x04 && cmos_read(0x34) == 0 && cmos_read(0x35) == 0,
          "-m 2M: 1024 KiB extended, nothing above 16 MiB (read through the ports)");
}

int main(void)
{
    cmos_rtc_init();
    memory_bytes();
    registers();
    update_timing();
    calendar();
    set_mode();
    divider();
    periodic();
    interrupts();
    return check_summary();
}
