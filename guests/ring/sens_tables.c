/* The descriptor-table registers (SDM vol. 2B SGDT, SIDT, SLDT, STR, SMSW,
 * LLDT, LTR, LGDT/LIDT; vol. 3A 2.4, 3.5.1, 7.2.4):
 *   - SGDT/SIDT store 6 bytes (limit, 32-bit base) at any CPL: they are
 *     not privileged on a CPU without UMIP (CR4.UMIP = 0); LGDT/LIDT with a
 *     16-bit operand load a 24-bit base;
 *   - SLDT/STR to a register zero-extend the selector (P6 and later), to
 *     memory write 16 bits; both work at CPL3;
 *   - SMSW stores CR0 15:0 at any CPL, as the guest's CPL0 set it
 *     (register: only bits 15:0 are defined; memory: 16 bits written);
 *   - LLDT/LTR at CPL3: #GP(0); LTR of a busy TSS, a non-TSS descriptor or
 *     an LDT selector: #GP(sel); of a not-present TSS: #NP(sel); LTR marks
 *     the new TSS busy and leaves the old one's busy bit alone;
 *   - LLDT of a null selector is allowed (no LDT); of a non-LDT descriptor
 *     or an LDT selector: #GP(sel); not present: #NP(sel);
 *   - after LLDT, TI = 1 selectors load data segments from the LDT (at
 *     CPL0 and CPL3), a selector past the LDT limit: #GP(sel); with LDTR
 *     null any TI = 1 selector: #GP(sel).
 * Not checked, QEMU 7.2 deviates (told to the lead): LTR of a null
 * selector must #GP(0) (QEMU loads an unusable TR); a 16-bit SGDT/SIDT
 * stores the full 32-bit base (QEMU stores 24 bits; the kit's tables lie
 * below 16 MiB, so the 16-bit form is checked with them only). */
#include "sens_common.h"
#include "sens_probes.h"

struct dtr {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));

/* Test-owned GDT entries (pm.h: 6..63). */
enum { G_LDT = 6, G_LDT_NP, G_TSS2, G_TSS_NP, G_LDT_SMALL };
#define SEL(i) ((uint16_t)((i) * 8))

/* The LDT: entry 1 a DPL0 data segment based at ldt_area[0], entry 2 a
 * DPL3 one based at ldt_area[1]; entry 3 is past the small LDT's limit. */
static uint64_t ldt[4] __attribute__((aligned(8)));
static uint32_t ldt_area[2][4] = { { 0x1dd70001 }, { 0x1dd70003 } };
#define LDT_SEL_D0 0x0c         /* index 1, TI = 1, RPL 0 */
#define LDT_SEL_D3 0x17         /* index 2, TI = 1, RPL 3 */
#define LDT_SEL_PAST 0x1c       /* index 3: past G_LDT_SMALL's limit */

static struct tss32 tss2;

static uint8_t access_byte(int index)
{
    return (uint8_t)(pm_gdt[index] >> 40);
}

static uint32_t fs_read_sel(uint32_t sel)
{
    sens_set_fs(sel);
    return sens_fs_read(0);
}

/* ---- SGDT, SIDT, LGDT/LIDT ---- */

static uint8_t user_buf[2][8];

static uint32_t user_sgdt_sidt(uint32_t arg)
{
    (void)arg;
    __asm__ volatile("sgdt %0\n\tsidt %1" : "=m"(user_buf[0]), "=m"(user_buf[1]));
    return 0;
}

static void check_dtr_bytes(const uint8_t *b, uint16_t limit, uint32_t base, const char *what)
{
    struct dtr d;
    memcpy(&d, b, sizeof d);
    CHECK_EQ(d.limit, limit, "%s: limit", what);
    CHECK_EQ(d.base, base, "%s: 32-bit base", what);
    CHECK(b[6] == 0xaa && b[7] == 0xaa, "%s: 6 bytes written, not 8", what);
}

