# The MC146818A real-time clock and CMOS RAM (devices/cmos_rtc.c), polled:
# register file, UIP timing, flags, SET and divider reset, formats, alarm,
# periodic rate, NVRAM and the configuration bytes.
bt386_add_guest(dev_rtc dev_rtc.c)
bt386_guest_test(dev_rtc)

# IRQ 8 delivered to an IDT handler: periodic, update-ended and alarm
# interrupts, and the line held until C is read.
bt386_add_guest(dev_rtc_irq dev_rtc_irq.c ${GUEST_PM_SOURCES})
bt386_guest_test(dev_rtc_irq)

# dev_rtc measures the RTC's rates against its own periodic ticks with 25%
# margins; beside other tests on a loaded 2-core host (or a sanitizer build)
# that is not always enough: it runs alone.
set_tests_properties(guest.dev_rtc.qemu guest.dev_rtc.bt386 guest.dev_rtc.bt386-shadowmap
  PROPERTIES RUN_SERIAL TRUE)
