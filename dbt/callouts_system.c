/* Privileged and sensitive instructions reached through callouts: CPUID
 * (the virtual CPU bt386 defines) and the system instructions: descriptor
 * tables (LGDT…SLDT, STR, LLDT, LTR), LAR/LSL/VERR/VERW, ARPL, control and
 * debug registers, MSRs, SYSENTER/SYSEXIT, segment loads (MOV/PUSH/POP
 * sreg, LDS…LSS), far CALL/JMP/RET and IRET. Each re-decodes the
 * instruction at cur_eip, fetches its operands, checks the CPL for the
 * privileged ones (#GP(0) above 0), hands the rule to ring-compression/,
 * and leaves the TC, because the translation mode may have changed. */
#include "dbt/callouts.h"
#include "codecache/tc.h"
#include "dbt/guest_mem.h"
#include "shadow-mmu/shadow.h"
#include "dbt/mode.h"
#include "common/stats.h"
#include "dbt/translate.h"
#include "decoder/insn.h"
#include "ring-compression/descriptors.h"
#include "ring-compression/far.h"
#include "ring-compression/sysregs.h"

#include <stdio.h>
#include <string.h>

/* CPUID: only what bt386 really implements. Family 6, model 3, stepping 3
 * (a P6 that has SYSENTER: family 6 below model 3 stepping 3 sets SEP
 * without it, and Linux checks for that). */
#define CPUID_FEATURES_EDX ((1u << 0) /* FPU */ | (1u << 2) /* DE */ | (1u << 3) /* PSE */ | \
                            (1u << 4) /* TSC */ | (1u << 5) /* MSR */ | (1u << 8) /* CX8 */ | \
                            (1u << 11) /* SEP */ | (1u << 13) /* PGE */ | \
                            (1u << 15) /* CMOV */ | (1u << 23) /* MMX */ | (1u << 24) /* FXSR */ | \
                            (1u << 25) /* SSE */ | (1u << 26) /* SSE2 */)

uint64_t callout_cpuid(struct vcpu *v)
{
    static const char vendor[12] = "GenuineBT386";
    static const char brand[48] = "bt386 virtual CPU (binary translation)";
    uint32_t leaf = v->regs[R_EAX], out[4] = { 0, 0, 0, 0 };
    g_stats.callouts[CALLOUT_cpuid]++;
    if (leaf == 0) {
        out[0] = 1;
        memcpy(&out[1], vendor, 4);         /* EBX */
        memcpy(&out[3], vendor + 4, 4);     /* EDX */
        memcpy(&out[2], vendor + 8, 4);     /* ECX */
    } else if (leaf == 1) {
        out[0] = 0x00000633;
        out[3] = CPUID_FEATURES_EDX & (dbt_broken("cpuid") ? ~(1u << 26) : ~0u);
    } else if (leaf == 0x80000000) {
        out[0] = 0x80000004;
    } else if (leaf >= 0x80000002 && leaf <= 0x80000004) {
        memcpy(out, brand + 16 * (leaf - 0x80000002), 16);
    }
    v->regs[R_EAX] = out[0];
    v->regs[R_EBX] = out[1];
    v->regs[R_ECX] = out[2];
    v->regs[R_EDX] = out[3];
    return 0;
}

/* An encoding of these opcode groups that bt386's CPU does not have (its
 * CPUID names no VMX, SVM, MONITOR…): #UD, as on such a CPU. */
static bool undefined_opcode(struct vcpu *v)
{
    raise_exception(v, 6, 0, false);
    return false;
}

/* MASKMOVQ/MASKMOVDQU: store the bytes of register `reg` whose byte in
 * register `rm` has its top bit set, to DS:[EDI] (segment overridable),
 * each byte as its own store (SDM MASKMOVDQU). The only MMX/SSE
 * instructions with a hidden memory operand: done here on the FXSAVE image
 * the callout trampoline left in the vCPU. MASKMOVQ is an MMX instruction:
 * it empties nothing but makes the x87 stack all valid with TOP = 0. */
