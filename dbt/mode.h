/* The translation mode key: a block is valid only for the machine state it
 * was specialised on. Layout (bit numbers):
 *
 *   31    17 16 15 14 13 12 ... 4 3  2   1 0
 *   [ zero ] FX SM [GS][FS][DS][SS][CS][ES] PG [CPL]     FX = CR4.OSFXSR
 *                 2 bits each: SEGMODE_*
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

uint32_t mode_key(const struct vcpu *v);

#endif
