/* IDT gates and IRET (SDM vol. 3A, 6.10-6.14; vol. 2A INT n, vol. 2A IRET):
 *   - an interrupt gate clears IF, a trap gate leaves it (6.12.1.3); both
 *     clear TF and NT (and RF, VM) after pushing EFLAGS; IRET restores the
 *     pushed EFLAGS;
 *   - INT n, INT3 and INTO check the gate's DPL against CPL: a DPL0 gate
 *     from CPL3 raises #GP(vector * 8 + 2), a fault on the INT (6.12.1.1);
 *     CPU exceptions ignore the gate DPL;
 *   - a not-present gate raises #NP(vector * 8 + 2), after the DPL check;
 *     an IDT entry of a type that is no gate raises #GP(vector * 8 + 2);
 *     a vector whose 8 bytes are not all within the IDT limit raises
 *     #GP(vector * 8 + 2) (6.10);
 *   - a 16-bit gate (type 6/7) pushes a 16-bit frame: IP CS FLAGS, and SP
 *     SS on a privilege change (6.12.1);
 *   - the frame goes on the current stack at the same level, on
 *     TSS.ss0:esp0 from CPL3;
 *   - IRET to an outer level nulls DS/ES/FS/GS holding a data or
 *     non-conforming code segment with DPL < the new CPL (IRET operation,
 *     RETURN-TO-OUTER-PRIVILEGE-LEVEL);
 *   - IRET and POPF change IOPL only at CPL0 and IF only when CPL <= IOPL,
 *     silently (no fault); the arithmetic flags always.
 * NB not checked, QEMU 7.2 departs from the SDM: a CPU exception (not INT n)
 * through a not-present gate should give #NP with EXT = 1 (vector * 8 + 3,
 * 6.13); QEMU leaves EXT clear.
 * NB not checked: whether INT n executed with TF = 1 raises #DB at the
 * handler's first instruction (vol. 3B 17.3.1.4 says one single-steps a
 * handler by single-stepping the INT n that calls it); QEMU 7.2 raises no
 * #DB there. */
#include "pm.h"
#include "../tests/eflags.h"

#define DECL_INT(v) uint32_t int_##v(uint32_t); extern char int_##v##_at[], int_##v##_next[]
DECL_INT(03); DECL_INT(40); DECL_INT(50); DECL_INT(51); DECL_INT(52);
DECL_INT(53); DECL_INT(54); DECL_INT(90);
uint32_t do_int3(uint32_t), do_into(uint32_t);
extern char do_int3_at[], do_into_at[];
extern char gate_probe[], gate16_entry[], gate16_ud2[], seg_catch[];
extern uint32_t gate_frame[5], gate_hflags, gate_hesp, gate_caller_esp, segs_seen[4];
void iret_user_segs(uint32_t ds, uint32_t es, uint32_t fs, uint32_t gs);
uint32_t iret_flags(uint32_t), popf_flags(uint32_t);

#define SEL_CODE16 0x30         /* code segment whose base puts gate16_entry below 64 KiB */
#define SEL_CONF   0x38         /* DPL0 conforming readable code */
#define SEL_XCODE0 0x40         /* DPL0 non-conforming readable code */
#define GATE_P (1ull << 47)
#define GATE_DPL(d) ((uint64_t)(d) << 45)

static void mask_pic(void)
{
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
}

static void clear_probe(void)
{
    memset(gate_frame, 0, 5 * 4);
    gate_hflags = gate_hesp = 0;
}

/* The caller at cpl: fn(eflags), through pm_run_user at CPL3 with the user
 * EFLAGS set to eflags' IF and IOPL. Returns -1 when nothing faulted. */
