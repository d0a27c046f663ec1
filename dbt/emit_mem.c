/* Guest memory accesses: effective address, segment base, shadow-map lookup
 * and the out-of-line slow path (../shared/design/TRANSLATION.md, "A memory
 * access"). The fast path for a flat segment with dead flags is
 *
 *     lea   r10d, [ebx+esi*4+8]        effective address, wraps mod 2^32
 *     mov   r11d, r10d
 *     shr   r11d, 12
 *     mov   r11, [r14 + r11*8 + table]  host addend, or 0
 *     test  r11, r11
 *     jz    slow                        (out of line, calls mem_slow in C)
 *   resume:
 *     <the instruction on [r11 + r10]>
 *   after:
 *
 * When guest flags are live across the lookup (x->live), the lookup is
 * wrapped in pushfq/popfq; the slow stub pops them before calling C and
 * jumps back to `resume`, so the instruction is emitted only once. */
#include "dbt/xlate.h"
#include "dbt/translate.h"
#include "dbt/callouts.h"
#include "shadow-mmu/shadow.h"

#include <cpuid.h>

bool host_has_bmi2;

void emit_mem_init(void)
{
    unsigned a, b, c, d;
    host_has_bmi2 = __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 8));
}

void emit_ea(struct xlate *x, const struct mem_operand *m)
{
    struct emitter *em = x->em;
    int base = m->base >= 0 ? host_reg(m->base) : HR_NONE;
    int index = m->index >= 0 ? host_reg(m->index) : HR_NONE;
    if (base == HR_NONE && index == HR_NONE) {
        uint32_t disp = (uint32_t)m->disp;
        if (m->addr_size == 2)
            disp &= 0xffff;
        EMIT(em, X_MOV, HREG(HR_R10, 4), HIMM(disp));
        return;
    }
    if (base == HR_NONE && m->scale == 1) {
        base = index;
        index = HR_NONE;
    }
    EMIT(em, X_LEA, HREG(HR_R10, 4), HMEM(0, base, index, m->scale, m->disp));
    if (m->addr_size == 2)
        EMIT(em, X_MOVZX, HREG(HR_R10, 4), HREG(HR_R10, 2));
}

static struct stub *stub_new(struct xlate *x)
{
    struct stub *s = stub_alloc(x);
    s->label = label_new(x->em);
    s->back = label_new(x->em);
    s->after = label_new(x->em);
    s->flagfree_miss = -1;
    s->eip = x->in->eip;
    return s;
}

static bool flags_live(const struct xlate *x)
{
    return (x->live & (EFL_HOST_LIVE & ~EFL_DF)) != 0;
}