static bool maskmov(struct vcpu *v, const struct insn *in, unsigned reg, unsigned rm)
{
    /* 66: the XMM form; a segment prefix overrides DS. */
    bool xmm = false;
    int seg = S_DS;
    for (const uint8_t *p = in->bytes; p < insn_opcode(in); p++) {
        static const uint8_t sreg_prefix[S_COUNT] = { 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65 };
        if (*p == 0x66)
            xmm = true;
        for (int s = 0; s < S_COUNT; s++)
            if (*p == sreg_prefix[s])
                seg = s;
    }
    if (xmm && !(v->cr4 & (1u << 9))) {
        raise_exception(v, 6, 0, false);
        return false;
    }
    unsigned n = xmm ? 16 : 8;
    const uint8_t *data = v->fpu_state + (xmm ? 160 + 16 * reg : 32 + 16 * reg);
    const uint8_t *mask = v->fpu_state + (xmm ? 160 + 16 * rm : 32 + 16 * rm);
    uint32_t edi = in->addr_size == 2 ? v->regs[R_EDI] & 0xffff : v->regs[R_EDI];
    for (unsigned i = 0; i < n; i++)
        if (((mask[i] & 0x80) || dbt_broken("maskmov")) && !gmem_write(v, seg, edi + i, 1, &data[i]))
            return false;
    if (!xmm) {
        v->fpu_state[4] = 0xff;                     /* abridged tag word: all valid */
        v->fpu_state[3] &= (uint8_t)~0x38;          /* FSW.TOP = 0 */
    }
    v->eip = in->eip + in->len;
    return true;
}

/* The r/m16 operand of a group-6 or LAR-like instruction. */
static bool read_rm16(struct vcpu *v, const struct insn *in, uint8_t modrm, uint16_t *out)
{
    uint32_t val = 0;
    if (in->has_mem) {
        if (!gmem_read(v, in->mem.seg, gmem_effective_address(v, &in->mem), 2, &val))
            return false;
    } else {
        val = v->regs[modrm & 7];
    }
    *out = (uint16_t)val;
    return true;
}

/* SLDT, STR, SMSW: 16 bits to memory, the operand size to a register. */
static bool store_rm(struct vcpu *v, const struct insn *in, uint8_t modrm, uint32_t val)
{
    if (in->has_mem)
        return gmem_write(v, in->mem.seg, gmem_effective_address(v, &in->mem), 2, &val);
    uint32_t *r = &v->regs[modrm & 7];
    *r = in->opsize == 2 ? (*r & 0xffff0000u) | (val & 0xffff) : val;
    return true;
}

static void set_zf(struct vcpu *v, bool zf)
{
    v->eflags = zf ? v->eflags | EFL_ZF : v->eflags & ~EFL_ZF;
}

/* Instructions only CPL 0 may execute raise #GP(0) above it. */
static bool privileged(struct vcpu *v)
{
    if (v->cpl == 0 || dbt_broken("priv"))
        return true;
    raise_exception(v, 13, 0, true);
    return false;
}

/* LDS, LES, LFS, LGS, LSS: offset then selector from memory. */
static bool load_far_pointer(struct vcpu *v, const struct insn *in, int sreg, unsigned reg)
{
    if (!in->has_mem) {
        raise_exception(v, 6, 0, false);
        return false;
    }
    uint32_t ea = gmem_effective_address(v, &in->mem), off = 0;
    uint16_t sel = 0;
    if (!gmem_read(v, in->mem.seg, ea, in->opsize, &off) ||
        !gmem_read(v, in->mem.seg, ea + in->opsize, 2, &sel) || !seg_load(v, sreg, sel))
        return false;
    v->regs[reg] = in->opsize == 2 ? (v->regs[reg] & 0xffff0000u) | (off & 0xffff) : off;
    return true;
}

static bool group6(struct vcpu *v, const struct insn *in, uint8_t modrm)
{
    unsigned op = (modrm >> 3) & 7;
    uint16_t sel;
    bool ok;
    switch (op) {
    case 0: return store_rm(v, in, modrm, v->ldtr.selector);              /* SLDT */
    case 1: return store_rm(v, in, modrm, v->tr.selector);                /* STR */
    case 2: case 3:                                                        /* LLDT, LTR */
        if (!privileged(v) || !read_rm16(v, in, modrm, &sel))
            return false;
        return op == 2 ? sys_lldt(v, sel) : sys_ltr(v, sel);
    case 4: case 5:                                                        /* VERR, VERW */
        if (!read_rm16(v, in, modrm, &sel) || !sys_verr_verw(v, sel, op == 5, &ok))
            return false;
        set_zf(v, ok);
        return true;
    default:
        return undefined_opcode(v);
    }
}

