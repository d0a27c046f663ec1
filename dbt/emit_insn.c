/* One emitter per instruction class, chosen by a table indexed by the
 * decoder's kind (no opcode switch here: decoding is decoder/'s job).
 * Each returns false when the instruction ends the block. Conventions:
 * r10 = guest address, r11 = host addend, r9 = a value in flight, r8 =
 * lookup scratch (dbt/emit_mem.c); guest flags are never clobbered where
 * x->live says they are needed. */
#include "dbt/xlate.h"
#include "dbt/callouts.h"
#include "common/panic.h"
#include "dbt/translate.h"

#define SCRATCH0 ((int64_t)VCPU_OFF(scratch))

static struct hop vmem(unsigned size, int64_t off)
{
    return HMEM(size, HR_R15, HR_NONE, 0, off);
}

/* The guest operand after emit_lookup: [r11 + r10] (shadow map) or
 * [r13 + r10] (direct mode). */
static struct hop guest_mem(const struct xlate *x, unsigned size)
{
    return HMEM(size, x->mem.base, x->mem.index, x->mem.scale, x->mem.disp);
}

/* AH/CH/DH/BH cannot be encoded next to a REX prefix: bring the byte into
 * r9b through a vCPU scratch slot, and back (MOVs only: flags untouched). */
static void high8_load(struct xlate *x, int r)
{
    EMIT(x->em, X_MOV, vmem(4, SCRATCH0), HREG(r, 4));
    EMIT(x->em, X_MOVZX, HREG(HR_R9, 4), vmem(1, SCRATCH0 + 1));
}

static void high8_store(struct xlate *x, int r)
{
    EMIT(x->em, X_MOV, vmem(1, SCRATCH0 + 1), HREG(HR_R9, 1));
    EMIT(x->em, X_MOV, HREG(r, 4), vmem(4, SCRATCH0));
}

static void emit_rewritten(struct xlate *x, const struct rewrite *rw)
{
    uint8_t buf[16];
    int n = x64_rewrite(x->in, rw, buf);
    if (n < 0)
        panic("translator: no 64-bit encoding for guest instruction at %08x (%02x %02x %02x)",
              x->in->eip, x->in->bytes[0], x->in->bytes[1], x->in->bytes[2]);
    emit_raw(x->em, buf, (size_t)n);
}

static bool emit_generic(struct xlate *x)
{
    const struct insn *in = x->in;
    if (in->ident) {
        emit_raw(x->em, in->bytes, in->len);
        return true;
    }
    if (in->has_mem && !in->mem.read && !in->mem.write)
        return true;                    /* hint NOPs and prefetches: no access */
    struct rewrite rw = {
        .mem_to_r11_r10 = in->has_mem,
        .high8_to_r9b = in->high8 >= 0 && (in->has_mem || in->uses_esp),
    };
    if (rw.high8_to_r9b)
        high8_load(x, in->high8);
    int after = -1;
    if (in->has_mem)
        after = emit_mem_operand(x, 0, in->mem.write);
    rw.mem_custom = in->has_mem;
    rw.mem_base = x->mem.base;
    rw.mem_index = x->mem.index;
    rw.mem_scale = x->mem.scale;
    rw.mem_disp = x->mem.disp;
    emit_rewritten(x, &rw);
    if (after >= 0)
        emit_access_done(x, after);
    if (rw.high8_to_r9b && !dbt_broken("high8"))
        high8_store(x, in->high8);
    return true;
}

static bool emit_lea(struct xlate *x)
{
    const struct mem_operand *m = &x->in->mem;
    unsigned sz = x->in->opsize;
    if (m->addr_size == 4 && (m->base >= 0 || m->index >= 0)) {
        /* One host LEA: a 32-bit (or 16-bit) destination keeps the low
         * bits of the 64-bit sum, which is IA-32's wrap-around. */
        int base = m->base >= 0 ? host_reg(m->base) : HR_NONE;
        int index = m->index >= 0 ? host_reg(m->index) : HR_NONE;
        EMIT(x->em, X_LEA, HREG(host_reg(x->in->reg), sz), HMEM(0, base, index, m->scale, m->disp));
        return true;
    }
    emit_ea(x, m);
    EMIT(x->em, X_MOV, HREG(host_reg(x->in->reg), sz), HREG(HR_R10, sz));
    return true;
}

