/* The MC146818A clock in the CMOS (MC146818A data sheet; the PC's index
 * port 0x70, data port 0x71). The time registers change during an update
 * cycle, announced by register A's UIP bit at least 244 us before it
 * starts: read when UIP is clear, read again, and accept only two equal
 * readings. Register B says how the values are coded: DM (bit 2) binary
 * or BCD, 24/12 (bit 1); in 12-hour mode bit 7 of the hour is PM.
 * rtc_read also checks the values a valid clock can hold. */
#include "defs.h"
#include "syscall.h"
#include "x86.h"

#define RTC_INDEX 0x70
#define RTC_DATA 0x71
#define REG_A 0x0a
#define REG_B 0x0b
#define A_UIP 0x80
#define B_DM 0x04
#define B_24H 0x02

uint8_t cmos_read(uint8_t reg)
{
    outb(RTC_INDEX, reg);
    return inb(RTC_DATA);
}

void cmos_write(uint8_t reg, uint8_t v)
{
    outb(RTC_INDEX, reg);
    outb(RTC_DATA, v);
}

struct raw { uint8_t sec, min, hour, day, month, year; };

static int wait_no_update(void)
{
    /* An update takes under 2 ms; this bound is far beyond it. */
    for (uint32_t n = 0; n < 10000000; n++)
        if (!(cmos_read(REG_A) & A_UIP))
            return 0;
    return -1;
}

static void read_raw(struct raw *r)
{
    r->sec = cmos_read(0x00);
    r->min = cmos_read(0x02);
    r->hour = cmos_read(0x04);
    r->day = cmos_read(0x07);
    r->month = cmos_read(0x08);
    r->year = cmos_read(0x09);
}

static int bcd_ok(uint8_t v)
{
    return (v & 0x0f) <= 9 && (v >> 4) <= 9;
}

static unsigned from_bcd(uint8_t v)
{
    return (v >> 4) * 10u + (v & 0x0f);
}

/* 0: *t holds a valid time; -1: the clock never settled or holds values
 * no clock can show. */
int rtc_read(struct rtc_time *t)
{
    struct raw a, b;
    int tries = 0;

    do {
        if (tries++ == 100 || wait_no_update() < 0)
            return -1;
        read_raw(&a);
        if (wait_no_update() < 0)
            return -1;
        read_raw(&b);
    } while (a.sec != b.sec || a.min != b.min || a.hour != b.hour ||
             a.day != b.day || a.month != b.month || a.year != b.year);

    uint8_t regb = cmos_read(REG_B);
    int pm = !(regb & B_24H) && (a.hour & 0x80);
    a.hour &= 0x7f;
    if (!(regb & B_DM)) {
        if (!bcd_ok(a.sec) || !bcd_ok(a.min) || !bcd_ok(a.hour) ||
            !bcd_ok(a.day) || !bcd_ok(a.month) || !bcd_ok(a.year))
            return -1;
        t->sec = from_bcd(a.sec);
        t->min = from_bcd(a.min);
        t->hour = from_bcd(a.hour);
        t->day = from_bcd(a.day);
        t->month = from_bcd(a.month);
        t->year = from_bcd(a.year);
    } else {
        t->sec = a.sec, t->min = a.min, t->hour = a.hour;
        t->day = a.day, t->month = a.month, t->year = a.year;
    }
    if (!(regb & B_24H)) {
        /* 12-hour clock: 12 AM is 0:xx, 12 PM is 12:xx. */
        if (t->hour < 1 || t->hour > 12)
            return -1;
        t->hour = t->hour % 12 + (pm ? 12 : 0);
    }
    if (t->sec > 59 || t->min > 59 || t->hour > 23 || t->day < 1 || t->day > 31 ||
        t->month < 1 || t->month > 12 || t->year > 99)
        return -1;
    return 0;
}
