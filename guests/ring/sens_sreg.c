/* Segment register loads and stores at CPL0 and CPL3 (SDM vol. 2B MOV,
 * POP, PUSH "Protected Mode Exceptions"; vol. 3A 3.4.3, 5.5-5.7):
 *   - DS/ES/FS/GS: a null selector loads (faults come on use); the type
 *     must be data or readable code, else #GP(sel); data and nonconforming
 *     code need DPL >= max(CPL, RPL), else #GP(sel); conforming readable
 *     code loads whatever its DPL; not present: #NP(sel), checked after
 *     type and privilege;
 *   - SS: null #GP(0); RPL != CPL or DPL != CPL, read-only data, code or a
 *     system descriptor: #GP(sel); not present: #SS(sel);
 *   - a selector past the table limit: #GP(sel); MOV CS: #UD;
 *   - POP Sreg and LDS/LES/LFS/LGS/LSS make the same checks; a faulting
 *     POP leaves ESP alone;
 *   - MOV r32, Sreg zero-extends (P6 and later), MOV m16, Sreg and
 *     MOV r16, Sreg (o16) write 16 bits;
 *   - PUSH Sreg with a 32-bit operand moves ESP by 4; the SDM lets the CPU
 *     write either the zero-extended selector or only its low 16 bits
 *     (recent CPUs do the latter, QEMU the former), so only the low word
 *     is checked; with o16 it moves ESP by 2;
 *   - a loaded segment keeps the descriptor it was loaded with (the
 *     descriptor cache) until it is loaded again, even if the GDT entry
 *     changes or goes not present;
 *   - a load sets the descriptor's accessed bit.
 * Error codes of #GP/#NP/#SS(sel) are the selector with bits 1:0 clear. */
#include "sens_common.h"
#include "sens_probes.h"

enum {
    G_D0W = 6,      /* data RW DPL0 (flat) */
    G_D3W,          /* data RW DPL3 */
    G_D0R,          /* data read-only DPL0 */
    G_D3R,          /* data read-only DPL3 */
    G_D1W,          /* data RW DPL1 */
    G_C0R,          /* code readable DPL0, nonconforming */
    G_C3R,          /* code readable DPL3 */
    G_C3X,          /* code execute-only DPL3 */
    G_CC0R,         /* conforming code readable DPL0 */
    G_CC0X,         /* conforming code execute-only DPL0 */
    G_D0NP,         /* data RW DPL0, not present */
    G_D3NP,         /* data RW DPL3, not present */
    G_LDT,          /* an LDT descriptor (system) */
    G_ACC0,         /* data RW DPL0, accessed bit clear */
    G_ACC3,         /* data RW DPL3, accessed bit clear */
    G_BASED,        /* data RW DPL3 based at cache_area[0] */
};
#define SEL(i) ((uint32_t)(i) * 8)

enum { DS, ES, FS, GS, SS, NSEG };
static const char *const seg_names[NSEG] = { "ds", "es", "fs", "gs", "ss" };
static const sens_fn load_fn[NSEG] = { sens_load_ds, sens_load_es, sens_load_fs, sens_load_gs, sens_load_ss };
static char *const load_at[NSEG] = {
    sens_load_ds_at, sens_load_es_at, sens_load_fs_at, sens_load_gs_at, sens_load_ss_at,
};
static const sens_fn pop_fn[NSEG] = { sens_pop_ds, sens_pop_es, sens_pop_fs, sens_pop_gs, sens_pop_ss };
static char *const pop_at[NSEG] = { sens_pop_ds_at, sens_pop_es_at, sens_pop_fs_at, sens_pop_gs_at, sens_pop_ss_at };

struct load_row {
    int seg, cpl;
    uint32_t sel;
    uint32_t vector;            /* SENS_NONE: loads */
    const char *rule;
};

