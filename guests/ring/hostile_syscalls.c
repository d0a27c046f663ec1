/* Hostile system calls: every way a guest program may try to enter the
 * kernel, at CPL3 and at CPL0, and what the CPU does with it (SDM vol. 2,
 * INT n / SYSENTER / SYSCALL, vol. 3A 6.12):
 *   - INT 0x80 through the kit's DPL3 interrupt gate reaches the guest's
 *     handler with the pushed CS:EIP after the INT (a trap-like entry) and
 *     every register intact after IRET;
 *   - the same gate not present: #NP(0x80 * 8 + 2) (IDT bit set, EXT = 0
 *     for a software interrupt), the pushed EIP at the INT; not present
 *     and DPL0 from CPL3: #GP(0x402), the DPL check comes first;
 *   - a gate of a type that is no interrupt, trap or task gate: #GP(0x402);
 *     a gate whose code selector is null: #GP(0); one naming a data
 *     segment: #GP(selector); a not-present code segment: #NP(selector);
 *   - SYSENTER with IA32_SYSENTER_CS = 0: #GP(0), at any CPL;
 *   - SYSCALL (0F 05) outside 64-bit mode: #UD. Intel: SYSCALL is #UD
 *     unless in 64-bit mode; AMD: #UD while EFER.SCE = 0, which it is here.
 *     So #UD on every CPU; QEMU's default qemu32 CPU agrees;
 *   - INT 0x81..0xff through not-present DPL3 gates: #NP(vector * 8 + 2),
 *     and through the kit's present DPL0 gates from CPL3: #GP(vector * 8 + 2);
 *   - INT n beyond the IDT limit: #GP(n * 8 + 2). */
#include "sens_common.h"

uint32_t hsc_int80(uint32_t v);
uint32_t hsc_sysenter(uint32_t v);
uint32_t hsc_syscall(uint32_t v);
extern char hsc_int80_insn[], hsc_int80_after[], hsc_int_table[];

static sens_fn int_n(unsigned v)
{
    return (sens_fn)(void *)(hsc_int_table + 3 * v);
}

#define GATE_P    (1ull << 47)
#define GATE_DPL(d) ((uint64_t)(d) << 45)
#define GATE_DPL_MASK (3ull << 45)
#define GATE_TYPE_MASK (0xfull << 40)
#define GATE_SEL_MASK (0xffffull << 16)
#define IDT_ERR(v) ((v) * 8 + 2)

static struct {
    uint32_t hits, vector, eip, cs, error_code;
} int80;

static int on_int80(struct pm_fault *f)
{
    int80.hits++;
    int80.vector = f->vector;
    int80.eip = f->eip;
    int80.cs = f->cs;
    int80.error_code = f->error_code;
    return 1;
}

static void test_int80_delivered(void)
{
    pm_set_handler(0x80, on_int80);
    for (int cpl = 0; cpl <= 3; cpl += 3) {
        struct sens_run r;
        int80.hits = 0;
        sens_run(&r, cpl, 0x2, hsc_int80, 0x5ca11ed + cpl);
        sens_check_none(&r, "int 0x80 at cpl%d through a present DPL3 gate: no fault", cpl);
        CHECK(int80.hits == 1 && int80.vector == 0x80 && int80.error_code == 0,
              "int 0x80 at cpl%d: the guest's handler ran once for vector 0x80, no error code", cpl);
        CHECK_EQ(int80.eip, (uint32_t)hsc_int80_after, "int 0x80 at cpl%d: pushed EIP after the INT", cpl);
        CHECK_EQ(int80.cs, cpl ? SEL_UCODE : SEL_KCODE, "int 0x80 at cpl%d: pushed CS of the caller", cpl);
        CHECK_EQ(r.ret, 0x5ca11ed + cpl, "int 0x80 at cpl%d: EAX survives the round trip", cpl);
    }
    pm_set_handler(0x80, 0);
}

/* INT 0x80 through pm_idt[0x80] changed by `clear` and `set`, from CPL3
 * and CPL0; the kit's gate is put back afterwards. */
static void int80_through(uint64_t clear, uint64_t set, uint32_t vector, uint32_t err, int cpl,
                          const char *what)
{
    struct sens_run r;
    pm_idt[0x80] = (pm_idt[0x80] & ~clear) | set;
    sens_run(&r, cpl, 0x2, hsc_int80, 0);
    pm_idt_reset(0x80);
    sens_check_fault(&r, vector, err, (uint32_t)hsc_int80_insn, "int 0x80 at cpl%d, %s", cpl, what);
}

