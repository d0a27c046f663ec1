/* The PC's CMOS RAM and real-time clock (cmos_rtc.c): what the monitor
 * tells it before the guest runs.
 *
 *   cmos_set_ram_size(o.ram_size);   the memory-size bytes a kernel reads
 *                                    (0x15-0x18, 0x30-0x31, 0x34-0x35, 0x5b-0x5d)
 *
 * Without the call the CMOS describes 128 MiB, QEMU's default. May be
 * called before or after devices_init. */
#ifndef BT386_DEVICES_CMOS_RTC_H
#define BT386_DEVICES_CMOS_RTC_H

#include <stdint.h>

void cmos_set_ram_size(uint64_t bytes);

#endif
