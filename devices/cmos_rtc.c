/* The PC's real-time clock and CMOS RAM: a Motorola MC146818A at ports
 * 0x70 (index; bit 7 is the board's NMI mask) and 0x71 (data), interrupt
 * on IRQ 8. Owns the 128-byte register file, the clock's time and the
 * flags of register C; must not touch any other device. Reads of 0x70
 * give ff, as in QEMU 7.2 (the port is a write-only latch on a PC).
 *
 * Registers (MC146818A data sheet):
 *   00-09  seconds, alarm s, minutes, alarm min, hours, alarm h, day of week,
 *          day of month, month, year: BCD or binary (B.DM), hours 12/24 (B.24)
 *   0a  A: UIP (read only), DV2-0 divider control, RS3-0 periodic rate
 *   0b  B: SET PIE AIE UIE SQWE DM 24/12 DSE
 *   0c  C: IRQF PF AF UF, read only, cleared by reading it
 *   0d  D: VRT (battery good), read only
 *   0e-7f  battery-backed RAM; 0x32 is the PC's century byte (0x37 is its
 *          IBM PS/2 alias, as in QEMU), and the configuration bytes below
 *
 * The time is host time: at start the clock reads the host's UTC time (as
 * QEMU's default -rtc base=utc), then advances with clock_ns(); a guest
 * sets it through SET or the divider reset, which moves an offset. The
 * clock is kept as "seconds at divider count 0" plus the divider count in
 * ns, so the time registers are formatted from it when read (like QEMU,
 * and unlike the chip, a DM or 24/12 change while running shows the same
 * time in the new format: the chip would keep the raw counters). While
 * the clock is stopped (SET, or the divider chain held in reset) the time
 * registers hold raw bytes, and the guest's bytes are parsed when it runs
 * again. The day of the week is a counter of its own, as on the chip
 * (QEMU recomputes it from the date): a weekday written by the guest is
 * kept as a bias from the date's weekday. Calendar rules are gmtime's
 * (2100 is not a leap year; the chip only looks at year % 4). DSE
 * (daylight saving) and SQWE are stored but have no effect, as in QEMU.
 *
 * Timing: an update happens at every whole second of the divider count;
 * UIP reads 1 during the 244 us before it (tBUC; the update itself takes
 * no time here, like QEMU's). Register C's flags are computed lazily:
 * each access first accounts for the updates, alarm matches and periodic
 * edges since the last one. So no timer runs unless an enabled interrupt
 * can fire: IRQF = (PF & PIE) | (AF & AIE) | (UF & UIE) drives IRQ 8, and
 * while it is low a dev_timer is armed for the next enabled event.
 * Deviations from QEMU 7.2, the data sheet kept: PF is set whether or not
 * PIE is ("PF is set independent of the state of PIE"; QEMU sets it only
 * with PIE, so a guest there never sees PF without PIE), SET stops UF and
 * AF (QEMU's update timer still sets them), and the divider chain held in
 * reset (DV = 11x) stops the periodic flag too (QEMU's keeps running). As
 * in QEMU, DV = 000 and 001 (other time bases) run at the 32.768 kHz
 * rates, and 011-101 stop the clock. */
#define _DEFAULT_SOURCE             /* timegm */
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "devices/bus.h"
#include "devices/clock.h"
#include "devices/cmos_rtc.h"
#include "devices/irq.h"

#define RTC_PORT_INDEX 0x70
#define RTC_PORTS 2
#define RTC_IRQ 8
#define CMOS_BYTES 128

enum rtc_reg {
    REG_SECONDS = 0x00,
    REG_SECONDS_ALARM = 0x01,
    REG_MINUTES = 0x02,
    REG_MINUTES_ALARM = 0x03,
    REG_HOURS = 0x04,
    REG_HOURS_ALARM = 0x05,
    REG_WEEKDAY = 0x06,
    REG_DAY = 0x07,
    REG_MONTH = 0x08,
    REG_YEAR = 0x09,
    REG_A = 0x0a,
    REG_B = 0x0b,
    REG_C = 0x0c,
    REG_D = 0x0d,
    REG_CENTURY = 0x32,
    REG_PS2_CENTURY = 0x37,         /* IBM PS/2 location of the century */
};

