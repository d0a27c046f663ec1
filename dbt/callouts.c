/* The C side of instructions that translated code does not do inline (see
 * callouts.h): the memory slow path, port I/O, string instructions, CPUID,
 * POPF, HLT, the BCD instructions, PUSHA/POPA, ENTER with nesting, BOUND.
 * Sensitive and privileged instructions are in callouts_system.c. */
#include "dbt/callouts.h"
#include "dbt/guest_mem.h"
#include "dbt/translate.h"
#include "dbt/xlate.h"
#include "codecache/tc.h"
#include "common/panic.h"
#include "common/stats.h"
#include "devices/bus.h"
#include "ring-compression/debug.h"
#include "ring-compression/descriptors.h"
#include "ring-compression/sysregs.h"
#include "shadow-mmu/shadow.h"

#include <string.h>

void raise_exception(struct vcpu *v, int vector, uint32_t error_code, bool has_error)
{
    v->exception = vector;
    v->error_code = error_code;
    v->has_error_code = has_error;
    v->event_soft = false;
    v->eip = v->cur_eip + (dbt_broken("fault-eip") ? 1 : 0);
    v->stop_request = 1;
    g_stats.exits[EXIT_exception]++;
}

/* Leave the TC after the current instruction (it completed). */
static void stop_after(struct vcpu *v, unsigned len)
{
    v->eip = v->cur_eip + len;
    v->stop_request = 1;
}

/* Patch a jump to the monitor right after the running instruction, whose
 * block a store has just invalidated: the rest of the block is stale. */
static void leave_after_instruction(struct vcpu *v, unsigned len)
{
    uint8_t jmp[16];
    uint8_t *at = (uint8_t *)(uintptr_t)v->slow_resume;
    int n = x64_encode(jmp, X_JMP, 1, (struct hop[]){ HIMM(0) });
    int32_t rel = (int32_t)(dbt_exit_stub - (at + n));
    memcpy(jmp + n - 4, &rel, 4);
    memcpy(tc_writable(at), jmp, (size_t)n);
    v->exit_eip = v->cur_eip + len;
    g_stats.exits[EXIT_smc]++;
}

/* Does the store about to run write back the dword already there? Known
 * for the usual form of a page-table write, MOV m32, r32 (the translator
 * names the register in the stub's info): writing an entry back unchanged
 * must not cost its shadow entries (the ptemod-unchanged row of bench/nano). */
static bool store_unchanged(struct vcpu *v, const struct shadow_where *w, unsigned size)
{
    unsigned reg = MEMINFO_STORE_REG(v->callout_info);
    if (!reg || size != 4 || (w->pa & 3))
        return false;
    uint32_t now;
    memcpy(&now, shadow_physmem()->ram + w->pa, 4);
    return v->regs[reg - 1] == now;
}

/* The guest physical bytes of a store are about to change: page tables
 * traced by the shadow MMU, and translated code. */
static void note_store(struct vcpu *v, const struct shadow_where *w, gva_t la, unsigned size)
{
    if (!w->ram)
        return;
    if (shadow_page_traced(w->pa) && store_unchanged(v, w, size))
        g_stats.traced_writes++;    /* traced, and nothing to drop */
    else
        shadow_note_write(w->pa, size);
    /* --debug-break smc-alias: a store through a linear address that is
     * not its physical one misses the code it rewrites. */
    if (dbt_broken("smc-alias") && (v->cr0 & CR0_PG) && (la & GUEST_PAGE_MASK) != (w->pa & GUEST_PAGE_MASK))
        return;
    gmem_note_code_write(v, w->pa, size);
}

/* A page-crossing access with paging on: the two pages are anywhere in
 * RAM. Both are resolved first (the first page's fault comes first, as on
 * the CPU); then the instruction is redone alone in a one-instruction block
 * on a copy of the bytes, which a store writes back when it completes
 * (monitor/run.c: redo_alone, writeback_*). */