#define NONE SENS_NONE
static const struct load_row rows[] = {
    /* CPL0 */
    { DS, 0, 0, NONE, "null: loads" },
    { GS, 0, 3, NONE, "null with rpl3: loads" },
    { SS, 0, 0, VEC_GP, "null: #GP(0)" },
    { DS, 0, SEL(64), VEC_GP, "past the GDT limit: #GP(sel)" },
    { SS, 0, SEL(64), VEC_GP, "past the GDT limit: #GP(sel)" },
    { DS, 0, SEL(G_D0W), NONE, "dpl0 data: loads" },
    { SS, 0, SEL(G_D0W), NONE, "dpl0 writable data: loads" },
    { ES, 0, SEL(G_D3W), NONE, "dpl3 data (DPL >= CPL, RPL): loads" },
    { DS, 0, SEL(G_D0W) | 3, VEC_GP, "dpl0 data, rpl3 (RPL > DPL): #GP(sel)" },
    { FS, 0, SEL(G_D1W) | 2, VEC_GP, "dpl1 data, rpl2 (RPL > DPL): #GP(sel)" },
    { GS, 0, SEL(G_D1W) | 1, NONE, "dpl1 data, rpl1: loads" },
    { SS, 0, SEL(G_D0W) | 3, VEC_GP, "rpl3 selector (RPL != CPL): #GP(sel)" },
    { SS, 0, SEL(G_D3W), VEC_GP, "dpl3 data (DPL != CPL): #GP(sel)" },
    { SS, 0, SEL(G_D0R), VEC_GP, "read-only data: #GP(sel)" },
    { SS, 0, SEL(G_C0R), VEC_GP, "code segment: #GP(sel)" },
    { SS, 0, SEL(G_LDT), VEC_GP, "system descriptor: #GP(sel)" },
    { SS, 0, SEL(G_D0NP), VEC_SS, "not present: #SS(sel)" },
    { DS, 0, SEL(G_D0NP), VEC_NP, "not present: #NP(sel)" },
    { GS, 0, SEL(G_D0NP), VEC_NP, "not present: #NP(sel)" },
    { DS, 0, SEL(G_D0NP) | 3, VEC_GP, "not present, rpl3 > dpl0: #GP(sel) (privilege before presence)" },
    { DS, 0, SEL(G_C0R), NONE, "readable code: loads" },
    { ES, 0, SEL(G_C3X), VEC_GP, "execute-only code: #GP(sel)" },
    { FS, 0, SEL(G_CC0X), VEC_GP, "conforming execute-only code: #GP(sel)" },
    { DS, 0, SEL(G_LDT), VEC_GP, "system descriptor: #GP(sel)" },
    /* CPL3 */
    { DS, 3, 0, NONE, "null: loads" },
    { ES, 3, 3, NONE, "null with rpl3: loads" },
    { FS, 3, 0, NONE, "null: loads" },
    { GS, 3, 0, NONE, "null: loads" },
    { SS, 3, 0, VEC_GP, "null: #GP(0)" },
    { SS, 3, 3, VEC_GP, "null with rpl3: #GP(0)" },
    { DS, 3, SEL(G_D0W), VEC_GP, "dpl0 data (CPL > DPL): #GP(sel)" },
    { GS, 3, SEL(G_D0W) | 3, VEC_GP, "dpl0 data, rpl3: #GP(sel)" },
    { FS, 3, SEL(G_D1W) | 1, VEC_GP, "dpl1 data, rpl1 (CPL > DPL): #GP(sel)" },
    { DS, 3, SEL(G_D3W) | 3, NONE, "dpl3 data: loads" },
    { ES, 3, SEL(G_D3W), NONE, "dpl3 data, rpl0: loads" },
    { SS, 3, SEL(G_D3W) | 3, NONE, "dpl3 writable data, rpl3: loads" },
    { SS, 3, SEL(G_D3W), VEC_GP, "rpl0 selector (RPL != CPL): #GP(sel)" },
    { SS, 3, SEL(G_D0W) | 3, VEC_GP, "dpl0 data (DPL != CPL): #GP(sel)" },
    { SS, 3, SEL(G_D3R) | 3, VEC_GP, "read-only data: #GP(sel)" },
    { SS, 3, SEL(G_C3R) | 3, VEC_GP, "code segment: #GP(sel)" },
    { SS, 3, SEL(G_D3NP) | 3, VEC_SS, "not present: #SS(sel)" },
    { DS, 3, SEL(G_D3NP) | 3, VEC_NP, "not present: #NP(sel)" },
    { FS, 3, SEL(G_D0NP) | 3, VEC_GP, "not present, dpl0 < cpl: #GP(sel) (privilege before presence)" },
    { DS, 3, SEL(G_C3R) | 3, NONE, "readable code: loads" },
    { DS, 3, SEL(G_C3X) | 3, VEC_GP, "execute-only code: #GP(sel)" },
    { ES, 3, SEL(G_CC0R) | 3, NONE, "conforming readable code dpl0: loads (no privilege check)" },
    { GS, 3, SEL(G_C0R) | 3, VEC_GP, "nonconforming readable code dpl0: #GP(sel)" },
    { DS, 3, SEL(64) | 3, VEC_GP, "past the GDT limit: #GP(sel)" },
};

