/* The debug architecture (SDM vol. 3A ch. 17, 6.15 interrupts 1 and 3;
 * vol. 2 INT n/INTO/INT3/INT1, POPF):
 *   - DR6/DR7 reserved bits: DR6 reads 0xffff0ff0 after a write of 0, DR7
 *     reads 0x400 (17.2.3, 17.2.4);
 *   - EFLAGS.TF (17.3.1.4): a #DB trap after each instruction with DR6.BS
 *     and the EIP of the next instruction (a jump's target); POPF that sets
 *     TF does not trap, the instruction after it does; POPF that clears TF
 *     still traps; at CPL3 too; the handler runs with TF clear; no trap
 *     right after MOV SS, one after the next instruction (vol. 2B MOV);
 *   - instruction breakpoints (17.3.1.1): DRn = the address, R/Wn = 00,
 *     LENn = 00, Ln or Gn: a #DB fault before the instruction, EIP = it,
 *     DR6.Bn; the processor pushes RF = 0 for it (17.3.1.1: the handler
 *     sets RF in the image so IRET resumes without re-trapping); disabled
 *     in DR7: no #DB;
 *   - data breakpoints (17.2.5): R/W = 01 writes, 11 reads and writes, LEN
 *     1/2/4 bytes, any access overlapping the range; a trap after the
 *     access (which completed), DR6.Bn;
 *   - INT3 / INT 3: #BP trap, EIP after the instruction (1 / 2 bytes),
 *     DR6 untouched; INT 1 and INT3 from CPL3 to a DPL0 gate:
 *     #GP(vector * 8 + 2).
 * NB not checked, QEMU 7.2 departs from the SDM:
 *   - a fault other than an instruction breakpoint pushes RF = 1
 *     (17.3.1.1, e.g. #UD); QEMU pushes the current RF (0);
 *   - INT1 (0xF1, "ICEBP") raises #UD in QEMU (its decoder leaves 0xF1
 *     out unless built with WANT_ICEBP); the SDM makes it a #DB trap (EIP
 *     after it, no DR6 condition bit) delivered without the gate DPL
 *     check, since INT n's pseudo-code exempts INT1 from it. */
#include "pm.h"
#include "far_debug.h"
#include "far_try.h"

#define FL_TF 0x100u
#define FL_RF 0x10000u
#define DR6_BS 0x4000u
#define DR6_COND 0xe00fu        /* BT BS BD B3-B0: the bits a handler looks at */

struct db_event {
    uint32_t eip, cs, eflags, dr6, handler_tf;
};

#define MAX_EVENTS 12
static struct db_event ev[MAX_EVENTS];
static int nev;
static int set_rf;              /* instruction breakpoints: resume with RF */
static uint32_t read_dr6(void)
{
    uint32_t v;
    __asm__ volatile("mov %%dr6, %0" : "=r"(v));
    return v;
}

static uint32_t read_dr7(void)
{
    uint32_t v;
    __asm__ volatile("mov %%dr7, %0" : "=r"(v));
    return v;
}

static void write_dr6(uint32_t v)
{
    __asm__ volatile("mov %0, %%dr6" :: "r"(v));
}

static void write_dr7(uint32_t v)
{
    __asm__ volatile("mov %0, %%dr7" :: "r"(v) : "memory");
}

static void write_dr(int n, uint32_t v)
{
    switch (n) {
    case 0: __asm__ volatile("mov %0, %%dr0" :: "r"(v)); break;
    case 1: __asm__ volatile("mov %0, %%dr1" :: "r"(v)); break;
    case 2: __asm__ volatile("mov %0, %%dr2" :: "r"(v)); break;
    default: __asm__ volatile("mov %0, %%dr3" :: "r"(v)); break;
    }
}

/* #DB and #BP: record, clear DR6 (the processor never does, 17.2.3). */
static int on_debug(struct pm_fault *fr)
{
    uint32_t fl;
    __asm__ volatile("pushf\n\tpop %0" : "=r"(fl));
    if (nev < MAX_EVENTS)
        ev[nev] = (struct db_event){ fr->eip, fr->cs, fr->eflags, read_dr6(), fl & FL_TF };
    nev++;
    write_dr6(0);
    if (set_rf)
        fr->eflags |= FL_RF;
    if (nev >= MAX_EVENTS) {        /* runaway: stop stepping and breaking */
        fr->eflags &= ~FL_TF;
        write_dr7(0);
    }
    return 1;
}

static void reset_events(void)
{
    nev = 0;
    set_rf = 0;
    memset(ev, 0, sizeof ev);
    write_dr6(0);
}

static void test_registers(void)
{
    write_dr6(0);
    CHECK_EQ(read_dr6(), 0xffff0ff0, "dr6 after writing 0: reserved bits read 1 (0xffff0ff0)");
    write_dr7(0);
    CHECK_EQ(read_dr7(), 0x400, "dr7 after writing 0: bit 10 reads 1");
    write_dr(0, 0x12345678);
    uint32_t v;
    __asm__ volatile("mov %%dr0, %0" : "=r"(v));
    CHECK_EQ(v, 0x12345678, "dr0 holds a linear address");
}

