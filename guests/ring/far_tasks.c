/* Task switches (SDM vol. 3A ch. 7; vol. 2 CALL/JMP/IRET "TASK-GATE",
 * "TASK-STATE-SEGMENT", "TASK-RETURN"):
 *   - JMP to a TSS selector (7.3): the old task's EIP (the next
 *     instruction), EFLAGS, general and segment registers are saved in its
 *     TSS; the new task's EIP, EFLAGS, registers, segments and LDTR come
 *     from its TSS; the old TSS descriptor's busy bit is cleared, the new
 *     one's set; CR0.TS is set;
 *   - CALL to a TSS and CALL/INT n through a task gate (GDT, IDT): the new
 *     task runs with NT = 1 and its back link = the old TSS selector; the
 *     old task stays busy (7.4); IRET with NT = 1 returns to the back-link
 *     task, clears the returning task's busy bit and the NT of its saved
 *     EFLAGS image;
 *   - a double fault (a #NP raised while delivering a #GP, table 6-5)
 *     through a task gate, as Linux i386 handles #DF: error code 0 on the
 *     new task's stack;
 *   - faults: CALL/JMP to a busy TSS -> #GP(sel); TSS limit < 0x67 ->
 *     #TS(sel); IRET to a back link that is not busy -> #TS(link); CALL
 *     to a DPL0 TSS from CPL3 -> #GP(sel).
 * The tasks run at CPL0 with paging off; their TSSs have CR3 = the current
 * CR3 and EFLAGS bit 1 (plus flags a check looks for). */
#include "pm.h"
#include "far_tasks.h"
#include "far_try.h"

#define FL_NT 0x4000u
#define CR0_TS 0x8u

struct tss32 ft_tss_b __attribute__((aligned(128)));
struct tss32 ft_tss_c __attribute__((aligned(128)));
struct tss32 ft_tss_short __attribute__((aligned(128)));
struct tss32 ft_tss_df __attribute__((aligned(128)));
static uint64_t ft_ldt[2] __attribute__((aligned(8)));
static uint8_t stack_b[4096] __attribute__((aligned(16)));
static uint8_t stack_c[4096] __attribute__((aligned(16)));
static uint8_t stack_df[4096] __attribute__((aligned(16)));

static void clts(void)
{
    __asm__ volatile("clts");
}

/* The type field (bits 11:8 of a descriptor's high dword): 9 available
 * 32-bit TSS, 0xb busy. */
static uint32_t desc_type(uint32_t hi)
{
    return (hi >> 8) & 0xf;
}

static uint32_t gdt_type(uint16_t sel)
{
    return desc_type((uint32_t)(pm_gdt[sel >> 3] >> 32));
}

/* A CPL0 task at `entry` on its own stack, flat segments, EFLAGS bit 1. */
static void tss_setup(struct tss32 *t, const char *entry, uint8_t *stack, uint32_t stack_size)
{
    memset(t, 0, sizeof *t);
    __asm__ volatile("mov %%cr3, %0" : "=r"(t->cr3));
    t->eip = (uint32_t)entry;
    t->eflags = 0x2;
    t->esp = (uint32_t)(stack + stack_size);
    t->ss0 = SEL_KDATA;
    t->esp0 = t->esp;
    t->cs = SEL_KCODE;
    t->ss = t->ds = t->es = t->fs = t->gs = SEL_KDATA;
    t->io_map_base = sizeof *t;     /* beyond the limit: no I/O bitmap */
}

static void tss_desc(uint16_t sel, struct tss32 *t, uint32_t limit)
{
    pm_gdt_set(sel >> 3, (uint32_t)t, limit, 0x89, 0);     /* available 32-bit TSS, byte granular */
}

/* Called by the #DF task (far_tasks_asm.S): the main task resumes at
 * ft_df_recover, with IDT entry 13 present again. */
void ft_df_fixup(void);
void ft_df_fixup(void)
{
    pm_tss.tss.eip = (uint32_t)ft_df_recover;
    pm_idt_reset(13);
}