#define A_UIP   0x80
#define A_DV    0x70    /* divider control */
#define A_RS    0x0f    /* rate select */
#define B_SET   0x80
#define B_PIE   0x40
#define B_AIE   0x20
#define B_UIE   0x10
#define B_DM    0x04    /* 1 = binary, 0 = BCD */
#define B_24H   0x02
#define C_IRQF  0x80
#define C_PF    0x40
#define C_AF    0x20
#define C_UF    0x10
#define C_FLAGS (C_PF | C_AF | C_UF)    /* match PIE AIE UIE bit for bit */
#define D_VRT   0x80
#define HOUR_PM 0x80    /* 12-hour mode */
#define ALARM_DONT_CARE 0xc0            /* both top bits set: matches any value */

#define NS 1000000000ll
#define RTC_HZ 32768
/* UIP rises 244 us (8 cycles of 32.768 kHz) before the update (tBUC);
 * QEMU holds it as long. */
#define UIP_NS (8 * NS / RTC_HZ)

struct rtc {
    uint8_t index;                  /* port 0x70 bits 6-0 */
    bool nmi_masked;                /* port 0x70 bit 7; nothing raises NMI yet */
    uint8_t ram[CMOS_BYTES];        /* time bytes are current only while stopped */
    uint8_t flags;                  /* register C's PF AF UF; IRQF is derived */
    int64_t base_sec;               /* the time (s since 1970, UTC) at count 0 */
    int64_t div_offset;             /* divider count (ns) = clock_ns() + div_offset */
    int wday_bias;                  /* weekday counter - the date's weekday, mod 7 */
    uint64_t synced;                /* clock_ns() up to which flags are accounted */
    bool irq;                       /* IRQ 8 level */
    struct dev_timer timer;
};

static struct rtc rtc;
static uint64_t cmos_ram_size = 128ull << 20;      /* QEMU's default -m */

/* ---- time registers <-> seconds ---- */

struct time_regs {
    uint8_t sec, min, hour, wday, day, month, year, century;
};

static uint8_t to_reg(const struct rtc *r, int v)
{
    if (r->ram[REG_B] & B_DM)
        return (uint8_t)v;
    return (uint8_t)(((v / 10) << 4) | (v % 10));
}

static int from_reg(const struct rtc *r, uint8_t v)
{
    if (r->ram[REG_B] & B_DM)
        return v;
    return (v >> 4) * 10 + (v & 0x0f);
}

static struct time_regs format_time(const struct rtc *r, int64_t sec)
{
    time_t t = (time_t)sec;
    struct tm tm;
    struct time_regs out;

    gmtime_r(&t, &tm);
    int year = tm.tm_year + 1900;
    out.sec = to_reg(r, tm.tm_sec);
    out.min = to_reg(r, tm.tm_min);
    if (r->ram[REG_B] & B_24H)
        out.hour = to_reg(r, tm.tm_hour);
    else
        out.hour = (uint8_t)(to_reg(r, tm.tm_hour % 12 ? tm.tm_hour % 12 : 12) |
                             (tm.tm_hour >= 12 ? HOUR_PM : 0));
    out.wday = to_reg(r, (tm.tm_wday + r->wday_bias) % 7 + 1);
    out.day = to_reg(r, tm.tm_mday);
    out.month = to_reg(r, tm.tm_mon + 1);
    out.year = to_reg(r, year % 100);
    out.century = to_reg(r, year / 100);
    return out;
}

static void store_time(struct rtc *r, int64_t sec)
{
    struct time_regs t = format_time(r, sec);

    r->ram[REG_SECONDS] = t.sec;
    r->ram[REG_MINUTES] = t.min;
    r->ram[REG_HOURS] = t.hour;
    r->ram[REG_WEEKDAY] = t.wday;
    r->ram[REG_DAY] = t.day;
    r->ram[REG_MONTH] = t.month;
    r->ram[REG_YEAR] = t.year;
    r->ram[REG_CENTURY] = t.century;
}

