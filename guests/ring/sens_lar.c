/* LAR, LSL, VERR, VERW (SDM vol. 2A LAR, LSL; vol. 2B VERR/VERW; vol. 3A
 * 5.10.1): each sets ZF = 1 when the selector passes and ZF = 0 otherwise,
 * never faulting on a bad selector:
 *   - null, past the GDT or LDT limit, or TI = 1 with no LDT: ZF = 0;
 *     TI = 1 selectors look in the LDT once one is loaded;
 *   - segment descriptors: valid for LAR and LSL; VERR wants data or
 *     readable code, VERW writable data;
 *   - system descriptors: LAR accepts types 1, 2, 3, 4, 5, 9, 0xb, 0xc
 *     (TSSes, LDT, call and task gates), LSL only 1, 2, 3, 9, 0xb (no
 *     gates); VERR/VERW none;
 *   - privilege: unless the segment is conforming code, DPL >= CPL and
 *     DPL >= RPL, or ZF = 0 (so a DPL0 data segment fails at CPL3);
 *   - presence is not checked;
 *   - LAR r32 loads descriptor dword 2 masked with 0x00FxFF00 (type, S,
 *     DPL, P, AVL, D/B, G; bits 19:16 undefined, not checked); LSL loads
 *     the limit in bytes (G = 1: limit << 12 | 0xfff);
 *   - with ZF = 0 the destination is unchanged;
 *   - 16-bit forms write only the low word (LAR: access rights & 0xff00).
 * Each row runs at CPL0 and at CPL3. */
#include "sens_common.h"

enum {
    G_D0 = 6,       /* data RW DPL0, G = 0, AVL = 1, limit 0x12345 */
    G_D3,           /* data RW DPL3, G = 1, limit 0x00012 */
    G_D3_RO,        /* data read-only DPL3 */
    G_C3_R,         /* code readable DPL3 */
    G_C3_X,         /* code execute-only DPL3 */
    G_C0_R,         /* code readable DPL0, nonconforming */
    G_CC0_R,        /* conforming code readable DPL0 */
    G_CC0_X,        /* conforming code execute-only DPL0 */
    G_D3_NP,        /* data RW DPL3, not present */
    G_TSS0,         /* 32-bit TSS, DPL0 */
    G_LDT,          /* the LDT below */
    G_SYS,          /* G_SYS + t: system descriptor of type t, DPL3 */
};
/* An LDT: [1] data RW DPL3, byte limit 0x4321; [2] execute-only code DPL0;
 * its limit ends after [2]. */
static uint64_t ldt[3] __attribute__((aligned(8)));
#define SEL(i) ((uint32_t)(i) * 8)
#define SYS_LIMIT 0x67

/* Which system types each instruction accepts (SDM tables in LAR, LSL). */
#define T(t) (1u << (t))
#define LAR_SYS_TYPES (T(1) | T(2) | T(3) | T(4) | T(5) | T(9) | T(0xb) | T(0xc))
#define LSL_SYS_TYPES (T(1) | T(2) | T(3) | T(9) | T(0xb))

struct probe {
    uint32_t lar, lar_zf, lsl, lsl_zf, verr_zf, verw_zf;
};

static struct probe probe_out;
#define UNTOUCHED 0xdeadbeefu

/* Runs at CPL0 or CPL3: the four instructions on `sel`. */
static uint32_t probe_sel(uint32_t sel)
{
    struct probe p;
    p.lar = p.lsl = UNTOUCHED;
    __asm__ volatile("lar %[s], %[v]\n\tsetz %b[z]" : [v] "+r"(p.lar), [z] "=q"(p.lar_zf) : [s] "r"(sel) : "cc");
    __asm__ volatile("lsl %[s], %[v]\n\tsetz %b[z]" : [v] "+r"(p.lsl), [z] "=q"(p.lsl_zf) : [s] "r"(sel) : "cc");
    __asm__ volatile("verr %w[s]\n\tsetz %b[z]" : [z] "=q"(p.verr_zf) : [s] "r"(sel) : "cc");
    __asm__ volatile("verw %w[s]\n\tsetz %b[z]" : [z] "=q"(p.verw_zf) : [s] "r"(sel) : "cc");
    p.lar_zf &= 0xff;
    p.lsl_zf &= 0xff;
    p.verr_zf &= 0xff;
    p.verw_zf &= 0xff;
    probe_out = p;
    return 0;
}

/* What a row expects: ZF of LAR, LSL, VERR, VERW. */
struct row {
    const char *what;
    uint32_t sel;
    uint8_t lar, lsl, verr, verw;
};

static uint32_t limit_bytes(uint64_t d)
{
    uint32_t lim = (uint32_t)(d & 0xffff) | (uint32_t)((d >> 32) & 0xf0000);
    return (d >> 55) & 1 ? lim << 12 | 0xfff : lim;
}