static int call_at(int cpl, uint32_t (*fn)(uint32_t), uint32_t eflags, uint32_t *ret, struct pm_fault *f)
{
    volatile int faulted = 0;
    volatile uint32_t r = 0;
    if (pm_try(f)) {
        r = cpl ? pm_run_user_flags(fn, eflags, eflags & (FL_IF | FL_IOPL)) : fn(eflags);
        pm_try_end();
    } else {
        faulted = 1;
    }
    if (ret)
        *ret = r;
    return faulted ? (int)f->vector : -1;
}

static const char *cpl_name(int cpl) { return cpl ? "cpl3" : "cpl0"; }

static void test_gate_types(int cpl)
{
    const char *w = cpl_name(cpl);
    struct pm_fault f;
    uint32_t after;
    const uint32_t fl = FL_FIXED | FL_IF | FL_CF | FL_ZF;

    clear_probe();
    CHECK_EQ(call_at(cpl, int_50, fl, &after, &f), -1, "int gate at %s: handler IRETs back", w);
    CHECK_EQ(gate_frame[0], (uint32_t)int_50_next, "int n at %s: pushed EIP is the next insn", w);
    CHECK_EQ(gate_frame[1], cpl ? SEL_UCODE : SEL_KCODE, "int n at %s: pushed CS", w);
    CHECK_EQ(gate_frame[2] & ~FL_RF, fl, "int gate at %s: pushed EFLAGS has IF=1", w);
    CHECK_EQ(gate_hflags & FL_IF, 0, "int gate at %s: handler runs with IF=0", w);
    CHECK_EQ(after & ~FL_RF, fl, "int gate at %s: IRET restores the pushed EFLAGS (IF=1)", w);
    if (cpl) {
        CHECK_EQ(gate_frame[4], SEL_UDATA, "int n from cpl3: pushed SS");
        CHECK_EQ(gate_frame[3], gate_caller_esp, "int n from cpl3: pushed ESP is the user's");
        CHECK_EQ(gate_hesp, pm_tss.tss.esp0 - 20, "int n from cpl3: handler stack is TSS.esp0");
    } else {
        CHECK_EQ(gate_hesp, gate_caller_esp - 12, "int n at cpl0: frame on the current stack");
    }

    clear_probe();
    CHECK_EQ(call_at(cpl, int_51, fl, &after, &f), -1, "trap gate at %s: handler IRETs back", w);
    CHECK_EQ(gate_frame[2] & ~FL_RF, fl, "trap gate at %s: pushed EFLAGS has IF=1", w);
    CHECK_EQ(gate_hflags & FL_IF, FL_IF, "trap gate at %s: handler keeps IF=1", w);
    CHECK_EQ(after & ~FL_RF, fl, "trap gate at %s: IRET restores the pushed EFLAGS", w);

    /* NT: POPF sets it at any CPL; INT clears it after pushing. */
    clear_probe();
    CHECK_EQ(call_at(cpl, int_51, FL_FIXED | FL_NT, &after, &f), -1, "NT=1 at %s: int n delivered", w);
    CHECK_EQ(gate_frame[2] & FL_NT, FL_NT, "gate at %s: pushed EFLAGS has NT=1", w);
    CHECK_EQ(gate_hflags & FL_NT, 0, "gate at %s: handler runs with NT=0", w);
    CHECK_EQ(gate_hflags & (FL_RF | FL_VM), 0, "gate at %s: handler runs with RF=0 VM=0", w);
    CHECK_EQ(after & FL_NT, FL_NT, "gate at %s: IRET restores NT=1 (no task return: handler NT=0)", w);
}

/* TF: pushed, then cleared for the handler (the probe clears it in the
 * frame too, so the code after the INT is not single-stepped). */
static void test_tf(int cpl)
{
    const char *w = cpl_name(cpl);
    struct pm_fault f;
    uint32_t after;
    clear_probe();
    CHECK_EQ(call_at(cpl, int_51, FL_FIXED | FL_TF, &after, &f), -1, "TF=1 at %s: int n delivered", w);
    CHECK_EQ(gate_frame[2] & FL_TF, FL_TF, "gate at %s: pushed EFLAGS has TF=1", w);
    CHECK_EQ(gate_hflags & FL_TF, 0, "gate at %s: handler runs with TF=0", w);
}

