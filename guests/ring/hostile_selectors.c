/* Hostile selectors: every 16-bit selector value, 0 to 0xffff, as the
 * target of a far JMP and a far CALL and as the value loaded into DS, ES,
 * FS, GS and SS, at CPL0 and at CPL3. The GDT holds only the kit's entries
 * (null, flat DPL0/DPL3 code and data, the busy TSS, zeros after them) and
 * the LDTR is null, so nearly every value must be refused, each with the
 * exception the SDM names:
 *   - far JMP/CALL (SDM vol. 2, JMP and CALL, protected mode): a null
 *     selector #GP(0); an index beyond the GDT limit or in the (null) LDT,
 *     a data segment, a busy TSS, a reserved system type #GP(selector); a
 *     nonconforming code segment needs RPL <= CPL and DPL = CPL, else
 *     #GP(selector); a not-present one #NP(selector);
 *   - MOV DS/ES/FS/GS (vol. 2, MOV, and 5.5): a null selector loads; else
 *     the descriptor must be data or readable code, and for data or
 *     nonconforming code RPL <= DPL and CPL <= DPL, else #GP(selector);
 *     not present #NP(selector);
 *   - MOV SS: a null selector #GP(0); RPL = CPL, a writable data segment,
 *     DPL = CPL, else #GP(selector); not present #SS(selector).
 * The error code of #GP(selector) is the selector with its RPL bits
 * replaced by EXT = 0 and IDT = 0 (6.13).
 * A model in C computes each selector's outcome from the GDT in memory
 * (read through SGDT) by those rules; the guest compares it selector by
 * selector and prints one digest line per outcome class (how many
 * selectors ended in no fault, #GP(0), #GP(selector)...), not 65536 lines.
 * Accepted selectors are really used: a far JMP to SEL_KCODE:label runs on
 * at label with CS = 0x08, one to SEL_UCODE with RPL 0..3 from CPL3 lands
 * with CS = 0x1b (the RPL becomes the CPL), the far CALL's RET FAR comes
 * back. */
#include "pm.h"

uint32_t hs_jmp(uint32_t sel);
uint32_t hs_call(uint32_t sel);
uint32_t hs_load_ds(uint32_t sel);
uint32_t hs_load_es(uint32_t sel);
uint32_t hs_load_fs(uint32_t sel);
uint32_t hs_load_gs(uint32_t sel);
uint32_t hs_load_ss(uint32_t sel);

enum op { OP_JMP, OP_CALL, OP_DS, OP_ES, OP_FS, OP_GS, OP_SS, NOPS };
static const char *const op_names[NOPS] = {
    "far jmp", "far call", "mov ds", "mov es", "mov fs", "mov gs", "mov ss",
};
static uint32_t (*const op_fns[NOPS])(uint32_t) = {
    hs_jmp, hs_call, hs_load_ds, hs_load_es, hs_load_fs, hs_load_gs, hs_load_ss,
};

#define NO_FAULT 0xff           /* the "vector" of an accepted selector */
#define NOT_MODELLED 0xfe       /* a gate or an available TSS: not tried */

struct outcome {
    uint8_t vector;
    uint16_t error;
};

static struct outcome fault(uint8_t vector, uint16_t error)
{
    return (struct outcome){ vector, error };
}

/* ---- The SDM model ---- */

static struct {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed)) gdtr;

/* The descriptor a selector names, or 0 when it names none: the LDTR is
 * null (every TI = 1 selector is outside its table) or the index is beyond
 * the GDT limit (5.4: the last byte of the descriptor must be within it). */
static int lookup(uint16_t sel, uint64_t *d)
{
    if (sel & 4)
        return 0;
    uint32_t off = sel & 0xfff8u;
    if (off + 7 > gdtr.limit)
        return 0;
    *d = *(const uint64_t *)(gdtr.base + off);
    return 1;
}

/* The access byte: P DPL S type (3.4.5). */
#define D_P(d)        ((unsigned)((d) >> 47) & 1)
#define D_DPL(d)      ((unsigned)((d) >> 45) & 3)
#define D_S(d)        ((unsigned)((d) >> 44) & 1)
#define D_TYPE(d)     ((unsigned)((d) >> 40) & 0xf)
#define T_CODE        0x8
#define T_CONFORMING  0x4       /* code */
#define T_READABLE    0x2       /* code */
#define T_WRITABLE    0x2       /* data */

