# The MC146818A real-time clock and CMOS RAM (devices/cmos_rtc.c), polled:
# register file, UIP timing, flags, SET and divider reset, formats, alarm,
# periodic rate, NVRAM and the configuration bytes.
bt386_add_guest(dev_rtc dev_rtc.c)
bt386_guest_test(dev_rtc)

# IRQ 8 delivered to an IDT handler: periodic, update-ended and alarm
# interrupts, and the line held until C is read.
bt386_add_guest(dev_rtc_irq dev_rtc_irq.c ${GUEST_PM_SOURCES})
bt386_guest_test(dev_rtc_irq)
