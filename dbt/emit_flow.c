/* Control flow out of a block: direct exits that the monitor chains, and
 * the in-TC indirect-branch table. All of it is flag-free, because guest
 * flags may be live across any branch.
 *
 * A direct exit is a jmp/jcc whose rel32 first points at a stub:
 *     jcc   stub                 <- tc_chain() patches this rel32
 *   stub:
 *     mov   dword [r15+exit_eip], TARGET
 *     mov   dword [r15+exit_reason], TC_EXIT_BLOCK_END
 *     mov   r11, <address of the rel32>    (0 with --no-chain)
 *     mov   [r15+exit_link], r11
 *     jmp   [r15+exit_entry]
 *
 * An indirect branch (target in r10d) jumps through the mode's flat table,
 * one entry per guest EIP (codecache/tc.h), with no check at all:
 *     mov r11, [r15 + ibtc_table] ; jmp [r11 + r10*8]
 * An empty entry (0) faults at address 0; the signal handler turns that
 * into the miss exit below, with the target still in r10d.
 */
#include "dbt/xlate.h"

#include <string.h>

void emit_exit_direct(struct xlate *x, enum x64_mnemonic jump, gva_t target)
{
    struct stub *s = stub_alloc(x);
    if (x->in && target > x->cs_limit) {
        /* A branch beyond the CS limit faults on the branch (SDM JMP/Jcc). */
        s->kind = STUB_CALLOUT_EXIT;
        s->label = label_new(x->em);
        s->eip = x->in->eip;
        s->info = 13;
        emit_jump(x->em, jump, s->label);
        return;
    }
    s->kind = leaves_pages(x, target) ? STUB_EXIT_TABLE : STUB_EXIT;
    s->label = label_new(x->em);
    s->target = target;
    s->eip = x->in ? x->in->eip : target;
    emit_jump(x->em, jump, s->label);
    s->rel32 = emit_here(x->em) - 4;
}

/* With paging, a direct branch to another linear page is never chained
 * (monitor/run.c, may_chain: the page may map elsewhere in another address
 * space). It goes through the address space's indirect table instead, which
 * holds only blocks checked against that space's mapping. */
bool leaves_pages(const struct xlate *x, gva_t target)
{
    if (!(x->key & MODE_PAGING) || !x->ibtc || MODE_SEG(x->key, S_CS) != SEGMODE_FLAT ||
        (x->key & (MODE_STEP | MODE_SLOWMEM)))
        return false;
    gva_t first = x->block->eip & GUEST_PAGE_MASK;
    gva_t last = (x->block->guest_end - 1) & GUEST_PAGE_MASK;
    gva_t t = target & GUEST_PAGE_MASK;
    return t != first && t != last;
}

/* The exit of a branch that leaves_pages(): a jump through the indirect
 * table with the target in r10d. An empty entry leaves through the miss
 * stub without a host signal (JRCXZ on the entry swapped into rcx):
 * flag-free, like every exit. */
void emit_exit_table_stub(struct xlate *x, const struct stub *s)
{
    label_bind(x->em, s->label);
    emit_mark(x->em, s->eip);
    EMIT(x->em, X_MOV, HREG(HR_R10, 4), HIMM(s->target));
    emit_checked_table_jump(x->em);
}

/* A jump through the indirect table (target in r10d) that tests for an
 * empty entry first: a miss leaves through the miss stub, not through a
 * host fault at address 0. Three more instructions than the unchecked
 * jump; used with paging, where every new address space misses once per
 * target (a host signal costs ~23 us here). */
void emit_checked_table_jump(struct emitter *em)
{
    int miss = label_new(em);
    EMIT(em, X_MOV, HREG(HR_R11, 8), HMEM(8, HR_R15, HR_NONE, 0, VCPU_OFF(ibtc_table)));
    EMIT(em, X_MOV, HREG(HR_R11, 8), HMEM(8, HR_R11, HR_R10, 8, 0));
    EMIT(em, X_XCHG, HREG(HR_R11, 8), HREG(HR_RCX, 8));
    emit_jump(em, X_JRCXZ, miss);
    EMIT(em, X_XCHG, HREG(HR_R11, 8), HREG(HR_RCX, 8));
    EMIT(em, X_JMP, HREG(HR_R11, 8));
    label_bind(em, miss);
    EMIT(em, X_XCHG, HREG(HR_R11, 8), HREG(HR_RCX, 8));
    emit_jump_abs(em, X_JMP, tc_indirect_miss_stub());
}

