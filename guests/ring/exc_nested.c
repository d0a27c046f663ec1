/* Exceptions raised while the CPU delivers another one (SDM vol. 3A, 6.15,
 * interrupt 8 and table 6-5):
 *   - contributory (#DE #TS #NP #SS #GP) during the delivery of a
 *     contributory one: #DF, error code 0 (its saved CS:EIP is undefined
 *     and not checked): #GP whose gate is not present (#NP), #NP whose gate
 *     has a code selector beyond the GDT limit (#GP), #DE whose gate has a
 *     null code selector (#GP), #SS whose gate is not present (#NP), and #GP
 *     from CPL3 whose gate is not present;
 *   - benign first (#DB #BP #UD here): the second exception is delivered
 *     on its own, serially, no #DF;
 *   - a fault in a handler's own code (after the delivery) is an ordinary
 *     exception, no #DF;
 *   - #DF through a task gate (7.3): the CPU switches to the #DF task and
 *     pushes the error code on its stack; NT is set and the back link names
 *     the interrupted task; both TSSs are busy; IRET returns to the
 *     interrupted task, whose descriptor stays busy, and the #DF TSS
 *     becomes available again.
 * NB the EXT bit (bit 0 of the error code) of the second exception is
 * masked where the first one is a CPU exception: the SDM sets it (6.13),
 * QEMU 7.2 leaves it clear. A triple fault is exc_triple.c (not
 * self-checking). */
#include "pm.h"

uint32_t load_ds(uint32_t), div0(uint32_t), do_ud2(uint32_t), do_int3(uint32_t), tf_step(uint32_t);
extern char load_ds_at[], do_ud2_at[];
extern char df_task_entry[], df_stack_top[];
extern uint32_t df_ran, df_error, df_eflags, df_tr, df_gdt_hi[2];

#define SEL_NP0     0x30        /* DPL0 data, not present */
#define SEL_NP3     0x38        /* DPL3 data, not present */
#define SEL_DFTSS   0x40        /* the #DF task's TSS */
#define SEL_BEYOND  0x208       /* past the GDT limit */
#define GATE_P (1ull << 47)
#define FL_NT 0x4000

static struct tss32 df_tss __attribute__((aligned(16)));

/* Runs fn(arg) at cpl; the vector that reached the kit, or -1. */
static int run(int cpl, uint32_t (*fn)(uint32_t), uint32_t arg, struct pm_fault *f)
{
    volatile int faulted = 0;
    if (pm_try(f)) {
        if (cpl)
            pm_run_user(fn, arg);
        else
            fn(arg);
        pm_try_end();
    } else {
        faulted = 1;
    }
    return faulted ? (int)f->vector : -1;
}

static void expect_df(int cpl, uint32_t (*fn)(uint32_t), uint32_t arg, const char *rule)
{
    struct pm_fault f;
    const char *w = cpl ? "cpl3" : "cpl0";
    int v = run(cpl, fn, arg, &f);
    CHECK_EQ(v, 8, "%s at %s: #DF", rule, w);
    CHECK_EQ(f.error_code, 0, "%s at %s: #DF error code 0", rule, w);
}

static void test_contributory(void)
{
    /* #GP, gate 13 not present: #NP while delivering #GP. */
    pm_idt[13] &= ~GATE_P;
    expect_df(0, load_ds, SEL_BEYOND, "#GP then #NP (gate 13 not present)");
    expect_df(3, load_ds, SEL_BEYOND | 3, "#GP then #NP (gate 13 not present)");
    pm_idt_reset(13);

    /* #NP, gate 11's code selector beyond the GDT limit: #GP. */
    pm_idt_set(11, SEL_BEYOND, 0x1000, 0xe, 0);
    expect_df(0, load_ds, SEL_NP0, "#NP then #GP (gate 11 selector beyond the GDT)");
    expect_df(3, load_ds, SEL_NP3 | 3, "#NP then #GP (gate 11 selector beyond the GDT)");
    pm_idt_reset(11);

    /* #DE, gate 0's code selector null: #GP(0). */
    pm_idt_set(0, 0, 0x1000, 0xe, 0);
    expect_df(0, div0, 1, "#DE then #GP (gate 0 selector null)");
    pm_idt_reset(0);

    /* #SS (MOV SS, not-present), gate 12 not present: #NP. */
    pm_idt[12] &= ~GATE_P;
    struct pm_fault f;
    volatile int v = -1;
    if (pm_try(&f)) {
        __asm__ volatile("mov %0, %%ss" :: "r"(SEL_NP0));
        pm_try_end();
    } else {
        v = (int)f.vector;
    }
    CHECK_EQ(v, 8, "#SS then #NP (gate 12 not present) at cpl0: #DF");
    CHECK_EQ(f.error_code, 0, "#SS then #NP (gate 12 not present) at cpl0: #DF error code 0");
    pm_idt_reset(12);
}