/* Loads a value of `size` bytes from [r11 + r10] into r9d, zero-extended. */
static void load_r9(struct xlate *x, unsigned size)
{
    if (size == 4)
        EMIT(x->em, X_MOV, HREG(HR_R9, 4), guest_mem(x, 4));
    else
        EMIT(x->em, X_MOVZX, HREG(HR_R9, 4), guest_mem(x, size));
}

/* The r/m operand (register or memory) of the current instruction into r9d. */
static void operand_to_r9(struct xlate *x, unsigned size)
{
    const struct insn *in = x->in;
    if (in->has_mem) {
        int after = emit_mem_operand(x, size, false);
        load_r9(x, size);
        emit_access_done(x, after);
    } else if (in->high8 >= 0) {
        high8_load(x, in->high8);
    } else if (size == 4) {
        EMIT(x->em, X_MOV, HREG(HR_R9, 4), HREG(host_reg(in->reg), 4));
    } else {
        EMIT(x->em, X_MOVZX, HREG(HR_R9, 4), HREG(host_reg(in->reg), size));
    }
}

static struct stub *exception_stub(struct xlate *x, int vector)
{
    struct stub *s = stub_alloc(x);
    s->kind = STUB_CALLOUT_EXIT;
    s->label = label_new(x->em);
    s->eip = x->in->eip;
    s->info = (uint32_t)vector;
    return s;
}

/* DIV/IDIV: a zero divisor raises #DE from the monitor, never as a host
 * SIGFPE. The test is flag-free (JRCXZ on the divisor swapped into rcx):
 * a faulting DIV leaves the guest's flags as they were, and the #DE frame
 * shows them. A quotient overflow still faults on the host;
 * monitor/signals.c maps it. */
static bool emit_div(struct xlate *x)
{
    struct emitter *em = x->em;
    unsigned size = x->in->has_mem ? x->in->mem.size : x->in->opsize;
    operand_to_r9(x, size);
    struct stub *de = exception_stub(x, 0);
    int zero = label_new(em), nonzero = label_new(em);
    EMIT(em, X_XCHG, HREG(HR_R9, 8), HREG(HR_RCX, 8));
    emit_jump(em, X_JRCXZ, zero);
    EMIT(em, X_XCHG, HREG(HR_R9, 8), HREG(HR_RCX, 8));
    emit_jump(em, X_JMP, nonzero);
    label_bind(em, zero);
    EMIT(em, X_XCHG, HREG(HR_R9, 8), HREG(HR_RCX, 8));
    emit_jump(em, X_JMP, de->label);
    label_bind(em, nonzero);
    /* ModRM reg field 6 = DIV, 7 = IDIV (opcodes F6/F7). */
    const uint8_t *p = insn_opcode(x->in);
    bool idiv = ((p[1] >> 3) & 7) == 7;
    if (dbt_broken("div"))
        idiv = !idiv;
    EMIT(em, idiv ? X_IDIV : X_DIV, HREG(HR_R9, size));
    return true;
}

/* Guest stack: [SS:ESP - size] store, then ESP moves (precise on a fault). */
static void push_value(struct xlate *x, unsigned size, struct hop value)
{
    int after = emit_stack_access(x, -(int32_t)size, size, true);
    EMIT(x->em, X_MOV, guest_mem(x, size), value);
    emit_access_done(x, after);
    EMIT(x->em, X_LEA, HREG(HR_R12, 4),
         HMEM(0, HR_R12, HR_NONE, 0, -(int64_t)(dbt_broken("push16") ? 4 : size)));
}

