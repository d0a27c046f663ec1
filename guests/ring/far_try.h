/* pm_try around one call, for the far_* guests: did fn fault, and how.
 *
 *   if (far_faults(fn))                      fn() at CPL0 faulted: far_fault holds
 *       CHECK_EQ(far_fault.vector, 13, ...);  the frame (guests/lib/pm.h)
 *   far_faults_user(ufn, 0x2)                ufn(0) at CPL3 with these EFLAGS
 */
#ifndef FAR_TRY_H
#define FAR_TRY_H

#include "pm.h"

extern struct pm_fault far_fault;

/* 1 if fn() faulted (far_fault filled in), 0 if it returned. */
int far_faults(void (*fn)(void));
/* The same for fn(0) run at CPL3 through pm_run_user_flags. */
int far_faults_user(uint32_t (*fn)(uint32_t), uint32_t user_eflags);

#endif
