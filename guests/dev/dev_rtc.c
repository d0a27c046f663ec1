/* The PC's CMOS real-time clock (Motorola MC146818A data sheet) at ports
 * 0x70/0x71, register by register, polled (interrupts stay off):
 *   - the index port: 0x70 reads ff, bit 7 (NMI mask) selects nothing;
 *   - A: UIP is read only; UIP rises before each update and falls after
 *     it; it is high for a tiny part of the second (244 us); the time
 *     registers only change across an update; holding the divider in
 *     reset (DV = 11x) stops the clock, and the first update comes half a
 *     second after the reset is released;
 *   - B: SET freezes the time for the guest to write and clears UIE; the
 *     clock restarts from the written time; DM and 24/12 formats;
 *   - C: UF sets at every update with UIE off and IRQF stays 0; IRQF
 *     follows an enabled flag; reading C clears it; writes are ignored;
 *     PF at the rate RS selects; AF when the time matches the alarm,
 *     with "don't care" alarm bytes;
 *   - D: VRT;
 *   - the calendar: a day, a month, a year and a century roll over; 2000
 *     is a leap year; 12-hour mode goes from 11 PM to 12 AM;
 *   - battery-backed RAM 0x0e-0x7f reads back; 0x37 is the century too;
 *     the memory-size bytes a kernel reads (QEMU's PC, -m 128).
 * The time is set by the test itself and never printed; the checks
 * compare registers with each other or with what the test wrote, and
 * measure durations only against one another (poll counts) or in
 * periods of the RTC's own periodic flag.
 * QEMU sets PF only while PIE is 1 (the data sheet: "PF is set
 * independent of PIE"), so PF is checked with PIE on and interrupts off. */
#include "dev_rtc.h"

/* Far more polls than a second takes under QEMU or bt386 (a few million). */
#define POLL_LIMIT 400000000u

/* Polls until the seconds register changes, i.e. just after an update;
 * returns the number of polls, 0 if it never happened. Watching the
 * seconds and not UIP: a host that deschedules the guest for more than
 * UIP's 244 us would make it miss the pulse, not the change. */
static uint32_t wait_tick(void)
{
    uint8_t s = cmos_read(REG_SEC);

    for (uint32_t n = 1; n < POLL_LIMIT; n++)
        if (cmos_read(REG_SEC) != s)
            return n;
    return 0;
}

/* Polls of the seconds register in a full second (measured by main). */
static uint32_t polls_per_second;

/* Waits for the next update, then about a quarter of a second more: QEMU
 * sets C's flags from a host timer that may run a little after its
 * seconds register (computed from the clock) has changed. */
static void wait_update_flags(void)
{
    wait_tick();
    for (uint32_t n = 0; n < polls_per_second / 4; n++)
        cmos_read(REG_SEC);
}

struct rtc_time {
    uint8_t sec, min, hour, wday, day, month, year, century;
};

static struct rtc_time read_time(void)
{
    struct rtc_time t;
    t.sec = cmos_read(REG_SEC);
    t.min = cmos_read(REG_MIN);
    t.hour = cmos_read(REG_HOUR);
    t.wday = cmos_read(REG_WDAY);
    t.day = cmos_read(REG_DAY);
    t.month = cmos_read(REG_MONTH);
    t.year = cmos_read(REG_YEAR);
    t.century = cmos_read(REG_CENTURY);
    return t;
}

static void write_time(const struct rtc_time *t)
{
    cmos_write(REG_SEC, t->sec);
    cmos_write(REG_MIN, t->min);
    cmos_write(REG_HOUR, t->hour);
    cmos_write(REG_WDAY, t->wday);
    cmos_write(REG_DAY, t->day);
    cmos_write(REG_MONTH, t->month);
    cmos_write(REG_YEAR, t->year);
    cmos_write(REG_CENTURY, t->century);
}

static int same_time(const struct rtc_time *a, const struct rtc_time *b)
{
    return a->sec == b->sec && a->min == b->min && a->hour == b->hour && a->wday == b->wday &&
           a->day == b->day && a->month == b->month && a->year == b->year &&
           a->century == b->century;
}

static void check_time(const struct rtc_time *got, const struct rtc_time *want, const char *rule)
{
    int ok = same_time(got, want);
    CHECK(ok, "%s", rule);
    if (!ok)
        printf("     got %02x:%02x:%02x wday %02x %02x-%02x-%02x%02x, want %02x:%02x:%02x wday %02x "
               "%02x-%02x-%02x%02x\n", got->hour, got->min, got->sec, got->wday, got->day,
               got->month, got->century, got->year, want->hour, want->min, want->sec, want->wday,
               want->day, want->month, want->century, want->year);
}