/* Loads [SS:ESP] of `size` bytes into r9d; ESP is not moved yet. */
static void pop_to_r9(struct xlate *x, unsigned size)
{
    int after = emit_stack_access(x, 0, size, false);
    load_r9(x, size);
    emit_access_done(x, after);
}

static void esp_add(struct xlate *x, int64_t n)
{
    EMIT(x->em, X_LEA, HREG(HR_R12, 4), HMEM(0, HR_R12, HR_NONE, 0, n));
}

static bool emit_push(struct xlate *x)
{
    const struct insn *in = x->in;
    unsigned size = in->opsize;
    switch (in->src) {
    case OPND_IMM:
        push_value(x, size, HIMM(size == 2 ? (in->imm & 0xffff) : in->imm));
        break;
    case OPND_MEM:
        operand_to_r9(x, size);
        push_value(x, size, HREG(HR_R9, size));
        break;
    default:
        push_value(x, size, HREG(host_reg(in->reg), size));
        break;
    }
    return true;
}

static bool emit_pop(struct xlate *x)
{
    const struct insn *in = x->in;
    unsigned size = in->opsize;
    pop_to_r9(x, size);
    if (in->src == OPND_MEM) {
        /* SDM: the destination address is computed after ESP moves; ESP
         * itself moves only once the store is done, so a store that
         * faults (#PF) or is redone (MMIO) leaves it as it was. */
        struct insn *adjusted = &x->insns[x->in - x->insns];
        int32_t disp = adjusted->mem.disp;
        if (adjusted->mem.base == R_ESP)
            adjusted->mem.disp += (int32_t)size;
        int after = emit_mem_operand(x, size, true);
        adjusted->mem.disp = disp;
        EMIT(x->em, X_MOV, guest_mem(x, size), HREG(HR_R9, size));
        emit_access_done(x, after);
        esp_add(x, size);
        return true;
    }
    if (in->reg != R_ESP)
        esp_add(x, size);
    EMIT(x->em, X_MOV, HREG(host_reg(in->reg), size), HREG(HR_R9, size));
    return true;
}

static gva_t next_eip(const struct xlate *x)
{
    return x->in->eip + x->in->len;
}

static bool emit_jmp(struct xlate *x)
{
    emit_exit_direct(x, X_JMP, x->in->target);
    return false;
}

static bool emit_jcc(struct xlate *x)
{
    /* --debug-break jcc: JL and JGE swapped. */
    unsigned cc = x->in->sub;
    if (dbt_broken("jcc") && (cc == 12 || cc == 13))
        cc ^= 1;
    emit_exit_direct(x, x64_jcc(cc), x->in->target);
    emit_exit_direct(x, X_JMP, next_eip(x));
    return false;
}

static bool emit_call(struct xlate *x)
{
    push_value(x, x->in->opsize, HIMM(next_eip(x)));
    emit_exit_direct(x, X_JMP, x->in->target);
    return false;
}

static bool emit_call_ind(struct xlate *x)
{
    unsigned size = x->in->opsize;
    operand_to_r9(x, size);
    push_value(x, size, HIMM(next_eip(x)));
    EMIT(x->em, X_MOV, HREG(HR_R10, 4), HREG(HR_R9, 4));
    emit_indirect(x);
    return false;
}

static bool emit_jmp_ind(struct xlate *x)
{
    operand_to_r9(x, x->in->opsize);
    EMIT(x->em, X_MOV, HREG(HR_R10, 4), HREG(HR_R9, 4));
    emit_indirect(x);
    return false;
}

static bool emit_ret(struct xlate *x)
{
    unsigned size = x->in->opsize;
    /* The return address straight into r10d, the indirect target register
     * (a load may overwrite its own address register). */
    int after = emit_stack_access(x, 0, size, false);
    if (size == 4)
        EMIT(x->em, X_MOV, HREG(HR_R10, 4), guest_mem(x, 4));
    else
        EMIT(x->em, X_MOVZX, HREG(HR_R10, 4), guest_mem(x, size));
    emit_access_done(x, after);
    esp_add(x, size + (dbt_broken("ret-imm") ? 0 : x->in->imm & 0xffff));
    emit_indirect(x);
    return false;
}