/* The time the registers hold. Out-of-range fields are normalised by
 * timegm (QEMU does the same); the weekday register becomes the bias. */
static int64_t parse_time(struct rtc *r)
{
    struct tm tm = { 0 };
    uint8_t h = r->ram[REG_HOURS];

    tm.tm_sec = from_reg(r, r->ram[REG_SECONDS]);
    tm.tm_min = from_reg(r, r->ram[REG_MINUTES]);
    if (r->ram[REG_B] & B_24H)
        tm.tm_hour = from_reg(r, h);
    else
        tm.tm_hour = from_reg(r, h & ~HOUR_PM) % 12 + (h & HOUR_PM ? 12 : 0);
    tm.tm_mday = from_reg(r, r->ram[REG_DAY]);
    tm.tm_mon = from_reg(r, r->ram[REG_MONTH]) - 1;
    tm.tm_year = from_reg(r, r->ram[REG_CENTURY]) * 100 + from_reg(r, r->ram[REG_YEAR]) - 1900;
    time_t t = timegm(&tm);

    struct tm check;
    gmtime_r(&t, &check);
    r->wday_bias = ((from_reg(r, r->ram[REG_WEEKDAY]) - 1 - check.tm_wday) % 7 + 7) % 7;
    return (int64_t)t;
}

static bool alarm_field_matches(uint8_t alarm, uint8_t now)
{
    return (alarm & ALARM_DONT_CARE) == ALARM_DONT_CARE || alarm == now;
}

/* The first second after `from` whose time registers match the alarm, or
 * INT64_MAX: every pattern that ever matches does so within a day. Skips
 * whole hours and minutes that cannot match. */
static int64_t next_alarm(const struct rtc *r, int64_t from)
{
    for (int64_t t = from + 1; t <= from + 86400 + 1;) {
        struct time_regs now = format_time(r, t);
        int64_t in_hour = ((t % 3600) + 3600) % 3600;

        if (!alarm_field_matches(r->ram[REG_HOURS_ALARM], now.hour))
            t += 3600 - in_hour;
        else if (!alarm_field_matches(r->ram[REG_MINUTES_ALARM], now.min))
            t += 60 - in_hour % 60;
        else if (!alarm_field_matches(r->ram[REG_SECONDS_ALARM], now.sec))
            t++;
        else
            return t;
    }
    return INT64_MAX;
}

/* ---- the divider chain ---- */

/* DV = 010 is the PC's 32.768 kHz time base; 000 and 001 (4.194304 and
 * 1.048576 MHz) also run, at the same rates, as in QEMU; 11x holds the
 * chain in reset and 011-101 are test modes: the clock stops. */
static bool divider_runs(const struct rtc *r)
{
    return (r->ram[REG_A] & A_DV) <= 0x20;
}

static bool clock_runs(const struct rtc *r)
{
    return divider_runs(r) && !(r->ram[REG_B] & B_SET);
}

/* The divider count in ns: never negative, since div_offset is set to
 * (a phase below 1 s) - clock_ns(). */
static int64_t div_ns(const struct rtc *r, uint64_t now)
{
    return (int64_t)now + r->div_offset;
}

static int64_t rtc_seconds(const struct rtc *r, uint64_t now)
{
    return r->base_sec + div_ns(r, now) / NS;
}

/* The registers' time `sec` becomes the clock's, keeping the divider's
 * phase (the chain keeps counting while SET is 1). */
static void set_time(struct rtc *r, int64_t sec, uint64_t now)
{
    r->base_sec = sec - div_ns(r, now) / NS;
}

/* 32.768 kHz cycles of divider count d, and back (rounded up). */
static int64_t cycles(int64_t d)
{
    return d / NS * RTC_HZ + d % NS * RTC_HZ / NS;
}

static int64_t cycles_to_ns(int64_t c)
{
    return c / RTC_HZ * NS + (c % RTC_HZ * NS + RTC_HZ - 1) / RTC_HZ;
}

/* Periodic interrupt period in 32.768 kHz cycles (data sheet table 5: RS
 * 1 and 2 repeat 8 and 9 at this time base), 0 when RS = 0. */
