/* Stacks the CPU itself pushes to and pops from while changing privilege:
 * interrupt frames, call-gate frames, the return frames of RET/IRET. The
 * segment may be one not loaded yet (the inner stack named by the TSS), so
 * a stack is a segment plus a pointer; pushes are checked against its
 * limit (expand-down and 16-bit B included) and fault with #SS(sel).
 *
 *   struct gstack s;
 *   if (!tss_inner_stack(v, dpl, &s, ext)) return false;    #TS/#SS raised
 *   if (!gstack_push(v, &s, 4, value)) return false;
 */
#ifndef BT386_STACK_H
#define BT386_STACK_H

#include "ring-compression/vcpu.h"

struct gstack {
    struct segment seg;
    uint32_t esp;
    uint32_t fault_code;    /* #SS error code: the selector (+ EXT), or 0 */
    bool user;              /* accesses at CPL 3 (U/S of paging) */
};

/* The current SS:ESP. */
void gstack_current(const struct vcpu *v, struct gstack *s);
bool gstack_push(struct vcpu *v, struct gstack *s, unsigned size, uint32_t value);
bool gstack_pop(struct vcpu *v, struct gstack *s, unsigned size, uint32_t *value);
/* Reads the stack of level `dpl` from the TSS and checks its SS as an
 * inter-privilege CALL or interrupt does (#TS, #SS with EXT = ext). */
bool tss_inner_stack(struct vcpu *v, unsigned dpl, struct gstack *s, uint32_t ext);
/* Makes s the current stack (SS's hidden part and ESP, or SP if B = 0). */
void gstack_commit(struct vcpu *v, const struct gstack *s);

#endif
