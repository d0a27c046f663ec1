# Interrupts end to end: PIT → PIC → the guest's IDT (issue #6, item 3).
bt386_add_guest(dev_irq dev_irq.c ${GUEST_PM_SOURCES})
bt386_guest_test(dev_irq)
# Seen to fail when a REP instruction cannot be interrupted mid-way.
bt386_guest_must_fail(dev_irq rep-irq)
