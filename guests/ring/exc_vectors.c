/* Delivery of every integer CPU exception a guest can raise on purpose, at
 * CPL0 and at CPL3 (SDM vol. 3A, chapter 6; table 6-1 for vectors, classes
 * and error codes):
 *   - the vector and the error code (0 pushed by the kit where the CPU
 *     pushes none);
 *   - the pushed EIP: a fault points at the faulting instruction, a trap
 *     (INT3, INT 3, INTO, INT n, single step, ICEBP) at the next one (6.5);
 *   - the pushed CS and EFLAGS (the flags of the interrupted code);
 *   - at the same privilege level the frame goes on the current stack, from
 *     CPL3 the CPU switches to TSS.ss0:esp0 and pushes the user SS:ESP
 *     (6.12.1, figure 6-4).
 * Cases: #DE (DIV by 0, IDIV and 8-bit DIV quotient overflow), #DB (TF
 * single step), #BP (CC and CD 03), #OF (INTO with OF = 1, none with
 * OF = 0), #BR (BOUND), #UD (UD2, LOCK NOP, LEA reg, MOV CS, 0F 04), #NP(sel) and #SS(sel) for not-present segments, #GP with
 * selector error codes, #GP(0) for a null SS and for HLT at CPL3,
 * #GP(n * 8 + 2) for INT n through a DPL0 gate from CPL3.
 * The x87/SSE exceptions are in exc_fpu.c.
 * NB QEMU 7.2 departs from the SDM here, so these are left out:
 *   - faults should push EFLAGS with RF = 1 (SDM 17.3.1.1: every fault
 *     but an instruction-breakpoint #DB); QEMU pushes RF = 0. RF is masked
 *     out of the EFLAGS checks;
 *   - #AC (CR0.AM = 1, EFLAGS.AC = 1, misaligned access at CPL3) is not
 *     raised by QEMU at all;
 *   - #SS(0) for a stack access beyond the limit of an expand-down SS:
 *     QEMU does not check segment limits;
 *   - ICEBP (F1) should raise #DB as a trap; QEMU raises #UD;
 *   - LOCK MOV to memory should raise #UD (MOV is not lockable); QEMU
 *     executes it. */
#include "pm.h"
#include "../tests/eflags.h"

#define FL_BASE 0x4c3           /* what exc_vectors_asm.S loads: CF ZF SF DF */
#define NO_FAULT (-1)

extern uint32_t exc_esp;

#define DECL(n) uint32_t n(uint32_t); extern char n##_at[], n##_next[]
DECL(de_div); DECL(de_idiv); DECL(de_div8); DECL(bp_cc); DECL(bp_cd);
DECL(of_into); DECL(of_noof); DECL(br_bound); DECL(ud_ud2); DECL(ud_lock_nop);
DECL(ud_lea_reg); DECL(ud_mov_cs); DECL(ud_0f04); DECL(db_tf); DECL(int_40);
DECL(int_80); DECL(load_ds); DECL(load_ss); DECL(gp_hlt);

/* Test-local descriptors (entries GDT_FIRST_FREE..). */
#define SEL_NP0   0x30          /* DPL0 writable data, not present */
#define SEL_NP3   0x38          /* DPL3 writable data, not present */
#define SEL_XO    0x40          /* DPL0 execute-only code */
#define SEL_RO    0x48          /* DPL0 read-only data */
#define SEL_BEYOND 0x208        /* index 65: past the 64-entry GDT's limit */

struct exc_case {
    const char *rule;
    uint32_t (*fn)(uint32_t);
    uint32_t arg;
    int cpl;
    int vector;                 /* NO_FAULT: must run through */
    uint32_t error_code;
    const char *eip;            /* the expected pushed EIP */
    uint32_t eflags;            /* the expected pushed EFLAGS, RF aside */
};

