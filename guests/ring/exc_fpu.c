/* The x87/SSE exceptions (SDM vol. 3A, chapter 6 and 2.5; vol. 1, 8.7 and
 * 11.5), at CPL0 and CPL3:
 *   - #NM (7), a fault: CR0.TS = 1 and an x87 or SSE instruction;
 *     CR0.EM = 1 and an x87 instruction; WAIT/FWAIT only when CR0.MP = 1
 *     and TS = 1;
 *   - CLTS clears CR0.TS; the lazy FPU switch of Linux and others: the
 *     #NM handler does CLTS and returns to the faulting instruction, which
 *     then runs with the FPU state left as it was;
 *   - #UD for SSE instructions when CR0.EM = 1 or CR4.OSFXSR = 0;
 *   - #MF (16), a fault, with CR0.NE = 1: an unmasked x87 exception is
 *     reported on the next waiting instruction (FWAIT here), with EIP at it
 *     and error code 0; a masked one gives its default result (+inf); FNCLEX
 *     discards a pending one.
 * NB QEMU 7.2 departs from the SDM here, so these are left out:
 *   - #MF is raised only by FWAIT, not by the next waiting x87 arithmetic
 *     instruction (e.g. FLD1 after the FDIV: SDM vol. 1, 8.6);
 *   - unmasked SSE exceptions raise nothing: neither #XM with
 *     CR4.OSXMMEXCPT = 1 nor #UD with OSXMMEXCPT = 0 (SDM vol. 1, 11.5.1). */
#include "pm.h"

#define CR0_MP (1u << 1)
#define CR0_EM (1u << 2)
#define CR0_TS (1u << 3)
#define CR0_NE (1u << 5)
#define CR4_OSFXSR (1u << 9)
#define CR4_OSXMMEXCPT (1u << 10)

#define DECL(n) uint32_t n(uint32_t); extern char n##_at[]
DECL(x87_fld1); DECL(sse_addps); DECL(x87_fwait); DECL(lazy_add);
DECL(mf_fwait); DECL(mf_masked); DECL(mf_fnclex);
extern uint32_t fpu_result;

