/* System registers, MSRs and the descriptor-inspecting instructions (see
 * sysregs.h). */
#include "ring-compression/sysregs.h"
#include "ring-compression/descriptors.h"
#include "ring-compression/segment.h"
#include "dbt/callouts.h"
#include "dbt/translate.h"
#include "shadow-mmu/shadow.h"

#include <stdio.h>

/* CR4 bits this CPU has (CPUID leaf 1 advertises DE, PSE, TSC, PGE, SEP,
 * FXSR, SSE). VME/PVI (virtual-8086) and PAE are features it does not
 * advertise: setting them raises #GP, as on a CPU without them. */
#define CR4_SUPPORTED (CR4_TSD | CR4_DE | CR4_PSE | CR4_MCE | CR4_PGE | CR4_PCE | CR4_OSFXSR | \
                       CR4_OSXMMEXCPT)

void sys_paging_changed(struct vcpu *v)
{
    shadow_set_control(v->cr0, v->cr3, v->cr4);
    v->shadow_base = (uint64_t)(uintptr_t)shadow_current();
}

bool sys_write_cr(struct vcpu *v, unsigned n, uint32_t value)
{
    switch (n) {
    case 0:
        /* PG without PE, or NW without CD: #GP(0) (SDM MOV CR). */
        if (((value & CR0_PG) && !(value & CR0_PE)) || ((value & CR0_NW) && !(value & CR0_CD)))
            return fault(v, 13, 0);
        if (!(value & CR0_PE)) {
            fprintf(stderr, "bt386: guest leaves protected mode; real mode is not supported\n");
            raise_exception(v, 6, 0, false);
            return false;
        }
        v->cr0 = value | CR0_ET;
        sys_paging_changed(v);
        return true;
    case 2: v->cr2 = value; return true;
    case 3:
        v->cr3 = value;
        sys_paging_changed(v);
        return true;
    case 4:
        if (value & ~CR4_SUPPORTED)
            return fault(v, 13, 0);
        v->cr4 = value;
        sys_paging_changed(v);
        return true;
    default:
        raise_exception(v, 6, 0, false);
        return false;
    }
}

bool sys_read_cr(struct vcpu *v, unsigned n, uint32_t *value)
{
    switch (n) {
    case 0: *value = v->cr0; return true;
    case 2: *value = v->cr2; return true;
    case 3: *value = v->cr3; return true;
    case 4: *value = v->cr4; return true;
    default:
        raise_exception(v, 6, 0, false);
        return false;
    }
}

/* DR4/DR5 are DR6/DR7 unless CR4.DE makes them #UD (SDM 17.2.2). */
static bool dr_index(struct vcpu *v, unsigned *n)
{
    if (*n == 4 || *n == 5) {
        if (v->cr4 & CR4_DE) {
            raise_exception(v, 6, 0, false);
            return false;
        }
        *n += 2;
    }
    return true;
}

bool sys_write_dr(struct vcpu *v, unsigned n, uint32_t value)
{
    if (!dr_index(v, &n))
        return false;
    if (n == 6)
        value = (value & 0x0000e00f) | 0xffff0ff0u;
    else if (n == 7)
        value = (value & 0xffff2fffu) | 0x400;
    v->dr[n] = value;
    return true;
}

bool sys_read_dr(struct vcpu *v, unsigned n, uint32_t *value)
{
    if (!dr_index(v, &n))
        return false;
    *value = n == 6 ? v->dr[6] | 0xffff0ff0u : n == 7 ? v->dr[7] | 0x400 : v->dr[n];
    return true;
}

uint64_t sys_read_tsc(struct vcpu *v)
{
    uint64_t t = __builtin_ia32_rdtsc();
    if (t <= v->last_tsc)
        t = v->last_tsc + 1;
    v->last_tsc = t;
    return t + v->tsc_offset;
}

enum {
    MSR_TSC = 0x10, MSR_APIC_BASE = 0x1b, MSR_MTRRCAP = 0xfe, MSR_SYSENTER_CS = 0x174,
    MSR_SYSENTER_ESP = 0x175, MSR_SYSENTER_EIP = 0x176, MSR_MTRR_DEF_TYPE = 0x2ff,
};

/* The MTRRs a BIOS or kernel may read and write: variable pairs
 * 0x200-0x20f, the fixed ranges, the default type. Stored only. */
