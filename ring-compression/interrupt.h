/* Exceptions and interrupts through the guest IDT (SDM vol. 3A, chapter 6):
 * interrupt, trap and task gates, the stack switch through the TSS on a
 * privilege change, error codes, and the double-fault and triple-fault
 * rules when delivery itself faults.
 *
 * Whoever detects an event records it in the vCPU (raise_exception for
 * faults and traps; event_soft for INT n/INT3/INTO, whose gate DPL is
 * checked; event_ext for external interrupts) with v->eip at the EIP the
 * frame must hold; the run loop then calls intr_deliver.
 */
#ifndef BT386_INTERRUPT_H
#define BT386_INTERRUPT_H

#include "ring-compression/vcpu.h"

/* Delivers v->exception. Afterwards the vCPU runs the handler, or
 * v->shutdown is set (triple fault) with v->exception the last fault. */
void intr_deliver(struct vcpu *v);

/* Does `vector` push an error code when the CPU raises it? */
bool intr_has_error_code(int vector);

#endif