static void setup(void)
{
    pm_tss.tss.cr3 = ft_tss_b.cr3;  /* loaded again on the switches back (not saved by them) */
    tss_setup(&ft_tss_b, ft_task_b, stack_b, sizeof stack_b);
    tss_desc(FT_TSS_B, &ft_tss_b, sizeof(struct tss32) - 1);
    tss_setup(&ft_tss_c, ft_task_c, stack_c, sizeof stack_c);
    tss_desc(FT_TSS_C, &ft_tss_c, sizeof(struct tss32) - 1);
    tss_setup(&ft_tss_short, ft_task_c, stack_c, sizeof stack_c);
    tss_desc(FT_TSS_SHORT, &ft_tss_short, 0x66);
    tss_setup(&ft_tss_df, ft_task_df, stack_df, sizeof stack_df);
    tss_desc(FT_TSS_DF, &ft_tss_df, sizeof(struct tss32) - 1);
    /* Task gate (type 5, P, DPL0): only the selector field counts. */
    pm_gdt[FT_GATE_C >> 3] = (uint64_t)FT_TSS_C << 16 | (uint64_t)0x85 << 40;
    /* Task B's LDT: entry 1 a DPL0 data segment based at ft_ldt_probe. */
    uint32_t base = (uint32_t)&ft_ldt_probe;
    ft_ldt[1] = 0xfff | (uint64_t)(base & 0xffffff) << 16 | (uint64_t)0x92 << 40 | (uint64_t)0x4 << 52 |
                (uint64_t)(base >> 24) << 56;
    pm_gdt_set(FT_LDT_B >> 3, (uint32_t)ft_ldt, sizeof ft_ldt - 1, 0x82, 0);
    pm_gdt_set(FT_KDATA2 >> 3, 0, 0xfffff, ACC_DATA_W, FLG_4K_32);

    ft_tss_b.eflags = FT_B_EFLAGS;
    ft_tss_b.eax = FT_B_REG(0);
    ft_tss_b.ecx = FT_B_REG(1);
    ft_tss_b.edx = FT_B_REG(2);
    ft_tss_b.ebx = FT_B_REG(3);
    ft_tss_b.ebp = FT_B_REG(4);
    ft_tss_b.esi = FT_B_REG(5);
    ft_tss_b.edi = FT_B_REG(6);
    ft_tss_b.ldt = FT_LDT_B;
    ft_tss_b.fs = FT_LDT_DATA;
    ft_tss_b.gs = FT_KDATA2;
}

static const char *const reg_names[7] = { "eax", "ecx", "edx", "ebx", "ebp", "esi", "edi" };