/* CX/ECX (by address size) into rcx's test position: jrcxz tests all of
 * rcx, which holds ECX zero-extended; for CX, swap in r9 = CX first. */
static bool emit_loop(struct xlate *x)
{
    struct emitter *em = x->em;
    bool cx16 = x->in->addr_size == 2;
    int zero = label_new(em);
    if (cx16) {
        EMIT(em, X_LEA, HREG(HR_RCX, 2), HMEM(0, HR_RCX, HR_NONE, 0, -1));
        EMIT(em, X_MOVZX, HREG(HR_R9, 4), HREG(HR_RCX, 2));
        EMIT(em, X_XCHG, HREG(HR_R9, 8), HREG(HR_RCX, 8));
        emit_jump(em, X_JRCXZ, zero);
        EMIT(em, X_XCHG, HREG(HR_R9, 8), HREG(HR_RCX, 8));
    } else {
        EMIT(em, X_LEA, HREG(HR_RCX, 4), HMEM(0, HR_RCX, HR_NONE, 0, -1));
        emit_jump(em, X_JRCXZ, zero);
    }
    if (x->in->sub == LOOP_E)
        emit_exit_direct(x, X_JNZ, next_eip(x));
    else if (x->in->sub == LOOP_NE)
        emit_exit_direct(x, X_JZ, next_eip(x));
    emit_exit_direct(x, X_JMP, x->in->target);
    label_bind(em, zero);
    if (cx16)
        EMIT(em, X_XCHG, HREG(HR_R9, 8), HREG(HR_RCX, 8));
    emit_exit_direct(x, X_JMP, next_eip(x));
    return false;
}

static bool emit_jcxz(struct xlate *x)
{
    struct emitter *em = x->em;
    bool cx16 = x->in->addr_size == 2;
    int taken = label_new(em);
    if (cx16) {
        EMIT(em, X_MOVZX, HREG(HR_R9, 4), HREG(HR_RCX, 2));
        EMIT(em, X_XCHG, HREG(HR_R9, 8), HREG(HR_RCX, 8));
    }
    emit_jump(em, X_JRCXZ, taken);
    if (cx16)
        EMIT(em, X_XCHG, HREG(HR_R9, 8), HREG(HR_RCX, 8));
    emit_exit_direct(x, X_JMP, next_eip(x));
    label_bind(em, taken);
    if (cx16)
        EMIT(em, X_XCHG, HREG(HR_R9, 8), HREG(HR_RCX, 8));
    emit_exit_direct(x, X_JMP, x->in->target);
    return false;
}

/* LEAVE: ESP = EBP, then POP EBP. The load comes first, from where ESP
 * will point, so a fault (#PF, #SS) leaves ESP as it was. */
static bool emit_leave(struct xlate *x)
{
    unsigned size = x->in->opsize;
    EMIT(x->em, X_MOV, HREG(HR_R10, 4), HREG(HR_R12, 4));
    EMIT(x->em, X_MOV, HREG(HR_R10, size), HREG(HR_RBP, size));
    int after = emit_lookup(x, S_SS, size, false);
    load_r9(x, size);
    emit_access_done(x, after);
    EMIT(x->em, X_MOV, HREG(HR_R12, size), HREG(HR_RBP, size));
    esp_add(x, size);
    EMIT(x->em, X_MOV, HREG(HR_RBP, size), HREG(HR_R9, size));
    return true;
}

static bool emit_enter(struct xlate *x)
{
    const struct insn *in = x->in;
    if ((in->imm2 & 31) != 0 || in->opsize != 4) {
        emit_callout(x, callout_enter, in->len);
        return true;
    }
    push_value(x, 4, HREG(HR_RBP, 4));
    EMIT(x->em, X_MOV, HREG(HR_RBP, 4), HREG(HR_R12, 4));
    esp_add(x, -(int64_t)(in->imm & 0xffff));
    return true;
}