static struct outcome model_far(uint16_t sel, unsigned cpl)
{
    uint64_t d;
    unsigned rpl = sel & 3;
    uint16_t err = sel & 0xfffc;
    if (err == 0)
        return fault(13, 0);
    if (!lookup(sel, &d))
        return fault(13, err);
    if (!D_S(d)) {
        /* System descriptors: call gates (4, 12), task gates (5) and
         * available TSSs (1, 9) would transfer somewhere; the kit has
         * none. Every other type, the busy TSS included, is #GP. */
        switch (D_TYPE(d)) {
        case 1: case 4: case 5: case 9: case 12:
            return fault(NOT_MODELLED, 0);
        default:
            return fault(13, err);
        }
    }
    if (!(D_TYPE(d) & T_CODE))
        return fault(13, err);
    if (D_TYPE(d) & T_CONFORMING) {
        if (D_DPL(d) > cpl)
            return fault(13, err);
    } else if (rpl > cpl || D_DPL(d) != cpl) {
        return fault(13, err);
    }
    if (!D_P(d))
        return fault(11, err);
    return fault(NO_FAULT, 0);
}

static struct outcome model_load(uint16_t sel, unsigned cpl, int is_ss)
{
    uint64_t d;
    unsigned rpl = sel & 3;
    uint16_t err = sel & 0xfffc;
    if (err == 0)
        return is_ss ? fault(13, 0) : fault(NO_FAULT, 0);
    if (!lookup(sel, &d))
        return fault(13, err);
    unsigned type = D_TYPE(d), dpl = D_DPL(d);
    int code = D_S(d) && (type & T_CODE), data = D_S(d) && !(type & T_CODE);
    if (is_ss) {
        if (rpl != cpl || !data || !(type & T_WRITABLE) || dpl != cpl)
            return fault(13, err);
        if (!D_P(d))
            return fault(12, err);
        return fault(NO_FAULT, 0);
    }
    if (!data && !(code && (type & T_READABLE)))
        return fault(13, err);
    if ((data || !(type & T_CONFORMING)) && (rpl > dpl || cpl > dpl))
        return fault(13, err);
    if (!D_P(d))
        return fault(11, err);
    return fault(NO_FAULT, 0);
}

static struct outcome model(enum op op, uint16_t sel, unsigned cpl)
{
    if (op == OP_JMP || op == OP_CALL)
        return model_far(sel, cpl);
    return model_load(sel, cpl, op == OP_SS);
}

/* What a correct landing returns (hs_jmp, hs_call, hs_load_*): the target
 * code segment with RPL = CPL, and for CALL the CS it pushed. */
static uint32_t expected_return(enum op op, uint16_t sel, unsigned cpl)
{
    uint32_t cs_now = cpl ? SEL_UCODE : SEL_KCODE;
    uint32_t landed = (sel & 0xfffcu) | cpl;
    if (op == OP_JMP)
        return landed;
    if (op == OP_CALL)
        return cs_now << 16 | landed;
    return 0;
}

/* ---- The attempts ---- */

static struct outcome attempt(enum op op, uint16_t sel, unsigned cpl, uint32_t *ret)
{
    struct pm_fault f;
    if (pm_try(&f)) {
        uint32_t r = cpl ? pm_run_user(op_fns[op], sel) : op_fns[op](sel);
        pm_try_end();
        *ret = r;
        return fault(NO_FAULT, 0);
    }
    return fault((uint8_t)f.vector, (uint16_t)f.error_code);
}

enum cls { C_NONE, C_GP0, C_GPSEL, C_NPSEL, C_SSSEL, C_SKIPPED, C_OTHER, NCLASSES };
static const char *const cls_names[NCLASSES] = {
    "no fault", "#GP(0)", "#GP(selector)", "#NP(selector)", "#SS(selector)",
    "not tried (gate or available TSS)", "another exception or error code",
};

static enum cls classify(struct outcome o, uint16_t sel)
{
    uint16_t err = sel & 0xfffc;
    if (o.vector == NO_FAULT)
        return C_NONE;
    if (o.vector == NOT_MODELLED)
        return C_SKIPPED;
    if (o.vector == 13 && o.error == 0)
        return C_GP0;
    if (o.vector == 13 && o.error == err)
        return C_GPSEL;
    if (o.vector == 11 && o.error == err)
        return C_NPSEL;
    if (o.vector == 12 && o.error == err)
        return C_SSSEL;
    return C_OTHER;
}