static uint32_t cr0_read(void) { uint32_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static void cr0_write(uint32_t v) { __asm__ volatile("mov %0, %%cr0" :: "r"(v) : "memory"); }
static uint32_t cr4_read(void) { uint32_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static void cr4_write(uint32_t v) { __asm__ volatile("mov %0, %%cr4" :: "r"(v) : "memory"); }

/* CR0 with MP, EM, TS, NE set as asked, everything else as pm_init left it. */
static void cr0_fpu(uint32_t bits)
{
    cr0_write((cr0_read() & ~(CR0_MP | CR0_EM | CR0_TS | CR0_NE)) | bits);
}

static void fpu_reset(void)
{
    cr0_fpu(CR0_MP | CR0_NE);
    __asm__ volatile("fnclex\n\tfninit" ::: "memory");
}

/* Runs fn at cpl; returns the vector it raised or -1, with f filled. */
static int run(uint32_t (*fn)(uint32_t), int cpl, struct pm_fault *f)
{
    volatile int faulted = 0;
    volatile uint32_t ret = 0;
    if (pm_try(f)) {
        ret = cpl ? pm_run_user(fn, 0) : fn(0);
        pm_try_end();
    } else {
        faulted = 1;
    }
    if (!faulted && ret != 0x600d)
        printf("     returned %08x\n", ret);
    return faulted ? (int)f->vector : -1;
}

/* A fault: vector, error code 0, EIP at the instruction, CS of cpl. */
static void expect_fault(uint32_t (*fn)(uint32_t), const char *at, int cpl, int vector, const char *rule)
{
    struct pm_fault f;
    const char *where = cpl ? "cpl3" : "cpl0";
    int v = run(fn, cpl, &f);
    CHECK_EQ(v, vector, "%s at %s: vector %d", rule, where, vector);
    if (v < 0)
        return;
    CHECK_EQ(f.error_code, 0, "%s at %s: error code 0", rule, where);
    CHECK_EQ(f.eip, (uint32_t)at, "%s at %s: fault, EIP at the instruction", rule, where);
    CHECK_EQ(f.cs, cpl ? SEL_UCODE : SEL_KCODE, "%s at %s: pushed CS", rule, where);
}

static void expect_none(uint32_t (*fn)(uint32_t), int cpl, const char *rule)
{
    struct pm_fault f;
    int v = run(fn, cpl, &f);
    CHECK_EQ(v, -1, "%s at %s", rule, cpl ? "cpl3" : "cpl0");
}

static void test_nm(void)
{
    for (int cpl = 0; cpl <= 3; cpl += 3) {
        cr0_fpu(CR0_MP | CR0_NE | CR0_TS);
        expect_fault(x87_fld1, x87_fld1_at, cpl, 7, "CR0.TS=1, x87 insn: #NM");
        cr0_fpu(CR0_MP | CR0_NE | CR0_TS);
        expect_fault(sse_addps, sse_addps_at, cpl, 7, "CR0.TS=1, SSE insn: #NM");
        cr0_fpu(CR0_NE | CR0_EM);
        expect_fault(x87_fld1, x87_fld1_at, cpl, 7, "CR0.EM=1, x87 insn: #NM");
        cr0_fpu(CR0_MP | CR0_NE | CR0_TS);
        expect_fault(x87_fwait, x87_fwait_at, cpl, 7, "CR0.TS=1 MP=1, fwait: #NM");
        cr0_fpu(CR0_NE | CR0_TS);
        expect_none(x87_fwait, cpl, "CR0.TS=1 MP=0, fwait: no #NM");
        fpu_reset();
    }
    cr0_fpu(CR0_MP | CR0_NE | CR0_EM);
    expect_fault(sse_addps, sse_addps_at, 0, 6, "CR0.EM=1, SSE insn: #UD");
    fpu_reset();

    cr0_fpu(CR0_MP | CR0_NE | CR0_TS);
    __asm__ volatile("clts");
    CHECK_EQ(cr0_read() & CR0_TS, 0, "clts clears CR0.TS");
    fpu_reset();
}

static int nm_hits;
static uint32_t nm_eip;

/* The lazy FPU switch: give the FPU back (CLTS) and re-execute. */
static int on_nm(struct pm_fault *f)
{
    nm_hits++;
    nm_eip = f->eip;
    __asm__ volatile("clts");
    return 1;
}

static void test_lazy_switch(void)
{
    static const uint32_t two_and_half = 0x40200000;      /* 2.5f */
    pm_set_handler(7, on_nm);
    for (int cpl = 0; cpl <= 3; cpl += 3) {
        const char *where = cpl ? "cpl3" : "cpl0";
        struct pm_fault f;
        fpu_reset();
        __asm__ volatile("flds %0" :: "m"(two_and_half));
        cr0_fpu(CR0_MP | CR0_NE | CR0_TS);
        nm_hits = 0;
        fpu_result = 0;
        CHECK_EQ(run(lazy_add, cpl, &f), -1, "lazy fpu at %s: #NM handler returns, the insn re-executes", where);
        CHECK_EQ(nm_hits, 1, "lazy fpu at %s: one #NM, none after clts", where);
        CHECK_EQ(nm_eip, (uint32_t)lazy_add_at, "lazy fpu at %s: #NM is a fault (EIP at fld1)", where);
        CHECK_EQ(fpu_result, 0x40600000, "lazy fpu at %s: FPU state preserved (2.5 + 1 = 3.5)", where);
        CHECK_EQ(cr0_read() & CR0_TS, 0, "lazy fpu at %s: CR0.TS stays clear", where);
    }
    pm_set_handler(7, 0);
    fpu_reset();
}

static void test_mf(void)
{
    for (int cpl = 0; cpl <= 3; cpl += 3) {
        const char *where = cpl ? "cpl3" : "cpl0";
        uint16_t sw;
        fpu_reset();
        expect_fault(mf_fwait, mf_fwait_at, cpl, 16, "CR0.NE=1, unmasked x87 #Z then fwait: #MF");
        __asm__ volatile("fnstsw %0" : "=m"(sw));
        CHECK_EQ(sw & 0x85, 0x84, "#MF at %s: FSW.ES and ZE set, IE clear", where);
        fpu_reset();
        fpu_result = 0;
        expect_none(mf_masked, cpl, "masked x87 #Z: no #MF");
        CHECK_EQ(fpu_result, 0x7f800000, "masked x87 #Z at %s: 1/0 = +inf", where);
        fpu_reset();
        expect_none(mf_fnclex, cpl, "fnclex discards the pending x87 exception: no #MF");
        fpu_reset();
    }
}

static void test_sse_ud(void)
{
    uint32_t cr4 = cr4_read();
    fpu_reset();
    cr4_write(cr4 & ~(CR4_OSFXSR | CR4_OSXMMEXCPT));
    expect_fault(sse_addps, sse_addps_at, 0, 6, "CR4.OSFXSR=0, SSE insn: #UD");
    expect_fault(sse_addps, sse_addps_at, 3, 6, "CR4.OSFXSR=0, SSE insn: #UD");
    cr4_write(cr4 | CR4_OSFXSR);
    CHECK_EQ(run(sse_addps, 0, &(struct pm_fault){ 0 }), -1, "CR4.OSFXSR=1: SSE insn runs");
    cr4_write(cr4);
}

int main(void)
{
    pm_init();
    cr4_write(cr4_read() | CR4_OSFXSR);
    fpu_reset();
    test_nm();
    test_lazy_switch();
    test_mf();
    test_sse_ud();
    return check_summary();
}