static unsigned bcd(uint8_t v)
{
    return (v >> 4) * 10 + (v & 0x0f);
}

/* Stops the clock (divider in reset), writes `t` in format `b`, clears C,
 * and lets the clock go: the first update comes half a second later. */
static void start_clock_at(const struct rtc_time *t, uint8_t b)
{
    cmos_write(REG_A, A_RESET | 0x06);
    cmos_write(REG_B, b);
    write_time(t);
    cmos_read(REG_C);
    cmos_write(REG_A, A_NORMAL | 0x06);
}

static void test_index_port(void)
{
    CHECK_EQ(inb(RTC_INDEX), 0xff, "port 0x70 is a write-only latch: reads give ff");
    outb(RTC_INDEX, 0x80 | REG_D);          /* NMI masked, register D */
    uint8_t d = inb(RTC_DATA);
    uint16_t wide = inw(RTC_INDEX);
    outb(RTC_INDEX, REG_D);                 /* NMI enabled again */
    CHECK_EQ(d, 0x80, "index bit 7 is the NMI mask, not part of the register number (reads D)");
    CHECK_EQ(wide, 0x80ff, "a 16-bit read of 0x70 reads 0x70 (ff) then 0x71 (register D)");
}

static void test_register_a_d(void)
{
    uint8_t a = cmos_read(REG_A) & ~A_UIP;
    CHECK_EQ(a, 0x26, "A after the BIOS: DV = 010 (32.768 kHz), RS = 6 (1024 Hz)");
    cmos_write(REG_A, A_UIP | 0x2a);
    CHECK_EQ(cmos_read(REG_A) & ~A_UIP, 0x2a, "A bits 6-0 read back");
    cmos_write(REG_A, 0x26);
    cmos_write(REG_A, 0xa6);
    CHECK_EQ(cmos_read(REG_A) & ~A_UIP, 0x26, "A: UIP is read only");
    CHECK_EQ(cmos_read(REG_D), 0x80, "D: VRT = 1 (valid RAM and time), bits 6-0 read 0");
    cmos_write(REG_D, 0x00);
    CHECK_EQ(cmos_read(REG_D), 0x80, "D is read only");
    CHECK_EQ(cmos_read(REG_B), B_24H, "B after the BIOS: 24-hour, BCD, no interrupts, SET = 0");
}

/* One UIP pulse seen from start to end: the seconds before it, during it
 * and after it. 0 if no pulse came. */
static int watch_uip(uint8_t *before, uint8_t *during, uint8_t *after)
{
    uint32_t n = 0;

    *before = cmos_read(REG_SEC);
    while (!(cmos_read(REG_A) & A_UIP)) {
        if (++n == POLL_LIMIT)
            return 0;
        if ((n & 0x3f) == 0)
            *before = cmos_read(REG_SEC);
    }
    *during = cmos_read(REG_SEC);
    while (cmos_read(REG_A) & A_UIP)
        if (++n == POLL_LIMIT)
            return 0;
    *after = cmos_read(REG_SEC);
    return 1;
}

static void test_uip(void)
{
    uint8_t before = 0, during = 0, after = 0;
    int seen = 0, ordered = 0;

    /* A descheduled guest can miss part of a pulse: up to 5 tries. */
    for (int i = 0; i < 5 && !ordered; i++) {
        if (!watch_uip(&before, &during, &after))
            break;
        seen = 1;
        ordered = during == before && bcd(after) == (bcd(during) + 1) % 60;
    }
    CHECK(seen, "UIP rises and falls again within a second");
    CHECK(ordered, "UIP = 1 comes before the update: the seconds change when it falls, not before");
    if (!ordered)
        printf("     seconds %02x, %02x during UIP, %02x after\n", before, during, after);

    /* Over one second: polls that see UIP = 1 against those that see 0
     * (up to 3 seconds: a descheduled guest may miss a whole pulse). */
    uint32_t low = 0, high = 0;
    wait_tick();
    for (int i = 0; i < 3 && high == 0; i++) {
        uint8_t s = cmos_read(REG_SEC);
        low = 0;
        while (cmos_read(REG_SEC) == s && low < POLL_LIMIT) {
            if (cmos_read(REG_A) & A_UIP)
                high++;
            else
                low++;
        }
    }
    CHECK(high > 0 && high * 100 < low,
          "UIP is high for a small part of the second (tBUC = 244 us): < 1%% of the polls");
}