static const struct exc_case cases[] = {
    { "div by 0: #DE", de_div, 0, 0, 0, 0, de_div_at, FL_BASE },
    { "div by 0: #DE", de_div, 0, 3, 0, 0, de_div_at, FL_BASE },
    { "idiv -2^31 / -1 overflows: #DE", de_idiv, 0, 0, 0, 0, de_idiv_at, FL_BASE },
    { "idiv -2^31 / -1 overflows: #DE", de_idiv, 0, 3, 0, 0, de_idiv_at, FL_BASE },
    { "div8 quotient > 0xff: #DE", de_div8, 0, 0, 0, 0, de_div8_at, FL_BASE },
    { "div8 quotient > 0xff: #DE", de_div8, 0, 3, 0, 0, de_div8_at, FL_BASE },
    { "TF single step: #DB trap after the next insn", db_tf, 0, 0, 1, 0, db_tf_next, FL_BASE | FL_TF },
    { "TF single step: #DB trap after the next insn", db_tf, 0, 3, 1, 0, db_tf_next, FL_BASE | FL_TF },
    { "int3 (cc): #BP trap", bp_cc, 0, 0, 3, 0, bp_cc_next, FL_BASE },
    { "int3 (cc): #BP trap", bp_cc, 0, 3, 3, 0, bp_cc_next, FL_BASE },
    { "int 3 (cd 03): #BP trap", bp_cd, 0, 0, 3, 0, bp_cd_next, FL_BASE },
    { "int 3 (cd 03): #BP trap", bp_cd, 0, 3, 3, 0, bp_cd_next, FL_BASE },
    { "into with OF=1: #OF trap", of_into, 0, 0, 4, 0, of_into_next, FL_BASE | FL_OF },
    { "into with OF=1: #OF trap", of_into, 0, 3, 4, 0, of_into_next, FL_BASE | FL_OF },
    { "into with OF=0: no exception", of_noof, 0, 0, NO_FAULT, 0, 0, 0 },
    { "into with OF=0: no exception", of_noof, 0, 3, NO_FAULT, 0, 0, 0 },
    { "bound above the upper bound: #BR", br_bound, 11, 0, 5, 0, br_bound_at, FL_BASE },
    { "bound above the upper bound: #BR", br_bound, 11, 3, 5, 0, br_bound_at, FL_BASE },
    { "bound below the lower bound (signed): #BR", br_bound, (uint32_t)-1, 0, 5, 0, br_bound_at, FL_BASE },
    { "bound within the bounds: no exception", br_bound, 10, 0, NO_FAULT, 0, 0, 0 },
    { "bound within the bounds: no exception", br_bound, 0, 3, NO_FAULT, 0, 0, 0 },
    { "ud2: #UD", ud_ud2, 0, 0, 6, 0, ud_ud2_at, FL_BASE },
    { "ud2: #UD", ud_ud2, 0, 3, 6, 0, ud_ud2_at, FL_BASE },
    { "lock nop: #UD", ud_lock_nop, 0, 0, 6, 0, ud_lock_nop_at, FL_BASE },
    { "lock nop: #UD", ud_lock_nop, 0, 3, 6, 0, ud_lock_nop_at, FL_BASE },
    { "lea with a register operand: #UD", ud_lea_reg, 0, 0, 6, 0, ud_lea_reg_at, FL_BASE },
    { "lea with a register operand: #UD", ud_lea_reg, 0, 3, 6, 0, ud_lea_reg_at, FL_BASE },
    { "mov to cs: #UD", ud_mov_cs, 0, 0, 6, 0, ud_mov_cs_at, FL_BASE },
    { "mov to cs: #UD", ud_mov_cs, 0, 3, 6, 0, ud_mov_cs_at, FL_BASE },
    { "reserved opcode 0f 04: #UD", ud_0f04, 0, 0, 6, 0, ud_0f04_at, FL_BASE },
    { "reserved opcode 0f 04: #UD", ud_0f04, 0, 3, 6, 0, ud_0f04_at, FL_BASE },
    { "int 0x40 at cpl0: delivered, EIP after it", int_40, 0, 0, 0x40, 0, int_40_next, FL_BASE },
    { "int 0x40 via a dpl0 gate at cpl3: #GP(0x40*8+2)", int_40, 0, 3, 13, 0x40 * 8 + 2, int_40_at, FL_BASE },
    { "int 0x80 via a dpl3 gate: delivered, EIP after it", int_80, 0, 0, 0x80, 0, int_80_next, FL_BASE },
    { "int 0x80 via a dpl3 gate: delivered, EIP after it", int_80, 0, 3, 0x80, 0, int_80_next, FL_BASE },
    { "mov ds, not-present data: #NP(sel)", load_ds, SEL_NP0, 0, 11, SEL_NP0, load_ds_at, FL_BASE },
    { "mov ds, not-present dpl3 data: #NP(sel)", load_ds, SEL_NP3 | 3, 3, 11, SEL_NP3, load_ds_at, FL_BASE },
    { "mov ss, not-present data: #SS(sel)", load_ss, SEL_NP0, 0, 12, SEL_NP0, load_ss_at, FL_BASE },
    { "mov ss, not-present dpl3 data: #SS(sel)", load_ss, SEL_NP3 | 3, 3, 12, SEL_NP3, load_ss_at, FL_BASE },
    { "mov ds, selector beyond the GDT limit: #GP(sel)", load_ds, SEL_BEYOND, 0, 13, SEL_BEYOND, load_ds_at, FL_BASE },
    { "mov ds, selector beyond the GDT limit: #GP(sel)", load_ds, SEL_BEYOND | 3, 3, 13, SEL_BEYOND, load_ds_at, FL_BASE },
    { "mov ds, dpl0 data at cpl3: #GP(sel)", load_ds, SEL_KDATA, 3, 13, SEL_KDATA, load_ds_at, FL_BASE },
    { "mov ds, execute-only code: #GP(sel)", load_ds, SEL_XO, 0, 13, SEL_XO, load_ds_at, FL_BASE },
    { "mov ss, null selector: #GP(0)", load_ss, 0, 0, 13, 0, load_ss_at, FL_BASE },
    { "mov ss, null selector: #GP(0)", load_ss, 3, 3, 13, 0, load_ss_at, FL_BASE },
    { "mov ss, read-only data: #GP(sel)", load_ss, SEL_RO, 0, 13, SEL_RO, load_ss_at, FL_BASE },
    { "mov ss, RPL 3 at cpl0 (RPL != CPL): #GP(sel)", load_ss, SEL_UDATA, 0, 13, SEL_UDATA & ~3, load_ss_at, FL_BASE },
    { "hlt at cpl3: #GP(0)", gp_hlt, 0, 3, 13, 0, gp_hlt_at, FL_BASE },
};

