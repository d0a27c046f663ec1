/* Far transfers of control (SDM vol. 2: CALL, JMP, RET, IRET; vol. 3A 5.8):
 * to code segments at the same level, to conforming segments, through call
 * gates with the stack switch and parameter copy, to tasks (TSS or task
 * gate), and the returns to the same or an outer level. Each returns false
 * with the guest exception raised; on success v->eip is the target.
 *
 *   far_jmp_call(v, sel, offset, 4, true, next_eip)      CALL ptr16:32
 *   far_ret(v, 4, imm16)                                 RET far n
 *   far_iret(v, 4, next_eip)                             IRETD
 */
#ifndef BT386_FAR_H
#define BT386_FAR_H

#include "ring-compression/vcpu.h"

bool far_jmp_call(struct vcpu *v, uint16_t sel, uint32_t offset, unsigned opsize, bool call,
                  uint32_t next_eip);
bool far_ret(struct vcpu *v, unsigned opsize, uint16_t release);
bool far_iret(struct vcpu *v, unsigned opsize, uint32_t next_eip);

#endif
