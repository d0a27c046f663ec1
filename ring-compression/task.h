/* Hardware task switches (SDM vol. 3A, chapter 7): JMP or CALL to a TSS or
 * a task gate, an interrupt through a task gate, IRET with NT = 1, to and
 * from 32-bit (type 9/11) and 16-bit (type 1/3) TSSes.
 *
 *   if (!task_switch(v, sel, desc, TASK_CALL, next_eip, 0)) return false;
 */
#ifndef BT386_TASK_H
#define BT386_TASK_H

#include "ring-compression/vcpu.h"

enum task_reason { TASK_JMP, TASK_CALL, TASK_IRET, TASK_INT };

/* Switches to the task whose TSS descriptor `d` was read for selector
 * `sel`. return_eip is saved as the old task's EIP. ext: EXT bit for error
 * codes. Returns false with the guest exception raised; faults after the
 * commit point are raised in the new task's context, as the SDM says. */
bool task_switch(struct vcpu *v, uint16_t sel, uint32_t d[2], enum task_reason why,
                 uint32_t return_eip, uint32_t ext);

#endif
