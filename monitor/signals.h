/* Host signals: a fault inside translated code (a host #DE from a guest
 * quotient overflow, a monitor bug) is mapped back to the guest instruction
 * through the block's host -> guest EIP table; a fault in the monitor's own
 * code panics with a backtrace. */
#ifndef BT386_SIGNALS_H
#define BT386_SIGNALS_H

void signals_install(void);

#endif