void emit_exit_stub(struct xlate *x, struct stub *s)
{
    struct emitter *em = x->em;
    label_bind(em, s->label);
    emit_mark(em, s->eip);
    struct tc_block *b = x->block;
    if (b->nexits < TC_MAX_EXITS && x->chain) {
        b->exits[b->nexits].rel32 = s->rel32;
        b->exits[b->nexits].stub = emit_here(em);
        b->nexits++;
    } else {
        s->rel32 = NULL;
    }
    EMIT(em, X_MOV, HMEM(4, HR_R15, HR_NONE, 0, VCPU_OFF(exit_eip)), HIMM(s->target));
    EMIT(em, X_MOV, HMEM(4, HR_R15, HR_NONE, 0, VCPU_OFF(exit_reason)), HIMM(TC_EXIT_BLOCK_END));
    EMIT(em, X_MOV, HREG(HR_R11, 8), HIMM((uint64_t)(uintptr_t)s->rel32));
    EMIT(em, X_MOV, HMEM(8, HR_R15, HR_NONE, 0, VCPU_OFF(exit_link)), HREG(HR_R11, 8));
    EMIT(em, X_JMP, HMEM(8, HR_R15, HR_NONE, 0, VCPU_OFF(exit_entry)));
}

void emit_indirect(struct xlate *x)
{
    struct emitter *em = x->em;
    /* The run loop fills the table only for a flat CS outside MODE_STEP and
     * MODE_SLOWMEM (monitor/run.c); other blocks would miss every time, at
     * the price of a host signal: they leave for the monitor directly. */
    bool filled = MODE_SEG(x->key, S_CS) == SEGMODE_FLAT && !(x->key & (MODE_STEP | MODE_SLOWMEM));
    if (!x->ibtc || !filled) {
        emit_jump_abs(em, X_JMP, tc_indirect_miss_stub());
        return;
    }
    if (x->count_ibtc) {
        /* Count dispatches without flags: hits = dispatches - misses. */
        EMIT(em, X_MOV, HREG(HR_R11, 8), HMEM(8, HR_R15, HR_NONE, 0, VCPU_OFF(ibtc_hits)));
        EMIT(em, X_LEA, HREG(HR_R11, 8), HMEM(0, HR_R11, HR_NONE, 0, 1));
        EMIT(em, X_MOV, HMEM(8, HR_R15, HR_NONE, 0, VCPU_OFF(ibtc_hits)), HREG(HR_R11, 8));
    }
    if (x->key & MODE_PAGING) {
        emit_checked_table_jump(em);
        return;
    }
    EMIT(em, X_MOV, HREG(HR_R11, 8), HMEM(8, HR_R15, HR_NONE, 0, VCPU_OFF(ibtc_table)));
    EMIT(em, X_JMP, HMEM(8, HR_R11, HR_R10, 8, 0));
}

/* Where an indirect miss leaves the TC (the target is in r10d). */
void emit_indirect_miss_stub(struct emitter *em)
{
    EMIT(em, X_MOV, HMEM(4, HR_R15, HR_NONE, 0, VCPU_OFF(exit_eip)), HREG(HR_R10, 4));
    EMIT(em, X_MOV, HMEM(4, HR_R15, HR_NONE, 0, VCPU_OFF(exit_reason)), HIMM(TC_EXIT_INDIRECT));
    EMIT(em, X_MOV, HMEM(8, HR_R15, HR_NONE, 0, VCPU_OFF(exit_link)), HIMM(0));
    EMIT(em, X_JMP, HMEM(8, HR_R15, HR_NONE, 0, VCPU_OFF(exit_entry)));
}

/* Leaves for vcpu.exit_eip, which C has set (SMC in the running block). */
void emit_plain_exit_stub(struct emitter *em)
{
    EMIT(em, X_MOV, HMEM(4, HR_R15, HR_NONE, 0, VCPU_OFF(exit_reason)), HIMM(TC_EXIT_BLOCK_END));
    EMIT(em, X_MOV, HMEM(8, HR_R15, HR_NONE, 0, VCPU_OFF(exit_link)), HIMM(0));
    EMIT(em, X_JMP, HMEM(8, HR_R15, HR_NONE, 0, VCPU_OFF(exit_entry)));
}

struct stub *stub_alloc(struct xlate *x)
{
    static struct stub spare;   /* absorbs writes after an overflow */
    if (x->nstubs == (int)(sizeof x->stubs / sizeof x->stubs[0])) {
        x->em->overflow = true;
        return &spare;
    }
    struct stub *s = &x->stubs[x->nstubs++];
    memset(s, 0, sizeof *s);
    return s;
}
