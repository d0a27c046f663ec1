/* The RTC's interrupt on IRQ 8 delivered to the guest's IDT (MC146818A
 * data sheet; the slave 8259A at vectors 0x28-0x2f):
 *   - PIE: the periodic interrupt arrives at the rate RS selects, and
 *     register C shows PF and IRQF in the handler;
 *   - the IRQ output stays asserted until C is read: a handler that does
 *     not read C gets no second interrupt (the PIC sees no new edge);
 *   - UIE: one update-ended interrupt per second, C shows UF;
 *   - AIE: one alarm interrupt when the time reaches the alarm.
 * No wall-clock value is printed: the checks count interrupts between
 * changes of the seconds register. */
#include "dev_rtc.h"
#include "pc.h"
#include "pm.h"

#define IRQ8_VECTOR 0x28

static volatile uint32_t irqs, flags_seen, irqf_missing;
static volatile int read_c = 1;

static int on_rtc(struct pm_fault *f)
{
    (void)f;
    irqs++;
    if (read_c) {
        uint8_t c = cmos_read(REG_C);
        flags_seen |= c;
        if (!(c & C_IRQF))
            irqf_missing++;
    }
    pic_eoi(8);                     /* EOI to the slave, then the master */
    return 1;
}

/* Waits for the seconds register to change n times with interrupts on. */
static void ticks(int n)
{
    for (int i = 0; i < n; i++) {
        uint8_t s = cmos_read(REG_SEC);
        for (uint32_t polls = 0; cmos_read(REG_SEC) == s && polls < 400000000u; polls++)
            ;
    }
}

/* Interrupts between two changes of the seconds with B = b, A = a. */
static uint32_t count_irqs(uint8_t a, uint8_t b, int seconds)
{
    cmos_write(REG_A, a);
    ticks(1);
    cmos_read(REG_C);
    irqs = 0;
    flags_seen = 0;
    irqf_missing = 0;
    __asm__ volatile("cli");
    cmos_write(REG_B, b);
    __asm__ volatile("sti");
    ticks(seconds);
    __asm__ volatile("cli");
    cmos_write(REG_B, B_24H);
    cmos_write(REG_A, 0x26);
    cmos_read(REG_C);
    return irqs;
}

int main(void)
{
    pm_init();
    pm_set_handler(IRQ8_VECTOR, on_rtc);
    /* Only the cascade (IRQ 2) on the master, only IRQ 8 on the slave. */
    pic_init(0x20, IRQ8_VECTOR, 0xfb, 0xfe);

    uint32_t n = count_irqs(0x2d, B_24H | B_PIE, 1);
    CHECK(n >= 6 && n <= 10, "PIE, RS = 13: 8 periodic interrupts a second on IRQ 8");
    CHECK((flags_seen & (C_IRQF | C_PF)) == (C_IRQF | C_PF) && !irqf_missing,
          "the handler reads C = IRQF | PF");

    read_c = 0;
    n = count_irqs(0x2d, B_24H | B_PIE, 1);
    read_c = 1;
    CHECK_EQ(n, 1, "IRQ 8 stays asserted until C is read: no new interrupt without the read");

    n = count_irqs(0x20, B_24H | B_UIE, 2);
    CHECK(n >= 1 && n <= 3, "UIE: one update-ended interrupt per second");
    CHECK((flags_seen & (C_IRQF | C_UF)) == (C_IRQF | C_UF), "the handler reads C = IRQF | UF");

    /* Alarm at hh:mm:ss with ss two seconds ahead; hours, minutes don't care. */
    uint8_t s = cmos_read(REG_SEC);
    unsigned sec = (s >> 4) * 10 + (s & 15);
    sec = (sec + 3) % 60;
    cmos_write(REG_SEC_ALARM, (uint8_t)((sec / 10) << 4 | (sec % 10)));
    cmos_write(REG_MIN_ALARM, 0xc0);
    cmos_write(REG_HOUR_ALARM, 0xc0);
    n = count_irqs(0x20, B_24H | B_AIE, 4);
    CHECK_EQ(n, 1, "AIE: one alarm interrupt when the seconds reach the alarm (don't-care h, min)");
    CHECK((flags_seen & (C_IRQF | C_AF)) == (C_IRQF | C_AF), "the handler reads C = IRQF | AF");
    cmos_write(REG_SEC_ALARM, 0);
    cmos_write(REG_MIN_ALARM, 0);
    cmos_write(REG_HOUR_ALARM, 0);

    pic_mask(0xff, 0xff);
    return check_summary();
}