static uint32_t want_error(const struct load_row *w)
{
    return (w->sel & 0xfffc) == 0 ? 0 : w->sel & 0xfffc;
}

static void test_loads(void)
{
    for (unsigned i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const struct load_row *w = &rows[i];
        sens_expect(w->cpl, load_fn[w->seg], w->sel, w->vector, want_error(w), load_at[w->seg],
                    "mov %s, 0x%x at cpl%d: %s", seg_names[w->seg], w->sel, w->cpl, w->rule);
    }
}

/* POP Sreg: a few rows of the same rules, and ESP after a fault. */
static void test_pops(void)
{
    static const struct load_row pops[] = {
        { DS, 0, SEL(G_D0W), NONE, "dpl0 data: loads" },
        { SS, 0, 0, VEC_GP, "null: #GP(0)" },
        { ES, 0, SEL(G_D0NP), VEC_NP, "not present: #NP(sel)" },
        { DS, 3, SEL(G_D3W) | 3, NONE, "dpl3 data: loads" },
        { DS, 3, SEL(G_D0W), VEC_GP, "dpl0 data (CPL > DPL): #GP(sel)" },
        { SS, 3, 3, VEC_GP, "null: #GP(0)" },
        { SS, 3, SEL(G_D3NP) | 3, VEC_SS, "not present: #SS(sel)" },
        { FS, 3, SEL(G_C3X) | 3, VEC_GP, "execute-only code: #GP(sel)" },
        { GS, 3, SEL(G_D3NP) | 3, VEC_NP, "not present: #NP(sel)" },
    };
    for (unsigned i = 0; i < sizeof pops / sizeof pops[0]; i++) {
        const struct load_row *w = &pops[i];
        struct sens_run r;
        sens_run(&r, w->cpl, 0x2, pop_fn[w->seg], w->sel);
        if (w->vector == NONE) {
            sens_check_none(&r, "pop %s (0x%x) at cpl%d: %s", seg_names[w->seg], w->sel, w->cpl, w->rule);
            continue;
        }
        sens_check_fault(&r, w->vector, want_error(w), (uint32_t)pop_at[w->seg],
                         "pop %s (0x%x) at cpl%d: %s", seg_names[w->seg], w->sel, w->cpl, w->rule);
        CHECK_EQ(r.f.esp, sens_pop_esp, "pop %s at cpl%d: the fault leaves ESP at the popped slot",
                 seg_names[w->seg], w->cpl);
    }
}

/* LDS/LES/LFS/LGS/LSS from a far pointer. */
static struct {
    uint32_t offset;
    uint16_t sel;
} __attribute__((packed)) far_ptr;

