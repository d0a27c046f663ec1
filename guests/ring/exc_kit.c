/* Smoke test of the protected-mode kit (guests/lib/pm.h) that the other
 * ring guests build on:
 *   - UD2 at CPL0 raises #UD (vector 6, no error code) with the pushed EIP
 *     at the UD2 itself, a fault (SDM vol. 3A, 6.5 and table 6-1);
 *   - pm_run_user runs a function at CPL3 (CS RPL 3) and returns its value;
 *   - UD2 at CPL3 lands in an enclosing pm_try with the CPL3 frame: CS and
 *     SS with RPL 3 and the user ESP (6.12.1: privilege change pushes SS:ESP);
 *   - a pm_set_handler handler that returns 1 resumes the interrupted code
 *     (INT3 from CPL3 through the kit's DPL3 gate, a trap: EIP after it). */
#include "pm.h"

extern char ud2_cpl0[], ud2_cpl3[];

static uint32_t user_cpl(uint32_t arg)
{
    return pm_cpl() * 0x1000 + arg;
}

static uint32_t user_ud2(uint32_t arg)
{
    (void)arg;
    __asm__ volatile("ud2_cpl3: ud2");
    return 0;
}

static uint32_t bp_hits, bp_eip;

static int on_bp(struct pm_fault *f)
{
    bp_hits++;
    bp_eip = f->eip;
    return 1;
}

static uint32_t user_int3(uint32_t arg)
{
    __asm__ volatile("int3\n\tuser_after_int3:");
    return arg + 1;
}

extern char user_after_int3[];

int main(void)
{
    pm_init();
    CHECK_EQ(pm_cpl(), 0, "pm_init: still CPL0");

    struct pm_fault f;
    int caught = 0;
    if (pm_try(&f)) {
        __asm__ volatile("ud2_cpl0: ud2");
        pm_try_end();
    } else {
        caught = 1;
    }
    CHECK(caught, "ud2 at cpl0: faults");
    CHECK_EQ(f.vector, 6, "ud2 at cpl0: #UD");
    CHECK_EQ(f.eip, (uint32_t)ud2_cpl0, "ud2 at cpl0: fault, EIP is the ud2");
    CHECK_EQ(f.cs, SEL_KCODE, "ud2 at cpl0: pushed CS");

    CHECK_EQ(pm_run_user(user_cpl, 7), 0x3007, "pm_run_user: runs at CPL3, returns the value");
    CHECK_EQ(pm_run_user(user_cpl, 9), 0x3009, "pm_run_user: twice");

    caught = 0;
    if (pm_try(&f)) {
        pm_run_user(user_ud2, 0);
        pm_try_end();
    } else {
        caught = 1;
    }
    CHECK(caught, "ud2 at cpl3: faults");
    CHECK_EQ(f.vector, 6, "ud2 at cpl3: #UD");
    CHECK_EQ(f.eip, (uint32_t)ud2_cpl3, "ud2 at cpl3: EIP is the ud2");
    CHECK_EQ(f.cs, SEL_UCODE, "ud2 at cpl3: pushed CS has RPL 3");
    CHECK_EQ(f.ss, SEL_UDATA, "ud2 at cpl3: pushed SS is the user's");
    CHECK_EQ(pm_frame_esp, pm_tss.tss.esp0 - 20, "ud2 at cpl3: frame on the TSS esp0 stack");
    CHECK_EQ(pm_cpl(), 0, "after a cpl3 fault: back at CPL0");
    CHECK_EQ(pm_run_user(user_cpl, 1), 0x3001, "pm_run_user after a caught cpl3 fault");

    pm_set_handler(3, on_bp);
    CHECK_EQ(pm_run_user(user_int3, 4), 5, "handler returning 1: user code resumes after int3");
    CHECK_EQ(bp_hits, 1, "handler called once");
    CHECK_EQ(bp_eip, (uint32_t)user_after_int3, "int3 is a trap: EIP after it");
    pm_set_handler(3, 0);
    return check_summary();
}