static void test_benign(void)
{
    struct pm_fault f;
    /* #UD, gate 6 not present: #NP(6*8+2 | EXT) delivered, no #DF. */
    pm_idt[6] &= ~GATE_P;
    for (int cpl = 0; cpl <= 3; cpl += 3) {
        const char *w = cpl ? "cpl3" : "cpl0";
        CHECK_EQ(run(cpl, do_ud2, 0, &f), 11, "#UD (benign) then #NP at %s: #NP delivered, no #DF", w);
        CHECK_EQ(f.error_code & ~1u, 6 * 8 + 2, "#UD then #NP at %s: error code 6*8+2 (EXT masked)", w);
        CHECK_EQ(f.eip, (uint32_t)do_ud2_at, "#UD then #NP at %s: EIP at the ud2", w);
    }
    pm_idt_reset(6);

    /* INT3, gate 3 not present: #NP(3*8+2), a software interrupt: EXT = 0. */
    pm_idt[3] &= ~GATE_P;
    CHECK_EQ(run(0, do_int3, 0, &f), 11, "int3 (benign) then #NP at cpl0: #NP delivered, no #DF");
    CHECK_EQ(f.error_code, 3 * 8 + 2, "int3 then #NP at cpl0: error code 3*8+2, EXT=0");
    CHECK_EQ(run(3, do_int3, 0, &f), 11, "int3 (benign) then #NP at cpl3: #NP delivered, no #DF");
    CHECK_EQ(f.error_code, 3 * 8 + 2, "int3 then #NP at cpl3: error code 3*8+2, EXT=0");
    pm_idt_reset(3);

    /* Single step (#DB, benign), gate 1 with a selector beyond the GDT: #GP. */
    pm_idt_set(1, SEL_BEYOND, 0x1000, 0xe, 0);
    CHECK_EQ(run(0, tf_step, 0, &f), 13, "#DB (benign) then #GP at cpl0: #GP delivered, no #DF");
    CHECK_EQ(f.error_code & ~1u, SEL_BEYOND, "#DB then #GP at cpl0: error code is the gate's selector (EXT masked)");
    pm_idt_reset(1);
}

/* A #UD handler that faults in its own code: that #GP is delivered
 * normally (the #UD delivery is over), and reaches the pm_try. */
static int ud_handler_faults(struct pm_fault *f)
{
    (void)f;
    load_ds(SEL_BEYOND);
    return 1;
}

static void test_fault_in_handler(void)
{
    struct pm_fault f;
    pm_set_handler(6, ud_handler_faults);
    CHECK_EQ(run(0, do_ud2, 0, &f), 13, "fault in a handler's code at cpl0: plain #GP, no #DF");
    CHECK_EQ(f.error_code, SEL_BEYOND, "fault in a handler's code: #GP(sel)");
    CHECK_EQ(f.eip, (uint32_t)load_ds_at, "fault in a handler's code: EIP in the handler");
    CHECK_EQ(run(3, do_ud2, 0, &f), 13, "fault in the handler of a cpl3 #UD: plain #GP, no #DF");
    CHECK_EQ(f.cs, SEL_KCODE, "fault in the handler of a cpl3 #UD: raised at CPL0");
    pm_set_handler(6, 0);
}

static uint32_t desc_type(uint32_t hi) { return (hi >> 8) & 0xf; }

static void test_df_task(void)
{
    uint32_t cr3;
    __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
    memset(&df_tss, 0, sizeof df_tss);
    df_tss.eip = (uint32_t)df_task_entry;
    df_tss.esp = (uint32_t)df_stack_top;
    df_tss.eflags = 0x2;
    df_tss.cs = SEL_KCODE;
    df_tss.ss = df_tss.ds = df_tss.es = df_tss.fs = df_tss.gs = SEL_KDATA;
    df_tss.cr3 = cr3;
    df_tss.io_map_base = sizeof df_tss;     /* no I/O bitmap */
    pm_gdt_set(SEL_DFTSS >> 3, (uint32_t)&df_tss, sizeof df_tss - 1, 0x89, 0);
    pm_idt_set(8, SEL_DFTSS, 0, 0x5, 0);

    /* #GP with gate 13 not present: #NP, so #DF, through the task gate.
     * The #DF task makes gate 13 present and returns; the MOV DS runs
     * again and its #GP now reaches the kit. */
    pm_idt[13] &= ~GATE_P;
    struct pm_fault f;
    int v = run(0, load_ds, SEL_BEYOND, &f);
    CHECK_EQ(df_ran, 1, "#DF via task gate: the #DF task ran once");
    CHECK_EQ(df_error, 0, "#DF via task gate: error code 0 pushed on the new task's stack");
    CHECK_EQ(df_eflags & FL_NT, FL_NT, "#DF via task gate: NT set in the new task");
    CHECK_EQ(df_tr, SEL_DFTSS, "#DF via task gate: TR is the #DF TSS");
    CHECK_EQ(df_tss.link, SEL_TSS, "#DF via task gate: back link is the interrupted task");
    CHECK_EQ(desc_type(df_gdt_hi[0]), 0xb, "#DF via task gate: the interrupted task's TSS stays busy");
    CHECK_EQ(desc_type(df_gdt_hi[1]), 0xb, "#DF via task gate: the #DF TSS is busy");
    CHECK_EQ(v, 13, "iret from the #DF task: back in the interrupted task, the insn retried (#GP)");
    uint16_t tr;
    __asm__ volatile("str %0" : "=r"(tr));
    CHECK_EQ(tr, SEL_TSS, "iret from the #DF task: TR is the kit's TSS again");
    CHECK_EQ(desc_type((uint32_t)(pm_gdt[SEL_DFTSS >> 3] >> 32)), 0x9, "iret from the #DF task: #DF TSS available again");
    CHECK_EQ(desc_type((uint32_t)(pm_gdt[SEL_TSS >> 3] >> 32)), 0xb, "iret from the #DF task: kit TSS busy");
    pm_idt_reset(8);
    pm_idt_reset(13);
}

int main(void)
{
    pm_init();
    pm_gdt_set(SEL_NP0 >> 3, 0, 0xfffff, ACC_DATA_W & ~0x80, FLG_4K_32);
    pm_gdt_set(SEL_NP3 >> 3, 0, 0xfffff, (ACC_DATA_W & ~0x80) | ACC_DPL(3), FLG_4K_32);
    test_contributory();
    test_benign();
    test_fault_in_handler();
    test_df_task();
    return check_summary();
}
