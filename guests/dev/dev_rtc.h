/* The MC146818A's registers for the RTC guests (dev_rtc.c, dev_rtc_irq.c):
 * ports, register numbers, bits, and indexed access.
 *
 *   cmos_write(REG_B, B_24H | B_PIE);
 *   if (cmos_read(REG_C) & C_PF) ...
 */
#ifndef GUEST_DEV_RTC_H
#define GUEST_DEV_RTC_H

#include "guest.h"

#define RTC_INDEX 0x70
#define RTC_DATA 0x71

#define REG_SEC 0x00
#define REG_SEC_ALARM 0x01
#define REG_MIN 0x02
#define REG_MIN_ALARM 0x03
#define REG_HOUR 0x04
#define REG_HOUR_ALARM 0x05
#define REG_WDAY 0x06
#define REG_DAY 0x07
#define REG_MONTH 0x08
#define REG_YEAR 0x09
#define REG_A 0x0a
#define REG_B 0x0b
#define REG_C 0x0c
#define REG_D 0x0d
#define REG_CENTURY 0x32

#define A_UIP 0x80
#define A_NORMAL 0x20   /* DV = 010: 32.768 kHz time base running */
#define A_RESET 0x60    /* DV = 110: divider chain held in reset */
#define B_SET 0x80
#define B_PIE 0x40
#define B_AIE 0x20
#define B_UIE 0x10
#define B_DM 0x04
#define B_24H 0x02
#define C_IRQF 0x80
#define C_PF 0x40
#define C_AF 0x20
#define C_UF 0x10

static inline uint8_t cmos_read(uint8_t reg)
{
    outb(RTC_INDEX, reg);
    return inb(RTC_DATA);
}

static inline void cmos_write(uint8_t reg, uint8_t v)
{
    outb(RTC_INDEX, reg);
    outb(RTC_DATA, v);
}

#endif
