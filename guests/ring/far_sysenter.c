/* Fast system calls and Linux's INT 0x80 (SDM vol. 2B SYSENTER/SYSEXIT,
 * vol. 3A 5.8.7; vol. 3A 6.12.1 trap gates):
 *   - WRMSR/RDMSR of IA32_SYSENTER_CS/ESP/EIP (0x174-0x176);
 *   - SYSENTER from CPL3: CS = SYSENTER_CS (CPL0), SS = SYSENTER_CS + 8,
 *     ESP and EIP from the MSRs, IF and VM cleared, other flags kept, DS
 *     untouched;
 *   - SYSEXIT: CS = SYSENTER_CS + 16 | 3, SS = SYSENTER_CS + 24 | 3,
 *     EIP = EDX, ESP = ECX, EFLAGS untouched;
 *   - #GP(0): SYSENTER with SYSENTER_CS = 0, SYSEXIT at CPL3, SYSEXIT with
 *     SYSENTER_CS = 0;
 *   - INT 0x80 through a DPL3 trap gate from CPL3: arguments in registers,
 *     result in EAX, IF kept (a trap gate), frame on the TSS esp0 stack.
 * The GDT has the kernel code, kernel data, user code, user data order
 * SYSENTER/SYSEXIT assume, as Linux i386 lays it out. Interrupts are
 * enabled at CPL3 to see SYSENTER clear IF, so the PIC is masked. */
#include "pm.h"
#include "far_sysenter.h"
#include "far_try.h"

#define FL_IF 0x200u
#define FL_VM 0x20000u

static void wrmsr(uint32_t msr, uint32_t lo)
{
    __asm__ volatile("wrmsr" :: "c"(msr), "a"(lo), "d"(0));
}

static uint32_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return lo;
}

static void set_sysenter_msrs(uint32_t cs)
{
    wrmsr(MSR_SYSENTER_CS, cs);
    wrmsr(MSR_SYSENTER_ESP, (uint32_t)fs_sysenter_stack_top);
    wrmsr(MSR_SYSENTER_EIP, (uint32_t)fs_sysenter_entry);
}

/* The user code runs with IF = 1, as in test_round_trip. */
static int faults_user(uint32_t (*fn)(uint32_t))
{
    return far_faults_user(fn, 0x202);
}

static void expect_gp0(int caught, const char *eip, uint32_t cs, const char *rule)
{
    CHECK(caught, "%s: faults", rule);
    CHECK_EQ(far_fault.vector, 13, "%s: #GP", rule);
    CHECK_EQ(far_fault.error_code, 0, "%s: error code 0", rule);
    CHECK_EQ(far_fault.eip, (uint32_t)eip, "%s: EIP is the instruction", rule);
    CHECK_EQ(far_fault.cs, cs, "%s: pushed CS", rule);
}

static void test_msrs(void)
{
    uint32_t a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1));
    CHECK(d & (1u << 11), "cpuid.1:edx.SEP: SYSENTER/SYSEXIT present");
    set_sysenter_msrs(FS_KCODE);
    CHECK_EQ(rdmsr(MSR_SYSENTER_CS), FS_KCODE, "wrmsr/rdmsr IA32_SYSENTER_CS");
    CHECK_EQ(rdmsr(MSR_SYSENTER_ESP), (uint32_t)fs_sysenter_stack_top, "wrmsr/rdmsr IA32_SYSENTER_ESP");
    CHECK_EQ(rdmsr(MSR_SYSENTER_EIP), (uint32_t)fs_sysenter_entry, "wrmsr/rdmsr IA32_SYSENTER_EIP");
}