static uint64_t crossing_access(struct vcpu *v, gva_t la, uint32_t offset, unsigned size, bool write,
                                bool user)
{
    uint64_t addend;
    struct shadow_fault f;
    unsigned first = GUEST_PAGE_SIZE - (la & ~GUEST_PAGE_MASK);
    if (shadow_resolve(la, first, write, user, &addend, &f, NULL) != SHADOW_OK ||
        shadow_resolve(la + first, size - first, write, user, &addend, &f, NULL) != SHADOW_OK) {
        v->cr2 = f.address;
        raise_exception(v, f.vector, f.error_code, f.vector == 14);
        return 0;
    }
    if (!(v->mode_key & MODE_SLOWMEM)) {
        v->redo_alone = true;
        stop_after(v, 0);
        return 0;
    }
    /* Reads come from the bytes as they are; a read-modify-write reads
     * them too, so a store's copy starts from them as well. */
    if (size > VCPU_BOUNCE_BYTES || !gmem_read_linear_as(v, la, size, v->bounce, user))
        panic("crossing access of %u bytes at %08x", size, la);
    if (write) {
        v->writeback_la = la;
        v->writeback_size = size;
        v->writeback_user = user;
        /* The write-back ends the block (one instruction) in the run loop. */
    }
    return (uint64_t)(uintptr_t)v->bounce - offset;
}

/* Does the instruction only write its memory operand (MOV, SETcc, POP m,
 * FSTP, MOVQ…: the decoder's operand actions say so), so that nothing is
 * read from a device before a store to it? */
static bool plain_store(struct vcpu *v)
{
    struct insn in;
    return gmem_decode_current(v, &in) && in.has_mem && !in.mem.read;
}

/* A store to a guest-physical address that is not RAM: the instruction is
 * redone alone on a copy, which goes to the MMIO bus when it completes
 * (monitor/run.c), so the device sees the store once, with its width, and
 * after any read of the same instruction (a read-modify-write). */
static uint64_t device_store(struct vcpu *v, gva_t la, uint32_t offset, unsigned size, bool user)
{
    if (!(v->mode_key & MODE_SLOWMEM)) {
        v->redo_alone = true;
        stop_after(v, 0);
        return 0;
    }
    if (size > VCPU_BOUNCE_BYTES)
        panic("device store of %u bytes at %08x", size, la);
    if (!plain_store(v) && !gmem_read_linear_as(v, la, size, v->bounce, user))
        return 0;
    v->writeback_la = la;
    v->writeback_size = size;
    v->writeback_user = user;
    return (uint64_t)(uintptr_t)v->bounce - offset;
}

uint64_t callout_mem_slow(struct vcpu *v)
{
    uint32_t info = v->callout_info;
    unsigned size = MEMINFO_SIZE(info);
    bool write = info & MEMINFO_WRITE, user = info & MEMINFO_USER;
    uint32_t offset = (uint32_t)v->xr[2];
    gva_t la = offset;
    g_stats.callouts[CALLOUT_mem_slow]++;
    if (info & MEMINFO_CHECKED) {
        int seg = MEMINFO_SEG(info);
        if (!gmem_check_segment(v, seg, offset, size, write))
            return 0;
        la = (gva_t)(v->seg[seg].base + offset);
        /* MODE_STEP makes every access checked: the alignment check and
         * data breakpoints live here. */
        if ((v->cr0 & CR0_AM) && (v->eflags & EFL_AC) && v->cpl == 3 && (la & (size - 1)) &&
            size <= 8) {
            raise_exception(v, 17, 0, true);
            return 0;
        }
        if (v->dr[7] & 0xff)
            dbg_data_access(v, la, size, write);
    }
    uint64_t addend;
    struct shadow_fault f;
    struct shadow_where where;
    bool crosses = (la & (GUEST_PAGE_SIZE - 1)) + size > GUEST_PAGE_SIZE;
    if (crosses && (v->cr0 & CR0_PG))
        return crossing_access(v, la, offset, size, write, user);
    if (crosses) {
        /* Paging off: RAM is contiguous, so the first page's addend
         * serves the whole access once both halves are known good. */
        if (shadow_resolve(la + size - 1, 1, write, user, &addend, &f, NULL) != SHADOW_OK)
            goto fault;
        if (shadow_resolve(la, 1, write, user, &addend, &f, &where) != SHADOW_OK)
            goto fault;
    } else if (shadow_resolve(la, size, write, user, &addend, &f, &where) != SHADOW_OK) {
        goto fault;
    }
    if (v->cr0 & CR0_PG)
        g_stats.pf_hidden++;
    if (write && !where.ram)
        return device_store(v, la, offset, size, user);
    if (write) {
        v->smc_hit = false;
        note_store(v, &where, la, size);
        if (v->smc_hit)
            leave_after_instruction(v, MEMINFO_LEN(info));
    }
    /* [r11 + r10] must be the host byte of linear `la`, r10 being the offset. */
    return addend + la - offset;
fault:
    v->cr2 = f.address;
    raise_exception(v, f.vector, f.error_code, f.vector == 14);
    return 0;
}