/* PUSHF: host arithmetic flags merged with the virtual system flags; the
 * copy has RF and VM clear (SDM PUSHF). pushfq/popfq keep the guest's. */
static bool emit_pushf(struct xlate *x)
{
    struct emitter *em = x->em;
    unsigned size = x->in->opsize;
    int after = emit_stack_access(x, -(int32_t)size, size, true);
    EMIT0(em, X_PUSHFQ);
    EMIT(em, X_MOV, HREG(HR_R9, 8), HMEM(8, HR_RSP, HR_NONE, 0, 0));
    EMIT(em, X_AND, HREG(HR_R9, 4), HIMM(EFL_HOST_LIVE));
    EMIT(em, X_MOV, HREG(HR_R8, 4), vmem(4, VCPU_OFF(eflags)));
    EMIT(em, X_AND, HREG(HR_R8, 4), HIMM(~(EFL_HOST_LIVE | EFL_IF | EFL_RF | EFL_VM)));
    if (!dbt_broken("pushf"))
        EMIT(em, X_OR, HREG(HR_R9, 4), HREG(HR_R8, 4));
    EMIT(em, X_MOVZX, HREG(HR_R8, 4), vmem(1, VCPU_OFF(if_flag)));
    EMIT(em, X_SHL, HREG(HR_R8, 4), HIMM(9));
    EMIT(em, X_OR, HREG(HR_R9, 4), HREG(HR_R8, 4));
    EMIT0(em, X_POPFQ);
    EMIT(em, X_MOV, guest_mem(x, size), HREG(HR_R9, size));
    emit_access_done(x, after);
    esp_add(x, -(int64_t)size);
    return true;
}

/* After an instruction that set IF inline: the interrupt poll (vcpu.h,
 * VCPU_POLL), which faults out of the TC at the next instruction only
 * while an interrupt waits for IF. */
static void emit_if_poll(struct xlate *x)
{
    emit_mark(x->em, next_eip(x));
    EMIT(x->em, X_MOV, HREG(HR_R11, 4), vmem(4, VCPU_POLL));
}

/* POPF: inline at CPL 0 with a 32-bit operand, where every flag but VM,
 * VIP, VIF and RF comes from the stack (SDM POPF), unless TF or AC change:
 * they are part of the translation mode, so that case, and every other CPL
 * or size, is the callout. POPF writes all arithmetic flags, so the host
 * flags are free until the final POPFQ. */
static bool emit_popf(struct xlate *x)
{
    struct emitter *em = x->em;
    uint32_t info = x->in->len | (uint32_t)x->in->opsize << 8;
    if (MODE_CPL(x->key) != 0 || x->in->opsize != 4 || dbt_broken("popf")) {
        emit_callout(x, callout_popf, info);
        return true;
    }
    int slow = label_new(em), done = label_new(em);
    pop_to_r9(x, 4);
    EMIT(em, X_MOV, HREG(HR_R8, 4), vmem(4, VCPU_OFF(eflags)));
    EMIT(em, X_XOR, HREG(HR_R8, 4), HREG(HR_R9, 4));
    EMIT(em, X_TEST, HREG(HR_R8, 4), HIMM(EFL_TF | EFL_AC));
    emit_jump(em, X_JNZ, slow);
    const uint32_t keep = EFL_VM | EFL_VIP | EFL_VIF;
    const uint32_t loaded = EFL_HOST_LIVE | EFL_TF | EFL_IOPL | EFL_NT | EFL_AC | EFL_ID;
    EMIT(em, X_MOV, HREG(HR_R8, 4), vmem(4, VCPU_OFF(eflags)));
    EMIT(em, X_AND, HREG(HR_R8, 4), HIMM(keep));
    EMIT(em, X_MOV, HREG(HR_R10, 4), HREG(HR_R9, 4));
    EMIT(em, X_AND, HREG(HR_R10, 4), HIMM(loaded));
    EMIT(em, X_OR, HREG(HR_R8, 4), HREG(HR_R10, 4));
    EMIT(em, X_OR, HREG(HR_R8, 4), HIMM(EFL_RSV1));
    EMIT(em, X_MOV, vmem(4, VCPU_OFF(eflags)), HREG(HR_R8, 4));
    EMIT(em, X_MOV, HREG(HR_R10, 4), HREG(HR_R9, 4));
    EMIT(em, X_SHR, HREG(HR_R10, 4), HIMM(9));
    EMIT(em, X_AND, HREG(HR_R10, 4), HIMM(1));
    EMIT(em, X_MOV, vmem(1, VCPU_OFF(if_flag)), HREG(HR_R10, 1));
    esp_add(x, 4);
    EMIT(em, X_AND, HREG(HR_R9, 4), HIMM(EFL_HOST_LIVE));
    EMIT0(em, X_PUSHFQ);
    EMIT(em, X_MOV, HMEM(8, HR_RSP, HR_NONE, 0, 0), HREG(HR_R9, 8));
    EMIT0(em, X_POPFQ);
    emit_if_poll(x);
    emit_jump(em, X_JMP, done);
    label_bind(em, slow);
    emit_callout(x, callout_popf, info);
    label_bind(em, done);
    return true;
}

