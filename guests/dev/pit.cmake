# The 8254 PIT and port 0x61 (devices/pit8254.c) at register level: latches,
# flip-flops, read-back and status, modes 0-3 counting, GATE 2 and OUT 2.
# The data sheet's clock-by-clock waveforms are in tests/unit/test_pit.c.
bt386_add_guest(dev_pit dev_pit.c)
bt386_guest_test(dev_pit)
# Counter 0's OUT through IRQ 0 to the guest's handler: interrupts keep
# coming in modes 2 and 3, never more than one per period; one per one-shot
# in modes 0 and 4. Load-proof: no count of interrupts in a time window.
bt386_add_guest(dev_pit_irq dev_pit_irq.c ${GUEST_PM_SOURCES})
bt386_guest_test(dev_pit_irq)
