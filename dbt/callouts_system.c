/* Privileged and sensitive instructions reached through callouts: CPUID
 * (the virtual CPU bt386 defines), and the first system instructions a
 * Multiboot kernel uses: LGDT/LIDT, SGDT/SIDT, MOV to and from CRn, MOV to
 * and from segment registers, PUSH/POP sreg, far JMP, CLTS, INVD, WBINVD,
 * INVLPG. Each re-decodes the instruction at cur_eip and leaves the TC,
 * because it may change the translation mode. The full privileged
 * architecture (checks at CPL > 0, gates, task switches…) belongs to the
 * ring-compression issue; what is not handled yet raises #UD and says so. */
#include "dbt/callouts.h"
#include "dbt/guest_mem.h"
#include "common/stats.h"
#include "dbt/translate.h"
#include "decoder/insn.h"
#include "ring-compression/segment.h"

#include <stdio.h>
#include <string.h>

/* CPUID: only what bt386 really implements. Family 6, model 1. */
#define CPUID_FEATURES_EDX ((1u << 0) /* FPU */ | (1u << 4) /* TSC */ | (1u << 8) /* CX8 */ | \
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
        out[0] = 0x00000611;
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

/* Loads a segment register from the GDT (protected mode, SDM vol. 3, 5.4).
 * Returns false after raising the fault. */
static bool load_segment(struct vcpu *v, int sreg, uint16_t sel)
{
    struct segment s = { .selector = sel };
    if ((sel & ~3u) == 0) {
        if (sreg == S_SS || sreg == S_CS) {
            raise_exception(v, 13, 0, true);
            return false;
        }
        v->seg[sreg] = s;               /* null: unusable, P = 0 */
        vcpu_segment_changed(v, sreg);
        return true;
    }
    if (sel & 4) {                       /* LDT: the ring-compression issue */
        raise_exception(v, 13, sel & ~3u, true);
        return false;
    }
    if ((uint32_t)(sel | 7) > v->gdtr_limit) {
        raise_exception(v, 13, sel & ~3u, true);
        return false;
    }
    uint32_t d[2];
    gva_t at = v->gdtr_base + (sel & ~7u);
    if (!gmem_read_linear(v, at, 8, d))
        return false;
    struct seg_fault f;
    if (!seg_check_load(v, sreg, sel, d, &f)) {
        raise_exception(v, f.vector, f.error_code, true);
        return false;
    }
    /* The CPU marks the descriptor accessed (type bit 0) when it loads it. */
    if (!(d[1] & (1u << 8))) {
        d[1] |= 1u << 8;
        gmem_write_linear(v, at + 4, 4, &d[1]);
    }
    seg_from_descriptor(&s, sel, d);
    v->seg[sreg] = s;
    vcpu_segment_changed(v, sreg);
    return true;
}