static void test_jmp(void)
{
    clts();
    ft_jmp_b();
    /* Task B's view. */
    for (int i = 0; i < 7; i++)
        CHECK_EQ(ft_rec[TB_REGS + i], FT_B_REG(i), "jmp to a TSS: %s loaded from the new TSS", reg_names[i]);
    CHECK_EQ(ft_rec[TB_ESP], ft_tss_b.esp0, "jmp to a TSS: ESP loaded from the new TSS");
    CHECK_EQ(ft_rec[TB_EFLAGS], FT_B_EFLAGS, "jmp to a TSS: EFLAGS loaded from the new TSS, NT clear");
    CHECK_EQ(ft_rec[TB_CS], SEL_KCODE, "jmp to a TSS: CS loaded from the new TSS");
    CHECK_EQ(ft_rec[TB_SS], SEL_KDATA, "jmp to a TSS: SS loaded from the new TSS");
    CHECK_EQ(ft_rec[TB_DS], SEL_KDATA, "jmp to a TSS: DS loaded from the new TSS");
    CHECK_EQ(ft_rec[TB_ES], SEL_KDATA, "jmp to a TSS: ES loaded from the new TSS");
    CHECK_EQ(ft_rec[TB_FS], FT_LDT_DATA, "jmp to a TSS: FS loaded from the new TSS (an LDT selector)");
    CHECK_EQ(ft_rec[TB_GS], FT_KDATA2, "jmp to a TSS: GS loaded from the new TSS");
    CHECK_EQ(ft_rec[TB_LDTR], FT_LDT_B, "jmp to a TSS: LDTR loaded from the new TSS");
    CHECK_EQ(ft_rec[TB_FS_READ], FT_LDT_MAGIC, "jmp to a TSS: FS's descriptor comes from the new LDT");
    CHECK_EQ(ft_rec[TB_TR], FT_TSS_B, "jmp to a TSS: TR = the new TSS selector");
    CHECK_EQ(ft_rec[TB_CR0] & CR0_TS, CR0_TS, "jmp to a TSS: CR0.TS set");
    CHECK_EQ(desc_type(ft_rec[TB_OLD_HI]), 9, "jmp to a TSS: the old TSS's busy bit cleared");
    CHECK_EQ(desc_type(ft_rec[TB_NEW_HI]), 0xb, "jmp to a TSS: the new TSS's busy bit set");

    /* What the switch away saved in the main task's TSS. */
    const uint32_t saved[7] = {
        pm_tss.tss.eax, pm_tss.tss.ecx, pm_tss.tss.edx, pm_tss.tss.ebx,
        pm_tss.tss.ebp, pm_tss.tss.esi, pm_tss.tss.edi,
    };
    for (int i = 0; i < 7; i++)
        CHECK_EQ(saved[i], FT_MAIN_REG(i), "jmp to a TSS: old %s saved in the old TSS", reg_names[i]);
    CHECK_EQ(pm_tss.tss.eip, (uint32_t)ft_jmp_b_ret, "jmp to a TSS: saved EIP = the instruction after the jmp");
    CHECK_EQ(pm_tss.tss.esp, ft_rec[TM_ESP], "jmp to a TSS: saved ESP");
    CHECK_EQ(pm_tss.tss.eflags, FT_MAIN_EFLAGS, "jmp to a TSS: saved EFLAGS");
    CHECK_EQ(pm_tss.tss.cs, SEL_KCODE, "jmp to a TSS: saved CS");
    CHECK(pm_tss.tss.ss == SEL_KDATA && pm_tss.tss.ds == SEL_KDATA && pm_tss.tss.es == SEL_KDATA,
          "jmp to a TSS: saved SS, DS, ES");

    /* Task B's JMP back: the main task resumes from its TSS. */
    for (int i = 0; i < 7; i++)
        CHECK_EQ(ft_rec[TM_REGS + i], FT_MAIN_REG(i), "jmp back to the old task: %s restored", reg_names[i]);
    CHECK_EQ(ft_rec[TM_EFLAGS], FT_MAIN_EFLAGS, "jmp back to the old task: EFLAGS restored");
    CHECK_EQ(ft_rec[TM_CR0] & CR0_TS, CR0_TS, "jmp back to the old task: CR0.TS set");
    CHECK_EQ(ft_rec[TM_LDTR], 0, "jmp back to the old task: LDTR = its TSS's (null)");
    CHECK_EQ(ft_tss_b.eflags, FT_B_EFLAGS_OUT, "jmp back: task B's EFLAGS saved in its TSS");
    CHECK_EQ(ft_tss_b.eip, (uint32_t)ft_task_b_resume, "jmp back: task B's saved EIP = the instruction after its jmp");
    CHECK_EQ(gdt_type(SEL_TSS), 0xb, "jmp back: the main TSS busy again");
    CHECK_EQ(gdt_type(FT_TSS_B), 9, "jmp back: task B's TSS available again");
    clts();
}

/* Task C's view after an entry by CALL or a task gate, and the IRET back. */
static void check_nested(uint32_t count, const char *what)
{
    CHECK_EQ(ft_rec[TC_COUNT], count, "%s: the new task ran", what);
    CHECK_EQ(ft_rec[TC_EFLAGS], 0x2 | FL_NT, "%s: new task's EFLAGS from its TSS, with NT set", what);
    CHECK_EQ(ft_rec[TC_LINK], SEL_TSS, "%s: back link = the old TSS selector", what);
    CHECK_EQ(ft_rec[TC_TR], FT_TSS_C, "%s: TR = the new TSS", what);
    CHECK_EQ(ft_rec[TC_CR0] & CR0_TS, CR0_TS, "%s: CR0.TS set", what);
    CHECK_EQ(desc_type(ft_rec[TC_OLD_HI]), 0xb, "%s: the old TSS stays busy", what);
    CHECK_EQ(desc_type(ft_rec[TC_NEW_HI]), 0xb, "%s: the new TSS is busy", what);
    CHECK_EQ(ft_rec[TM_EFLAGS] & FL_NT, 0, "%s, iret back: the caller's NT as saved (clear)", what);
    CHECK_EQ(ft_rec[TM_CR0] & CR0_TS, CR0_TS, "%s, iret back: CR0.TS set", what);
    CHECK_EQ(gdt_type(FT_TSS_C), 9, "%s, iret back: the returning task's busy bit cleared", what);
    CHECK_EQ(gdt_type(SEL_TSS), 0xb, "%s, iret back: the caller stays busy", what);
    CHECK_EQ(ft_tss_c.eflags & FL_NT, 0, "%s, iret back: NT cleared in the returning task's saved EFLAGS", what);
    clts();
}