static uint32_t user_ud2(uint32_t unused)
{
    (void)unused;
    __asm__ volatile("ud2");
    return 0;
}

/* INT n / INT3 / INTO through a DPL0 gate from CPL3; CPU exceptions pass. */
static void test_gate_dpl(void)
{
    struct pm_fault f;
    uint32_t r;
    pm_idt[3] &= ~GATE_DPL(3);
    pm_idt[4] &= ~GATE_DPL(3);
    CHECK_EQ(call_at(3, do_int3, 0, &r, &f), 13, "int3 (cc) via a dpl0 gate at cpl3: #GP");
    CHECK_EQ(f.error_code, 3 * 8 + 2, "int3 (cc) via a dpl0 gate at cpl3: error code 3*8+2");
    CHECK_EQ(f.eip, (uint32_t)do_int3_at, "int3 (cc) via a dpl0 gate at cpl3: fault, EIP at int3");
    CHECK_EQ(call_at(3, int_03, FL_FIXED, &r, &f), 13, "int 3 (cd 03) via a dpl0 gate at cpl3: #GP");
    CHECK_EQ(f.error_code, 3 * 8 + 2, "int 3 (cd 03) via a dpl0 gate at cpl3: error code 3*8+2");
    CHECK_EQ(f.eip, (uint32_t)int_03_at, "int 3 (cd 03) via a dpl0 gate at cpl3: EIP at the int");
    CHECK_EQ(call_at(3, do_into, FL_FIXED | FL_OF, &r, &f), 13, "into OF=1 via a dpl0 gate at cpl3: #GP");
    CHECK_EQ(f.error_code, 4 * 8 + 2, "into OF=1 via a dpl0 gate at cpl3: error code 4*8+2");
    CHECK_EQ(f.eip, (uint32_t)do_into_at, "into OF=1 via a dpl0 gate at cpl3: EIP at into");
    CHECK_EQ(call_at(3, do_into, FL_FIXED, &r, &f), -1, "into OF=0 via a dpl0 gate at cpl3: no check, no exception");
    CHECK_EQ(call_at(0, do_int3, 0, &r, &f), 3, "int3 via a dpl0 gate at cpl0: #BP delivered");
    pm_idt_reset(3);
    pm_idt_reset(4);
    CHECK_EQ(call_at(3, int_40, FL_FIXED, &r, &f), 13, "int 0x40 via a dpl0 gate at cpl3: #GP");
    CHECK_EQ(f.error_code, 0x40 * 8 + 2, "int 0x40 via a dpl0 gate at cpl3: error code 0x40*8+2");
    CHECK_EQ(f.eip, (uint32_t)int_40_at, "int 0x40 via a dpl0 gate at cpl3: fault, EIP at the int");
    CHECK_EQ(f.cs, SEL_UCODE, "int 0x40 via a dpl0 gate at cpl3: #GP from CPL3");
    CHECK_EQ(call_at(0, int_40, FL_FIXED, &r, &f), 0x40, "int 0x40 via a dpl0 gate at cpl0: delivered");
    CHECK_EQ(call_at(3, user_ud2, 0, &r, &f), 6, "#UD from cpl3 via the dpl0 gate 6: delivered, DPL not checked");
    CHECK_EQ(f.cs, SEL_UCODE, "#UD from cpl3 via the dpl0 gate 6: pushed CS has RPL 3");
}