uint64_t callout_exception(struct vcpu *v)
{
    uint32_t info = v->callout_info;
    raise_exception(v, (int)(info & 0xff), 0, false);
    if (info & EXCINFO_SOFT) {
        /* INT n, INT3, INTO: a trap whose frame holds the next EIP, and
         * whose gate DPL is checked against the CPL. */
        v->event_soft = true;
        v->eip = v->cur_eip + (info >> 16);
    }
    return 0;
}

/* Port access from CPL > IOPL: the TSS's I/O permission bitmap decides. */
static bool io_allowed(struct vcpu *v, uint16_t port, unsigned size)
{
    if (v->cpl <= ((v->eflags >> 12) & 3))
        return true;
    return io_permitted(v, port, size);
}

uint64_t callout_cli_sti(struct vcpu *v)
{
    /* Only translated at CPL > 0 (CPL 0 is always <= IOPL: inline). */
    if (v->cpl > ((v->eflags >> 12) & 3)) {
        raise_exception(v, 13, 0, true);
        return 0;
    }
    v->if_flag = (uint8_t)(v->callout_info & 1);
    if (v->if_flag && v->intr) {
        /* An interrupt waits: take it after the next instruction. */
        v->irq_shadow = true;
        stop_after(v, v->callout_info >> 8);
    }
    return 0;
}

static void set_reg_part(struct vcpu *v, int r, unsigned size, uint32_t value)
{
    uint32_t mask = size == 4 ? 0xffffffffu : size == 2 ? 0xffffu : 0xffu;
    v->regs[r] = (v->regs[r] & ~mask) | (value & mask);
}

uint64_t callout_io(struct vcpu *v)
{
    uint32_t info = v->callout_info;
    unsigned size = (info >> 16) & 0xf;
    uint16_t port = (info & (1u << 20)) ? (uint16_t)v->regs[R_EDX] : (uint16_t)info;
    bool in = info & (1u << 21);
    if (!io_allowed(v, port, size))
        return 0;
    if (in) {
        g_stats.callouts[CALLOUT_io_in]++;
        set_reg_part(v, R_EAX, size, io_read(port, size));
    } else {
        g_stats.callouts[CALLOUT_io_out]++;
        uint32_t mask = size == 4 ? 0xffffffffu : size == 2 ? 0xffffu : 0xffu;
        io_write(dbt_broken("port") ? port ^ 1 : port, size, v->regs[R_EAX] & mask);
    }
    if (v->stop_request)
        stop_after(v, info >> 24);
    return 0;
}

/* String instructions, one element at a time through guest_mem (SDM vol.
 * 2, MOVS/CMPS/STOS/LODS/SCAS/INS/OUTS and REP). ECX/ESI/EDI by address
 * size; the count register is updated after every element so that a fault
 * in the middle leaves the architectural state of an interrupted REP. */