/* CLI/STI: one store of the virtual IF at CPL 0; above it IOPL decides. */
static bool emit_cli(struct xlate *x)
{
    if (MODE_CPL(x->key) != 0)
        emit_callout(x, callout_cli_sti, 0 | (uint32_t)x->in->len << 8);
    else
        EMIT(x->em, X_MOV, vmem(1, VCPU_OFF(if_flag)), HIMM(0));
    return true;
}

static bool emit_sti(struct xlate *x)
{
    if (MODE_CPL(x->key) != 0) {
        emit_callout(x, callout_cli_sti, 1 | (uint32_t)x->in->len << 8);
    } else {
        EMIT(x->em, X_MOV, vmem(1, VCPU_OFF(if_flag)), HIMM(1));
        emit_if_poll(x);
    }
    return true;
}

static bool emit_hlt(struct xlate *x)
{
    emit_callout_and_exit(x, callout_hlt, x->in->len);
    return false;
}

static bool emit_io(struct xlate *x)
{
    const struct insn *in = x->in;
    emit_callout(x, callout_io, IOINFO(in->imm & 0xffff, (uint32_t)in->opsize,
                                       in->src == OPND_REG ? 1u : 0u, in->kind == INSN_IN ? 1u : 0u));
    return true;
}

static bool emit_string(struct xlate *x)
{
    const struct insn *in = x->in;
    uint32_t info = in->sub | (uint32_t)in->opsize << 4 | (uint32_t)in->rep << 8 |
                    (uint32_t)(in->mem.seg & 7) << 12 | (uint32_t)in->addr_size << 16 |
                    (uint32_t)in->len << 24;
    emit_callout(x, callout_string, info);
    return true;
}

static bool emit_cpuid(struct xlate *x)
{
    emit_callout(x, callout_cpuid, 0);
    return true;
}

/* RDTSC at CPL 0 (CR4.TSD only matters above it): the host's TSC plus the
 * guest's offset, inline and flag-free (SHLX/SHRX, LEA). Elsewhere, or
 * without BMI2, the callout (which also keeps the TSC monotonic should
 * the host's CPUs disagree). */
