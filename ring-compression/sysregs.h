/* The system registers and the instructions that read and write them
 * (SDM vol. 2 and vol. 3A chapters 2, 4, 17, 35): CR0/CR3/CR4, DR0-DR7,
 * the MSRs a Pentium-era kernel touches, LLDT/LTR, LMSW, LAR/LSL/VERR/VERW,
 * SYSENTER/SYSEXIT. The callouts (dbt/callouts_system.c) fetch operands
 * and check the CPL; these functions hold the architectural rules. Each
 * returns false with the guest exception raised.
 */
#ifndef BT386_SYSREGS_H
#define BT386_SYSREGS_H

#include "ring-compression/vcpu.h"

bool sys_write_cr(struct vcpu *v, unsigned n, uint32_t value);
/* CR0, CR3 or CR4 changed (MOV CR, a task switch): the shadow MMU follows
 * and v->shadow_base names the current map. */
void sys_paging_changed(struct vcpu *v);
bool sys_read_cr(struct vcpu *v, unsigned n, uint32_t *value);
bool sys_write_dr(struct vcpu *v, unsigned n, uint32_t value);
bool sys_read_dr(struct vcpu *v, unsigned n, uint32_t *value);
bool sys_rdmsr(struct vcpu *v);      /* ECX in, EDX:EAX out */
bool sys_wrmsr(struct vcpu *v);
bool sys_lldt(struct vcpu *v, uint16_t sel);
bool sys_ltr(struct vcpu *v, uint16_t sel);
/* LAR (lsl = false) or LSL: *ok is the resulting ZF, *out the value. */
bool sys_lar_lsl(struct vcpu *v, uint16_t sel, bool lsl, bool *ok, uint32_t *out);
bool sys_verr_verw(struct vcpu *v, uint16_t sel, bool write, bool *ok);
bool sys_sysenter(struct vcpu *v);
bool sys_sysexit(struct vcpu *v);
/* The guest TSC: monotonic, moved by WRMSR 0x10. */
uint64_t sys_read_tsc(struct vcpu *v);

#endif