/* One #DB per expected EIP, in order, each a single-step (BS only). */
static void check_steps(const char *const *eips, int n, uint32_t cs, const char *what)
{
    CHECK_EQ(nev, n, "%s: one #DB per instruction after the one setting TF", what);
    for (int i = 0; i < n && i < nev; i++) {
        CHECK_EQ(ev[i].eip, (uint32_t)eips[i], "%s: #DB %d: EIP of the next instruction", what, i);
        CHECK_EQ(ev[i].dr6 & DR6_COND, DR6_BS, "%s: #DB %d: DR6.BS only", what, i);
        /* The last trap follows the POPF that cleared TF: its image has TF clear. */
        CHECK_EQ(ev[i].eflags & FL_TF, i < n - 1 ? FL_TF : 0, "%s: #DB %d: pushed EFLAGS has TF %s", what, i,
                 i < n - 1 ? "set" : "clear (the POPF cleared it)");
        CHECK_EQ(ev[i].cs, cs, "%s: #DB %d: pushed CS", what, i);
    }
    CHECK_EQ(ev[0].handler_tf, 0, "%s: the #DB handler runs with TF clear", what);
}

static void test_single_step(void)
{
    reset_events();
    fd_step();
    static const char *const k[] = { fd_s2, fd_s3, fd_s4, fd_s5 };
    check_steps(k, 4, SEL_KCODE, "single-step at CPL0 (popf sets TF ... popf clears it)");

    reset_events();
    fd_movss();
    static const char *const m[] = { fd_ms_a, fd_ms_c, fd_ms_d };
    check_steps(m, 3, SEL_KCODE, "single-step over mov ss (no #DB between mov ss and the next instruction)");

    reset_events();
    pm_run_user_flags(fd_u_step, 0, 0x2 | FL_TF);
    static const char *const u[] = { fd_us2, fd_us3, fd_us4, fd_us5 };
    check_steps(u, 4, SEL_UCODE, "single-step at CPL3 (iret sets TF)");
}

/* One instruction-breakpoint fault at `insn`, DR6.Bn, resumed with RF. */
static void check_ibp(uint32_t result, const char *insn, int n, uint32_t cs, const char *what)
{
    CHECK_EQ(nev, 1, "%s: one #DB (RF set by the handler: no re-trap)", what);
    CHECK_EQ(ev[0].eip, (uint32_t)insn, "%s: a fault, EIP = the instruction", what);
    CHECK_EQ(ev[0].dr6 & DR6_COND, 1u << n, "%s: DR6.B%d", what, n);
    CHECK_EQ(ev[0].eflags & FL_RF, 0, "%s: the processor pushes RF = 0", what);
    CHECK_EQ(ev[0].cs, cs, "%s: pushed CS", what);
    CHECK_EQ(result, 0x1234, "%s: the instruction runs after IRET with RF", what);
}

/* DRn = insn with the DR7 enable bits `dr7` (R/Wn = 00, LENn = 00); the
 * handler resumes with RF. */
static void arm_ibp(int n, const char *insn, uint32_t dr7)
{
    reset_events();
    set_rf = 1;
    write_dr(n, (uint32_t)insn);
    write_dr7(dr7);
}

static void test_instruction_breakpoints(void)
{
    arm_ibp(0, fd_bp0_insn, 0x1);                   /* L0 */
    uint32_t r = fd_ibp0();
    write_dr7(0);
    check_ibp(r, fd_bp0_insn, 0, SEL_KCODE, "instruction breakpoint DR0, L0");

    arm_ibp(1, fd_bp1_insn, 0x8);                   /* G1 */
    r = fd_ibp1();
    write_dr7(0);
    check_ibp(r, fd_bp1_insn, 1, SEL_KCODE, "instruction breakpoint DR1, G1");

    arm_ibp(3, fd_u_bp_insn, 0x40);                 /* L3 */
    r = pm_run_user(fd_u_ibp, 0);
    write_dr7(0);
    check_ibp(r, fd_u_bp_insn, 3, SEL_UCODE, "instruction breakpoint DR3 at CPL3");

    arm_ibp(0, fd_bp0_insn, 0);                     /* L0 = G0 = 0 */
    r = fd_ibp0();
    CHECK(nev == 0 && r == 0x1234, "instruction breakpoint disabled in DR7 (L0 = G0 = 0): no #DB");
}

static volatile uint8_t var[16] __attribute__((aligned(16)));

enum { W8, W16, W32, R32 };
static const char *const acc_names[] = { "write 1", "write 2", "write 4", "read 4" };