static void test_flags_uf(void)
{
    cmos_write(REG_A, A_NORMAL);            /* RS = 0: no periodic flag */
    wait_update_flags();
    cmos_read(REG_C);
    uint8_t c = cmos_read(REG_C);
    CHECK_EQ(c & (C_IRQF | C_PF | C_UF), 0, "reading C clears its flags");
    cmos_write(REG_C, 0xf0);
    CHECK_EQ(cmos_read(REG_C) & (C_IRQF | C_PF | C_UF), 0, "C is read only: a write sets nothing");

    wait_update_flags();
    c = cmos_read(REG_C);
    /* AF is left out: the BIOS's alarm 00:00:00 may match at midnight. */
    CHECK_EQ(c & (C_IRQF | C_PF | C_UF), C_UF, "UF sets at each update with UIE = 0; IRQF stays 0");

    wait_update_flags();
    cmos_write(REG_B, B_24H | B_UIE);       /* UF is already 1 */
    c = cmos_read(REG_C);
    cmos_write(REG_B, B_24H);
    CHECK_EQ(c & (C_IRQF | C_UF), C_IRQF | C_UF, "IRQF = UF & UIE: enabling UIE with UF set raises IRQF");
    CHECK_EQ(cmos_read(REG_C) & (C_IRQF | C_UF), 0, "the read of C cleared UF and IRQF");
    cmos_write(REG_A, 0x26);
}

/* Counts the PF flags read until the seconds change. PIE is set for QEMU
 * (interrupts stay off); *irqf_ok says whether each came with IRQF. */
static unsigned pf_until_tick(int *irqf_ok)
{
    uint8_t s = cmos_read(REG_SEC);
    unsigned n = 0;

    for (uint32_t polls = 0; cmos_read(REG_SEC) == s && polls < POLL_LIMIT; polls++) {
        uint8_t c = cmos_read(REG_C);
        if (c & C_PF) {
            n++;
            if (!(c & C_IRQF))
                *irqf_ok = 0;
        }
    }
    return n;
}

static void test_periodic(void)
{
    int irqf = 1;
    unsigned n[3];
    static const uint8_t rates[3] = { 0x0d, 0x0f, 0x00 };

    /* One second per rate, update to update; the rate changes at an update. */
    cmos_write(REG_A, A_NORMAL | rates[0]);
    cmos_write(REG_B, B_24H | B_PIE);
    wait_tick();
    cmos_read(REG_C);
    for (int i = 0; i < 3; i++) {
        n[i] = pf_until_tick(&irqf);
        cmos_write(REG_A, A_NORMAL | rates[(i + 1) % 3]);
        cmos_read(REG_C);
    }
    cmos_write(REG_B, B_24H);
    cmos_write(REG_A, 0x26);
    cmos_read(REG_C);

    /* A slow host may merge two flags into one: +-25%. */
    CHECK(n[0] >= 6 && n[0] <= 10, "RS = 13: PF sets 8 times a second (125 ms)");
    if (n[0] < 6 || n[0] > 10)
        printf("     PF seen %u times\n", n[0]);
    CHECK(n[1] >= 1 && n[1] <= 3, "RS = 15: PF sets 2 times a second (500 ms)");
    if (n[1] < 1 || n[1] > 3)
        printf("     PF seen %u times\n", n[1]);
    CHECK_EQ(n[2], 0, "RS = 0: no periodic flag");
    CHECK(irqf, "IRQF = PF & PIE: every PF read with PIE set came with IRQF");
}

static void test_set_mode(void)
{
    static const struct rtc_time t = { 0x58, 0x59, 0x23, 0x06, 0x31, 0x12, 0x99, 0x19 };
    static const struct rtc_time next_year = { 0x00, 0x00, 0x00, 0x07, 0x01, 0x01, 0x00, 0x20 };

    cmos_write(REG_B, B_SET | B_UIE | B_24H);
    CHECK_EQ(cmos_read(REG_B), B_SET | B_24H, "writing SET = 1 clears UIE");
    write_time(&t);
    /* Let well over a second go by: PF keeps counting while SET is 1. */
    cmos_write(REG_A, A_NORMAL | 0x0d);
    cmos_write(REG_B, B_SET | B_PIE | B_24H);
    cmos_read(REG_C);
    unsigned pf = 0;
    for (uint32_t n = 0; pf < 12 && n < POLL_LIMIT; n++)
        if (cmos_read(REG_C) & C_PF)
            pf++;
    struct rtc_time held = read_time();
    uint8_t uip = cmos_read(REG_A) & A_UIP;
    check_time(&held, &t, "SET = 1 stops updates: the written time stays for 1.5 s");
    CHECK_EQ(uip, 0, "no update cycle (UIP = 0) while SET = 1");

    cmos_write(REG_A, 0x26);
    cmos_write(REG_B, B_24H);               /* SET = 0: the clock runs from t */
    wait_tick();
    wait_tick();
    struct rtc_time got = read_time();
    check_time(&got, &next_year, "SET = 0 runs from the written time: 23:59:58 Fri 31.12.1999 "
               "+ 2 s = 00:00:00 Sat 1.1.2000 (second, minute, hour, day, month, year, century)");
}