static void test_sgdt_sidt(void)
{
    uint8_t b[8];
    memset(b, 0xaa, sizeof b);
    __asm__ volatile("sgdt %0" : "=m"(b));
    check_dtr_bytes(b, sizeof pm_gdt - 1, (uint32_t)pm_gdt, "sgdt at cpl0");
    memset(b, 0xaa, sizeof b);
    __asm__ volatile("sidt %0" : "=m"(b));
    check_dtr_bytes(b, sizeof pm_idt - 1, (uint32_t)pm_idt, "sidt at cpl0");
    memset(b, 0xaa, sizeof b);
    __asm__ volatile("data16 sgdt %0" : "=m"(b));
    check_dtr_bytes(b, sizeof pm_gdt - 1, (uint32_t)pm_gdt, "sgdt o16 (base below 16 MiB)");

    /* Not privileged without UMIP: the same values at CPL3. */
    memset(user_buf, 0xaa, sizeof user_buf);
    sens_expect(3, user_sgdt_sidt, 0, SENS_NONE, 0, NULL,
                "sgdt, sidt at cpl3: no fault (not privileged, UMIP off)");
    check_dtr_bytes(user_buf[0], sizeof pm_gdt - 1, (uint32_t)pm_gdt, "sgdt at cpl3");
    check_dtr_bytes(user_buf[1], sizeof pm_idt - 1, (uint32_t)pm_idt, "sidt at cpl3");

    /* LIDT of a made-up table and back: nothing may fault in between. */
    struct dtr fake = { 0x1234, 0xfedcba98 }, saved, got;
    __asm__ volatile("sidt %0" : "=m"(saved));
    __asm__ volatile("lidt %1\n\tsidt %0" : "=m"(got) : "m"(fake));
    __asm__ volatile("lidt %0" :: "m"(saved));
    CHECK(got.limit == 0x1234 && got.base == 0xfedcba98, "lidt/sidt round trip: 16-bit limit, 32-bit base");
    __asm__ volatile("data16 lidt %1\n\tsidt %0" : "=m"(got) : "m"(fake));
    __asm__ volatile("lidt %0" :: "m"(saved));
    CHECK(got.limit == 0x1234 && got.base == 0x00dcba98, "lidt o16 loads a 24-bit base, the top byte 0");
}

/* ---- SLDT, STR, SMSW ---- */

static uint32_t user_results[4];

static uint32_t user_sldt_str_smsw(uint32_t arg)
{
    (void)arg;
    uint32_t a = 0xffffffff, b = 0xffffffff, c = 0xffffffff;
    __asm__ volatile("sldt %0\n\tstr %1\n\tsmsw %2" : "+r"(a), "+r"(b), "+r"(c));
    user_results[0] = a;
    user_results[1] = b;
    user_results[2] = c;
    return 0;
}

static void test_sldt_str_smsw(void)
{
    uint32_t reg = 0xffffffff;
    uint16_t mem[2] = { 0xaaaa, 0xaaaa };
    __asm__ volatile("str %0" : "+r"(reg));
    CHECK_EQ(reg, SEL_TSS, "str r32 after pm_init's ltr: the selector, zero-extended");
    __asm__ volatile("str %0" : "=m"(mem[0]));
    CHECK(mem[0] == SEL_TSS && mem[1] == 0xaaaa, "str m16 writes the selector, 16 bits");

    __asm__ volatile("lldt %w0" :: "r"(SEL(G_LDT)));
    reg = 0xffffffff;
    mem[0] = mem[1] = 0xaaaa;
    __asm__ volatile("sldt %0" : "+r"(reg));
    __asm__ volatile("sldt %0" : "=m"(mem[0]));
    CHECK_EQ(reg, SEL(G_LDT), "sldt r32 after lldt: the selector, zero-extended");
    CHECK(mem[0] == SEL(G_LDT) && mem[1] == 0xaaaa, "sldt m16 writes the selector, 16 bits");

    uint32_t cr0;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    reg = 0xffffffff;
    mem[0] = mem[1] = 0xaaaa;
    __asm__ volatile("smsw %0" : "+r"(reg));
    __asm__ volatile("smsw %0" : "=m"(mem[0]));
    /* SDM: with a 32-bit register bits 31:16 are undefined (QEMU leaves
     * them, hardware copies CR0): only bits 15:0 are checked. */
    CHECK_EQ(reg & 0xffff, cr0 & 0xffff, "smsw r32: bits 15:0 are CR0 15:0");
    CHECK(mem[0] == (cr0 & 0xffff) && mem[1] == 0xaaaa, "smsw m16 writes CR0 15:0, 16 bits");

    struct sens_run r;
    memset(user_results, 0, sizeof user_results);
    sens_expect(3, user_sldt_str_smsw, 0, SENS_NONE, 0, NULL,
                "sldt, str, smsw at cpl3: no fault (not privileged, UMIP off)");
    CHECK_EQ(user_results[0], SEL(G_LDT), "sldt at cpl3 reads LDTR");
    CHECK_EQ(user_results[1], SEL_TSS, "str at cpl3 reads TR");
    CHECK_EQ(user_results[2] & 0xffff, cr0 & 0xffff, "smsw at cpl3 reads CR0 15:0");
    /* The CR0 of the guest, as CPL0 set it: TS (no FPU use in between). */
    __asm__ volatile("mov %0, %%cr0" :: "r"(cr0 | 0x8));
    sens_run(&r, 3, 0x2, user_sldt_str_smsw, 0);
    __asm__ volatile("clts");
    CHECK_EQ(user_results[2] & 0xffff, (cr0 | 0x8) & 0xffff, "smsw at cpl3 shows CR0.TS set at cpl0");

    __asm__ volatile("lldt %w0" :: "r"(0));
    reg = 0xffffffff;
    __asm__ volatile("sldt %0" : "+r"(reg));
    CHECK_EQ(reg, 0, "lldt of a null selector: allowed, sldt reads 0");
}