static bool group7(struct vcpu *v, const struct insn *in, uint8_t modrm)
{
    unsigned op = (modrm >> 3) & 7;
    if (op == 4)                                                           /* SMSW */
        return store_rm(v, in, modrm, in->has_mem ? v->cr0 & 0xffff : v->cr0);
    if (op == 6) {                                                         /* LMSW */
        uint16_t val;
        if (!privileged(v) || !read_rm16(v, in, modrm, &val))
            return false;
        /* Only PE, MP, EM, TS; PE cannot be cleared this way. */
        v->cr0 = (v->cr0 & ~0xeu) | (val & 0xfu) | (v->cr0 & CR0_PE);
        return true;
    }
    if (op == 7) {                  /* INVLPG (the translator calls callout_invlpg) */
        gva_t la;
        return invlpg_emulate(v, in, &la);
    }
    if (!in->has_mem || op == 5)
        return undefined_opcode(v);
    uint32_t ea = gmem_effective_address(v, &in->mem);
    if (op == 2 || op == 3) {                                              /* LGDT, LIDT */
        uint16_t limit;
        uint32_t base;
        if (!privileged(v) || !gmem_read(v, in->mem.seg, ea, 2, &limit) ||
            !gmem_read(v, in->mem.seg, ea + 2, 4, &base))
            return false;
        if (in->opsize == 2)
            base &= 0x00ffffff;
        if (op == 2) {
            v->gdtr_base = base;
            v->gdtr_limit = limit;
        } else {
            v->idtr_base = base;
            v->idtr_limit = limit;
        }
        return true;
    }
    uint16_t limit = op == 0 ? v->gdtr_limit : v->idtr_limit;             /* SGDT, SIDT */
    uint32_t base = op == 0 ? v->gdtr_base : v->idtr_base;
    return gmem_write(v, in->mem.seg, ea, 2, &limit) && gmem_write(v, in->mem.seg, ea + 2, 4, &base);
}

static bool push_sreg(struct vcpu *v, const struct insn *in, int sreg)
{
    uint32_t esp = v->regs[R_ESP], val = v->seg[sreg].selector;
    if (!gmem_write(v, S_SS, esp - in->opsize, in->opsize, &val))
        return false;
    v->regs[R_ESP] = esp - in->opsize;
    return true;
}

static bool pop_sreg(struct vcpu *v, const struct insn *in, int sreg)
{
    uint32_t esp = v->regs[R_ESP], val = 0;
    if (!gmem_read(v, S_SS, esp, in->opsize, &val) || !seg_load(v, sreg, (uint16_t)val))
        return false;
    v->regs[R_ESP] = esp + in->opsize;
    v->ss_shadow = sreg == S_SS;
    v->irq_shadow |= sreg == S_SS;      /* no interrupt before the next instruction */
    return true;
}