uint64_t callout_string(struct vcpu *v)
{
    uint32_t info = v->callout_info;
    unsigned op = info & 0xf, size = (info >> 4) & 0xf, rep = (info >> 8) & 3;
    int seg = (info >> 12) & 7;
    unsigned asize = (info >> 16) & 0xff, len = info >> 24;
    uint32_t amask = asize == 2 ? 0xffffu : 0xffffffffu;
    int32_t step = (v->eflags & EFL_DF) && !dbt_broken("string-df") ? -(int32_t)size : (int32_t)size;
    bool cmp = op == STR_CMPS || op == STR_SCAS;
    g_stats.callouts[CALLOUT_string_op]++;
    v->smc_hit = false;
    if ((op == STR_INS || op == STR_OUTS) && !io_allowed(v, (uint16_t)v->regs[R_EDX], size))
        return 0;

    for (;;) {
        if (rep && (v->regs[R_ECX] & amask) == 0)
            break;
        uint32_t esi = v->regs[R_ESI] & amask, edi = v->regs[R_EDI] & amask;
        uint32_t a = 0, b = 0;
        bool ok = true;
        switch (op) {
        case STR_MOVS:
            ok = gmem_read(v, seg, esi, size, &a) && gmem_write(v, S_ES, edi, size, &a);
            break;
        case STR_STOS:
            a = v->regs[R_EAX];
            ok = gmem_write(v, S_ES, edi, size, &a);
            break;
        case STR_LODS:
            ok = gmem_read(v, seg, esi, size, &a);
            if (ok)
                set_reg_part(v, R_EAX, size, a);
            break;
        case STR_CMPS:
            ok = gmem_read(v, seg, esi, size, &a) && gmem_read(v, S_ES, edi, size, &b);
            break;
        case STR_SCAS:
            a = v->regs[R_EAX];
            ok = gmem_read(v, S_ES, edi, size, &b);
            break;
        case STR_INS:
            a = io_read((uint16_t)v->regs[R_EDX], size);
            ok = gmem_write(v, S_ES, edi, size, &a);
            break;
        case STR_OUTS:
            ok = gmem_read(v, seg, esi, size, &a);
            if (ok)
                io_write((uint16_t)v->regs[R_EDX], size, a);
            break;
        }
        if (!ok)
            return 0;                   /* exception raised, registers as of this element */
        if (op == STR_MOVS || op == STR_LODS || op == STR_CMPS || op == STR_OUTS)
            v->regs[R_ESI] = (v->regs[R_ESI] & ~amask) | ((esi + (uint32_t)step) & amask);
        if (op != STR_LODS && op != STR_OUTS)
            v->regs[R_EDI] = (v->regs[R_EDI] & ~amask) | ((edi + (uint32_t)step) & amask);
        if (cmp)
            flags_from_sub(v, a, b, size);
        if (rep)
            v->regs[R_ECX] = (v->regs[R_ECX] & ~amask) | ((v->regs[R_ECX] - 1) & amask);
        if (!rep)
            break;
        if (cmp && rep == REP_E && !(v->eflags & EFL_ZF))
            break;
        if (cmp && rep == REP_NE && (v->eflags & EFL_ZF))
            break;
        if (v->stop_request)
            break;
        /* An interrupt is due (monitor/kick.c): a REP instruction is
         * interruptible between iterations, and resumes from the
         * instruction itself with the registers as they are now (SDM REP). */
        if (v->kick && (v->regs[R_ECX] & amask) && !dbt_broken("rep-irq")) {
            v->eip = v->cur_eip;
            v->stop_request = 1;
            return 0;
        }
    }
    if (v->smc_hit || v->stop_request)
        stop_after(v, len);
    return 0;
}