static int64_t periodic_cycles(const struct rtc *r)
{
    unsigned rs = r->ram[REG_A] & A_RS;

    if (rs == 0)
        return 0;
    if (rs <= 2)
        rs += 7;
    return (int64_t)1 << (rs - 1);
}

static bool update_in_progress(const struct rtc *r, uint64_t now)
{
    return clock_runs(r) && div_ns(r, now) % NS >= NS - UIP_NS;
}

/* Sets the flags of what happened since r->synced, under the current
 * register values (every change of them syncs first). */
static void rtc_sync(struct rtc *r, uint64_t now)
{
    if (now <= r->synced)
        return;
    if (divider_runs(r)) {
        int64_t a = div_ns(r, r->synced), b = div_ns(r, now);
        int64_t period = periodic_cycles(r);

        if (period && cycles(b) / period > cycles(a) / period)
            r->flags |= C_PF;
        if (!(r->ram[REG_B] & B_SET) && b / NS > a / NS) {
            r->flags |= C_UF;
            if (!(r->flags & C_AF) &&
                next_alarm(r, r->base_sec + a / NS) <= r->base_sec + b / NS)
                r->flags |= C_AF;
        }
    }
    r->synced = now;
}

/* When the next enabled interrupt source fires (clock_ns time), or
 * UINT64_MAX. Called while IRQF is 0, i.e. every enabled flag is clear. */
static uint64_t next_event(const struct rtc *r, uint64_t now)
{
    uint8_t b = r->ram[REG_B];
    int64_t d = div_ns(r, now), next = INT64_MAX;
    int64_t period = periodic_cycles(r);

    if (!divider_runs(r))
        return UINT64_MAX;      /* "holding the dividers in reset prevents interrupts" */
    if ((b & B_PIE) && period)
        next = cycles_to_ns((cycles(d) / period + 1) * period);
    if (!(b & B_SET)) {
        int64_t sec = d / NS;
        if ((b & B_UIE) && (sec + 1) * NS < next)
            next = (sec + 1) * NS;
        if (b & B_AIE) {
            int64_t t = next_alarm(r, r->base_sec + sec);
            if (t != INT64_MAX && (t - r->base_sec) * NS < next)
                next = (t - r->base_sec) * NS;
        }
    }
    return next == INT64_MAX ? UINT64_MAX : (uint64_t)(next - r->div_offset);
}

/* IRQ 8 follows IRQF; while it is low, a timer waits for the next event
 * that would raise it. */
static void rtc_update_irq(struct rtc *r, uint64_t now)
{
    bool level = r->flags & r->ram[REG_B] & C_FLAGS;
    uint64_t deadline = level ? UINT64_MAX : next_event(r, now);

    if (level != r->irq) {
        r->irq = level;
        irq_set(RTC_IRQ, level);
    }
    if (deadline == UINT64_MAX)
        timer_cancel(&r->timer);
    else
        timer_arm(&r->timer, deadline);
}

static void rtc_timer_expired(void *opaque)
{
    struct rtc *r = opaque;
    uint64_t now = clock_ns();

    rtc_sync(r, now);
    rtc_update_irq(r, now);
}

/* ---- register access ---- */

static bool is_time_reg(unsigned reg)
{
    switch (reg) {
    case REG_SECONDS: case REG_MINUTES: case REG_HOURS: case REG_WEEKDAY:
    case REG_DAY: case REG_MONTH: case REG_YEAR: case REG_CENTURY:
        return true;
    }
    return false;
}

static uint8_t rtc_read_reg(struct rtc *r, unsigned reg, uint64_t now)
{
    uint8_t v;

    if (is_time_reg(reg)) {
        if (clock_runs(r))
            store_time(r, rtc_seconds(r, now));
        return r->ram[reg];
    }
    switch (reg) {
    case REG_A:
        return (uint8_t)(r->ram[REG_A] | (update_in_progress(r, now) ? A_UIP : 0));
    case REG_C:
        v = r->flags;
        if (v & r->ram[REG_B] & C_FLAGS)
            v |= C_IRQF;
        r->flags = 0;
        return v;
    case REG_D:
        return D_VRT;           /* the battery is always good */
    default:
        return r->ram[reg];
    }
}

