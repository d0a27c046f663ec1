/* The translation mode key: a block is valid only for the machine state it
 * was specialised on. Layout (bit numbers):
 *
 *   31  22 21 20 19 18 17 16 15 14 13 12 ... 4 3  2   1 0
 *   [zero] 16 MP EM TS ST FX SM [GS][FS][DS][SS][CS][ES] PG [CPL]
 *                           2 bits each: SEGMODE_*
 *   FX = CR4.OSFXSR, ST = single-step (MODE_STEP), TS/EM/MP = CR0's FPU bits,
 *   16 = 16-bit code segment
 *
 * Segment bases are read from the vCPU at run time, so a base change needs
 * no new key; a limit or expand-down change does (SEGMODE_CHECKED). */
#ifndef BT386_MODE_H
#define BT386_MODE_H

#include "ring-compression/vcpu.h"

enum segmode {
    SEGMODE_FLAT = 0,       /* base 0, limit 4 GiB - 1: the offset is the linear address */
    SEGMODE_BASED = 1,      /* limit 4 GiB - 1, base added from vcpu.seg_base */
    SEGMODE_CHECKED = 2,    /* anything else: every access checks in the slow path */
};

#define MODE_CPL(k)        ((k) & 3)
#define MODE_PAGING        (1u << 2)
#define MODE_SEG_SHIFT(s)  (3 + 2 * (s))
#define MODE_SEG(k, s)     ((enum segmode)(((k) >> MODE_SEG_SHIFT(s)) & 3))
/* One-instruction blocks that use the shadow-map slow path even where the
 * direct mode applies: how an access that faulted in the direct mode
 * (a store to translated code, a hole) is redone exactly. Never computed
 * by mode_key(); the run loop adds it for one block. */
#define MODE_SLOWMEM       (1u << 15)
/* CR4.OSFXSR: without it SSE instructions raise #UD. */
#define MODE_OSFXSR        (1u << 16)
/* One instruction per block and every access through the checked slow
 * path: while EFLAGS.TF is set, a debug register is armed, or alignment
 * checking is on (CR0.AM, EFLAGS.AC, CPL 3). The run loop then sees every
 * instruction boundary (single-step and instruction-breakpoint #DB) and C
 * sees every access (data breakpoints, #AC). */
#define MODE_STEP          (1u << 17)
/* CR0.TS, CR0.EM, CR0.MP: which x87/MMX/SSE instructions raise #NM/#UD. */
#define MODE_TS            (1u << 18)
#define MODE_EM            (1u << 19)
#define MODE_MP            (1u << 20)
/* CS.D = 0: 16-bit code (default operand and address size 16). */
#define MODE_CODE16        (1u << 21)

uint32_t mode_key(const struct vcpu *v);
/* How a block must address through this segment (step: MODE_STEP is on). */
enum segmode segmode_of(const struct segment *seg, bool step);

#endif