static bool unsupported(struct vcpu *v, const struct insn *in)
{
    fprintf(stderr, "bt386: guest instruction at %08x (%s) is not supported yet\n",
            v->cur_eip, insn_kind_names[in->kind]);
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

/* Far JMP/CALL to a code segment at the same privilege level (SDM vol. 3,
 * 5.8.1); call gates and task switches belong to ring compression. */
static bool far_transfer(struct vcpu *v, const struct insn *in, uint16_t sel, uint32_t off, bool call)
{
    unsigned size = in->opsize;
    uint32_t esp = v->regs[R_ESP];
    uint32_t old_cs = v->seg[S_CS].selector, ret = in->eip + in->len;
    if (call && (!gmem_write(v, S_SS, esp - size, size, &old_cs) ||
                 !gmem_write(v, S_SS, esp - 2 * size, size, &ret)))
        return false;
    if (!load_segment(v, S_CS, sel))
        return false;
    if (call)
        v->regs[R_ESP] = esp - 2 * size;
    v->eip = size == 2 ? off & 0xffff : off;
    return true;
}

static bool emulate(struct vcpu *v, const struct insn *in)
{
    const uint8_t *op = insn_opcode(in);
    uint32_t next = in->eip + in->len;
    if (op[0] == 0x0f) {
        uint8_t b = op[1], modrm = op[2], reg = (modrm >> 3) & 7, rm = modrm & 7;
        switch (b) {
        case 0x01: {                     /* group 7: SGDT SIDT LGDT LIDT SMSW LMSW INVLPG */
            if (reg == 7) {              /* INVLPG: nothing cached without paging */
                v->eip = next;
                return true;
            }
            if (reg == 4 || reg == 6)
                return unsupported(v, in);
            if (!in->has_mem)
                return unsupported(v, in);
            uint32_t ea = gmem_effective_address(v, &in->mem);
            if (reg == 2 || reg == 3) {  /* LGDT / LIDT */
                uint16_t limit;
                uint32_t base;
                if (!gmem_read(v, in->mem.seg, ea, 2, &limit) || !gmem_read(v, in->mem.seg, ea + 2, 4, &base))
                    return false;
                if (in->opsize == 2)
                    base &= 0x00ffffff;
                if (reg == 2) {
                    v->gdtr_base = base;
                    v->gdtr_limit = limit;
                } else {
                    v->idtr_base = base;
                    v->idtr_limit = limit;
                }
            } else {                     /* SGDT / SIDT */
                uint16_t limit = reg == 0 ? v->gdtr_limit : v->idtr_limit;
                uint32_t base = reg == 0 ? v->gdtr_base : v->idtr_base;
                if (!gmem_write(v, in->mem.seg, ea, 2, &limit) || !gmem_write(v, in->mem.seg, ea + 2, 4, &base))
                    return false;
            }
            v->eip = next;
            return true;
        }
        case 0x06:                       /* CLTS */
            v->cr0 &= ~8u;
            v->eip = next;
            return true;
        case 0x08: case 0x09:            /* INVD, WBINVD: no caches to write back */
            v->eip = next;
            return true;
        case 0x20:                       /* MOV r32, CRn */
            switch (reg) {
            case 0: v->regs[rm] = v->cr0; break;
            case 2: v->regs[rm] = v->cr2; break;
            case 3: v->regs[rm] = v->cr3; break;
            case 4: v->regs[rm] = v->cr4; break;
            default: raise_exception(v, 6, 0, false); return false;
            }
            v->eip = next;
            return true;
        case 0x22: {                     /* MOV CRn, r32 */
            uint32_t val = v->regs[rm];
            switch (reg) {
            case 0:
                if (val & 0x80000000u) {
                    fprintf(stderr, "bt386: guest enables paging; the shadow MMU is not there yet\n");
                    return unsupported(v, in);
                }
                v->cr0 = val | 0x10;
                break;
            case 2: v->cr2 = val; break;
            case 3: v->cr3 = val; break;
            case 4: v->cr4 = val; break;
            default: raise_exception(v, 6, 0, false); return false;
            }
            v->eip = next;
            return true;
        }
        case 0xf7:                       /* MASKMOVQ mm, mm / MASKMOVDQU xmm, xmm */
            return maskmov(v, in, reg, rm);
        case 0xa0: case 0xa8: case 0xa1: case 0xa9: {   /* PUSH/POP FS/GS */
            int sreg = (b & 8) ? S_GS : S_FS;
            unsigned size = in->opsize;
            uint32_t esp = v->regs[R_ESP];
            if (b == 0xa0 || b == 0xa8) {
                uint32_t val = v->seg[sreg].selector;
                if (!gmem_write(v, S_SS, esp - size, size, &val))
                    return false;
                v->regs[R_ESP] = esp - size;
            } else {
                uint32_t val = 0;
                if (!gmem_read(v, S_SS, esp, size, &val) || !load_segment(v, sreg, (uint16_t)val))
                    return false;
                v->regs[R_ESP] = esp + size;
            }
            v->eip = next;
            return true;
        }
        default:
            return unsupported(v, in);
        }
    }
    switch (op[0]) {
    case 0x8e: {                         /* MOV sreg, r/m16 */
        int sreg = (op[1] >> 3) & 7;
        uint32_t sel = 0;
        if (sreg == S_CS || sreg > S_GS) {
            raise_exception(v, 6, 0, false);
            return false;
        }
        if (in->has_mem) {
            if (!gmem_read(v, in->mem.seg, gmem_effective_address(v, &in->mem), 2, &sel))
                return false;
        } else {
            sel = v->regs[op[1] & 7];
        }
        if (!load_segment(v, sreg, (uint16_t)sel))
            return false;
        v->eip = next;
        return true;
    }
    case 0x8c: {                         /* MOV r/m16, sreg */
        int sreg = (op[1] >> 3) & 7;
        uint32_t sel = v->seg[sreg].selector;
        if (in->has_mem) {
            if (!gmem_write(v, in->mem.seg, gmem_effective_address(v, &in->mem), 2, &sel))
                return false;
        } else if (in->opsize == 2) {
            v->regs[op[1] & 7] = (v->regs[op[1] & 7] & 0xffff0000u) | sel;
        } else {
            v->regs[op[1] & 7] = sel;   /* 32-bit register destination: zero-extended */
        }
        v->eip = next;
        return true;
    }
    case 0x06: case 0x0e: case 0x16: case 0x1e: {   /* PUSH ES/CS/SS/DS */
        int sreg = op[0] >> 3;
        unsigned size = in->opsize;
        uint32_t esp = v->regs[R_ESP], val = v->seg[sreg].selector;
        if (!gmem_write(v, S_SS, esp - size, size, &val))
            return false;
        v->regs[R_ESP] = esp - size;
        v->eip = next;
        return true;
    }
    case 0x07: case 0x17: case 0x1f: {   /* POP ES/SS/DS */
        int sreg = op[0] >> 3;
        unsigned size = in->opsize;
        uint32_t esp = v->regs[R_ESP], val = 0;
        if (!gmem_read(v, S_SS, esp, size, &val) || !load_segment(v, sreg, (uint16_t)val))
            return false;
        v->regs[R_ESP] = esp + size;
        v->eip = next;
        return true;
    }
    case 0x9a:                           /* CALL ptr16:32 */
    case 0xea: {                         /* JMP ptr16:32 */
        uint32_t off;
        uint16_t sel;
        if (in->opsize == 4) {
            memcpy(&off, op + 1, 4);
            memcpy(&sel, op + 5, 2);
        } else {
            uint16_t o16;
            memcpy(&o16, op + 1, 2);
            memcpy(&sel, op + 3, 2);
            off = o16;
        }
        return far_transfer(v, in, sel, off, op[0] == 0x9a);
    }
    case 0xff: {                         /* CALL/JMP m16:16 or m16:32 */
        unsigned size = in->opsize;
        uint32_t ea = gmem_effective_address(v, &in->mem), off = 0;
        uint16_t sel = 0;
        if (!in->has_mem || !gmem_read(v, in->mem.seg, ea, size, &off) ||
            !gmem_read(v, in->mem.seg, ea + size, 2, &sel))
            return false;
        return far_transfer(v, in, sel, off, ((op[1] >> 3) & 7) == 3);
    }
    case 0xca: case 0xcb:                /* RET far */
    case 0xcf: {                         /* IRET */
        unsigned size = in->opsize;
        uint32_t esp = v->regs[R_ESP], eip = 0, cs = 0, fl = 0;
        bool iret = op[0] == 0xcf;
        if (!gmem_read(v, S_SS, esp, size, &eip) || !gmem_read(v, S_SS, esp + size, size, &cs) ||
            (iret && !gmem_read(v, S_SS, esp + 2 * size, size, &fl)))
            return false;
        if ((cs & 3) != v->cpl)          /* to an outer level: ring compression */
            return unsupported(v, in);
        if (!load_segment(v, S_CS, (uint16_t)cs))
            return false;
        v->regs[R_ESP] = esp + (iret ? 3 : 2) * size + (op[0] == 0xca ? in->imm & 0xffff : 0);
        if (iret) {
            uint32_t keep = size == 2 ? vcpu_get_eflags(v) & 0xffff0000u : 0;
            uint32_t mask = size == 2 ? 0xffffu : 0xffffffffu;
            /* Same level at CPL 0: every flag but VIP/VIF/VM may change. */
            fl = (fl & mask & ~(EFL_VM | EFL_VIF | EFL_VIP)) | keep;
            vcpu_set_eflags(v, fl | (vcpu_get_eflags(v) & (EFL_VM | EFL_VIF | EFL_VIP)));
        }
        v->eip = size == 2 ? eip & 0xffff : eip;
        return true;
    }
    default:
        return unsupported(v, in);
    }
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