static void test_far_loads(void)
{
    static const struct {
        const char *insn;
        sens_fn fn;
        const char *at;
        int cpl;
        uint32_t sel, vector;
        const char *rule;
    } fl[] = {
        { "lds", sens_lds, sens_lds_at, 0, SEL(G_D0W), NONE, "dpl0 data: loads" },
        { "lds", sens_lds, sens_lds_at, 3, SEL(G_D0W), VEC_GP, "dpl0 data (CPL > DPL): #GP(sel)" },
        { "les", sens_les, sens_les_at, 3, 0, NONE, "null: loads" },
        { "lfs", sens_lfs, sens_lfs_at, 3, SEL(G_D3NP) | 3, VEC_NP, "not present: #NP(sel)" },
        { "lgs", sens_lgs, sens_lgs_at, 3, SEL(G_C3X) | 3, VEC_GP, "execute-only code: #GP(sel)" },
        { "lgs", sens_lgs, sens_lgs_at, 3, SEL(G_C3R) | 3, NONE, "readable code: loads" },
        { "lss", sens_lss, sens_lss_at, 0, 0, VEC_GP, "null: #GP(0)" },
        { "lss", sens_lss, sens_lss_at, 0, SEL(G_D0NP), VEC_SS, "not present: #SS(sel)" },
        { "lss", sens_lss, sens_lss_at, 0, SEL(G_D0W), NONE, "dpl0 writable data: loads" },
        { "lss", sens_lss, sens_lss_at, 3, 3, VEC_GP, "null: #GP(0)" },
        { "lss", sens_lss, sens_lss_at, 3, SEL(G_D0W) | 3, VEC_GP, "dpl0 data (DPL != CPL): #GP(sel)" },
        { "lss", sens_lss, sens_lss_at, 3, SEL(G_D3R) | 3, VEC_GP, "read-only data: #GP(sel)" },
        { "lss", sens_lss, sens_lss_at, 3, SEL(G_D3W) | 3, NONE, "dpl3 writable data: loads" },
    };
    for (unsigned i = 0; i < sizeof fl / sizeof fl[0]; i++) {
        far_ptr.offset = 0x12345678;
        far_ptr.sel = (uint16_t)fl[i].sel;
        uint32_t ret = sens_expect(fl[i].cpl, fl[i].fn, (uint32_t)&far_ptr, fl[i].vector, fl[i].sel & 0xfffc, fl[i].at,
                                   "%s 0x%x at cpl%d: %s", fl[i].insn, fl[i].sel, fl[i].cpl, fl[i].rule);
        if (fl[i].vector == NONE && fl[i].fn != sens_lss)
            CHECK_EQ(ret, 0x12345678, "%s at cpl%d: loads the offset into the register", fl[i].insn, fl[i].cpl);
    }
}

static void test_mov_cs(void)
{
    sens_expect(0, sens_mov_cs, 0, VEC_UD, 0, sens_mov_cs_at, "mov cs, ax at cpl0: #UD");
    sens_expect(3, sens_mov_cs, 0, VEC_UD, 0, sens_mov_cs_at, "mov cs, ax at cpl3: #UD");
}

/* ---- Stores of segment registers ---- */

static uint32_t user_stores[4];

/* MOV r32, Sreg / MOV m16, Sreg / MOV r16, Sreg at the current CPL. */
static uint32_t sreg_stores(uint32_t arg)
{
    (void)arg;
    uint32_t r32 = 0xffffffff, r16 = 0xffffffff, ds;
    uint16_t m[2] = { 0xaaaa, 0xaaaa };
    __asm__ volatile("mov %%ds, %0" : "+r"(r32));
    __asm__ volatile("mov %%ds, %0" : "=m"(m[0]));
    __asm__ volatile("movw %%ds, %w0" : "+r"(r16));
    __asm__ volatile("mov %%ds, %0" : "=r"(ds));
    user_stores[0] = r32;
    user_stores[1] = (uint32_t)m[1] << 16 | m[0];
    user_stores[2] = r16;
    user_stores[3] = ds & 0xffff;
    return 0;
}

static void check_stores(int cpl)
{
    uint32_t ds = user_stores[3];
    CHECK_EQ(user_stores[0], ds, "mov r32, ds at cpl%d: zero-extended", cpl);
    CHECK_EQ(user_stores[1], 0xaaaa0000u | ds, "mov m16, ds at cpl%d: 16 bits written", cpl);
    CHECK_EQ(user_stores[2], 0xffff0000u | ds, "mov r16, ds (o16) at cpl%d: high word unchanged", cpl);
}

/* PUSH DS (32-bit and o16): ESP moved, and the low word written. */
static uint32_t push_results[4];