static void test_not_present_and_limit(void)
{
    struct pm_fault f;
    uint32_t r;
    pm_idt_set(0x52, SEL_KCODE, (uint32_t)gate_probe, 0xe, 3);
    pm_idt[0x52] &= ~GATE_P;
    for (int cpl = 0; cpl <= 3; cpl += 3) {
        const char *w = cpl_name(cpl);
        CHECK_EQ(call_at(cpl, int_52, FL_FIXED, &r, &f), 11, "not-present gate at %s: #NP", w);
        CHECK_EQ(f.error_code, 0x52 * 8 + 2, "not-present gate at %s: error code 0x52*8+2 (IDT bit)", w);
        CHECK_EQ(f.eip, (uint32_t)int_52_at, "not-present gate at %s: fault, EIP at the int", w);
    }
    pm_idt[0x52] &= ~GATE_DPL(3);
    CHECK_EQ(call_at(3, int_52, FL_FIXED, &r, &f), 13, "not-present dpl0 gate at cpl3: DPL checked first, #GP");
    CHECK_EQ(f.error_code, 0x52 * 8 + 2, "not-present dpl0 gate at cpl3: error code 0x52*8+2");
    /* Type 1 (a 16-bit available TSS) is no gate type for the IDT. */
    pm_idt[0x52] = (pm_idt[0x52] & ~(0xfull << 40)) | (0x1ull << 40) | GATE_P | GATE_DPL(3);
    CHECK_EQ(call_at(0, int_52, FL_FIXED, &r, &f), 13, "IDT entry of type 1 (no gate): #GP");
    CHECK_EQ(f.error_code, 0x52 * 8 + 2, "IDT entry of type 1 (no gate): error code 0x52*8+2");
    pm_idt_set(0x52, SEL_KCODE, (uint32_t)gate_probe, 0xe, 3);
    clear_probe();
    CHECK_EQ(call_at(0, int_52, FL_FIXED, &r, &f), -1, "gate made present again: delivered");

    /* IDT limit: the whole 8-byte gate must be inside it. */
    struct { uint16_t limit; uint32_t base; } __attribute__((packed)) idtr;
    idtr.base = (uint32_t)pm_idt;
    pm_idt_set(0x90, SEL_KCODE, (uint32_t)gate_probe, 0xe, 3);
    idtr.limit = 0x90 * 8 + 6;
    __asm__ volatile("lidt %0" :: "m"(idtr));
    CHECK_EQ(call_at(0, int_90, FL_FIXED, &r, &f), 13, "vector 0x90 with IDT limit 0x90*8+6 at cpl0: #GP");
    CHECK_EQ(f.error_code, 0x90 * 8 + 2, "vector beyond the IDT limit at cpl0: error code 0x90*8+2");
    CHECK_EQ(f.eip, (uint32_t)int_90_at, "vector beyond the IDT limit at cpl0: fault, EIP at the int");
    CHECK_EQ(call_at(3, int_90, FL_FIXED, &r, &f), 13, "vector 0x90 with IDT limit 0x90*8+6 at cpl3: #GP");
    CHECK_EQ(f.error_code, 0x90 * 8 + 2, "vector beyond the IDT limit at cpl3: error code 0x90*8+2");
    idtr.limit = 0x90 * 8 + 7;
    __asm__ volatile("lidt %0" :: "m"(idtr));
    clear_probe();
    CHECK_EQ(call_at(0, int_90, FL_FIXED, &r, &f), -1, "vector 0x90 with IDT limit 0x90*8+7: delivered");
    CHECK_EQ(gate_frame[0], (uint32_t)int_90_next, "vector 0x90 at the IDT limit: its handler ran");
    idtr.limit = 256 * 8 - 1;
    __asm__ volatile("lidt %0" :: "m"(idtr));
}

