/* Hostile code: what a guest program may do to confuse a translator, and
 * what a real CPU does with it, at CPL3 and at CPL0:
 *   - jumps into the middle of an instruction: bytes that are one
 *     instruction from their start and others from one byte in, run both
 *     ways in turn (the decoding depends only on where execution enters;
 *     a translation made from one entry must not serve the other), and a
 *     loop whose back edge lands inside a CMP's immediate;
 *   - jumps into data: a data array holding MOV EAX, imm; RET runs, and
 *     runs the new immediate after a data store; FF FF there raises #UD
 *     with the pushed EIP on it (SDM vol. 3A 6.5: a fault);
 *   - pages of random bytes at CPL3: each run ends in the exception
 *     recorded for its seed (vector, error code, offset in the page), so
 *     the whole way there must be right;
 *   - POPF at CPL3 (vol. 2, POPF): IOPL never changes at CPL > 0, IF
 *     changes only when CPL <= IOPL; neither faults, the bits just stay;
 *     the same with the 16-bit POPF;
 *   - privileged instructions at CPL3 (vol. 3A 5.9, and IN with IOPL 0 and
 *     every port denied, vol. 1 19.5): #GP(0) with EIP on the instruction;
 *   - accesses that wrap at 4 GiB: a segment whose base + offset exceeds
 *     2^32 addresses base + offset - 2^32 (linear addresses are 32 bits
 *     outside 64-bit mode). A 4-byte access at offset 0xfffffffe of a
 *     segment with a 4 GiB limit runs past the limit: the SDM (vol. 3A
 *     5.3) leaves that implementation-specific (#GP or wrap); QEMU wraps
 *     the offset too, and so does this test. (With a flat DS the same
 *     access would read the BIOS ROM under QEMU and no RAM under bt386:
 *     the segment base moves it into the guest's RAM.);
 *   - stores that patch translated code: the next instruction's
 *     immediate and opcode, an instruction further down the running
 *     block, a loop that rewrites its own ADD, a finished function, and
 *     code run through a code segment whose base is not 0 (a translation
 *     belongs to the linear address CS.base + EIP, SDM vol. 3A 3.4).
 * Segment-limit violations live in hostile_limits.c: QEMU does not check
 * segment limits. */
#include "sens_common.h"

uint32_t hc_overlap_whole(uint32_t), hc_overlap_mid(uint32_t);
uint32_t hc_mid_loop(uint32_t), hc_mid_cmp(uint32_t);
uint32_t hc_run_page(uint32_t);
uint32_t hc_popf(uint32_t), hc_popfw(uint32_t);
uint32_t hc_wrap_read_low(uint32_t), hc_wrap_read_high(uint32_t), hc_wrap_write_low(uint32_t);
uint32_t hc_smc_opcode(uint32_t), hostile_far_call(uint32_t);
extern uint8_t hc_data_code[], hc_data_bad[], hc_data_imm[], hc_scratch[], hc_based_code[], hc_based_imm[];
/* guests/tests/smc_asm.S */
uint32_t smc_next(uint32_t), smc_later(uint32_t), smc_loop(uint32_t), smc_imm(uint32_t);
extern uint8_t smc_imm_value[];

/* Runs fn(arg) at cpl; returns its value, or 0xdead0000 | vector on a fault. */
static uint32_t run_at(int cpl, sens_fn fn, uint32_t arg)
{
    struct sens_run r;
    sens_run(&r, cpl, 0x2, fn, arg);
    return r.vector == SENS_NONE ? r.ret : 0xdead0000u | r.vector;
}

static void poke32(void *p, uint32_t v)
{
    __asm__ volatile("movl %1, (%0)" :: "r"(p), "r"(v) : "memory");
}

/* ---- Into the middle of an instruction ---- */

