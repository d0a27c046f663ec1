/* C functions that translated code calls through the callout trampoline
 * (dbt/emit_call.c, monitor/tc_entry.S). Each takes the vCPU, whose guest
 * registers and EFLAGS are current, reads vcpu.cur_eip (the instruction) and
 * vcpu.callout_info (a per-kind argument packed by the emitter), may change
 * guest state, and returns a value the emitted code finds in r11. Setting
 * vcpu.stop_request leaves the TC with vcpu.eip where execution resumes. */
#ifndef BT386_CALLOUTS_H
#define BT386_CALLOUTS_H

#include "decoder/insn.h"
#include "ring-compression/vcpu.h"

/* Memory slow path: r10 (vcpu.xr[2]) holds the address; returns the host
 * addend for [r11 + r10]. info: MEMINFO_* (dbt/xlate.h). */
uint64_t callout_mem_slow(struct vcpu *v);
/* Raises exception vector (info & 0xff) at cur_eip; the instruction did
 * nothing. With EXCINFO_SOFT, a software interrupt (INT n, INT3, INTO) of
 * length info >> 16: the frame's EIP is the next instruction. */
uint64_t callout_exception(struct vcpu *v);
#define EXCINFO_SOFT 0x100
/* CLI (info 0) or STI (info 1) at CPL > 0, info >> 8 = length: #GP(0)
 * unless CPL <= IOPL. */
uint64_t callout_cli_sti(struct vcpu *v);
/* IN/OUT: info = port | size << 16 | (port in DX) << 20 | (IN) << 21 */
uint64_t callout_io(struct vcpu *v);
#define IOINFO(port, size, dx, in) ((port) | ((size) << 16) | ((dx) << 20) | ((in) << 21))
/* String instructions: info = op | size << 4 | rep << 8 | seg << 12 | addr_size << 16 | len << 24 */
uint64_t callout_string(struct vcpu *v);
uint64_t callout_cpuid(struct vcpu *v);
uint64_t callout_rdtsc(struct vcpu *v);
uint64_t callout_popf(struct vcpu *v);      /* info = len | opsize << 8 */
uint64_t callout_hlt(struct vcpu *v);       /* info = len */
uint64_t callout_bcd(struct vcpu *v);       /* info = op | imm << 8 */
uint64_t callout_salc(struct vcpu *v);
uint64_t callout_bound(struct vcpu *v);     /* info = len; re-decodes */
uint64_t callout_pusha(struct vcpu *v);     /* info = opsize */
uint64_t callout_popa(struct vcpu *v);      /* info = opsize */
uint64_t callout_enter(struct vcpu *v);     /* info = len; re-decodes */
uint64_t callout_bitmem(struct vcpu *v);    /* BT/BTS/BTR/BTC m, reg; re-decodes */
/* Everything else sensitive or privileged (ring-compression/): re-decodes
 * the instruction at cur_eip and emulates it; always leaves the TC. */
uint64_t callout_system(struct vcpu *v);
uint64_t callout_invlpg(struct vcpu *v);
/* INVLPG's rules (#UD without a memory operand, #GP(0) above CPL 0) and its
 * effect; *la is the page's linear address. dbt/callouts_paging.c. */
bool invlpg_emulate(struct vcpu *v, const struct insn *in, gva_t *la);
/* MOV sreg, r16: info = sreg | rm << 4 | len << 8. Leaves the TC only if
 * the segment's translation mode changed. */
uint64_t callout_mov_sreg(struct vcpu *v);
uint64_t callout_sysenter(struct vcpu *v);     /* info = len */
uint64_t callout_sysexit(struct vcpu *v);      /* info = len */
/* The same, for the instructions that need the whole FPU state in
 * vcpu.fpu_state (MASKMOVQ/MASKMOVDQU): called with the full FXSAVE. */
uint64_t callout_system_fpu(struct vcpu *v);

/* Flags of the subtraction a - b at `size` bytes (CMPS, SCAS). */
void flags_from_sub(struct vcpu *v, uint32_t a, uint32_t b, unsigned size);

/* Ends the TC run with a guest exception at cur_eip (precise). */
void raise_exception(struct vcpu *v, int vector, uint32_t error_code, bool has_error);

#endif