static uint64_t *mtrr_slot(struct vcpu *v, uint32_t msr)
{
    static const uint32_t fixed[] = { 0x250, 0x258, 0x259, 0x268, 0x269, 0x26a, 0x26b,
                                      0x26c, 0x26d, 0x26e, 0x26f, MSR_MTRR_DEF_TYPE };
    if (msr >= 0x200 && msr <= 0x20f)
        return &v->mtrr[msr - 0x200];
    for (unsigned i = 0; i < ARRAY_SIZE(fixed); i++)
        if (msr == fixed[i])
            return &v->mtrr[16 + i];
    return NULL;
}

bool sys_rdmsr(struct vcpu *v)
{
    uint32_t msr = v->regs[R_ECX];
    uint64_t value;
    uint64_t *mtrr = mtrr_slot(v, msr);
    switch (msr) {
    case MSR_TSC: value = sys_read_tsc(v); break;
    case MSR_APIC_BASE: value = 0xfee00900u; break;  /* default base, enabled, BSP */
    case MSR_MTRRCAP: value = 0x508; break;          /* 8 variable, fixed, WC */
    case MSR_SYSENTER_CS: value = v->sysenter_cs; break;
    case MSR_SYSENTER_ESP: value = v->sysenter_esp; break;
    case MSR_SYSENTER_EIP: value = v->sysenter_eip; break;
    default:
        if (!mtrr)
            return fault(v, 13, 0);
        value = *mtrr;
    }
    v->regs[R_EAX] = (uint32_t)value;
    v->regs[R_EDX] = (uint32_t)(value >> 32);
    return true;
}

bool sys_wrmsr(struct vcpu *v)
{
    uint32_t msr = v->regs[R_ECX];
    uint64_t value = (uint64_t)v->regs[R_EDX] << 32 | v->regs[R_EAX];
    uint64_t *mtrr = mtrr_slot(v, msr);
    switch (msr) {
    case MSR_TSC:
        v->tsc_offset = 0;
        v->tsc_offset = value - sys_read_tsc(v);
        return true;
    case MSR_APIC_BASE: return true;                 /* no local APIC to move */
    case MSR_SYSENTER_CS: v->sysenter_cs = (uint32_t)value; return true;
    case MSR_SYSENTER_ESP: v->sysenter_esp = (uint32_t)value; return true;
    case MSR_SYSENTER_EIP: v->sysenter_eip = (uint32_t)value; return true;
    default:
        if (!mtrr)
            return fault(v, 13, 0);
        *mtrr = value;
        return true;
    }
}

bool sys_lldt(struct vcpu *v, uint16_t sel)
{
    if ((sel & ~3u) == 0) {
        v->ldtr = (struct segment){ .selector = sel };
        return true;
    }
    if (sel & 4)
        return fault(v, 13, sel & ~3u);
    uint32_t d[2];
    switch (desc_fetch(v, sel, d)) {
    case DESC_OUTSIDE: return fault(v, 13, sel & ~3u);
    case DESC_MEMFAULT: return false;
    case DESC_OK: break;
    }
    if (!desc_is_system(d) || desc_type(d) != DT_LDT)
        return fault(v, 13, sel & ~3u);
    if (!desc_present(d))
        return fault(v, 11, sel & ~3u);
    seg_from_descriptor(&v->ldtr, sel, d);
    return true;
}

bool sys_ltr(struct vcpu *v, uint16_t sel)
{
    if ((sel & ~3u) == 0)
        return fault(v, 13, 0);
    if (sel & 4)
        return fault(v, 13, sel & ~3u);
    uint32_t d[2];
    switch (desc_fetch(v, sel, d)) {
    case DESC_OUTSIDE: return fault(v, 13, sel & ~3u);
    case DESC_MEMFAULT: return false;
    case DESC_OK: break;
    }
    unsigned type = desc_type(d);
    if (!desc_is_system(d) || (type != DT_TSS32_AVAIL && type != DT_TSS16_AVAIL))
        return fault(v, 13, sel & ~3u);
    if (!desc_present(d))
        return fault(v, 11, sel & ~3u);
    d[1] |= dbt_broken("ltr-busy") ? 0 : 2u << 8;      /* busy */
    if (!desc_store_high(v, sel, d[1]))
        return false;
    seg_from_descriptor(&v->tr, sel, d);
    return true;
}