static bool emit_rdtsc(struct xlate *x)
{
    struct emitter *em = x->em;
    if (MODE_CPL(x->key) != 0 || !host_has_bmi2) {
        emit_callout(x, callout_rdtsc, 0);
        return true;
    }
    EMIT0(em, X_RDTSC);
    EMIT(em, X_MOV, HREG(HR_R8, 4), HIMM(32));
    EMIT(em, X_SHLX, HREG(HR_RDX, 8), HREG(HR_RDX, 8), HREG(HR_R8, 8));
    EMIT(em, X_LEA, HREG(HR_RAX, 8), HMEM(0, HR_RAX, HR_RDX, 1, 0));
    EMIT(em, X_MOV, HREG(HR_R11, 8), vmem(8, VCPU_OFF(tsc_offset)));
    EMIT(em, X_LEA, HREG(HR_RAX, 8), HMEM(0, HR_RAX, HR_R11, 1, 0));
    EMIT(em, X_SHRX, HREG(HR_RDX, 8), HREG(HR_RAX, 8), HREG(HR_R8, 8));
    EMIT(em, X_MOV, HREG(HR_RAX, 4), HREG(HR_RAX, 4));
    return true;
}

static bool emit_bcd(struct xlate *x)
{
    emit_callout(x, callout_bcd, x->in->sub | (x->in->imm & 0xff) << 8);
    return true;
}

static bool emit_salc(struct xlate *x)
{
    emit_callout(x, callout_salc, 0);
    return true;
}

static bool emit_xlat(struct xlate *x)
{
    EMIT(x->em, X_MOVZX, HREG(HR_R10, 4), HREG(HR_RAX, 1));
    EMIT(x->em, X_LEA, HREG(HR_R10, 4), HMEM(0, HR_RBX, HR_R10, 1, 0));
    if (x->in->addr_size == 2)
        EMIT(x->em, X_MOVZX, HREG(HR_R10, 4), HREG(HR_R10, 2));
    int after = emit_lookup(x, x->in->mem.seg, 1, false);
    EMIT(x->em, X_MOV, HREG(HR_RAX, 1), guest_mem(x, 1));
    emit_access_done(x, after);
    return true;
}

static bool emit_int(struct xlate *x)
{
    int vector = x->in->kind == INSN_INT3 ? 3 : (int)(x->in->imm & 0xff);
    emit_callout_and_exit(x, callout_exception, (uint32_t)vector | EXCINFO_SOFT | (uint32_t)x->in->len << 16);
    return false;
}

static bool emit_into(struct xlate *x)
{
    int no = label_new(x->em);
    emit_jump(x->em, X_JNO, no);
    emit_callout_and_exit(x, callout_exception, 4 | EXCINFO_SOFT | (uint32_t)x->in->len << 16);
    label_bind(x->em, no);
    return true;
}

static bool emit_bound(struct xlate *x)
{
    emit_callout(x, callout_bound, x->in->len);
    return true;
}

static bool emit_pusha(struct xlate *x)
{
    emit_callout(x, x->in->kind == INSN_PUSHA ? callout_pusha : callout_popa, x->in->opsize);
    return true;
}

static bool emit_bitmem(struct xlate *x)
{
    emit_callout(x, callout_bitmem, x->in->len);
    return true;
}

static bool emit_system(struct xlate *x)
{
    /* The frequent ones without the generic dispatcher's decode: MOV sreg,
     * r16 (the block goes on unless the translation mode changed), and
     * SYSENTER/SYSEXIT. */
    const uint8_t *p = insn_opcode(x->in);
    if (p[0] == 0x8e && (p[1] >> 6) == 3 && ((p[1] >> 3) & 7) != S_CS && ((p[1] >> 3) & 7) <= S_GS) {
        emit_callout(x, callout_mov_sreg, ((p[1] >> 3) & 7) | (uint32_t)(p[1] & 7) << 4 |
                                             (uint32_t)x->in->len << 8);
        return true;
    }
    if (p[0] == 0x0f && (p[1] == 0x34 || p[1] == 0x35)) {
        emit_callout_and_exit(x, p[1] == 0x34 ? callout_sysenter : callout_sysexit, x->in->len);
        return false;
    }
    if (p[0] == 0x0f && p[1] == 0x01 && ((p[2] >> 3) & 7) == 7 && x->in->has_mem) {
        emit_callout(x, callout_invlpg, x->in->len);
        return true;
    }
    /* MASKMOVQ/MASKMOVDQU (0F F7) read MMX/XMM registers from the FXSAVE
     * image: the callout with the full FPU save. */
    const uint8_t *op = insn_opcode(x->in);
    bool fpu = op[0] == 0x0f && op[1] == 0xf7;
    emit_callout_and_exit(x, fpu ? callout_system_fpu : callout_system, x->in->len);
    return false;
}