static bool twobyte(struct vcpu *v, const struct insn *in, const uint8_t *op)
{
    uint8_t b = op[1], modrm = op[2], reg = (modrm >> 3) & 7, rm = modrm & 7;
    uint32_t val;
    switch (b) {
    case 0x00: return group6(v, in, modrm);
    case 0x01: return group7(v, in, modrm);
    case 0x02: case 0x03: {                                  /* LAR, LSL */
        uint16_t sel;
        bool ok;
        if (!read_rm16(v, in, modrm, &sel) || !sys_lar_lsl(v, sel, b == 0x03, &ok, &val))
            return false;
        set_zf(v, ok);
        if (ok)
            v->regs[reg] = in->opsize == 2 ? (v->regs[reg] & 0xffff0000u) | (val & 0xffff) : val;
        return true;
    }
    case 0x06:                                               /* CLTS */
        if (!privileged(v))
            return false;
        v->cr0 &= ~CR0_TS;
        return true;
    case 0x08: case 0x09:                                    /* INVD, WBINVD: no caches */
        return privileged(v);
    case 0x20:                                               /* MOV r32, CRn */
        if (!privileged(v) || !sys_read_cr(v, reg, &val))
            return false;
        v->regs[rm] = val;
        return true;
    case 0x22:                                               /* MOV CRn, r32 */
        return privileged(v) && sys_write_cr(v, reg, v->regs[rm]);
    case 0x21:                                               /* MOV r32, DRn */
        if (!privileged(v) || !sys_read_dr(v, reg, &val))
            return false;
        v->regs[rm] = val;
        return true;
    case 0x23:                                               /* MOV DRn, r32 */
        return privileged(v) && sys_write_dr(v, reg, v->regs[rm]);
    case 0x30: return privileged(v) && sys_wrmsr(v);
    case 0x32: return privileged(v) && sys_rdmsr(v);
    case 0x33:                                               /* RDPMC: two counters, never counting */
        if ((!(v->cr4 & CR4_PCE) && !privileged(v)) || v->regs[R_ECX] > 1) {
            if (v->exception < 0)
                raise_exception(v, 13, 0, true);
            return false;
        }
        v->regs[R_EAX] = v->regs[R_EDX] = 0;
        return true;
    case 0x34: return sys_sysenter(v);
    case 0x35: return sys_sysexit(v);
    case 0xf7: return maskmov(v, in, reg, rm);
    case 0xa0: return push_sreg(v, in, S_FS);
    case 0xa8: return push_sreg(v, in, S_GS);
    case 0xa1: return pop_sreg(v, in, S_FS);
    case 0xa9: return pop_sreg(v, in, S_GS);
    case 0xb2: return load_far_pointer(v, in, S_SS, reg);
    case 0xb4: return load_far_pointer(v, in, S_FS, reg);
    case 0xb5: return load_far_pointer(v, in, S_GS, reg);
    default:
        /* SYSCALL, SYSRET (not on this 32-bit CPU), RSM outside SMM. */
        raise_exception(v, 6, 0, false);
        return false;
    }
}

static bool emulate(struct vcpu *v, const struct insn *in)
{
    const uint8_t *op = insn_opcode(in);
    uint32_t next = in->eip + in->len;
    if (op[0] == 0x0f) {
        v->eip = next;           /* SYSENTER and SYSEXIT put it elsewhere */
        return twobyte(v, in, op);
    }
    switch (op[0]) {
    case 0x8e: {                         /* MOV sreg, r/m16 */
        int sreg = (op[1] >> 3) & 7;
        uint16_t sel;
        if (sreg == S_CS || sreg > S_GS) {
            raise_exception(v, 6, 0, false);
            return false;
        }
        if (!read_rm16(v, in, op[1], &sel) || !seg_load(v, sreg, sel))
            return false;
        v->ss_shadow = sreg == S_SS;
        v->irq_shadow |= sreg == S_SS;  /* no interrupt before the next instruction */
        break;
    }
    case 0x8c: {                         /* MOV r/m16, sreg */
        int sreg = (op[1] >> 3) & 7;
        if (sreg > S_GS) {
            raise_exception(v, 6, 0, false);
            return false;
        }
        if (!store_rm(v, in, op[1], v->seg[sreg].selector))
            return false;
        break;
    }
    case 0x06: case 0x0e: case 0x16: case 0x1e:       /* PUSH ES/CS/SS/DS */
        if (!push_sreg(v, in, op[0] >> 3))
            return false;
        break;
    case 0x07: case 0x17: case 0x1f:                  /* POP ES/SS/DS */
        if (!pop_sreg(v, in, op[0] >> 3))
            return false;
        break;
    case 0xc4: case 0xc5:                             /* LES, LDS */
        if (!load_far_pointer(v, in, op[0] == 0xc4 ? S_ES : S_DS, (op[1] >> 3) & 7))
            return false;
        break;
    case 0x63: {                                      /* ARPL r/m16, r16 */
        uint16_t dst;
        uint16_t src = (uint16_t)v->regs[(op[1] >> 3) & 7];
        if (!read_rm16(v, in, op[1], &dst))
            return false;
        bool adjust = (dst & 3) < (src & 3);
        if (adjust) {
            dst = (uint16_t)((dst & ~3u) | (src & 3));
            if (in->has_mem ? !gmem_write(v, in->mem.seg, gmem_effective_address(v, &in->mem), 2, &dst)
                            : false)
                return false;
            if (!in->has_mem)
                v->regs[op[1] & 7] = (v->regs[op[1] & 7] & 0xffff0000u) | dst;
        }
        set_zf(v, adjust);
        break;
    }
    case 0x9a: case 0xea: {              /* CALL/JMP ptr16:16 or ptr16:32 */
        uint32_t off = 0;
        uint16_t sel;
        memcpy(&off, op + 1, in->opsize);
        memcpy(&sel, op + 1 + in->opsize, 2);
        return far_jmp_call(v, sel, off, in->opsize, op[0] == 0x9a, next);
    }
    case 0xff: {                         /* CALL/JMP m16:16 or m16:32 */
        uint32_t ea = gmem_effective_address(v, &in->mem), off = 0;
        uint16_t sel = 0;
        if (!in->has_mem) {
            raise_exception(v, 6, 0, false);
            return false;
        }
        if (!gmem_read(v, in->mem.seg, ea, in->opsize, &off) ||
            !gmem_read(v, in->mem.seg, ea + in->opsize, 2, &sel))
            return false;
        return far_jmp_call(v, sel, off, in->opsize, ((op[1] >> 3) & 7) == 3, next);
    }
    case 0xca: case 0xcb:                /* RET far [imm16] */
        return far_ret(v, in->opsize, op[0] == 0xca ? (uint16_t)in->imm : 0);
    case 0xcf:                           /* IRET */
        return far_iret(v, in->opsize, next);
    case 0xf1:                           /* INT1 (ICEBP): a #DB trap, no gate DPL check */
        raise_exception(v, 1, 0, false);
        v->eip = next;
        return false;
    default:
        return undefined_opcode(v);
    }
    v->eip = next;
    return true;
}

