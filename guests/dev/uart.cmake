# The 16550A's interrupt sources and IRQ 4 (devices/uart16550.c).
bt386_add_guest(dev_uart ${CMAKE_CURRENT_LIST_DIR}/dev_uart.c)
bt386_guest_test(dev_uart)

# IRQ 4 through the IDT: the handler runs, STI;HLT wakes up.
bt386_add_guest(dev_uart_intr ${CMAKE_CURRENT_LIST_DIR}/dev_uart_intr.c ${GUEST_PM_SOURCES})
bt386_guest_test(dev_uart_intr)
