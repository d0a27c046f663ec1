/* The nano benchmark's table: which loops exist, where they run, and the
 * gates and MSRs their traps need (see nano.h for adding a row). Gates are
 * interrupt gates (type 0xe) to SEL_KCODE; every setup's changes are undone
 * by its teardown, so rows can run in any order in one guest. */
#include "nano.h"
#include "nano_paging.h"
#include "pm.h"

#define GATE_INTR 0xe
#define MSR_SYSENTER_CS  0x174
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176
#define CPUID_1_EDX_SEP  (1u << 11)
#define VEC_DE       0
#define VEC_SYSCALL  0x80
#define VEC_IRET_RET 0x82       /* the iret loop's way back from CPL3 */

uint64_t nano_loop_syscall(uint32_t n);
uint64_t nano_loop_sysenter(uint32_t n);
uint64_t nano_loop_callret(uint32_t n);
uint64_t nano_loop_divzero(uint32_t n);
uint64_t nano_loop_in(uint32_t n);
uint64_t nano_loop_clisti(uint32_t n);
uint64_t nano_loop_rdtsc(uint32_t n);
uint64_t nano_loop_iret(uint32_t n);
uint64_t nano_loop_popf(uint32_t n);
uint64_t nano_loop_segload(uint32_t n);
uint64_t nano_loop_pgfault(uint32_t n);
uint64_t nano_loop_ptemod_unchanged(uint32_t n);
uint64_t nano_loop_ptemod_np_p(uint32_t n);
uint64_t nano_loop_ptemod_remap(uint32_t n);
uint64_t nano_loop_cr3switch(uint32_t n);
uint64_t nano_loop_cr3switch_only(uint32_t n);
uint64_t nano_loop_ptfill(uint32_t n);
extern char nano_syscall_entry[], nano_sysenter_entry[], nano_divzero_entry[], nano_iret_entry[];

/* The 8259s' interrupt-mask registers (OCW1): QEMU's firmware leaves the
 * timer line unmasked, and its vector would land on an exception stub. */
void nano_mask_pic(void)
{
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
}

static const char *syscall_setup(void)
{
    pm_idt_set(VEC_SYSCALL, SEL_KCODE, (uint32_t)nano_syscall_entry, GATE_INTR, 3);
    return 0;
}

static void syscall_teardown(void)
{
    pm_idt_reset(VEC_SYSCALL);
}

static inline void wrmsr(uint32_t msr, uint32_t lo)
{
    __asm__ volatile("wrmsr" :: "c"(msr), "a"(lo), "d"(0));
}

/* The handler never touches its stack, but SYSENTER loads ESP anyway. */
static uint8_t sysenter_stack[256] __attribute__((aligned(16)));

/* SDM vol. 2B SYSENTER: SEP in CPUID.1:EDX, except that family 6 with
 * model < 3 and stepping < 3 (the Pentium Pro) sets SEP without having the
 * instructions; an OS checks both (Linux does). */
static const char *sysenter_setup(void)
{
    uint32_t a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1));
    uint32_t family = (a >> 8) & 0xf, model = (a >> 4) & 0xf, stepping = a & 0xf;
    if (!(d & CPUID_1_EDX_SEP))
        return "no SEP in CPUID.1:EDX";
    if (family == 6 && model < 3 && stepping < 3)
        return "CPUID.1 says family 6 model < 3 stepping < 3: SEP set but no SYSENTER";
    wrmsr(MSR_SYSENTER_CS, SEL_KCODE);
    wrmsr(MSR_SYSENTER_ESP, (uint32_t)(sysenter_stack + sizeof sysenter_stack));
    wrmsr(MSR_SYSENTER_EIP, (uint32_t)nano_sysenter_entry);
    return 0;
}

/* SYSENTER_CS = 0 makes SYSENTER fault again (#GP(0)). */
static void sysenter_teardown(void)
{
    wrmsr(MSR_SYSENTER_CS, 0);
}

static const char *divzero_setup(void)
{
    pm_idt_set(VEC_DE, SEL_KCODE, (uint32_t)nano_divzero_entry, GATE_INTR, 0);
    return 0;
}