static void test_divider_reset(void)
{
    static const struct rtc_time t = { 0x59, 0x59, 0x23, 0x02, 0x28, 0x02, 0x00, 0x20 };
    static const struct rtc_time leap = { 0x00, 0x00, 0x00, 0x03, 0x29, 0x02, 0x00, 0x20 };
    int irqf = 1;

    uint32_t second = polls_per_second;
    cmos_write(REG_A, A_RESET | 0x06);
    write_time(&t);
    int still = 1;
    for (uint32_t n = 0; n < second / 2 + second / 8; n++)     /* two reads a poll */
        if (cmos_read(REG_SEC) != t.sec || (cmos_read(REG_A) & A_UIP))
            still = 0;
    struct rtc_time held = read_time();
    CHECK(still, "DV = 11x holds the divider: no update, UIP stays 0 (polled as long as a second)");
    check_time(&held, &t, "DV = 11x: the time written stays");

    /* PF at 8 Hz (PIE for QEMU) measures the time to the first update:
     * 4 periods, 3 to 5 with the phase (QEMU's is not the divider's). */
    cmos_write(REG_B, B_24H | B_PIE);
    cmos_read(REG_C);
    cmos_write(REG_A, A_NORMAL | 0x0d);
    unsigned half = pf_until_tick(&irqf);
    struct rtc_time got = read_time();
    cmos_write(REG_B, B_24H);
    cmos_write(REG_A, 0x26);
    CHECK(half >= 3 && half <= 5,
          "the first update comes 500 ms after the divider leaves reset (4 periods of 8 Hz)");
    if (half < 3 || half > 5)
        printf("     %u periods\n", half);
    check_time(&got, &leap, "2000 is a leap year: 23:59:59 Mon 28.2.2000 is followed by 00:00:00 Tue 29.2.2000");
}

static void test_formats(void)
{
    /* 13:45:50 on 15.6.2024 in binary (DM = 1). */
    static const struct rtc_time bin = { 50, 45, 13, 7, 15, 6, 24, 20 };
    static const struct rtc_time bin_next = { 51, 45, 13, 7, 15, 6, 24, 20 };
    static const struct rtc_time bcd_next = { 0x51, 0x45, 0x13, 0x07, 0x15, 0x06, 0x24, 0x20 };

    start_clock_at(&bin, B_24H | B_DM);
    wait_tick();
    struct rtc_time got = read_time();
    check_time(&got, &bin_next, "DM = 1: the time registers count in binary");
    cmos_write(REG_B, B_24H);
    got = read_time();
    check_time(&got, &bcd_next, "DM = 0: the same time reads in BCD");
    cmos_write(REG_B, 0);
    uint8_t h12 = cmos_read(REG_HOUR);
    cmos_write(REG_B, B_DM);
    uint8_t h12_bin = cmos_read(REG_HOUR);
    cmos_write(REG_B, B_24H);
    CHECK_EQ(h12, 0x81, "12-hour BCD: 13 h reads 01 with the PM bit (81)");
    CHECK_EQ(h12_bin, 0x81, "12-hour binary: 13 h reads 1 with the PM bit (81)");

    /* 11:59:59 PM on Sunday 31.10.2021 in 12-hour BCD. */
    static const struct rtc_time pm = { 0x59, 0x59, 0x91, 0x01, 0x31, 0x10, 0x21, 0x20 };
    static const struct rtc_time am = { 0x00, 0x00, 0x12, 0x02, 0x01, 0x11, 0x21, 0x20 };
    start_clock_at(&pm, 0);
    wait_tick();
    got = read_time();
    cmos_write(REG_B, B_24H);
    check_time(&got, &am, "12-hour mode: 11:59:59 PM Sun 31.10 is followed by 12:00:00 AM Mon 1.11");
}