static void test_round_trip(void)
{
    set_sysenter_msrs(FS_KCODE);
    pm_run_user_flags(fs_u_sysenter, 0, 0x202);
    uint32_t uflags = fs_rec[FS_U_EFLAGS];
    CHECK_EQ(uflags & FL_IF, FL_IF, "sysenter: the user runs with IF set (setup)");
    CHECK_EQ(fs_rec[FS_K_CS], FS_KCODE, "sysenter: CS = IA32_SYSENTER_CS, CPL0");
    CHECK_EQ(fs_rec[FS_K_SS], FS_KDATA, "sysenter: SS = IA32_SYSENTER_CS + 8");
    CHECK_EQ(fs_rec[FS_K_ESP], (uint32_t)fs_sysenter_stack_top, "sysenter: ESP = IA32_SYSENTER_ESP");
    CHECK_EQ(fs_rec[FS_K_EFLAGS] & (FL_IF | FL_VM), 0, "sysenter: IF and VM cleared");
    CHECK_EQ(fs_rec[FS_K_EFLAGS] & ~FL_IF, uflags & ~FL_IF, "sysenter: the other flags kept");
    CHECK_EQ(fs_rec[FS_K_DS], SEL_UDATA, "sysenter: DS untouched");
    CHECK_EQ(fs_rec[FS_X_CS], FS_UCODE, "sysexit: CS = IA32_SYSENTER_CS + 16 | 3");
    CHECK_EQ(fs_rec[FS_X_SS], FS_UDATA, "sysexit: SS = IA32_SYSENTER_CS + 24 | 3");
    CHECK_EQ(fs_rec[FS_X_ESP], fs_rec[FS_U_ESP], "sysexit: ESP = ECX (EIP = EDX: the return label ran)");
    CHECK_EQ(fs_rec[FS_X_EFLAGS], fs_rec[FS_K_EFLAGS], "sysexit: EFLAGS untouched (IF still clear)");
}

static void test_faults(void)
{
    wrmsr(MSR_SYSENTER_CS, 0);
    expect_gp0(faults_user(fs_u_sysenter), fs_sysenter_insn, SEL_UCODE, "sysenter with IA32_SYSENTER_CS = 0: #GP(0)");
    expect_gp0(far_faults(fs_k_sysexit), fs_sysexit_insn_k, SEL_KCODE, "sysexit with IA32_SYSENTER_CS = 0: #GP(0)");
    wrmsr(MSR_SYSENTER_CS, FS_KCODE);
    expect_gp0(faults_user(fs_u_sysexit), fs_sysexit_insn_u, SEL_UCODE, "sysexit at CPL3: #GP(0)");
}

static void test_int80(void)
{
    pm_idt_set(0x80, SEL_KCODE, (uint32_t)fs_int80_handler, 0xf, 3);
    pm_run_user_flags(fs_u_int80, 0, 0x202);
    pm_idt_reset(0x80);
    CHECK_EQ(fs_rec[FS_I_CS], SEL_KCODE, "int 0x80 through a DPL3 trap gate from CPL3: CS = the gate's, CPL0");
    CHECK_EQ(fs_rec[FS_I_ESP], pm_tss.tss.esp0 - 20, "int 0x80 from CPL3: SS ESP EFLAGS CS EIP on the TSS esp0 stack");
    CHECK_EQ(fs_rec[FS_I_RET], (uint32_t)fs_int80_ret, "int 0x80: pushed EIP = the next instruction");
    CHECK_EQ(fs_rec[FS_I_EFLAGS] & FL_IF, FL_IF, "int 0x80 through a trap gate: IF kept");
    CHECK_EQ(fs_rec[FS_I_EAX], 0x1000 + 0x20 * 3 + (4u << 16), "int 0x80: the result comes back in EAX");
    CHECK(fs_rec[FS_I_EBX] == 0x1000 && fs_rec[FS_I_ECX] == 0x20 && fs_rec[FS_I_EDX] == 3,
          "int 0x80: the argument registers come back unchanged");
}

int main(void)
{
    pm_init();
    /* Mask both PICs: the user code runs with IF = 1. */
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
    pm_gdt_set(FS_KCODE >> 3, 0, 0xfffff, ACC_CODE_R, FLG_4K_32);
    pm_gdt_set(FS_KDATA >> 3, 0, 0xfffff, ACC_DATA_W, FLG_4K_32);
    pm_gdt_set(FS_UCODE >> 3, 0, 0xfffff, ACC_CODE_R | ACC_DPL(3), FLG_4K_32);
    pm_gdt_set(FS_UDATA >> 3, 0, 0xfffff, ACC_DATA_W | ACC_DPL(3), FLG_4K_32);
    test_msrs();
    test_round_trip();
    test_faults();
    test_int80();
    return check_summary();
}