/* One access to var + off; trap: a data-breakpoint #DB on DR1 must follow. */
static void access_expect(int kind, int off, int trap, const char *bp)
{
    static const char *const next[] = { fd_w8_next, fd_w16_next, fd_w32_next, fd_r32_next };
    uint32_t dr7 = read_dr7();
    write_dr7(0);                   /* clearing var must not hit the breakpoint */
    memset((void *)var, 0, sizeof var);
    write_dr7(dr7);
    reset_events();
    volatile void *p = var + off;
    switch (kind) {
    case W8: fd_w8(p, 0xa5); break;
    case W16: fd_w16(p, 0xa5a5); break;
    case W32: fd_w32(p, 0xa5a5a5a5); break;
    default: fd_r32(p); break;
    }
    const char *acc = acc_names[kind];
    if (!trap) {
        CHECK_EQ(nev, 0, "%s: %s at +%d: no #DB", bp, acc, off);
        return;
    }
    CHECK_EQ(nev, 1, "%s: %s at +%d: one #DB", bp, acc, off);
    CHECK(ev[0].eip == (uint32_t)next[kind] && (ev[0].dr6 & DR6_COND) == 0x2,
          "%s: %s at +%d: a trap after the access, DR6.B1", bp, acc, off);
    if (ev[0].eip != (uint32_t)next[kind] || (ev[0].dr6 & DR6_COND) != 0x2)
        printf("     eip %08x (want %08x) dr6 %08x\n", ev[0].eip, (uint32_t)next[kind], ev[0].dr6);
    if (kind != R32)
        CHECK_EQ(var[off], 0xa5, "%s: %s at +%d: the write completed before the trap", bp, acc, off);
}

/* DR1 on var + off with R/W1 and LEN1 (L1), and the accesses that must or
 * must not hit it: any access overlapping the 1, 2 or 4 bytes. */
static const struct data_case {
    const char *name;
    int off;
    uint32_t rw, len;
    struct { int kind, off, trap; } acc[5];
} data_cases[] = {
    { "data breakpoint R/W=01 LEN=1 at +1", 1, 1, 0,
      { { W8, 1, 1 }, { W8, 2, 0 }, { R32, 0, 0 }, { W32, 0, 1 }, { R32, 4, 0 } } },
    { "data breakpoint R/W=01 LEN=2 at +2", 2, 1, 1,
      { { W8, 3, 1 }, { W8, 4, 0 }, { W8, 1, 0 }, { W16, 1, 1 }, { R32, 0, 0 } } },
    { "data breakpoint R/W=11 LEN=4 at +4", 4, 3, 3,
      { { R32, 4, 1 }, { R32, 0, 0 }, { R32, 6, 1 }, { W8, 7, 1 }, { W16, 8, 0 } } },
};

static void test_data_breakpoints(void)
{
    for (unsigned i = 0; i < sizeof data_cases / sizeof data_cases[0]; i++) {
        const struct data_case *c = &data_cases[i];
        write_dr(1, (uint32_t)(var + c->off));
        write_dr7(0x4 | c->rw << 20 | c->len << 22);
        for (int j = 0; j < 5; j++)
            access_expect(c->acc[j].kind, c->acc[j].off, c->acc[j].trap, c->name);
        write_dr7(0);
    }
}

static void expect_gp_user(uint32_t (*fn)(uint32_t), uint32_t error, const char *eip, const char *rule)
{
    int caught = far_faults_user(fn, 0x2);
    CHECK(caught && far_fault.vector == 13 && far_fault.error_code == error && far_fault.eip == (uint32_t)eip,
          "%s", rule);
    if (!caught || far_fault.vector != 13 || far_fault.error_code != error)
        printf("     caught %d vector %u error %x eip %x\n", caught, far_fault.vector, far_fault.error_code,
               far_fault.eip);
}

static void test_int3_int1(void)
{
    reset_events();
    fd_int3();
    CHECK(nev == 1 && ev[0].eip == (uint32_t)fd_int3_next,
          "int3 (0xCC): #BP trap, EIP after the 1-byte instruction");
    CHECK_EQ(ev[0].dr6 & DR6_COND, 0, "int3: DR6 untouched");
    reset_events();
    fd_int3_long();
    CHECK(nev == 1 && ev[0].eip == (uint32_t)fd_int3l_next,
          "int 3 (0xCD 03): #BP trap, EIP after the 2-byte instruction");

    expect_gp_user(fd_u_int1, 1 * 8 + 2, fd_u_int1_insn, "int 1 (0xCD 01) at CPL3, gate DPL0: #GP(1 * 8 + 2)");
    pm_idt[3] &= ~(3ull << 45);                     /* vector 3's gate: DPL0 */
    expect_gp_user(fd_u_int3, 3 * 8 + 2, fd_u_int3_insn, "int3 at CPL3, gate DPL0: #GP(3 * 8 + 2)");
    pm_idt_reset(3);
}

int main(void)
{
    pm_init();
    pm_set_handler(1, on_debug);
    pm_set_handler(3, on_debug);
    test_registers();
    test_single_step();
    test_instruction_breakpoints();
    test_data_breakpoints();
    test_int3_int1();
    pm_set_handler(1, 0);
    pm_set_handler(3, 0);
    return check_summary();
}