static uint32_t push_ds(uint32_t arg)
{
    (void)arg;
    uint32_t d32, w32, d16, w16;
    /* The slot below ESP is filled with 0xaaaaaaaa first; nothing else
     * runs between (interrupts are off, or at CPL3 masked at the PIC). */
    __asm__ volatile("mov %%esp, %%edx\n\t"
                     "pushl $0xaaaaaaaa\n\tpopl %%eax\n\t"
                     "push %%ds\n\t"
                     "mov %%edx, %[d32]\n\tsub %%esp, %[d32]\n\t"
                     "pop %[w32]\n\t"
                     "pushl $0xaaaaaaaa\n\tpopl %%eax\n\t"
                     "pushw %%ds\n\t"
                     "mov %%edx, %[d16]\n\tsub %%esp, %[d16]\n\t"
                     "popw %w[w16]\n\t"
                     : [d32] "=&r"(d32), [w32] "=&r"(w32), [d16] "=&r"(d16), [w16] "=&r"(w16)
                     :
                     : "eax", "edx", "memory");
    push_results[0] = d32;
    push_results[1] = w32;
    push_results[2] = d16;
    push_results[3] = w16 & 0xffff;
    return 0;
}

static void check_push(int cpl, uint32_t ds)
{
    CHECK_EQ(push_results[0], 4, "push ds at cpl%d: ESP - 4", cpl);
    CHECK_EQ(push_results[1] & 0xffff, ds,
             "push ds at cpl%d: the selector in the low word (high word not checked)", cpl);
    CHECK_EQ(push_results[2], 2, "push ds (o16) at cpl%d: ESP - 2", cpl);
    CHECK_EQ(push_results[3], ds, "push ds (o16) at cpl%d: the selector", cpl);
}

static void test_stores_and_push(void)
{
    sreg_stores(0);
    check_stores(0);
    push_ds(0);
    check_push(0, SEL_KDATA);
    sens_expect(3, sreg_stores, 0, SENS_NONE, 0, NULL, "mov r/m, ds at cpl3: no fault");
    check_stores(3);
    sens_expect(3, push_ds, 0, SENS_NONE, 0, NULL, "push ds at cpl3: no fault");
    check_push(3, SEL_UDATA);
}

/* ---- The descriptor cache ---- */

static uint32_t cache_area[2] = { 0xcac4e001, 0xcac4e002 };
static uint32_t cache_seen[5];

static void set_based(uint32_t base, uint8_t access)
{
    pm_gdt_set(G_BASED, base, 0xfff, access, FLG_BYTE_32);
}

/* Runs at CPL0 and CPL3 (paging is off: CPL3 can write the GDT too). */
static uint32_t cache_sequence(uint32_t rpl)
{
    set_based((uint32_t)&cache_area[0], 0xf3);
    sens_set_fs(SEL(G_BASED) | rpl);
    cache_seen[0] = sens_fs_read(0);
    set_based((uint32_t)&cache_area[1], 0xf3);
    cache_seen[1] = sens_fs_read(0);
    sens_set_fs(SEL(G_BASED) | rpl);
    cache_seen[2] = sens_fs_read(0);
    set_based((uint32_t)&cache_area[0], 0x73);      /* not present */
    cache_seen[3] = sens_fs_read(0);
    pm_gdt[G_BASED] |= 1ull << 47;
    cache_seen[4] = sens_fs_read(0);
    return 0;
}

static void check_cache(int cpl)
{
    CHECK_EQ(cache_seen[0], cache_area[0], "descriptor cache at cpl%d: fs reads at the loaded base", cpl);
    CHECK_EQ(cache_seen[1], cache_area[0], "descriptor cache at cpl%d: a GDT write does not move a loaded fs", cpl);
    CHECK_EQ(cache_seen[2], cache_area[1], "descriptor cache at cpl%d: reloading fs picks up the new base", cpl);
    CHECK_EQ(cache_seen[3], cache_area[1],
             "descriptor cache at cpl%d: fs stays usable after its descriptor goes not present", cpl);
    CHECK_EQ(cache_seen[4], cache_area[1], "descriptor cache at cpl%d: still the old base without a reload", cpl);
}