static int has_error_code(int v)
{
    return v == 8 || (v >= 10 && v <= 14) || v == 17;
}

static void run_case(const struct exc_case *c)
{
    struct pm_fault f;
    volatile int faulted = 0;
    volatile uint32_t ret = 0;
    const char *where = c->cpl ? "cpl3" : "cpl0";

    memset(&f, 0, sizeof f);
    exc_esp = 0;
    if (pm_try(&f)) {
        ret = c->cpl ? pm_run_user(c->fn, c->arg) : c->fn(c->arg);
        pm_try_end();
    } else {
        faulted = 1;
    }
    if (c->vector == NO_FAULT) {
        CHECK(!faulted && ret == 0x600d, "%s at %s", c->rule, where);
        if (faulted)
            printf("     got vector %u at %08x\n", f.vector, f.eip);
        return;
    }
    if (!faulted) {
        CHECK(0, "%s at %s: raises vector %d", c->rule, where, c->vector);
        return;
    }
    int err = has_error_code(c->vector);
    CHECK_EQ(f.vector, c->vector, "%s at %s: vector %d", c->rule, where, c->vector);
    CHECK_EQ(f.error_code, c->error_code, "%s at %s: error code", c->rule, where);
    CHECK_EQ(f.eip, (uint32_t)c->eip, "%s at %s: pushed EIP", c->rule, where);
    CHECK_EQ(f.cs, c->cpl ? SEL_UCODE : SEL_KCODE, "%s at %s: pushed CS", c->rule, where);
    CHECK_EQ(f.eflags & ~FL_RF, c->eflags, "%s at %s: pushed EFLAGS", c->rule, where);
    CHECK_EQ(f.esp, exc_esp, "%s at %s: frame above the interrupted ESP", c->rule, where);
    if (c->cpl) {
        CHECK_EQ(f.ss, SEL_UDATA, "%s at cpl3: pushed SS", c->rule);
        CHECK_EQ(pm_frame_esp, pm_tss.tss.esp0 - 20 - 4 * err,
                 "%s at cpl3: handler stack is TSS.esp0", c->rule);
    } else {
        CHECK_EQ(pm_frame_esp, exc_esp - 12 - 4 * err,
                 "%s at cpl0: same stack, no SS:ESP pushed", c->rule);
    }
}

int main(void)
{
    pm_init();
    pm_gdt_set(SEL_NP0 >> 3, 0, 0xfffff, ACC_DATA_W & ~0x80, FLG_4K_32);
    pm_gdt_set(SEL_NP3 >> 3, 0, 0xfffff, (ACC_DATA_W & ~0x80) | ACC_DPL(3), FLG_4K_32);
    pm_gdt_set(SEL_XO >> 3, 0, 0xfffff, 0x98, FLG_4K_32);
    pm_gdt_set(SEL_RO >> 3, 0, 0xfffff, 0x90, FLG_4K_32);

    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++)
        run_case(&cases[i]);

    /* Single step reports itself in DR6.BS (bit 14; SDM vol. 3B 17.2.3). */
    uint32_t dr6;
    __asm__ volatile("mov %%dr6, %0" : "=r"(dr6));
    CHECK(dr6 & 0x4000, "TF single step: DR6.BS set");
    return check_summary();
}