int emit_lookup(struct xlate *x, int seg, unsigned size, bool write)
{
    struct emitter *em = x->em;
    enum segmode sm = MODE_SEG(x->key, seg);
    bool user = MODE_CPL(x->key) == 3;
    if (x->direct && !(x->key & (MODE_PAGING | MODE_SLOWMEM)) && sm != SEGMODE_CHECKED) {
        /* Direct mode: paging is off, so the linear address is physical and
         * the guest byte is r13 + r10 in the window (shadow-mmu/physmem.c).
         * Holes and pages with translated code fault there; the signal
         * handler has the instruction redone in MODE_SLOWMEM. Flag-free. */
        if (sm == SEGMODE_BASED) {
            EMIT(em, X_MOV, HREG(HR_R11, 8), HMEM(8, HR_R15, HR_NONE, 0, VCPU_OFF(seg_base) + 8 * seg));
            EMIT(em, X_LEA, HREG(HR_R10, 4), HMEM(0, HR_R10, HR_R11, 1, 0));
        }
        x->mem.base = HR_R13;
        x->mem.index = HR_R10;
        x->mem.scale = 1;
        x->mem.disp = 0;
        return label_new(em);
    }
    x->mem.base = HR_R11;
    x->mem.index = HR_R10;
    x->mem.scale = 1;
    x->mem.disp = 0;
    struct stub *s = stub_new(x);
    s->kind = STUB_MEM;
    s->info = (size & 0xff) | (write ? MEMINFO_WRITE : 0) | ((uint32_t)seg << 12) |
              ((uint32_t)x->in->len << 16) | (user ? MEMINFO_USER : 0);
    const uint8_t *op = insn_opcode(x->in);
    if (write && size == 4 && x->in->opsize == 4 && op[0] == 0x89)
        s->info |= (uint32_t)(((op[1] >> 3) & 7) + 1) << 24;
    if (sm == SEGMODE_CHECKED) {
        /* Limits and expand-down checks live in C: always the slow path. */
        s->info |= MEMINFO_CHECKED;
        emit_jump(em, X_JMP, s->label);
        label_bind(em, s->back);
        return s->after;
    }
    if (sm == SEGMODE_BASED) {
        EMIT(em, X_MOV, HREG(HR_R11, 8), HMEM(8, HR_R15, HR_NONE, 0, VCPU_OFF(seg_base) + 8 * seg));
        EMIT(em, X_LEA, HREG(HR_R10, 4), HMEM(0, HR_R10, HR_R11, 1, 0));
    }
    bool live = flags_live(x);
    if (live && host_has_bmi2 && !(x->key & MODE_PAGING)) {
        /* Flag-free lookup: SHRX by a count in r8, and the empty-entry test
         * with JRCXZ on the addend swapped into rcx. The miss branch goes
         * through a short trampoline placed after the instruction. */
        int miss = label_new(em);
        s->flagfree_miss = miss;
        EMIT(em, X_MOV, HREG(HR_R8, 4), HIMM(GUEST_PAGE_SHIFT));
        EMIT(em, X_SHRX, HREG(HR_R11, 4), HREG(HR_R10, 4), HREG(HR_R8, 4));
        EMIT(em, X_MOV, HREG(HR_R11, 8),
             HMEM(8, HR_R14, HR_R11, 8, (int64_t)shadow_table_for(user, write) * SHADOW_TABLE_BYTES));
        EMIT(em, X_XCHG, HREG(HR_R11, 8), HREG(HR_RCX, 8));
        emit_jump(em, X_JRCXZ, miss);
        EMIT(em, X_XCHG, HREG(HR_R11, 8), HREG(HR_RCX, 8));
        label_bind(em, s->back);
        return s->after;
    }
    s->flagfree_miss = -1;
    /* With paging the slow path may raise #PF, whose frame must hold the
     * flags from before the instruction even where the instruction
     * overwrites them (SDM 6.5, faults are precise): the flags are pushed,
     * and the fast path drops them with a flag-free LEA (~1 cycle, where
     * POPFQ costs ~20). The stub pops them before calling C. */
    bool paging = x->key & MODE_PAGING;
    bool save = live || paging;
    s->info |= save ? MEMINFO_FLAGS_SAVED : 0;
    if (save)
        EMIT0(em, X_PUSHFQ);
    if ((x->key & MODE_PAGING) && size > 1) {
        /* Paging: the next linear page may map anywhere, so an access that
         * crosses a page boundary always takes the slow path. */
        EMIT(em, X_LEA, HREG(HR_R8, 4), HMEM(0, HR_R10, HR_NONE, 0, size - 1));
        EMIT(em, X_XOR, HREG(HR_R8, 4), HREG(HR_R10, 4));
        EMIT(em, X_CMP, HREG(HR_R8, 4), HIMM(GUEST_PAGE_SIZE - 1));
        emit_jump(em, X_JNBE, s->label);
    }
    EMIT(em, X_MOV, HREG(HR_R11, 4), HREG(HR_R10, 4));
    EMIT(em, X_SHR, HREG(HR_R11, 4), HIMM(GUEST_PAGE_SHIFT));
    EMIT(em, X_MOV, HREG(HR_R11, 8),
         HMEM(8, HR_R14, HR_R11, 8, (int64_t)shadow_table_for(user, write) * SHADOW_TABLE_BYTES));
    EMIT(em, X_TEST, HREG(HR_R11, 8), HREG(HR_R11, 8));
    emit_jump(em, X_JZ, s->label);
    if (live)
        EMIT0(em, X_POPFQ);
    else if (save)
        EMIT(em, X_LEA, HREG(HR_RSP, 8), HMEM(0, HR_RSP, HR_NONE, 0, 8));
    label_bind(em, s->back);
    return s->after;
}