uint64_t callout_mov_sreg(struct vcpu *v)
{
    uint32_t info = v->callout_info;
    int sreg = info & 7;
    g_stats.callouts[CALLOUT_misc]++;
    if (!seg_load(v, sreg, (uint16_t)v->regs[(info >> 4) & 7]))
        return 0;
    v->ss_shadow = sreg == S_SS;
    v->irq_shadow |= sreg == S_SS;      /* no interrupt before the next instruction */
    bool step = v->mode_key & MODE_STEP;
    if (step || segmode_of(&v->seg[sreg], step) != MODE_SEG(v->mode_key, sreg)) {
        v->eip = v->cur_eip + (info >> 8);
        v->stop_request = 1;
    }
    return 0;
}

/* SYSENTER/SYSEXIT change the CPL: always back to the run loop (or on to
 * the next block through tc_continue_target). Their new mode is the old one
 * with flat 32-bit CS and SS at the new CPL (unless alignment checking or
 * single-step makes it MODE_STEP: then it is computed in full). */
static uint64_t fast_system_call(struct vcpu *v, bool (*op)(struct vcpu *))
{
    g_stats.callouts[CALLOUT_misc]++;
    v->eip = v->cur_eip + v->callout_info;
    if (!op(v))
        return 0;
    v->stop_request = 1;
    uint32_t old = v->mode_key;
    if (!(old & (MODE_STEP | MODE_SLOWMEM)) && !((v->cr0 & CR0_AM) && (v->eflags & EFL_AC)))
        v->key_hint = KEY_HINT_VALID |
                      (old & ~(3u | 3u << MODE_SEG_SHIFT(S_CS) | 3u << MODE_SEG_SHIFT(S_SS) | MODE_CODE16)) |
                      v->cpl;
    return 0;
}

uint64_t callout_sysenter(struct vcpu *v)
{
    return fast_system_call(v, sys_sysenter);
}

uint64_t callout_sysexit(struct vcpu *v)
{
    return fast_system_call(v, sys_sysexit);
}

uint64_t callout_system_fpu(struct vcpu *v)
{
    return callout_system(v);
}

uint64_t callout_system(struct vcpu *v)
{
    struct insn in;
    g_stats.callouts[CALLOUT_misc]++;
    if (!gmem_decode_current(v, &in)) {
        raise_exception(v, 6, 0, false);
        return 0;
    }
    if (emulate(v, &in))
        v->stop_request = 1;        /* the mode may have changed: back to the monitor */
    return 0;
}
