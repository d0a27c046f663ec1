/* See far_try.h. pm_try returns twice: here, in a frame that is still live
 * when the fault brings it back. */
#include "far_try.h"

struct pm_fault far_fault;

int far_faults(void (*fn)(void))
{
    if (pm_try(&far_fault)) {
        fn();
        pm_try_end();
        return 0;
    }
    return 1;
}

int far_faults_user(uint32_t (*fn)(uint32_t), uint32_t user_eflags)
{
    if (pm_try(&far_fault)) {
        pm_run_user_flags(fn, 0, user_eflags);
        pm_try_end();
        return 0;
    }
    return 1;
}