/* 16-bit gates: words IP CS FLAGS [SP SS]. */
static void test_gate16(int cpl, int type)
{
    const char *w = cpl_name(cpl);
    const char *t = type == 6 ? "16-bit int gate" : "16-bit trap gate";
    struct pm_fault f;
    uint32_t r;
    const uint32_t fl = FL_FIXED | FL_IF | FL_SF;
    pm_idt_set(0x53, SEL_CODE16, (uint32_t)gate16_entry & 0xffff, type, 3);
    clear_probe();
    CHECK_EQ(call_at(cpl, int_53, fl, &r, &f), 6, "%s at %s: handler reached (its ud2)", t, w);
    CHECK_EQ(f.cs, SEL_CODE16, "%s at %s: handler runs in the gate's code segment", t, w);
    CHECK_EQ(f.eip, (uint32_t)gate16_ud2 & 0xffff, "%s at %s: EIP is the offset in that segment", t, w);
    CHECK_EQ(gate_frame[0], (uint32_t)int_53_next & 0xffff, "%s at %s: pushed IP (16 bits)", t, w);
    CHECK_EQ(gate_frame[1], cpl ? SEL_UCODE : SEL_KCODE, "%s at %s: pushed CS", t, w);
    CHECK_EQ(gate_frame[2], fl, "%s at %s: pushed FLAGS (16 bits)", t, w);
    CHECK_EQ(gate_hflags & FL_IF, type == 6 ? 0 : FL_IF, "%s at %s: handler IF", t, w);
    if (cpl) {
        CHECK_EQ(gate_hesp, pm_tss.tss.esp0 - 10, "%s from cpl3: 5 words on TSS.esp0", t);
        CHECK_EQ(gate_frame[3], gate_caller_esp & 0xffff, "%s from cpl3: pushed SP (16 bits)", t);
        CHECK_EQ(gate_frame[4], SEL_UDATA, "%s from cpl3: pushed SS", t);
    } else {
        CHECK_EQ(gate_hesp, gate_caller_esp - 6, "%s at cpl0: 3 words on the current stack", t);
    }
}

static void test_iret_outer_nulls_segments(void)
{
    struct pm_fault f;
    memset(segs_seen, 0xff, sizeof segs_seen);
    if (pm_try(&f)) {
        iret_user_segs(SEL_KDATA, SEL_UDATA, SEL_CONF, 0);
        pm_try_end();
    }
    CHECK_EQ(f.vector, 6, "iret to cpl3 then int 0x55: the probe ran");
    CHECK_EQ(segs_seen[0] & 0xffff, 0, "iret to cpl3: DS with a dpl0 data segment is nulled");
    CHECK_EQ(segs_seen[1] & 0xffff, SEL_UDATA, "iret to cpl3: ES with a dpl3 data segment is kept");
    CHECK_EQ(segs_seen[2] & 0xffff, SEL_CONF, "iret to cpl3: FS with a dpl0 conforming code segment is kept");
    CHECK_EQ(segs_seen[3] & 0xffff, 0, "iret to cpl3: GS null stays null");

    memset(segs_seen, 0xff, sizeof segs_seen);
    if (pm_try(&f)) {
        iret_user_segs(SEL_UDATA, SEL_XCODE0, SEL_KDATA, SEL_UDATA);
        pm_try_end();
    }
    CHECK_EQ(segs_seen[1] & 0xffff, 0, "iret to cpl3: ES with a dpl0 non-conforming code segment is nulled");
    CHECK_EQ(segs_seen[2] & 0xffff, 0, "iret to cpl3: FS with a dpl0 data segment is nulled");
    CHECK_EQ((segs_seen[0] & 0xffff) | (segs_seen[3] & 0xffff) << 16, SEL_UDATA | SEL_UDATA << 16,
             "iret to cpl3: DS and GS with dpl3 data are kept");
}

static uint32_t user_flags(uint32_t unused)
{
    (void)unused;
    uint32_t fl;
    __asm__ volatile("pushf\n\tpop %0" : "=r"(fl));
    return fl;
}

/* fn(arg) at CPL3 with these user EFLAGS; 0xdead if it faulted. */
static uint32_t user_run(uint32_t (*fn)(uint32_t), uint32_t arg, uint32_t user_eflags)
{
    struct pm_fault f;
    volatile uint32_t r = 0xdead;
    if (pm_try(&f)) {
        r = pm_run_user_flags(fn, arg, user_eflags);
        pm_try_end();
    } else {
        printf("     vector %u at %08x\n", f.vector, f.eip);
    }
    return r;
}