void emit_access_done(struct xlate *x, int after_label)
{
    struct stub *s = NULL;
    for (int i = x->nstubs - 1; i >= 0; i--)
        if (x->stubs[i].kind == STUB_MEM && x->stubs[i].after == after_label) {
            s = &x->stubs[i];
            break;
        }
    if (s && s->flagfree_miss >= 0) {
        /* Fast path jumps over the miss trampoline (rel8 reach for JRCXZ). */
        int over = label_new(x->em);
        label_bind(x->em, after_label);
        emit_jump8(x->em, over);
        label_bind(x->em, s->flagfree_miss);
        EMIT(x->em, X_XCHG, HREG(HR_R11, 8), HREG(HR_RCX, 8));
        emit_jump(x->em, X_JMP, s->label);
        label_bind(x->em, over);
        return;
    }
    label_bind(x->em, after_label);
}

/* Direct mode without a LEA: [r13 + base + disp] computed in 64 bits.
 * A sum outside [0, 4 GiB) is what IA-32 wraps; it lands in an alias of
 * RAM or in a hole of the window (shadow-mmu/physmem.c), so it is right
 * or faults into the exact slow path. x86-64 addressing has room for one
 * guest register besides r13: base + disp or index * scale + disp. */
static bool direct_without_lea(const struct xlate *x, int seg, int addr_size, int base, int index)
{
    return x->direct && !(x->key & (MODE_PAGING | MODE_SLOWMEM)) &&
           MODE_SEG(x->key, seg) == SEGMODE_FLAT && addr_size == 4 && (base < 0 || index < 0);
}

int emit_mem_operand(struct xlate *x, unsigned size_override, bool write)
{
    const struct mem_operand *m = &x->in->mem;
    unsigned size = size_override ? size_override : m->size;
    if (direct_without_lea(x, m->seg, m->addr_size, m->base, m->index)) {
        int reg = m->base >= 0 ? m->base : m->index;
        x->mem.base = HR_R13;
        x->mem.index = (int8_t)(reg >= 0 ? host_reg(reg) : HR_NONE);
        x->mem.scale = m->base >= 0 ? 1 : m->scale;
        x->mem.disp = m->disp;
        return label_new(x->em);
    }
    emit_ea(x, m);
    return emit_lookup(x, m->seg, size ? size : 1, write);
}

int emit_stack_access(struct xlate *x, int32_t disp, unsigned size, bool write)
{
    if (direct_without_lea(x, S_SS, 4, R_ESP, -1)) {
        x->mem.base = HR_R13;
        x->mem.index = HR_R12;
        x->mem.scale = 1;
        x->mem.disp = disp;
        return label_new(x->em);
    }
    EMIT(x->em, X_LEA, HREG(HR_R10, 4), HMEM(0, HR_R12, HR_NONE, 0, disp));
    return emit_lookup(x, S_SS, size, write);
}

/* The out-of-line part, emitted after the block body. */
void emit_mem_stub(struct xlate *x, const struct stub *s)
{
    struct emitter *em = x->em;
    label_bind(em, s->label);
    emit_mark(em, s->eip);
    if (s->info & MEMINFO_FLAGS_SAVED)
        EMIT0(em, X_POPFQ);
    /* Tell C where the instruction ends, for a store that rewrites the
     * running block (SMC): it patches a jump to the monitor there. */
    EMIT(em, X_MOV, HREG(HR_R11, 8), HIMM((uint64_t)(uintptr_t)(em->exec + em->label_pos[s->after])));
    EMIT(em, X_MOV, HMEM(8, HR_R15, HR_NONE, 0, VCPU_OFF(slow_resume)), HREG(HR_R11, 8));
    EMIT(em, X_MOV, HMEM(4, HR_R15, HR_NONE, 0, VCPU_OFF(cur_eip)), HIMM(s->eip));
    EMIT(em, X_MOV, HMEM(4, HR_R15, HR_NONE, 0, VCPU_OFF(callout_info)), HIMM(s->info));
    EMIT(em, X_MOV, HREG(HR_R11, 8), HIMM((uint64_t)(uintptr_t)callout_mem_slow));
    EMIT(em, X_CALL, HMEM(8, HR_R15, HR_NONE, 0,
                          dbt_broken("fpu") ? VCPU_OFF(callout_entry) : VCPU_OFF(callout_light_entry)));
    emit_jump(em, X_JMP, s->back);
}