uint64_t callout_popf(struct vcpu *v)
{
    uint32_t info = v->callout_info;
    unsigned size = (info >> 8) & 0xff;
    uint32_t val = 0;
    g_stats.callouts[CALLOUT_popf]++;
    if (!gmem_read(v, S_SS, v->regs[R_ESP], size, &val))
        return 0;
    /* SDM POPF: at CPL 0 every flag but VM, RF, VIP, VIF may change; IOPL
     * only at CPL 0; IF only when CPL <= IOPL. RF is cleared. */
    uint32_t old = vcpu_get_eflags(v);
    uint32_t mask = EFL_CF | EFL_PF | EFL_AF | EFL_ZF | EFL_SF | EFL_TF | EFL_DF | EFL_OF |
                    EFL_NT | EFL_AC | EFL_ID;
    uint32_t iopl = (old >> 12) & 3;
    if (v->cpl == 0)
        mask |= EFL_IOPL;
    if (v->cpl <= iopl && !dbt_broken("popf"))
        mask |= EFL_IF;
    if (size == 2)
        mask &= 0xffff;
    uint32_t now = ((old & ~mask) | (val & mask)) & ~EFL_RF;
    vcpu_set_eflags(v, now);
    v->regs[R_ESP] += size;
    /* TF and AC are in the translation mode (single-step, alignment); an
     * interrupt may wait for the IF just set. */
    if (((now ^ old) & (EFL_TF | EFL_AC)) || (v->if_flag && v->intr))
        stop_after(v, info & 0xff);
    return 0;
}

uint64_t callout_hlt(struct vcpu *v)
{
    g_stats.callouts[CALLOUT_hlt]++;
    if (v->cpl != 0) {
        raise_exception(v, 13, 0, true);
        return 0;
    }
    v->halted = true;
    stop_after(v, v->callout_info);
    g_stats.exits[EXIT_halt]++;
    return 0;
}

uint64_t callout_salc(struct vcpu *v)
{
    set_reg_part(v, R_EAX, 1, (v->eflags & EFL_CF) ? 0xff : 0);
    return 0;
}

uint64_t callout_pusha(struct vcpu *v)
{
    unsigned size = v->callout_info;
    uint32_t esp = v->regs[R_ESP];
    g_stats.callouts[CALLOUT_misc]++;
    for (int r = R_EAX; r <= R_EDI; r++) {
        uint32_t val = r == R_ESP ? v->regs[R_ESP] : v->regs[r];
        if (!gmem_write(v, S_SS, esp - size * (uint32_t)(r + 1), size, &val))
            return 0;
    }
    v->regs[R_ESP] = esp - 8 * size;
    return 0;
}

uint64_t callout_popa(struct vcpu *v)
{
    unsigned size = v->callout_info;
    uint32_t esp = v->regs[R_ESP], vals[8];
    g_stats.callouts[CALLOUT_misc]++;
    for (int r = R_EAX; r <= R_EDI; r++) {
        vals[r] = 0;
        if (!gmem_read(v, S_SS, esp + size * (uint32_t)(7 - r), size, &vals[r]))
            return 0;
    }
    for (int r = R_EAX; r <= R_EDI; r++)
        if (r != R_ESP)
            set_reg_part(v, r, size, vals[r]);
    v->regs[R_ESP] = esp + 8 * size;
    return 0;
}

/* ENTER with a nesting level or a 16-bit frame (SDM ENTER pseudocode). */
uint64_t callout_enter(struct vcpu *v)
{
    struct insn in;
    if (!gmem_decode_current(v, &in)) {
        raise_exception(v, 6, 0, false);
        return 0;
    }
    unsigned size = in.opsize, level = in.imm2 & 31;
    uint32_t esp = v->regs[R_ESP], ebp = v->regs[R_EBP];
    uint32_t val = ebp;
    esp -= size;
    if (!gmem_write(v, S_SS, esp, size, &val))
        return 0;
    uint32_t frame = esp;
    for (unsigned i = 1; i < level; i++) {
        ebp -= size;
        if (!gmem_read(v, S_SS, ebp, size, &val))
            return 0;
        esp -= size;
        if (!gmem_write(v, S_SS, esp, size, &val))
            return 0;
    }
    if (level > 0) {
        esp -= size;
        if (!gmem_write(v, S_SS, esp, size, &frame))
            return 0;
    }
    set_reg_part(v, R_EBP, size, frame);
    v->regs[R_ESP] = esp - (in.imm & 0xffff);
    return 0;
}