static void test_iret_popf_flags(void)
{
    const uint32_t arith = FL_CF | FL_ZF | FL_OF;
    uint32_t r;

    r = iret_flags(FL_FIXED | FL_IF | (3u << 12) | arith);
    CHECK_EQ(r & (FL_IF | FL_IOPL | FL_ARITH), FL_IF | FL_IOPL | arith, "iret at cpl0: loads IF, IOPL and the arithmetic flags");
    r = popf_flags(FL_FIXED | FL_IF | (2u << 12));
    CHECK_EQ(r & (FL_IF | FL_IOPL), FL_IF | (2u << 12), "popf at cpl0: loads IF and IOPL");

    CHECK_EQ(pm_run_user_flags(user_flags, 0, FL_FIXED | (3u << 12)) & FL_IOPL, FL_IOPL,
             "iret from cpl0 to cpl3: loads IOPL=3");
    CHECK_EQ(pm_run_user_flags(user_flags, 0, FL_FIXED | FL_IF) & FL_IF, FL_IF,
             "iret from cpl0 to cpl3: loads IF=1");

    /* IOPL 0 < CPL 3: neither IF nor IOPL changes, without a fault. */
    r = user_run(iret_flags, FL_FIXED | FL_IF | (3u << 12) | arith, FL_FIXED);
    CHECK_EQ(r & (FL_IF | FL_IOPL | FL_ARITH), arith,
             "iret at cpl3 with IOPL=0: IF and IOPL unchanged (no fault), arithmetic flags loaded");
    r = user_run(popf_flags, FL_FIXED | FL_IF | (3u << 12) | arith, FL_FIXED);
    CHECK_EQ(r & (FL_IF | FL_IOPL | FL_ARITH), arith,
             "popf at cpl3 with IOPL=0: IF and IOPL unchanged (no fault), arithmetic flags loaded");
    r = user_run(iret_flags, FL_FIXED | FL_IF | arith, FL_FIXED | (3u << 12));
    CHECK_EQ(r & (FL_IF | FL_IOPL | FL_ARITH), FL_IF | FL_IOPL | arith,
             "iret at cpl3 with IOPL=3: IF loaded, IOPL (0 in the frame) unchanged");
    r = user_run(popf_flags, FL_FIXED | FL_IF, FL_FIXED | (3u << 12));
    CHECK_EQ(r & (FL_IF | FL_IOPL), FL_IF | FL_IOPL, "popf at cpl3 with IOPL=3: IF loaded, IOPL unchanged");
}

int main(void)
{
    mask_pic();
    pm_init();
    uint32_t e16 = (uint32_t)gate16_entry;
    pm_gdt_set(SEL_CODE16 >> 3, e16 & ~0xffffu, 0xfffff, ACC_CODE_R, FLG_4K_32);
    pm_gdt_set(SEL_CONF >> 3, 0, 0xfffff, ACC_CODE_R | 0x04, FLG_4K_32);
    pm_gdt_set(SEL_XCODE0 >> 3, 0, 0xfffff, ACC_CODE_R, FLG_4K_32);
    pm_idt_set(0x50, SEL_KCODE, (uint32_t)gate_probe, 0xe, 3);
    pm_idt_set(0x51, SEL_KCODE, (uint32_t)gate_probe, 0xf, 3);
    pm_idt_set(0x55, SEL_KCODE, (uint32_t)seg_catch, 0xe, 3);

    test_gate_types(0);
    test_gate_types(3);
    test_tf(0);
    test_tf(3);
    test_gate_dpl();
    test_not_present_and_limit();
    test_gate16(0, 6);
    test_gate16(0, 7);
    test_gate16(3, 6);
    test_gate16(3, 7);
    test_iret_outer_nulls_segments();
    test_iret_popf_flags();
    return check_summary();
}