static void check_row(const struct row *w, int cpl)
{
    struct sens_run r;
    sens_run(&r, cpl, 0x2, probe_sel, w->sel);
    if (r.vector != SENS_NONE) {
        sens_check_none(&r, "lar/lsl/verr/verw %s at cpl%d: no fault", w->what, cpl);
        return;
    }
    const struct probe *p = &probe_out;
    uint64_t d = w->sel & 4 ? ldt[(w->sel >> 3) % 3] : pm_gdt[(w->sel >> 3) % GDT_ENTRIES];
    const char *zf[2] = { "ZF=0", "ZF=1" };

    CHECK_EQ(p->lar_zf, w->lar, "lar %s at cpl%d: %s", w->what, cpl, zf[w->lar]);
    if (w->lar)
        CHECK_EQ(p->lar & 0xfff0ffff, (uint32_t)(d >> 32) & 0x00f0ff00,
                 "lar %s at cpl%d: dword 2 & 0x00FxFF00", w->what, cpl);
    else
        CHECK_EQ(p->lar, UNTOUCHED, "lar %s at cpl%d: destination unchanged", w->what, cpl);
    CHECK_EQ(p->lsl_zf, w->lsl, "lsl %s at cpl%d: %s", w->what, cpl, zf[w->lsl]);
    CHECK_EQ(p->lsl, w->lsl ? limit_bytes(d) : UNTOUCHED, "lsl %s at cpl%d: %s", w->what, cpl,
             w->lsl ? "the limit in bytes" : "destination unchanged");
    CHECK_EQ(p->verr_zf, w->verr, "verr %s at cpl%d: %s", w->what, cpl, zf[w->verr]);
    CHECK_EQ(p->verw_zf, w->verw, "verw %s at cpl%d: %s", w->what, cpl, zf[w->verw]);
}

/* Rows whose result does not depend on the CPL (DPL3 or conforming
 * segments, RPL 3 selectors, invalid selectors). */
static const struct row same_rows[] = {
    { "null selector", 0, 0, 0, 0, 0 },
    { "null selector rpl3", 3, 0, 0, 0, 0 },
    { "past the GDT limit", SEL(64) | 3, 0, 0, 0, 0 },
    { "TI=1 with no LDT", 0x0c | 3, 0, 0, 0, 0 },
    { "rw data dpl3 (G=1 limit)", SEL(G_D3) | 3, 1, 1, 1, 1 },
    { "read-only data dpl3", SEL(G_D3_RO) | 3, 1, 1, 1, 0 },
    { "readable code dpl3", SEL(G_C3_R) | 3, 1, 1, 1, 0 },
    { "execute-only code dpl3", SEL(G_C3_X) | 3, 1, 1, 0, 0 },
    { "conforming readable code dpl0 (no privilege check)", SEL(G_CC0_R) | 3, 1, 1, 1, 0 },
    { "conforming execute-only code dpl0", SEL(G_CC0_X) | 3, 1, 1, 0, 0 },
    { "not-present data dpl3 (presence not checked)", SEL(G_D3_NP) | 3, 1, 1, 1, 1 },
    { "rpl3 selector of dpl0 data (RPL > DPL)", SEL(G_D0) | 3, 0, 0, 0, 0 },
    { "rpl3 selector of a dpl0 TSS (RPL > DPL)", SEL(G_TSS0) | 3, 0, 0, 0, 0 },
};

/* Rows whose DPL0 segment passes at CPL0 and fails at CPL3 (DPL < CPL). */
static const struct row dpl0_rows[] = {
    { "rw data dpl0 (AVL=1)", SEL(G_D0), 1, 1, 1, 1 },
    { "readable code dpl0, nonconforming", SEL(G_C0_R), 1, 1, 1, 0 },
    { "32-bit TSS dpl0", SEL(G_TSS0), 1, 1, 0, 0 },
};

/* With the LDT loaded (TI = 1 selectors). */
static const struct row ldt_rows[] = {
    { "TI=1 rw data dpl3 in the LDT", 0x0c | 3, 1, 1, 1, 1 },
    { "TI=1 past the LDT limit", 0x1c | 3, 0, 0, 0, 0 },
};
static const struct row ldt_dpl0_row = { "TI=1 execute-only code dpl0 in the LDT", 0x14, 1, 1, 0, 0 };

static const char *const sys_names[16] = {
    "reserved type 0", "16-bit TSS (available)", "LDT", "16-bit TSS (busy)",
    "16-bit call gate", "task gate", "16-bit interrupt gate", "16-bit trap gate",
    "reserved type 8", "32-bit TSS (available)", "reserved type 0xa", "32-bit TSS (busy)",
    "32-bit call gate", "reserved type 0xd", "32-bit interrupt gate", "32-bit trap gate",
};