uint64_t callout_bound(struct vcpu *v)
{
    struct insn in;
    g_stats.callouts[CALLOUT_misc]++;
    if (!gmem_decode_current(v, &in) || !in.has_mem) {
        raise_exception(v, 6, 0, false);
        return 0;
    }
    unsigned size = in.opsize;
    uint32_t ea = gmem_effective_address(v, &in.mem), lo = 0, hi = 0;
    if (!gmem_read(v, in.mem.seg, ea, size, &lo) || !gmem_read(v, in.mem.seg, ea + size, size, &hi))
        return 0;
    int32_t idx = size == 2 ? (int16_t)v->regs[in.reg] : (int32_t)v->regs[in.reg];
    int32_t l = size == 2 ? (int16_t)lo : (int32_t)lo, h = size == 2 ? (int16_t)hi : (int32_t)hi;
    if (idx < l || idx > h)
        raise_exception(v, 5, 0, false);
    return 0;
}

/* BT/BTS/BTR/BTC with a memory operand and a register bit offset: the
 * offset is signed and selects any bit within ±2^31 bits of the operand
 * (SDM vol. 2, BT: "bit string"). CF = the bit; ZF is unchanged (as on
 * Intel CPUs); OF, SF, AF, PF are undefined and left unchanged. */
uint64_t callout_bitmem(struct vcpu *v)
{
    struct insn in;
    g_stats.callouts[CALLOUT_misc]++;
    v->smc_hit = false;
    if (!gmem_decode_current(v, &in) || !in.has_mem || in.reg < 0) {
        raise_exception(v, 6, 0, false);
        return 0;
    }
    unsigned size = in.opsize, bits = size * 8;
    int32_t off = size == 2 ? (int16_t)v->regs[in.reg] : (int32_t)v->regs[in.reg];
    int32_t word = off >= 0 || dbt_broken("bitmem") ? off / (int32_t)bits
                                                    : -((-(off + 1)) / (int32_t)bits) - 1;
    unsigned bit = (unsigned)(off - word * (int32_t)bits);
    uint32_t ea = gmem_effective_address(v, &in.mem) + (uint32_t)word * size;
    if (in.mem.addr_size == 2)
        ea &= 0xffff;
    uint32_t val = 0;
    if (!gmem_read(v, in.mem.seg, ea, size, &val))
        return 0;
    bool cf = (val >> bit) & 1;
    if (in.sub != BIT_TEST) {
        if (in.sub == BIT_SET)
            val |= 1u << bit;
        else if (in.sub == BIT_RESET)
            val &= ~(1u << bit);
        else
            val ^= 1u << bit;
        if (!gmem_write(v, in.mem.seg, ea, size, &val))
            return 0;
    }
    v->eflags = (v->eflags & ~EFL_CF) | (cf ? EFL_CF : 0);
    if (v->smc_hit)
        stop_after(v, in.len);
    return 0;
}

/* RDTSC: the host's TSC, kept monotonic. The host is itself a VM whose
 * vCPUs' TSCs need not agree, and bt386 may migrate between them, while
 * a CPU's TSC never goes backwards. A callout (~100 ns) instead of the
 * copied instruction; CR4.TSD arrives with ring compression. */
uint64_t callout_rdtsc(struct vcpu *v)
{
    if ((v->cr4 & CR4_TSD) && v->cpl != 0) {
        raise_exception(v, 13, 0, true);
        return 0;
    }
    uint64_t t = sys_read_tsc(v);
    v->regs[R_EAX] = (uint32_t)t;
    v->regs[R_EDX] = (uint32_t)(t >> 32);
    g_stats.callouts[CALLOUT_rdtsc]++;
    return 0;
}
