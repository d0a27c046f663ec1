# The 8042 keyboard controller, the PS/2 keyboard and mouse, port 0x92
# (devices/i8042.c), polled.
bt386_add_guest(dev_kbd dev_kbd.c)
bt386_guest_test(dev_kbd)

# A reset through the 8042 (command 0xfe): never returns, so not a
# self-checking guest. With -no-reboot bt386 ends the run with status 0 and
# says why, as QEMU -no-reboot exits 0 (guests/os boots twice instead).
bt386_add_guest(dev_reset dev_reset.c)
add_test(NAME cli.i8042_reset
  COMMAND sh -c "err=$(timeout 30 \"$1\" -no-reboot \"$2\" </dev/null 2>&1 >/dev/null); rc=$?; echo \"$err\"; \
[ $rc = 0 ] && echo \"$err\" | grep -q 'reset through the i8042'" sh $<TARGET_FILE:bt386> ${CMAKE_BINARY_DIR}/guests/dev_reset.elf)
set_tests_properties(cli.i8042_reset PROPERTIES TIMEOUT 60)

# IRQ 1 and IRQ 12 delivered to IDT handlers.
bt386_add_guest(dev_kbd_irq dev_kbd_irq.c ${GUEST_PM_SOURCES})
bt386_guest_test(dev_kbd_irq)