static void test_mid_instruction(void)
{
    for (int cpl = 0; cpl <= 3; cpl += 3) {
        unsigned bad = 0;
        for (uint32_t i = 0; i < 20; i++) {
            /* Alternate the entry first used, so each is once the entry
             * that made a translation the other must not reuse. */
            if (i & 1)
                bad += run_at(cpl, hc_overlap_mid, i) != i + 3;
            bad += run_at(cpl, hc_overlap_whole, 0) != 0xc3404040u;
            if (!(i & 1))
                bad += run_at(cpl, hc_overlap_mid, i) != i + 3;
        }
        CHECK_EQ(bad, 0, "cpl%d: b8 40 40 40 c3 is mov eax, 0xc3404040 from its start, 3x inc eax; ret one byte in", cpl);
        bad = 0;
        for (uint32_t n = 1; n <= 20; n++) {
            bad += run_at(cpl, hc_mid_loop, n) != n;
            bad += run_at(cpl, hc_mid_cmp, n) != 0;
        }
        bad += run_at(cpl, hc_mid_cmp, 0xfc754940u) != 1;
        CHECK_EQ(bad, 0, "cpl%d: a loop whose jnz lands inside a cmp's imm32 counts, and the cmp still compares", cpl);
    }
}

/* ---- Into data ---- */

static void test_data_as_code(void)
{
    sens_fn data_fn = (sens_fn)(void *)hc_data_code;
    for (int cpl = 0; cpl <= 3; cpl += 3) {
        poke32(hc_data_imm, 0x600dc0de);
        CHECK_EQ(run_at(cpl, data_fn, 0), 0x600dc0de, "cpl%d: call into a data array of mov eax, imm; ret", cpl);
        poke32(hc_data_imm, 0x0badf00d + cpl);
        CHECK_EQ(run_at(cpl, data_fn, 0), 0x0badf00d + cpl, "cpl%d: after a data store the new imm runs", cpl);
        struct sens_run r;
        sens_run(&r, cpl, 0x2, (sens_fn)(void *)hc_data_bad, 0);
        sens_check_fault(&r, 6, 0, (uint32_t)hc_data_bad, "cpl%d: ff ff in data: #UD, EIP on it", cpl);
    }
}

/* ---- Random pages ---- */

static uint8_t random_page[4096] __attribute__((aligned(4096), section(".data")));