static void test_descriptor_cache(void)
{
    cache_sequence(0);
    check_cache(0);
    set_based((uint32_t)&cache_area[0], 0x73);
    sens_expect(0, sens_load_fs, SEL(G_BASED), VEC_NP, SEL(G_BASED), sens_load_fs_at,
                "descriptor cache: a reload of the now not-present descriptor: #NP(sel)");
    sens_set_fs(SEL_KDATA);

    sens_expect(3, cache_sequence, 3, SENS_NONE, 0, NULL, "descriptor cache sequence at cpl3: no fault");
    check_cache(3);
}

static void test_accessed(void)
{
    struct sens_run r;
    CHECK_EQ((pm_gdt[G_ACC0] >> 40) & 1, 0, "accessed bit clear before a load");
    sens_expect(0, sens_load_fs, SEL(G_ACC0), SENS_NONE, 0, NULL, "mov fs, dpl0 data at cpl0: loads");
    CHECK_EQ((pm_gdt[G_ACC0] >> 40) & 1, 1, "mov fs at cpl0 sets the descriptor's accessed bit");
    sens_expect(3, sens_load_ds, SEL(G_ACC3) | 3, SENS_NONE, 0, NULL, "mov ds, dpl3 data at cpl3: loads");
    CHECK_EQ((pm_gdt[G_ACC3] >> 40) & 1, 1, "mov ds at cpl3 sets the descriptor's accessed bit");
    pm_gdt[G_ACC3] &= ~(1ull << 40);
    sens_expect(3, sens_load_ss, SEL(G_ACC3) | 3, SENS_NONE, 0, NULL, "mov ss, dpl3 data at cpl3: loads");
    CHECK_EQ((pm_gdt[G_ACC3] >> 40) & 1, 1, "mov ss at cpl3 sets the descriptor's accessed bit");
    pm_gdt[G_ACC0] &= ~(1ull << 40);
    sens_run(&r, 0, 0, sens_load_ds, SEL(G_ACC0) | 3);
    CHECK_EQ((pm_gdt[G_ACC0] >> 40) & 1, 0, "a load that faults (RPL > DPL) leaves the accessed bit clear");
}

int main(void)
{
    pm_init();
    sens_mask_pics();
    __asm__ volatile("lldt %w0" :: "r"(0));

    pm_gdt_set(G_D0W, 0, 0xfffff, 0x93, FLG_4K_32);
    pm_gdt_set(G_D3W, 0, 0xfffff, 0xf3, FLG_4K_32);
    pm_gdt_set(G_D0R, 0, 0xfffff, 0x91, FLG_4K_32);
    pm_gdt_set(G_D3R, 0, 0xfffff, 0xf1, FLG_4K_32);
    pm_gdt_set(G_D1W, 0, 0xfffff, 0xb3, FLG_4K_32);
    pm_gdt_set(G_C0R, 0, 0xfffff, 0x9b, FLG_4K_32);
    pm_gdt_set(G_C3R, 0, 0xfffff, 0xfb, FLG_4K_32);
    pm_gdt_set(G_C3X, 0, 0xfffff, 0xf9, FLG_4K_32);
    pm_gdt_set(G_CC0R, 0, 0xfffff, 0x9f, FLG_4K_32);
    pm_gdt_set(G_CC0X, 0, 0xfffff, 0x9d, FLG_4K_32);
    pm_gdt_set(G_D0NP, 0, 0xfffff, 0x13, FLG_4K_32);
    pm_gdt_set(G_D3NP, 0, 0xfffff, 0x73, FLG_4K_32);
    pm_gdt_set(G_LDT, 0, 0xfff, 0x82, 0);
    pm_gdt_set(G_ACC0, 0, 0xfffff, 0x92, FLG_4K_32);
    pm_gdt_set(G_ACC3, 0, 0xfffff, 0xf2, FLG_4K_32);

    test_loads();
    test_pops();
    test_far_loads();
    test_mov_cs();
    test_stores_and_push();
    test_descriptor_cache();
    test_accessed();
    return check_summary();
}
