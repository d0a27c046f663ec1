/* A fake of common/vm.h for the device unit tests: a stop (isa-debug-exit)
 * or a machine reset (i8042, 0xcf9) is recorded instead of ending a run
 * loop; a reset counts as a stop with status 0, what -no-reboot does.
 * Included by one file per test program. */
#ifndef BT386_FAKE_VM_H
#define BT386_FAKE_VM_H

#include "common/vm.h"

static int stop_requests, last_stop_status;

void vm_request_stop(int status)
{
    stop_requests++;
    last_stop_status = status;
}

void vm_request_reset(void)
{
    vm_request_stop(0);
}

#endif