static bool emit_ud(struct xlate *x)
{
    emit_callout_and_exit(x, callout_exception, 6);
    return false;
}

static bool (*const handlers[INSN_KIND_COUNT])(struct xlate *) = {
    [INSN_GENERIC] = emit_generic, [INSN_LEA] = emit_lea,   [INSN_DIV] = emit_div,
    [INSN_XLAT] = emit_xlat,       [INSN_JMP] = emit_jmp,   [INSN_JCC] = emit_jcc,
    [INSN_CALL] = emit_call,       [INSN_JMP_IND] = emit_jmp_ind,
    [INSN_CALL_IND] = emit_call_ind, [INSN_RET] = emit_ret, [INSN_LOOP] = emit_loop,
    [INSN_JCXZ] = emit_jcxz,       [INSN_PUSH] = emit_push, [INSN_POP] = emit_pop,
    [INSN_PUSHA] = emit_pusha,     [INSN_POPA] = emit_pusha, [INSN_ENTER] = emit_enter,
    [INSN_LEAVE] = emit_leave,     [INSN_PUSHF] = emit_pushf, [INSN_POPF] = emit_popf,
    [INSN_CLI] = emit_cli,         [INSN_STI] = emit_sti,   [INSN_HLT] = emit_hlt,
    [INSN_IN] = emit_io,           [INSN_OUT] = emit_io,    [INSN_STRING] = emit_string,
    [INSN_CPUID] = emit_cpuid,     [INSN_RDTSC] = emit_rdtsc, [INSN_BCD] = emit_bcd,
    [INSN_SALC] = emit_salc,       [INSN_INT] = emit_int,   [INSN_INT3] = emit_int,
    [INSN_INTO] = emit_into,       [INSN_BOUND] = emit_bound, [INSN_SYSTEM] = emit_system,
    [INSN_BITMEM] = emit_bitmem,
    [INSN_UD] = emit_ud,
};

/* CR0.EM/TS/MP and CR4.OSFXSR against the instruction's class (SDM vol. 3A,
 * table 2-2, and 13.1.3): #UD before #NM. The key holds those bits, so the
 * check costs nothing at run time. */
static bool emit_fpu_check(struct xlate *x)
{
    const struct insn *in = x->in;
    uint32_t k = x->key & (dbt_broken("nm") ? ~(uint32_t)MODE_TS : ~0u);
    bool simd = in->sse || in->fpu == FPU_MMX;
    if ((in->sse && !(k & MODE_OSFXSR)) || (simd && (k & MODE_EM)))
        return emit_ud(x);
    if ((in->fpu == FPU_X87 && (k & (MODE_TS | MODE_EM))) || (simd && (k & MODE_TS)) ||
        (in->fpu == FPU_WAIT && (k & MODE_TS) && (k & MODE_MP))) {
        emit_callout_and_exit(x, callout_exception, 7);
        return false;
    }
    return true;
}

bool emit_insn(struct xlate *x)
{
    /* An instruction that ends beyond the CS limit: #GP(0) on it. */
    uint32_t last = x->in->eip + x->in->len - 1;
    if (last > x->cs_limit || last < x->in->eip) {
        emit_callout_and_exit(x, callout_exception, 13);
        return false;
    }
    if ((x->in->sse || x->in->fpu) && !emit_fpu_check(x))
        return false;
    return handlers[x->in->kind](x);
}

void emit_exception_stub(struct xlate *x, const struct stub *s)
{
    label_bind(x->em, s->label);
    emit_mark(x->em, s->eip);
    const struct insn *saved = x->in;
    struct insn fake = { .eip = s->eip };
    x->in = &fake;
    emit_callout_and_exit(x, callout_exception, s->info);
    x->in = saved;
}