static void rtc_write_a(struct rtc *r, uint8_t v, uint64_t now)
{
    bool was_running = divider_runs(r);

    if (clock_runs(r))
        store_time(r, rtc_seconds(r, now));     /* in case the clock stops now */
    r->ram[REG_A] = v & ~A_UIP;                 /* UIP is read only */
    if (!was_running && divider_runs(r)) {
        /* "The first update cycle begins one-half second later" than the
         * chain leaves reset: the count restarts at 0.5 s. */
        r->div_offset = NS / 2 - (int64_t)now;
        if (!(r->ram[REG_B] & B_SET))
            set_time(r, parse_time(r), now);
    }
}

static void rtc_write_b(struct rtc *r, uint8_t v, uint64_t now)
{
    uint8_t old = r->ram[REG_B];

    if (v & B_SET) {
        /* SET aborts the update cycle and freezes the registers for the
         * guest to write; "UIE is cleared when SET is written to 1". */
        v &= ~B_UIE;
        if (clock_runs(r))
            store_time(r, rtc_seconds(r, now));
        r->ram[REG_B] = v;
        return;
    }
    r->ram[REG_B] = v;
    if ((old & B_SET) && divider_runs(r))
        set_time(r, parse_time(r), now);
}

static void rtc_write_reg(struct rtc *r, unsigned reg, uint8_t v, uint64_t now)
{
    if (is_time_reg(reg)) {
        if (!clock_runs(r)) {
            r->ram[reg] = v;
            return;
        }
        /* A running counter written directly: the others keep counting. */
        store_time(r, rtc_seconds(r, now));
        r->ram[reg] = v;
        set_time(r, parse_time(r), now);
        return;
    }
    switch (reg) {
    case REG_A:
        rtc_write_a(r, v, now);
        return;
    case REG_B:
        rtc_write_b(r, v, now);
        return;
    case REG_C:
    case REG_D:
        return;                 /* read only */
    default:
        r->ram[reg] = v;        /* alarm registers and battery-backed RAM */
        return;
    }
}

/* ---- ports ---- */

static unsigned rtc_selected_reg(const struct rtc *r)
{
    return r->index == REG_PS2_CENTURY ? REG_CENTURY : r->index;
}

/* Port 0x70 is a write-only latch: reads give ff, as in QEMU. */
static uint8_t rtc_port_read(struct rtc *r, unsigned port)
{
    uint64_t now;
    uint8_t v, flags;

    if (port == RTC_PORT_INDEX)
        return 0xff;
    now = clock_ns();
    flags = r->flags;
    rtc_sync(r, now);
    v = rtc_read_reg(r, rtc_selected_reg(r), now);
    /* The level and the next event only change with the flags (the
     * registers are as they were): spare the alarm search otherwise. */
    if (r->flags != flags)
        rtc_update_irq(r, now);
    return v;
}

static void rtc_port_write(struct rtc *r, unsigned port, uint8_t v)
{
    uint64_t now;

    if (port == RTC_PORT_INDEX) {
        r->index = v & 0x7f;
        r->nmi_masked = v & 0x80;
        return;
    }
    now = clock_ns();
    rtc_sync(r, now);
    rtc_write_reg(r, rtc_selected_reg(r), v, now);
    rtc_update_irq(r, now);
}

/* Byte registers: a wide access is byte accesses to consecutive ports
 * (QEMU's RTC takes only bytes too); bytes past 0x71 read as all ones. */
static uint32_t rtc_io_read(void *opaque, uint16_t port, unsigned size)
{
    uint32_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        unsigned p = (unsigned)port + i;
        uint32_t b = p < RTC_PORT_INDEX + RTC_PORTS ? rtc_port_read(opaque, p) : 0xff;
        v |= b << (8 * i);
    }
    return v;
}

static void rtc_io_write(void *opaque, uint16_t port, unsigned size, uint32_t value)
{
    for (unsigned i = 0; i < size; i++) {
        unsigned p = (unsigned)port + i;
        if (p < RTC_PORT_INDEX + RTC_PORTS)
            rtc_port_write(opaque, p, (uint8_t)(value >> (8 * i)));
    }
}