static void divzero_teardown(void)
{
    pm_idt_reset(VEC_DE);
}

static const char *iret_setup(void)
{
    pm_idt_set(VEC_IRET_RET, SEL_KCODE, (uint32_t)nano_iret_entry, GATE_INTR, 3);
    return 0;
}

static void iret_teardown(void)
{
    pm_idt_reset(VEC_IRET_RET);
}

/* The order of the printed table. The VMware BT column of run.py keys on
 * these names. The paging rows (paging.c, loops.S) come last, so a
 * guest that runs every row measures its empty loop with paging off; their
 * names are run.py's groups: NAME selects NAME and NAME-*. */
#define PAGING_ROW(name, loop, ops, counted, setup, teardown, iter_div, what) \
    { name, loop, 0, ops, counted, setup, teardown, what, iter_div, 1 }
const struct nano_row nano_rows[] = {
    { "syscall", nano_loop_syscall, 3, 1, 1, syscall_setup, syscall_teardown,
      "int 0x80 at cpl3 through a dpl3 interrupt gate, iret back", 1, 0 },
    { "sysenter", nano_loop_sysenter, 3, 1, 1, sysenter_setup, sysenter_teardown,
      "sysenter at cpl3 to IA32_SYSENTER_EIP, sysexit back to edx", 1, 0 },
    { "call/ret", nano_loop_callret, 0, 1, 0, 0, 0,
      "near call of a function that only returns", 1, 0 },
    { "divzero", nano_loop_divzero, 0, 1, 1, divzero_setup, divzero_teardown,
      "div by 0 at cpl0 raises #DE, the handler skips the div and irets", 1, 0 },
    { "in", nano_loop_in, 0, 1, 0, 0, 0,
      "inb from port 0x80 at cpl0", 1, 0 },
    { "cli/sti", nano_loop_clisti, 0, 1, 0, 0, 0,
      "a cli;sti pair at cpl0", 1, 0 },
    { "rdtsc", nano_loop_rdtsc, 0, 1, 0, 0, 0,
      "rdtsc at cpl0", 1, 0 },
    { "iret", nano_loop_iret, 0, 1, 1, iret_setup, iret_teardown,
      "iret from cpl0 to cpl3, int 0x82 back through a dpl3 gate", 1, 0 },
    { "popf", nano_loop_popf, 0, 2, 0, 0, 0,
      "push+popf at cpl0, setting and clearing IF in turn", 1, 0 },
    { "segload", nano_loop_segload, 0, 1, 0, 0, 0,
      "mov to ds of the flat dpl0 data selector at cpl0", 1, 0 },
    PAGING_ROW("pgfault", nano_loop_pgfault, 1, 1, pgfault_setup, pgfault_teardown, 1,
               "load from a not-present page raises #PF, the handler skips the load and irets"),
    PAGING_ROW("ptemod-unchanged", nano_loop_ptemod_unchanged, 1, 1, paging_on, ptemod_teardown, 1,
               "write a present pte's own value back, read the page"),
    PAGING_ROW("ptemod-np-p", nano_loop_ptemod_np_p, 1, 1, ptemod_np_setup, ptemod_teardown, 1,
               "pte not-present to present, read the page, back to not-present, invlpg"),
    PAGING_ROW("ptemod-remap", nano_loop_ptemod_remap, 2, 1, paging_on, ptemod_teardown, 1,
               "present pte to another frame, invlpg, read the page (x to y, then y to x)"),
    PAGING_ROW("cr3switch", nano_loop_cr3switch, 2, 1, paging_on, paging_off, 1,
               "mov to cr3 of the other directory, read one dword of 16 pages"),
    PAGING_ROW("cr3switch-only", nano_loop_cr3switch_only, 2, 0, paging_on, paging_off, 1,
               "mov to cr3 of the other directory, no access"),
    PAGING_ROW("pt-fill", nano_loop_ptfill, FILL_PAGES, 1, paging_on, ptfill_teardown, FILL_PAGES,
               "write 1000 ptes of a live page table, read each page once (per page)"),
};
const uint32_t nano_row_count = sizeof nano_rows / sizeof nano_rows[0];