/* ---- LLDT and LTR ---- */

/* A selector that LLDT or LTR refuses at CPL0, and how. */
struct sel_fault {
    uint32_t sel, vector;
    const char *rule;
};

static void test_lldt_ltr_cpl3(void)
{
    sens_expect(3, sens_lldt, SEL(G_LDT), VEC_GP, 0, sens_lldt_at, "lldt at cpl3: #GP(0)");
    sens_expect(3, sens_ltr, SEL(G_TSS2), VEC_GP, 0, sens_ltr_at, "ltr at cpl3: #GP(0)");
    CHECK_EQ(access_byte(G_TSS2), 0x89, "ltr at cpl3 leaves the TSS available");
}

static void test_ltr(void)
{
    CHECK_EQ(access_byte(5), 0x8b, "ltr marks the TSS busy (pm_init's, type 9 -> 0xb)");
    static const struct sel_fault ltr_faults[] = {
        { SEL_TSS, VEC_GP, "of a busy TSS: #GP(sel)" },
        { SEL_KDATA, VEC_GP, "of a data segment: #GP(sel)" },
        { SEL(G_LDT), VEC_GP, "of an LDT descriptor: #GP(sel)" },
        { SEL(G_TSS2) | 4, VEC_GP, "of a TI=1 selector: #GP(sel)" },
        { sizeof pm_gdt, VEC_GP, "past the GDT limit: #GP(sel)" },
        { SEL(G_TSS_NP), VEC_NP, "of a not-present TSS: #NP(sel)" },
    };
    for (unsigned i = 0; i < sizeof ltr_faults / sizeof ltr_faults[0]; i++)
        sens_expect(0, sens_ltr, ltr_faults[i].sel, ltr_faults[i].vector, ltr_faults[i].sel, sens_ltr_at,
                    "ltr %s", ltr_faults[i].rule);

    sens_expect(0, sens_ltr, SEL(G_TSS2), SENS_NONE, 0, NULL, "ltr of an available TSS: no fault");
    uint32_t tr = 0xffffffff;
    __asm__ volatile("str %0" : "+r"(tr));
    CHECK_EQ(tr, SEL(G_TSS2), "str after ltr reads the new selector");
    CHECK_EQ(access_byte(G_TSS2), 0x8b, "ltr sets the busy bit in the GDT descriptor");
    CHECK_EQ(access_byte(5), 0x8b, "ltr leaves the previous TSS's busy bit set");

    /* Back to the kit's TSS (pm_run_user needs its ESP0): clear its busy
     * bit first, or LTR would refuse it. */
    pm_gdt[5] &= ~(2ull << 40);
    __asm__ volatile("ltr %w0" :: "r"(SEL_TSS));
    pm_gdt[G_TSS2] &= ~(2ull << 40);
    tr = 0;
    __asm__ volatile("str %0" : "=r"(tr));
    CHECK_EQ(tr, SEL_TSS, "ltr back to the kit's TSS");
}

static void test_lldt(void)
{
    static const struct sel_fault lldt_faults[] = {
        { SEL_KDATA, VEC_GP, "of a data segment: #GP(sel)" },
        { SEL_TSS, VEC_GP, "of a TSS: #GP(sel)" },
        { SEL(G_LDT) | 4, VEC_GP, "of a TI=1 selector: #GP(sel)" },
        { sizeof pm_gdt, VEC_GP, "past the GDT limit: #GP(sel)" },
        { SEL(G_LDT_NP), VEC_NP, "of a not-present LDT: #NP(sel)" },
    };
    for (unsigned i = 0; i < sizeof lldt_faults / sizeof lldt_faults[0]; i++)
        sens_expect(0, sens_lldt, lldt_faults[i].sel, lldt_faults[i].vector, lldt_faults[i].sel, sens_lldt_at,
                    "lldt %s", lldt_faults[i].rule);
    sens_expect(0, sens_lldt, SEL(G_LDT) | 3, SENS_NONE, 0, NULL, "lldt ignores the selector's RPL");
}

