/* Guest memory as C callouts see it: segment checks (SDM vol. 3, 5.3),
 * linear -> host through the shadow MMU, accesses split at page
 * boundaries, and stores into translated code invalidating its blocks.
 * A failed check raises the guest exception and returns false.
 *
 *   uint32_t val;
 *   if (!gmem_read(v, S_SS, esp, 4, &val)) return 0;
 */
#ifndef BT386_GUEST_MEM_H
#define BT386_GUEST_MEM_H

#include "decoder/insn.h"
#include "ring-compression/vcpu.h"

bool gmem_check_segment(struct vcpu *v, int seg, uint32_t offset, unsigned size, bool write);
bool gmem_read(struct vcpu *v, int seg, uint32_t offset, unsigned size, void *out);
bool gmem_write(struct vcpu *v, int seg, uint32_t offset, unsigned size, const void *in);
/* Linear-address accesses (descriptor tables, the TSS): no segment checks,
 * and supervisor accesses whatever the CPL, as the CPU's implicit ones. */
bool gmem_read_linear(struct vcpu *v, gva_t la, unsigned size, void *out);
bool gmem_write_linear(struct vcpu *v, gva_t la, unsigned size, const void *in);
/* …as a user (CPL 3) or supervisor access: the stacks of privilege changes. */
bool gmem_read_linear_as(struct vcpu *v, gva_t la, unsigned size, void *out, bool user);
bool gmem_write_linear_as(struct vcpu *v, gva_t la, unsigned size, const void *in, bool user);
/* Effective address (offset) of a decoded memory operand. */
uint32_t gmem_effective_address(const struct vcpu *v, const struct mem_operand *m);
/* Decodes the guest instruction at CS:cur_eip (for callouts that need
 * its operands); false if it cannot be read or decoded. */
bool gmem_decode_current(struct vcpu *v, struct insn *in);
/* Note a store of `size` bytes at physical `pa` for SMC purposes. */
void gmem_note_code_write(struct vcpu *v, gpa_t pa, unsigned size);

#endif