static void test_nested(void)
{
    ft_call_c();
    check_nested(1, "call to a TSS");
    CHECK_EQ(ft_tss_c.eip, (uint32_t)ft_task_c_resume, "iret task return: saved EIP = the instruction after the iret");
    ft_call_gate_c();
    check_nested(2, "call through a GDT task gate");
    pm_idt_set(FT_INT_VEC, FT_TSS_C, 0, 0x5, 0);
    ft_int_c();
    check_nested(3, "int n through an IDT task gate");
    pm_idt_reset(FT_INT_VEC);
}

static void expect_fault(void (*fn)(void), uint32_t vector, uint32_t error, const char *eip, const char *rule)
{
    int caught = far_faults(fn);
    CHECK(caught, "%s: faults", rule);
    CHECK_EQ(far_fault.vector, vector, "%s: vector %u", rule, vector);
    CHECK_EQ(far_fault.error_code, error, "%s: error code", rule);
    CHECK_EQ(far_fault.eip, (uint32_t)eip, "%s: EIP is the faulting instruction", rule);
    clts();
}

static void test_faults(void)
{
    expect_fault(ft_call_busy, 13, SEL_TSS, ft_call_busy_insn, "call to a busy TSS: #GP(sel)");
    expect_fault(ft_jmp_busy, 13, SEL_TSS, ft_jmp_busy_insn, "jmp to a busy TSS: #GP(sel)");
    expect_fault(ft_call_short, 10, FT_TSS_SHORT, ft_call_short_insn, "call to a TSS with limit < 0x67: #TS(sel)");
    CHECK_EQ(gdt_type(FT_TSS_SHORT), 9, "TSS limit < 0x67: the descriptor stays available");

    pm_tss.tss.link = FT_TSS_B;
    expect_fault(ft_iret_not_busy, 10, FT_TSS_B, ft_iret_insn, "iret with NT = 1 to a back link not busy: #TS(link)");
    pm_tss.tss.link = 0;

    int caught = far_faults_user(ft_u_call_c, 0x2);
    CHECK(caught && far_fault.vector == 13 && far_fault.error_code == FT_TSS_C && far_fault.eip == (uint32_t)ft_u_call_insn,
          "call to a DPL0 TSS from CPL3: #GP(sel)");
    if (!caught || far_fault.vector != 13)
        printf("     caught %d vector %u error %x eip %x\n", caught, far_fault.vector, far_fault.error_code, far_fault.eip);
    CHECK_EQ(gdt_type(FT_TSS_C), 9, "call to a DPL0 TSS from CPL3: the TSS stays available");
}

static void test_double_fault(void)
{
    pm_idt_set(8, FT_TSS_DF, 0, 0x5, 0);
    pm_idt[13] &= ~(1ull << 47);        /* #GP's gate not present: its delivery raises #NP */
    int caught = far_faults(ft_double_fault);   /* 1: reached a kit stub instead of the #DF task */
    pm_idt_reset(13);
    pm_idt_reset(8);
    CHECK(!caught, "#NP while delivering #GP: #DF through the task gate (nothing reached the kit)");
    if (caught)
        printf("     vector %u error %x eip %x\n", far_fault.vector, far_fault.error_code, far_fault.eip);
    CHECK_EQ(ft_rec[TD_ERROR], 0, "#DF through a task gate: error code 0 pushed on the new task's stack");
    CHECK_EQ(ft_rec[TD_ESP], ft_tss_df.esp0 - 4, "#DF through a task gate: only the error code pushed");
    CHECK_EQ(ft_rec[TD_EFLAGS], 0x2 | FL_NT, "#DF through a task gate: NT set in the handler task");
    CHECK_EQ(ft_rec[TD_LINK], SEL_TSS, "#DF through a task gate: back link = the faulting task");
    CHECK_EQ(ft_rec[TD_CR0] & CR0_TS, CR0_TS, "#DF through a task gate: CR0.TS set");
    CHECK_EQ(ft_rec[TM_EFLAGS] & FL_NT, 0, "#DF task's IRET: the faulting task resumes, NT clear");
    CHECK_EQ(gdt_type(FT_TSS_DF), 9, "#DF task's IRET: its busy bit cleared");
    clts();
}

int main(void)
{
    pm_init();
    setup();
    test_jmp();
    test_nested();
    test_faults();
    test_double_fault();
    CHECK_EQ(gdt_type(SEL_TSS), 0xb, "the main task's TSS is busy at the end");
    return check_summary();
}