static void test_rows(void)
{
    for (int cpl = 0; cpl <= 3; cpl += 3) {
        for (unsigned i = 0; i < sizeof same_rows / sizeof same_rows[0]; i++)
            check_row(&same_rows[i], cpl);
        for (unsigned i = 0; i < sizeof dpl0_rows / sizeof dpl0_rows[0]; i++) {
            struct row w = dpl0_rows[i];
            if (cpl == 3)
                w.lar = w.lsl = w.verr = w.verw = 0;
            check_row(&w, cpl);
        }
        for (int t = 0; t < 16; t++) {
            char what[64];
            snprintf(what, sizeof what, "%s dpl3", sys_names[t]);
            struct row w = { what, SEL(G_SYS + t) | 3, (LAR_SYS_TYPES >> t) & 1, (LSL_SYS_TYPES >> t) & 1, 0, 0 };
            check_row(&w, cpl);
        }
        __asm__ volatile("lldt %w0" :: "r"(SEL(G_LDT)));
        for (unsigned i = 0; i < sizeof ldt_rows / sizeof ldt_rows[0]; i++)
            check_row(&ldt_rows[i], cpl);
        struct row w = ldt_dpl0_row;
        if (cpl == 3)
            w.lar = w.lsl = 0;
        check_row(&w, cpl);
        __asm__ volatile("lldt %w0" :: "r"(0));
    }
}

/* The 16-bit forms, and LAR with a memory source. */
static void test_forms(void)
{
    uint32_t v = UNTOUCHED, z;
    __asm__ volatile("lar %w[s], %w[v]\n\tsetz %b[z]" : [v] "+r"(v), [z] "=q"(z) : [s] "r"(SEL(G_D0)) : "cc");
    CHECK((z & 0xff) && v == ((UNTOUCHED & 0xffff0000) | ((uint32_t)(pm_gdt[G_D0] >> 32) & 0xff00)),
          "lar r16: access rights & 0xff00 in the low word, the high word unchanged");
    v = UNTOUCHED;
    __asm__ volatile("lsl %w[s], %w[v]\n\tsetz %b[z]" : [v] "+r"(v), [z] "=q"(z) : [s] "r"(SEL(G_D3)) : "cc");
    CHECK((z & 0xff) && v == ((UNTOUCHED & 0xffff0000) | (limit_bytes(pm_gdt[G_D3]) & 0xffff)),
          "lsl r16: the scaled limit's low word, the high word unchanged");
    uint16_t sel = SEL(G_C3_R);
    v = UNTOUCHED;
    __asm__ volatile("lar %[s], %[v]\n\tsetz %b[z]" : [v] "+r"(v), [z] "=q"(z) : [s] "m"(sel) : "cc");
    CHECK((z & 0xff) && v == ((uint32_t)(pm_gdt[G_C3_R] >> 32) & 0x00f0ff00),
          "lar r32, m16: reads the selector from memory");
    /* ZF is the only flag LAR writes: CF set before must survive. */
    uint32_t flags;
    __asm__ volatile("stc\n\tlar %[s], %[v]\n\tpushf\n\tpop %[f]"
                     : [v] "+r"(v), [f] "=r"(flags) : [s] "r"(SEL(G_D0)) : "cc");
    CHECK_EQ(flags & 0x41, 0x41, "lar changes ZF only (CF kept)");
}

int main(void)
{
    pm_init();
    __asm__ volatile("lldt %w0" :: "r"(0));     /* no LDT, whatever the loader left */

    pm_gdt_set(G_D0, 0x1000, 0x12345, ACC_DATA_W, FLG_BYTE_32 | 1);     /* AVL */
    pm_gdt_set(G_D3, 0, 0x00012, ACC_DATA_W | ACC_DPL(3), FLG_4K_32);
    pm_gdt_set(G_D3_RO, 0, 0xfffff, 0xf0, FLG_4K_32);
    pm_gdt_set(G_C3_R, 0, 0xfffff, 0xfa, FLG_4K_32);
    pm_gdt_set(G_C3_X, 0, 0xfffff, 0xf8, FLG_4K_32);
    pm_gdt_set(G_C0_R, 0, 0xfffff, 0x9a, FLG_4K_32);
    pm_gdt_set(G_CC0_R, 0, 0xfffff, 0x9e, FLG_4K_32);
    pm_gdt_set(G_CC0_X, 0, 0xfffff, 0x9c, FLG_4K_32);
    pm_gdt_set(G_D3_NP, 0, 0xabcde, 0x72, FLG_BYTE_32);
    pm_gdt_set(G_TSS0, 0x2000, SYS_LIMIT, 0x89, 0);
    /* LDT entries have the GDT format: built in G_LDT, then moved. */
    pm_gdt_set(G_LDT, 0x4000, 0x4321, ACC_DATA_W | ACC_DPL(3), FLG_BYTE_32);
    ldt[1] = pm_gdt[G_LDT];
    pm_gdt_set(G_LDT, 0, 0xfffff, 0x98, FLG_4K_32);
    ldt[2] = pm_gdt[G_LDT];
    pm_gdt_set(G_LDT, (uint32_t)ldt, sizeof ldt - 1, 0x82, 0);
    for (int t = 0; t < 16; t++)
        pm_gdt_set(G_SYS + t, 0x3000, SYS_LIMIT, (uint8_t)(0xe0 | t), 0);

    test_rows();
    test_forms();
    return check_summary();
}
