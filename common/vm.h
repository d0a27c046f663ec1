/* What a device or any module may ask of the running machine, without
 * knowing how the monitor runs it (monitor/ implements these).
 *
 *   vm_request_stop(status);   the run loop stops after the current guest
 *                              instruction and bt386 exits with `status`
 */
#ifndef BT386_VM_H
#define BT386_VM_H

#include <stdbool.h>

/* Stop the guest after the current instruction; bt386 exits with status. */
void vm_request_stop(int status);
/* Reset the machine after the current instruction: the guest boots again
 * (with -no-reboot, the run stops with status 0, as QEMU's does). */
void vm_request_reset(void);

#endif