#define SHOWN 4             /* mismatches printed in full */

struct mismatch {
    uint16_t sel;
    struct outcome got, want;
    uint32_t ret;
};

static void sweep(enum op op, unsigned cpl)
{
    uint32_t want[NCLASSES] = { 0 }, got[NCLASSES] = { 0 };
    uint32_t mismatches = 0, bad_returns = 0, accepted = 0;
    struct mismatch shown[SHOWN];
    for (uint32_t s = 0; s <= 0xffff; s++) {
        uint16_t sel = (uint16_t)s;
        struct outcome w = model(op, sel, cpl), g = w;
        uint32_t ret = 0;
        if (w.vector != NOT_MODELLED)
            g = attempt(op, sel, cpl, &ret);
        want[classify(w, sel)]++;
        got[classify(g, sel)]++;
        int bad = g.vector != w.vector || g.error != w.error;
        if (!bad && g.vector == NO_FAULT) {
            accepted++;
            bad = ret != expected_return(op, sel, cpl);
            bad_returns += bad;
        }
        if (bad && mismatches++ < SHOWN)
            shown[mismatches - 1] = (struct mismatch){ sel, g, w, ret };
    }
    for (int c = 0; c < NCLASSES; c++)
        if (want[c] || got[c])
            CHECK_EQ(got[c], want[c], "%s at cpl%u: %s for %u selector%s", op_names[op], cpl,
                     cls_names[c], want[c], want[c] == 1 ? "" : "s");
    CHECK_EQ(mismatches, 0, "%s at cpl%u: every selector's vector and error code as the SDM rules say",
             op_names[op], cpl);
    for (uint32_t i = 0; i < mismatches && i < SHOWN; i++)
        printf("     selector %04x: got vector %02x error %04x (returned %08x), want vector %02x error %04x\n",
               shown[i].sel, shown[i].got.vector, shown[i].got.error, shown[i].ret,
               shown[i].want.vector, shown[i].want.error);
    if (accepted && (op == OP_JMP || op == OP_CALL))
        CHECK_EQ(bad_returns, 0, "%s at cpl%u: the %u accepted selector%s land with CS.RPL = CPL",
                 op_names[op], cpl, accepted, accepted == 1 ? "" : "s");
}

int main(void)
{
    pm_init();
    /* LLDT with a null selector: no LDT (vol. 2, LLDT). */
    __asm__ volatile("lldt %w0" :: "r"(0));
    uint32_t ldtr = 0xffff;
    __asm__ volatile("sldt %0" : "=r"(ldtr));
    CHECK_EQ(ldtr & 0xffff, 0, "lldt 0: the LDTR is null, every TI = 1 selector is outside any table");
    __asm__ volatile("sgdt %0" : "=m"(gdtr));
    CHECK_EQ(gdtr.limit, GDT_ENTRIES * 8 - 1, "sgdt: the kit's GDT of %d entries", GDT_ENTRIES);

    /* The valid targets named once, before the sweeps count them. */
    uint32_t ret = 0;
    struct outcome o = attempt(OP_JMP, SEL_KCODE, 0, &ret);
    CHECK(o.vector == NO_FAULT && ret == SEL_KCODE, "far jmp SEL_KCODE:label at cpl0 runs on at label, CS 0x08");
    o = attempt(OP_JMP, SEL_UCODE & ~3, 3, &ret);
    CHECK(o.vector == NO_FAULT && ret == SEL_UCODE,
          "far jmp (SEL_UCODE with RPL 0):label at cpl3 lands with CS 0x1b");
    o = attempt(OP_CALL, SEL_KCODE, 0, &ret);
    CHECK(o.vector == NO_FAULT && ret == (SEL_KCODE << 16 | SEL_KCODE),
          "far call SEL_KCODE:label at cpl0 pushes CS 0x08 and RET FAR comes back");

    for (unsigned cpl = 0; cpl <= 3; cpl += 3)
        for (int op = 0; op < NOPS; op++)
            sweep(op, cpl);
    return check_summary();
}
