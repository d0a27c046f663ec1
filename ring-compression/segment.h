/* Segment descriptors and the checks of a segment-register load (SDM vol. 3,
 * 3.4.5 and 5.5-5.8; vol. 2, MOV/POP sreg, far JMP/CALL). Pure functions of
 * the descriptor and the vCPU's privilege: the caller reads the descriptor
 * from the GDT and raises the fault.
 *
 *   struct seg_fault f;
 *   if (!seg_check_load(v, S_DS, sel, desc, &f)) raise(f.vector, f.error_code);
 *   seg_from_descriptor(&v->seg[S_DS], sel, desc);
 */
#ifndef BT386_SEGMENT_H
#define BT386_SEGMENT_H

#include "ring-compression/vcpu.h"

struct seg_fault {
    int vector;                 /* 13 #GP, 11 #NP, 12 #SS */
    uint32_t error_code;        /* the selector with RPL cleared, or 0 */
};

/* The hidden part a load caches: base, byte-granular limit, attributes. */
void seg_from_descriptor(struct segment *s, uint16_t sel, const uint32_t desc[2]);

/* May `sel` (descriptor `desc`, non-null) be loaded into `sreg`? For CS
 * the rules of a far JMP/CALL to the same privilege level. */
bool seg_check_load(const struct vcpu *v, int sreg, uint16_t sel, const uint32_t desc[2],
                    struct seg_fault *f);

#endif