/* May LAR/LSL/VERR/VERW see this descriptor at the current CPL and the
 * selector's RPL? (Conforming code segments: always.) */
static bool visible(const struct vcpu *v, uint16_t sel, const uint32_t d[2])
{
    unsigned dpl = desc_dpl(d);
    return desc_conforming(d) || (dpl >= v->cpl && dpl >= (sel & 3u));
}

/* Reads the descriptor LAR/LSL/VERR/VERW look at. False for a null or
 * out-of-table selector (ZF = 0, no fault) and, with *faulted set, when
 * reading the table faulted. */
static bool inspect(struct vcpu *v, uint16_t sel, uint32_t d[2], bool *faulted)
{
    *faulted = false;
    if ((sel & ~3u) == 0)
        return false;
    enum desc_status st = desc_fetch(v, sel, d);
    *faulted = st == DESC_MEMFAULT;
    return st == DESC_OK;
}

bool sys_lar_lsl(struct vcpu *v, uint16_t sel, bool lsl, bool *ok, uint32_t *out)
{
    uint32_t d[2];
    bool faulted;
    *ok = false;
    if (!inspect(v, sel, d, &faulted))
        return !faulted;
    if (desc_is_system(d)) {
        /* LAR: LDT, TSSes, call and task gates; LSL: LDT and TSSes. */
        static const bool lar_ok[16] = { [1] = 1, [2] = 1, [3] = 1, [4] = 1, [5] = 1,
                                          [9] = 1, [11] = 1, [12] = 1 };
        static const bool lsl_ok[16] = { [1] = 1, [2] = 1, [3] = 1, [9] = 1, [11] = 1 };
        if (!(lsl ? lsl_ok : lar_ok)[desc_type(d)])
            return true;
    }
    if (!visible(v, sel, d))
        return true;
    *ok = true;
    *out = lsl ? desc_limit(d) : d[1] & (dbt_broken("lar-mask") ? ~0u : 0x00f0ff00u);
    return true;
}

bool sys_verr_verw(struct vcpu *v, uint16_t sel, bool write, bool *ok)
{
    uint32_t d[2];
    bool faulted;
    *ok = false;
    if (!inspect(v, sel, d, &faulted))
        return !faulted;
    if (desc_is_system(d) || !visible(v, sel, d))
        return true;
    bool rw = d[1] & (1u << 9);      /* W for data, R for code */
    *ok = write ? !desc_is_code(d) && rw : !desc_is_code(d) || rw;
    return true;
}

/* SYSENTER and SYSEXIT load fixed flat segments from SYSENTER_CS without
 * reading the GDT (SDM vol. 2B). */
static void flat_segment(struct vcpu *v, int sreg, uint16_t sel, bool code, unsigned dpl)
{
    struct segment *s = &v->seg[sreg];
    s->selector = sel;
    s->base = 0;
    s->limit = 0xffffffffu;
    s->attrib = SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_DB | SEG_ATTR_G | (dpl << 5) | (code ? 0xb : 0x3);
    vcpu_segment_changed(v, sreg);
}

bool sys_sysenter(struct vcpu *v)
{
    uint16_t cs = (uint16_t)v->sysenter_cs;
    if ((cs & ~3u) == 0)
        return fault(v, 13, 0);
    vcpu_set_eflags(v, vcpu_get_eflags(v) & ~(EFL_VM | EFL_IF | EFL_RF));
    flat_segment(v, S_CS, cs & ~3u, true, 0);
    flat_segment(v, S_SS, (uint16_t)((cs & ~3u) + 8), false, 0);
    v->cpl = 0;
    v->regs[R_ESP] = v->sysenter_esp;
    v->eip = v->sysenter_eip;
    return true;
}

bool sys_sysexit(struct vcpu *v)
{
    uint16_t cs = (uint16_t)v->sysenter_cs;
    if ((cs & ~3u) == 0 || v->cpl != 0)
        return fault(v, 13, 0);
    flat_segment(v, S_CS, (uint16_t)((cs & ~3u) + 16) | 3, true, 3);
    flat_segment(v, S_SS, (uint16_t)((cs & ~3u) + (dbt_broken("sysexit") ? 16 : 24)) | 3, false, 3);
    v->cpl = 3;
    v->regs[R_ESP] = v->regs[R_ECX];
    v->eip = v->regs[R_EDX];
    return true;
}