static void test_alarm(void)
{
    static const struct rtc_time t = { 0x30, 0x20, 0x10, 0x03, 0x14, 0x03, 0x23, 0x20 };
    uint8_t c;

    cmos_write(REG_SEC_ALARM, 0x31);
    cmos_write(REG_MIN_ALARM, 0x20);
    cmos_write(REG_HOUR_ALARM, 0x10);
    start_clock_at(&t, B_24H);
    wait_update_flags();
    c = cmos_read(REG_C);
    CHECK_EQ(c & (C_IRQF | C_AF | C_UF), C_AF | C_UF,
             "AF sets when the update reaches the alarm time (10:20:31), AIE = 0: no IRQF");

    cmos_write(REG_SEC_ALARM, 0x40);
    start_clock_at(&t, B_24H);
    wait_update_flags();
    c = cmos_read(REG_C);
    CHECK_EQ(c & (C_AF | C_UF), C_UF, "an alarm time not reached (10:20:40) leaves AF 0");

    cmos_write(REG_SEC_ALARM, 0x31);
    cmos_write(REG_MIN_ALARM, 0xc0);
    cmos_write(REG_HOUR_ALARM, 0xff);
    start_clock_at(&t, B_24H);
    wait_update_flags();
    cmos_write(REG_B, B_24H | B_AIE);
    c = cmos_read(REG_C);
    cmos_write(REG_B, B_24H);
    CHECK_EQ(c & (C_IRQF | C_AF), C_IRQF | C_AF,
             "alarm bytes 11xxxxxx are don't care (xx:xx:31 matches); AIE with AF raises IRQF");
    cmos_write(REG_SEC_ALARM, 0);
    cmos_write(REG_MIN_ALARM, 0);
    cmos_write(REG_HOUR_ALARM, 0);
}

static void test_nvram(void)
{
    static uint8_t saved[128];
    int ok = 1;

    for (unsigned i = 0x0e; i < 0x80; i++)
        saved[i] = cmos_read((uint8_t)i);
    for (int pass = 0; pass < 2; pass++) {
        for (unsigned i = 0x0e; i < 0x80; i++)
            if (i != REG_CENTURY && i != 0x37)
                cmos_write((uint8_t)i, (uint8_t)((i * 37 + 5) ^ (pass ? 0xff : 0)));
        for (unsigned i = 0x0e; i < 0x80; i++)
            if (i != REG_CENTURY && i != 0x37)
                ok &= cmos_read((uint8_t)i) == (uint8_t)((i * 37 + 5) ^ (pass ? 0xff : 0));
    }
    for (unsigned i = 0x0e; i < 0x80; i++)
        if (i != REG_CENTURY && i != 0x37)
            cmos_write((uint8_t)i, saved[i]);
    CHECK(ok, "battery-backed RAM 0x0e-0x7f keeps every byte written (two patterns)");
    CHECK_EQ(cmos_read(0x37), cmos_read(REG_CENTURY), "0x37 (IBM PS/2) reads the century byte 0x32");
}

/* What QEMU's PC and SeaBIOS leave in the configuration bytes; the tests
 * run with -m 128 (QEMU) and bt386's default of 128 MiB. */
static void test_config_bytes(void)
{
    const uint32_t ram_kib = 128 * 1024;
    uint32_t ext = ram_kib - 1024 > 0xffff ? 0xffff : ram_kib - 1024;
    uint32_t high = (ram_kib - 16 * 1024) / 64;

    CHECK_EQ(cmos_read(0x15) | cmos_read(0x16) << 8, 640, "0x15-0x16: 640 KiB of base memory");
    CHECK_EQ(cmos_read(0x17) | cmos_read(0x18) << 8, ext, "0x17-0x18: KiB above 1 MiB, at most 65535");
    CHECK_EQ(cmos_read(0x30) | cmos_read(0x31) << 8, ext, "0x30-0x31: the same, as AMI BIOSes keep it");
    CHECK_EQ(cmos_read(0x34) | cmos_read(0x35) << 8, high, "0x34-0x35: 64 KiB blocks above 16 MiB");
    CHECK_EQ(cmos_read(0x5b) | cmos_read(0x5c) << 8 | cmos_read(0x5d) << 16, 0,
             "0x5b-0x5d: no RAM above 4 GiB");
    CHECK_EQ(cmos_read(0x10), 0x50, "0x10 floppy types as QEMU's PC: A: 2.88 MB, no B:");
    CHECK_EQ(cmos_read(0x14), 0x07, "0x14 equipment as QEMU's PC: floppy, FPU, PS/2 mouse");
}

int main(void)
{
    __asm__ volatile("cli");
    test_index_port();
    test_register_a_d();
    test_config_bytes();
    test_nvram();
    wait_tick();
    polls_per_second = wait_tick();
    test_uip();
    test_flags_uf();
    test_periodic();
    test_set_mode();
    test_divider_reset();
    test_formats();
    test_alarm();
    return check_summary();
}