/* ---- Data segments from the LDT ---- */

static uint32_t user_ldt_read(uint32_t sel)
{
    uint32_t v = fs_read_sel(sel);
    sens_set_fs(SEL_UDATA);
    return v;
}

static void test_ldt_segments(void)
{
    __asm__ volatile("lldt %w0" :: "r"(SEL(G_LDT)));
    CHECK_EQ(fs_read_sel(LDT_SEL_D0), ldt_area[0][0],
             "mov fs, TI=1 selector after lldt: the LDT's descriptor (base)");
    CHECK((ldt[1] >> 40) & 1, "a load from the LDT sets the LDT descriptor's accessed bit");
    uint32_t v = sens_expect(3, user_ldt_read, LDT_SEL_D3, SENS_NONE, 0, NULL,
                             "mov fs, TI=1 DPL3 selector at cpl3: no fault");
    CHECK_EQ(v, ldt_area[1][0], "mov fs, TI=1 selector at cpl3: the LDT's descriptor (base)");
    sens_expect(3, sens_load_ds, LDT_SEL_D0 | 3, VEC_GP, LDT_SEL_D0, sens_load_ds_at,
                "mov ds, TI=1 DPL0 data at cpl3: #GP(sel), LDT segments obey DPL too");

    __asm__ volatile("lldt %w0" :: "r"(SEL(G_LDT_SMALL)));
    sens_expect(0, sens_load_fs, LDT_SEL_D3, SENS_NONE, 0, NULL,
                "mov fs, TI=1 selector inside the LDT limit: no fault");
    sens_expect(0, sens_load_fs, LDT_SEL_PAST, VEC_GP, LDT_SEL_PAST, sens_load_fs_at,
                "mov fs, TI=1 selector past the LDT limit: #GP(sel)");

    __asm__ volatile("lldt %w0" :: "r"(0));
    sens_expect(0, sens_load_fs, LDT_SEL_D0, VEC_GP, LDT_SEL_D0, sens_load_fs_at,
                "mov fs, TI=1 selector with LDTR null: #GP(sel)");
    sens_expect(3, sens_load_ds, LDT_SEL_D3, VEC_GP, LDT_SEL_D3 & ~3, sens_load_ds_at,
                "mov ds, TI=1 selector with LDTR null at cpl3: #GP(sel)");
    sens_set_fs(SEL_KDATA);
}

int main(void)
{
    pm_init();
    /* Start without an LDT whatever the loader left in LDTR (a reset LDTR
     * has limit 0xffff at base 0). */
    __asm__ volatile("lldt %w0" :: "r"(0));

    /* LDT descriptors have the GDT's format: built by the kit's encoder
     * in a GDT entry that is then reused. */
    pm_gdt_set(G_LDT, (uint32_t)ldt_area[0], 0xfffff, ACC_DATA_W, FLG_4K_32);
    ldt[1] = pm_gdt[G_LDT];
    pm_gdt_set(G_LDT, (uint32_t)ldt_area[1], 0xfffff, ACC_DATA_W | ACC_DPL(3), FLG_4K_32);
    ldt[2] = pm_gdt[G_LDT];
    pm_gdt_set(G_LDT, (uint32_t)ldt, sizeof ldt - 1, 0x82, 0);
    pm_gdt_set(G_LDT_NP, (uint32_t)ldt, sizeof ldt - 1, 0x02, 0);
    pm_gdt_set(G_LDT_SMALL, (uint32_t)ldt, 3 * 8 - 1, 0x82, 0);
    pm_gdt_set(G_TSS2, (uint32_t)&tss2, sizeof tss2 - 1, 0x89, 0);
    pm_gdt_set(G_TSS_NP, (uint32_t)&tss2, sizeof tss2 - 1, 0x09, 0);
    tss2.io_map_base = sizeof tss2;

    test_sgdt_sidt();
    test_sldt_str_smsw();
    test_lldt_ltr_cpl3();
    test_ltr();
    test_lldt();
    test_ldt_segments();
    return check_summary();
}