static uint32_t xorshift(uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

/* Seeds whose pages end in an exception after a few instructions, all
 * inside the page, none of which touches memory outside hc_scratch and
 * the page itself, none of which depends on a rule QEMU does not follow
 * (null-segment accesses, C6/C7 with reg != 0, ICEBP): picked by running
 * seeds 1..242 under QEMU with TF = 1 and reading the disassembly of the
 * instructions each ran; no page runs an SSE3 instruction (QEMU's qemu32
 * has SSE3, bt386's CPU need not). Their ends: STI, HLT, INS, OUTS
 * (#GP(0)), RET FAR to a null CS (#GP(0)), CALL FAR beyond the GDT
 * (#GP(sel)), POP SS of 0 (#GP(0)), INT 0x69 through a DPL0 gate
 * (#GP(0x34a)), MOV with sreg 6 (#UD). */
static const struct {
    uint32_t seed, vector, offset, error;
} pages[] = {
    { 3, 13, 0x006, 0 },        /* STI */
    { 26, 13, 0x02b, 0 },       /* HLT, after a JNP forward */
    { 37, 13, 0x006, 0 },       /* RET FAR 0x5a53 to CS = 0 */
    { 43, 13, 0x010, 0xa8c0 },  /* CALL FAR 0xa8c2:... beyond the GDT */
    { 84, 13, 0x007, 0 },       /* POP SS of 0 */
    { 119, 13, 0x07f, 0 },      /* OUTSB, after taken JA, JMP */
    { 171, 13, 0x00c, 0 },      /* INSD */
    { 191, 13, 0x010, 0 },      /* INSB, after REPNE SUB */
    { 199, 13, 0x008, 0x34a },  /* INT 0x69, a DPL0 gate */
    { 233, 6, 0x055, 0 },       /* MOV r/m16, sreg 6 */
};

static void test_random_pages(void)
{
    for (unsigned i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        uint32_t x = pages[i].seed * 2654435761u + 1;
        for (unsigned b = 0; b < sizeof random_page; b++)
            random_page[b] = (uint8_t)xorshift(&x);
        memset(hc_scratch, 0, 0x2000);
        struct sens_run r;
        sens_run(&r, 3, 0x2, hc_run_page, (uint32_t)random_page);
        sens_check_fault(&r, pages[i].vector, pages[i].error, (uint32_t)random_page + pages[i].offset,
                         "random page, seed %u, at cpl3: ends in vector %u at offset %03x, error %x",
                         pages[i].seed, pages[i].vector, pages[i].offset, pages[i].error);
    }
}

/* ---- POPF at CPL3 ---- */

#define FL_ARITH 0x8d5u         /* OF SF ZF AF PF CF */

static void test_popf_cpl3(void)
{
    sens_mask_pics();
    uint32_t iopl3 = FL_IOPL(3);
    CHECK_EQ(pm_run_user_flags(hc_popf, 0x2 | iopl3 | FL_IF | FL_ARITH, 0x2), 0x2 | FL_ARITH,
             "popf at cpl3, iopl 0: IOPL and IF stay 0, the arithmetic flags change, no fault");
    CHECK_EQ(pm_run_user_flags(hc_popf, 0x2, 0x2 | FL_IF), 0x2 | FL_IF,
             "popf at cpl3, iopl 0: IF stays 1");
    CHECK_EQ(pm_run_user_flags(hc_popf, 0x2 | FL_IF, 0x2 | iopl3), 0x2 | iopl3 | FL_IF,
             "popf at cpl3, iopl 3: IF set (CPL <= IOPL)");
    CHECK_EQ(pm_run_user_flags(hc_popf, 0x2, 0x2 | iopl3 | FL_IF), 0x2 | iopl3,
             "popf at cpl3, iopl 3: IF cleared, IOPL stays 3");
    CHECK_EQ(pm_run_user_flags(hc_popf, 0x2 | FL_IOPL(1), 0x2 | FL_IOPL(2)), 0x2 | FL_IOPL(2),
             "popf at cpl3, iopl 2: IOPL 1 does not stick");
    CHECK_EQ(pm_run_user_flags(hc_popfw, 0x2 | iopl3 | FL_IF, 0x2), 0x2,
             "popfw (16-bit) at cpl3, iopl 0: IOPL and IF stay 0");
}

/* ---- Privileged instructions at CPL3 ---- */

#define PRIV(n) uint32_t hc_priv_##n(uint32_t); extern char hc_priv_##n##_insn[];
PRIV(hlt) PRIV(cli) PRIV(sti) PRIV(lgdt) PRIV(lidt) PRIV(rd_cr0) PRIV(wr_cr0) PRIV(wr_cr3)
PRIV(wrmsr) PRIV(in)
#undef PRIV

static void test_privileged_cpl3(void)
{
    uint32_t cr0, cr3;
    __asm__ volatile("mov %%cr0, %0\n\tmov %%cr3, %1" : "=r"(cr0), "=r"(cr3));
    static const struct {
        const char *name;
        sens_fn fn;
        const char *insn;
        int arg_cr;             /* 0: none, 1: EAX = CR0, 3: EAX = CR3 (harmless if it ran) */
    } privs[] = {
#define P(n, text, a) { text, hc_priv_##n, hc_priv_##n##_insn, a }
        P(hlt, "hlt", 0), P(cli, "cli", 0), P(sti, "sti", 0), P(lgdt, "lgdt", 0),
        P(lidt, "lidt", 0), P(rd_cr0, "mov eax, cr0", 0), P(wr_cr0, "mov cr0, eax", 1),
        P(wr_cr3, "mov cr3, eax", 3), P(wrmsr, "wrmsr", 0), P(in, "in al, 0x80", 0),
#undef P
    };
    for (unsigned i = 0; i < sizeof privs / sizeof privs[0]; i++) {
        struct sens_run r;
        uint32_t arg = privs[i].arg_cr == 1 ? cr0 : privs[i].arg_cr == 3 ? cr3 : 0;
        sens_run(&r, 3, 0x2, privs[i].fn, arg);
        sens_check_fault(&r, 13, 0, (uint32_t)privs[i].insn, "%s at cpl3: #GP(0)", privs[i].name);
    }
}

/* ---- The 4 GiB wraparound ---- */

static uint8_t wrap_buf[16] __attribute__((aligned(16)));

static void test_wraparound(void)
{
    uint32_t l = (uint32_t)wrap_buf;
    for (int cpl = 0; cpl <= 3; cpl += 3) {
        uint8_t acc = ACC_DATA_W | ACC_DPL(cpl);
        uint16_t low = pm_gdt_set(GDT_FIRST_FREE, l + 2, 0xfffff, acc, FLG_4K_32) | cpl;
        uint16_t high = pm_gdt_set(GDT_FIRST_FREE + 1, l + 0x80000000u, 0xfffff, acc, FLG_4K_32) | cpl;
        poke32(wrap_buf, 0x04030201);
        poke32(wrap_buf + 4, 0x08070605);
        CHECK_EQ(run_at(cpl, hc_wrap_read_low, low), 0x04030201,
                 "cpl%d: 4-byte read at fs:0xfffffffe, fs.base = buf + 2, 4 GiB limit: wraps to buf", cpl);
        CHECK_EQ(run_at(cpl, hc_wrap_read_high, high), 0x04030201,
                 "cpl%d: read at fs:0x80000000, fs.base = buf + 2^31: the linear address wraps to buf", cpl);
        CHECK_EQ(run_at(cpl, hc_wrap_write_low, low), 0, "cpl%d: 4-byte write at fs:0xfffffffe: no fault", cpl);
        CHECK(*(volatile uint32_t *)wrap_buf == 0x5eed5eed && *(volatile uint32_t *)(wrap_buf + 4) == 0x08070605,
              "cpl%d: ... it lands in buf and nowhere else", cpl);
    }
    pm_gdt[GDT_FIRST_FREE] = pm_gdt[GDT_FIRST_FREE + 1] = 0;
}

/* ---- Self-modifying code ---- */

static void test_smc(void)
{
    for (int cpl = 0; cpl <= 3; cpl += 3) {
        unsigned bad = 0;
        for (uint32_t i = 1; i <= 10; i++)
            bad += run_at(cpl, smc_next, i * 0x01010101u) != i * 0x01010101u;
        CHECK_EQ(bad, 0, "cpl%d: a store into the next instruction's imm32 runs the new value", cpl);
        bad = run_at(cpl, hc_smc_opcode, 0x48) != 99;
        bad += run_at(cpl, hc_smc_opcode, 0x90) != 100;
        bad += run_at(cpl, hc_smc_opcode, 0x40) != 101;
        CHECK_EQ(bad, 0, "cpl%d: a store of the next instruction's opcode (dec, nop, inc) runs it", cpl);
        bad = 0;
        for (uint32_t i = 1; i <= 10; i++)
            bad += run_at(cpl, smc_later, i * 0x11u) != i * 0x11u;
        CHECK_EQ(bad, 0, "cpl%d: a store three instructions down the running block", cpl);
        CHECK_EQ(run_at(cpl, smc_loop, 100), 4950, "cpl%d: a loop rewriting its own add imm32 each time", cpl);
        bad = 0;
        for (uint32_t i = 1; i <= 10; i++) {
            poke32(smc_imm_value, 0x7e570000u + i + cpl);
            bad += run_at(cpl, smc_imm, 0) != 0x7e570000u + i + cpl;
        }
        CHECK_EQ(bad, 0, "cpl%d: a finished function's imm32 rewritten between runs", cpl);
        /* The same through a code segment based at the code: EIP 0 for
         * every run, the bytes found by linear address (base + EIP). */
        uint16_t sel = pm_gdt_set(GDT_FIRST_FREE, (uint32_t)hc_based_code, 0xf, ACC_CODE_R | ACC_DPL(cpl),
                                  FLG_BYTE_32) | cpl;
        bad = 0;
        for (uint32_t i = 1; i <= 10; i++) {
            poke32(hc_based_imm, 0xba5e0000u + i + cpl);
            bad += run_at(cpl, hostile_far_call, sel) != 0xba5e0000u + i + cpl;
        }
        pm_gdt[GDT_FIRST_FREE] = 0;
        CHECK_EQ(bad, 0, "cpl%d: code run at CS.base = its address, EIP 0, rewritten between runs", cpl);
    }
}

int main(void)
{
    pm_init();
    test_mid_instruction();
    test_data_as_code();
    test_random_pages();
    test_popf_cpl3();
    test_privileged_cpl3();
    test_wraparound();
    test_smc();
    return check_summary();
}