static void test_int80_broken_gates(void)
{
    uint16_t data = SEL_KDATA;
    uint16_t absent = pm_gdt_set(GDT_FIRST_FREE, 0, 0xfffff, ACC_CODE_R & 0x7f, FLG_4K_32);
    for (int cpl = 3; cpl >= 0; cpl -= 3) {
        int80_through(GATE_P, 0, 11, IDT_ERR(0x80), cpl, "gate not present: #NP(0x402)");
        int80_through(GATE_TYPE_MASK, 0xcull << 40, 13, IDT_ERR(0x80), cpl,
                      "a call-gate type in the IDT: #GP(0x402)");
        int80_through(GATE_SEL_MASK, 0, 13, 0, cpl, "gate with a null code selector: #GP(0)");
        int80_through(GATE_SEL_MASK, (uint64_t)data << 16, 13, data, cpl,
                      "gate naming a data segment: #GP(0x10)");
        int80_through(GATE_SEL_MASK, (uint64_t)absent << 16, 11, absent, cpl,
                      "gate naming a not-present code segment: #NP(0x30)");
    }
    int80_through(GATE_P | GATE_DPL_MASK, GATE_DPL(0), 13, IDT_ERR(0x80), 3,
                  "gate DPL0 and not present: #GP(0x402), the DPL check first");
    pm_gdt[GDT_FIRST_FREE] = 0;
}

static void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" :: "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static void test_sysenter_syscall(void)
{
    wrmsr(0x174, 0);            /* IA32_SYSENTER_CS */
    wrmsr(0x175, 0);
    wrmsr(0x176, 0);
    for (int cpl = 3; cpl >= 0; cpl -= 3) {
        struct sens_run r;
        sens_run(&r, cpl, 0x2, hsc_sysenter, 0);
        sens_check_fault(&r, 13, 0, (uint32_t)hsc_sysenter, "sysenter at cpl%d, SYSENTER_CS = 0: #GP(0)", cpl);
        sens_run(&r, cpl, 0x2, hsc_syscall, 0);
        sens_check_fault(&r, 6, SENS_ANY, (uint32_t)hsc_syscall, "syscall (0f 05) at cpl%d, 32-bit mode: #UD", cpl);
    }
}

/* INT v for v in 0x81..0xff; `prepare` makes the gate what the test
 * wants (or leaves it). Returns how many ended in (vector, v * 8 + 2)
 * with the pushed EIP at the INT; the first miss is printed. */
static unsigned sweep_int(int cpl, int not_present_dpl3, uint32_t want_vector, unsigned first)
{
    unsigned good = 0;
    for (unsigned v = first; v <= 0xff; v++) {
        struct sens_run r;
        if (not_present_dpl3)
            pm_idt[v] = (pm_idt[v] & ~(GATE_P | GATE_DPL_MASK)) | GATE_DPL(3);
        sens_run(&r, cpl, 0x2, int_n(v), 0);
        pm_idt_reset(v);
        int ok = r.vector == want_vector && r.f.error_code == IDT_ERR(v) &&
                 r.f.eip == (uint32_t)int_n(v) && (r.f.cs & 3) == (uint32_t)cpl;
        if (!ok && good + first == v)
            printf("     int %02x at cpl%d: vector %u error %x eip %08x (want %u %x %08x)\n", v, cpl,
                   r.vector, r.f.error_code, r.f.eip, want_vector, IDT_ERR(v), (uint32_t)int_n(v));
        good += ok;
    }
    return good;
}

static void test_int_sweeps(void)
{
    for (int cpl = 3; cpl >= 0; cpl -= 3)
        CHECK_EQ(sweep_int(cpl, 1, 11, 0x81), 0xff - 0x81 + 1,
                 "int 0x81..0xff at cpl%d through not-present DPL3 gates: #NP(vector*8+2) for all 127", cpl);
    /* 0x81 is the kit's DPL3 way back from CPL3: start after it. */
    CHECK_EQ(sweep_int(3, 0, 13, 0x82), 0xff - 0x82 + 1,
             "int 0x82..0xff at cpl3 through present DPL0 gates: #GP(vector*8+2) for all 126");
}

static struct {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed)) idtr, short_idtr;

static void test_beyond_idt_limit(void)
{
    __asm__ volatile("sidt %0" : "=m"(idtr));
    short_idtr = idtr;
    short_idtr.limit = 0x80 * 8 - 1;    /* vectors 0..0x7f */
    __asm__ volatile("lidt %0" :: "m"(short_idtr));
    struct sens_run r;
    sens_run(&r, 0, 0x2, int_n(0x90), 0);
    sens_check_fault(&r, 13, IDT_ERR(0x90), (uint32_t)int_n(0x90),
                     "int 0x90 at cpl0, IDT limit 0x3ff: #GP(0x482)");
    sens_run(&r, 3, 0x2, int_n(0x90), 0);
    sens_check_fault(&r, 13, IDT_ERR(0x90), (uint32_t)int_n(0x90),
                     "int 0x90 at cpl3, IDT limit 0x3ff: #GP(0x482)");
    __asm__ volatile("lidt %0" :: "m"(idtr));
}

int main(void)
{
    pm_init();
    test_int80_delivered();
    test_int80_broken_gates();
    test_sysenter_syscall();
    test_int_sweeps();
    test_beyond_idt_limit();
    return check_summary();
}
