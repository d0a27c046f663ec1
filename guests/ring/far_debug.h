/* Assembly entry points and labels of far_debug (far_debug.c,
 * far_debug_asm.S): each instruction a debug event is expected at, or
 * after, has a label, so the checks compare the pushed EIP with it. */
#ifndef FAR_DEBUG_H
#define FAR_DEBUG_H

#include <stdint.h>

/* Single-step at CPL0: POPF sets TF, then nop, mov, jmp, POPF clearing TF, nop. */
void fd_step(void);
extern char fd_s2[], fd_s3[], fd_s4[], fd_s5[];
/* Single-step over MOV SS: nop, mov ss, nop, popf clearing TF. */
void fd_movss(void);
extern char fd_ms_a[], fd_ms_c[], fd_ms_d[];
/* Single-step at CPL3 (entered with TF = 1): nop, pushf, and, popf clearing TF. */
uint32_t fd_u_step(uint32_t);
extern char fd_us2[], fd_us3[], fd_us4[], fd_us5[];

/* Instruction breakpoints: the MOV at the label sets EAX to 0x1234. */
uint32_t fd_ibp0(void);
uint32_t fd_ibp1(void);
uint32_t fd_u_ibp(uint32_t);
extern char fd_bp0_insn[], fd_bp1_insn[], fd_u_bp_insn[];

/* Data accesses: one MOV each, at fd_*_insn, followed by fd_*_next. */
void fd_w8(volatile void *p, uint32_t v);
void fd_w16(volatile void *p, uint32_t v);
void fd_w32(volatile void *p, uint32_t v);
uint32_t fd_r32(volatile void *p);
extern char fd_w8_next[], fd_w16_next[], fd_w32_next[], fd_r32_next[];

/* INT3 (0xCC), INT 3 (0xCD 03), INT 1 (0xCD 01). */
void fd_int3(void);
void fd_int3_long(void);
uint32_t fd_u_int3(uint32_t);
uint32_t fd_u_int1(uint32_t);
extern char fd_int3_next[], fd_int3l_next[];
extern char fd_u_int3_insn[], fd_u_int1_insn[];

#endif