/* ---- the configuration bytes ---- */

static void put16(uint8_t *ram, unsigned at, uint64_t v)
{
    ram[at] = (uint8_t)v;
    ram[at + 1] = (uint8_t)(v >> 8);
}

/* Memory sizes as QEMU's pc_cmos_init writes them (all RAM is below 4 GiB
 * for bt386's -m 2M..3G). */
static void cmos_store_memory_size(uint8_t *ram, uint64_t bytes)
{
    const uint64_t kib = 1024, mib = 1024 * kib;
    uint64_t base = bytes / kib < 640 ? bytes / kib : 640;
    uint64_t ext = bytes > mib ? (bytes - mib) / kib : 0;
    uint64_t high = bytes > 16 * mib ? (bytes - 16 * mib) / (64 * kib) : 0;

    put16(ram, 0x15, base);                         /* base memory, KiB */
    put16(ram, 0x17, ext < 0xffff ? ext : 0xffff);  /* 1 MiB - 65 MiB, KiB */
    put16(ram, 0x30, ext < 0xffff ? ext : 0xffff);  /* its copy */
    put16(ram, 0x34, high < 0xffff ? high : 0xffff); /* 16 MiB - 4 GiB, 64 KiB units */
    ram[0x5b] = ram[0x5c] = ram[0x5d] = 0;          /* above 4 GiB, 64 KiB units */
}

void cmos_set_ram_size(uint64_t bytes)
{
    cmos_ram_size = bytes;
    cmos_store_memory_size(rtc.ram, bytes);
}

/* The bytes QEMU 7.2 + SeaBIOS leave for the guest (dumped with a probe
 * guest under `qemu-system-i386 -kernel`, -m 128): SeaBIOS set A = 26
 * (32.768 kHz, 1024 Hz) and B = 02 (24-hour, BCD). NB: 0x10 and 0x14 say
 * there is a 2.88 MB floppy drive A: as in QEMU, whose default machine
 * has the drive; bt386 has no floppy controller. */
static void cmos_store_defaults(uint8_t *ram)
{
    ram[REG_A] = 0x26;
    ram[REG_B] = B_24H;
    ram[0x10] = 0x50;           /* floppy types: A: 2.88 MB, no B: */
    ram[0x14] = 0x07;           /* equipment: floppy, FPU, PS/2 mouse */
    ram[0x38] = 0x30;           /* boot order 3rd: CD-ROM; floppy signature checked */
    ram[0x3d] = 0x12;           /* boot order 1st: hard disk, 2nd: floppy */
    ram[0x5f] = 0;              /* CPUs - 1 */
    cmos_store_memory_size(ram, cmos_ram_size);
}

/* MC146818 RESET#: the interrupt enables and SQWE in B and the flags in C
 * clear; the clock, the other registers and NVRAM run on the battery. */
static void cmos_rtc_machine_reset(void)
{
    struct rtc *r = &rtc;
    uint64_t now = clock_ns();

    rtc_sync(r, now);
    r->ram[REG_B] &= (uint8_t)~(B_PIE | B_AIE | B_UIE | 0x08);
    r->flags = 0;
    rtc_update_irq(r, now);
}
DEVICE_RESET(cmos_rtc_machine_reset);

static int cmos_rtc_init(void)
{
    struct rtc *r = &rtc;
    struct timespec host;
    uint64_t now;

    clock_gettime(CLOCK_REALTIME, &host);
    now = clock_ns();
    cmos_store_defaults(r->ram);
    r->base_sec = host.tv_sec;
    r->div_offset = host.tv_nsec - (int64_t)now;
    r->synced = now;
    store_time(r, r->base_sec);
    r->timer.fn = rtc_timer_expired;
    r->timer.opaque = r;
    io_register(RTC_PORT_INDEX, RTC_PORTS, rtc_io_read, rtc_io_write, r, "mc146818 rtc/cmos");
    return 0;
}
DEVICE_INIT(cmos_rtc_init);
