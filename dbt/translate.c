/* The translator driver, in named passes (vx32's xlate):
 *   scan     decode guest instructions until one ends the block
 *   liveness which guest flags each instruction needs preserved
 *   emit     the block body, one emitter per instruction class
 *   place    the out-of-line stubs (slow paths, exits) after the body
 *   publish  hand the block to the TC (index, code pages, exits to chain)
 * Must not: run guest code or touch the run loop (monitor/). */
#include "dbt/translate.h"
#include "dbt/xlate.h"
#include "dbt/callouts.h"
#include "dbt/trace.h"
#include "common/panic.h"
#include "common/stats.h"
#include "shadow-mmu/shadow.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BLOCK_CODE_MAX (64 * 1024)

static struct dbt_options opts;

bool dbt_broken(const char *rule)
{
    return opts.debug_break && strcmp(opts.debug_break, rule) == 0;
}
uint8_t *dbt_exit_stub;

int dbt_init(const struct dbt_options *o)
{
    opts = *o;
    insn_decoder_init();
    emit_mem_init();
    struct tc_space sp;
    if (!tc_reserve(256, &sp))
        return -1;
    struct emitter em;
    emit_begin(&em, &sp, 256);
    uint8_t *stub = emit_here(&em);
    emit_indirect_miss_stub(&em);
    dbt_exit_stub = emit_here(&em);
    emit_plain_exit_stub(&em);
    size_t used = emit_finish(&em);
    tc_publish_raw(used);
    tc_set_permanent(stub);
    return 0;
}

/* Guest code bytes at linear `la`: up to 15, fewer where the next linear
 * page cannot be fetched (then *truncated). page[0] is the physical page
 * of `la`, page[1] that of the next linear page when bytes came from it.
 * Returns 0 if the first byte cannot be fetched. */
struct fetched {
    size_t n;
    bool truncated;
    gpa_t page[2];
};

static void fetch(gva_t la, bool user, uint8_t *buf, struct fetched *f)
{
    const struct physmem *pm = shadow_physmem();
    struct shadow_fault fault;
    gpa_t pa;
    f->n = 0;
    f->truncated = false;
    if (!shadow_fetch(la, user, &pa, &fault))
        return;
    f->page[0] = f->page[1] = pa & GUEST_PAGE_MASK;
    size_t in_page = GUEST_PAGE_SIZE - (la & ~GUEST_PAGE_MASK);
    size_t n = in_page < 15 ? in_page : 15;
    memcpy(buf, pm->ram + pa, n);
    if (n < 15) {
        gpa_t next;
        if (shadow_fetch(la + (gva_t)n, user, &next, &fault)) {
            memcpy(buf + n, pm->ram + next, 15 - n);
            f->page[1] = next & GUEST_PAGE_MASK;
            n = 15;
        } else {
            f->truncated = true;
        }
    }
    f->n = n;
}

static bool ends_block(enum insn_kind k)
{
    switch (k) {
    case INSN_JMP: case INSN_JCC: case INSN_CALL: case INSN_JMP_IND: case INSN_CALL_IND:
    case INSN_RET: case INSN_LOOP: case INSN_JCXZ: case INSN_HLT: case INSN_SYSTEM:
    case INSN_UD: case INSN_INT: case INSN_INT3:
        return true;
    default:
        return false;
    }
}

/* Pass 1. Stops before an instruction that cannot be fetched, so a fetch
 * fault is raised only when execution reaches it. */
static void scan(struct xlate *x, gva_t eip, int max_insns)
{
    struct tc_block *b = x->block;
    x->ninsns = 0;
    b->npages = 0;
    /* STI's one-instruction shadow (SDM STI): no interrupt may be taken
     * between STI and the next instruction. Interrupts are taken only at
     * block boundaries, so a block never ends right after STI: one more
     * instruction is translated (hence the room for XLATE_MAX_INSNS + 1). */
    bool sti_shadow = false;
    while (x->ninsns < max_insns || sti_shadow) {
        uint8_t buf[15];
        struct fetched f;
        gva_t la = x->cs_base + eip;
        fetch(la, MODE_CPL(x->key) == 3, buf, &f);
        if (f.n == 0)
            break;
        if (x->ninsns == 0)
            b->phys_start = f.page[0] + (la & ~GUEST_PAGE_MASK);
        struct insn *in = &x->insns[x->ninsns];
        if (insn_decode_mode(buf, f.n, eip, (x->key & MODE_CODE16) != 0, in) < 0 ||
            (f.truncated && in->len > f.n)) {
            /* Cut short by a page that cannot be fetched: the fetch
             * fault belongs to this instruction, raised when it runs. */
            if (f.truncated)
                break;
            memset(in, 0, sizeof *in);
            in->eip = eip;
            in->len = 1;
            in->kind = INSN_UD;
        }
        /* An instruction may straddle into a second page: both are code. */
        bool straddles = (la & ~GUEST_PAGE_MASK) + in->len > GUEST_PAGE_SIZE;
        gpa_t need[2] = { f.page[0], straddles ? f.page[1] : f.page[0] };
        gpa_t last_page = need[1];
        bool fits = true;
        for (int i = 0; i < 2; i++) {
            bool have = false;
            for (int j = 0; j < b->npages; j++)
                have |= b->page[j] == need[i];
            if (!have) {
                if (b->npages == 2) {
                    fits = false;
                    break;
                }
                b->page[b->npages++] = need[i];
            }
        }
        if (!fits) {
            if (sti_shadow) {
                /* The instruction after STI is on a third page: end the
                 * block before the STI instead, so the shadow is kept. */
                x->ninsns--;
                eip = x->insns[x->ninsns].eip;
            }
            break;
        }
        x->ninsns++;
        eip += in->len;
        b->last_page = last_page;
        sti_shadow = in->kind == INSN_STI && !sti_shadow && x->ninsns < XLATE_MAX_INSNS + 1;
        if (ends_block(in->kind))
            break;
    }
    b->guest_end = eip;
}

/* Pass 2: backward liveness of the arithmetic flags. Whatever follows the
 * block may read any flag, so all are live at its end. */
static void liveness(struct xlate *x)
{
    uint32_t live = EFL_HOST_LIVE;
    for (int i = x->ninsns - 1; i >= 0; i--) {
        const struct insn *in = &x->insns[i];
        live = (live & ~in->flags_written) | in->flags_read;
        /* Instructions that save the flags as they are before them, although
         * the decoder says they overwrite them: a #DE frame of DIV/IDIV, the
         * outgoing task's EFLAGS image of an IRET or far transfer that
         * switches tasks, INT n's frame. Their lookups must not clobber the
         * flags. */
        switch (in->kind) {
        case INSN_DIV: case INSN_SYSTEM: case INSN_INT: case INSN_INT3: case INSN_INTO:
        case INSN_BOUND:
            live = EFL_HOST_LIVE;
            break;
        default:
            break;
        }
        x->live_in[i] = dbt_broken("flags") ? 0 : live;
    }
}

static bool emit_block(struct xlate *x, struct emitter *em)
{
    x->em = em;
    x->nstubs = 0;
    x->in = NULL;
    x->block->host = emit_here(em);
    if (x->count_ibtc) {
        /* Block entries, for the TC hit rate (flag-free: LEA, not INC). */
        EMIT(em, X_MOV, HREG(HR_R11, 8), HMEM(8, HR_R15, HR_NONE, 0, VCPU_OFF(blocks_executed)));
        EMIT(em, X_LEA, HREG(HR_R11, 8), HMEM(0, HR_R11, HR_NONE, 0, 1));
        EMIT(em, X_MOV, HMEM(8, HR_R15, HR_NONE, 0, VCPU_OFF(blocks_executed)), HREG(HR_R11, 8));
    }
    bool open = true;
    for (int i = 0; i < x->ninsns && open; i++) {
        x->in = &x->insns[i];
        x->live = x->live_in[i];
        emit_mark(em, x->in->eip);
        open = emit_insn(x);
    }
    if (open) {
        /* The block was cut (size or page limit): continue at the next EIP. */
        gva_t next = x->block->guest_end;
        x->in = NULL;
        emit_mark(em, next);
        emit_exit_direct(x, X_JMP, next);
    } else if (x->ninsns == 0) {
        return false;
    }
    for (int i = 0; i < x->nstubs; i++) {
        struct stub *s = &x->stubs[i];
        if (s->kind == STUB_MEM)
            emit_mem_stub(x, s);
        else if (s->kind == STUB_EXIT)
            emit_exit_stub(x, s);
        else if (s->kind == STUB_EXIT_TABLE)
            emit_exit_table_stub(x, s);
        else
            emit_exception_stub(x, s);
    }
    return emit_finish(em) > 0 || !em->overflow;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct tc_block *dbt_translate(struct vcpu *v, gva_t eip, uint32_t key)
{
    static struct xlate x;
    uint64_t t0 = now_ns();
    x.key = key;
    x.cs_base = v->seg[S_CS].base;
    x.cs_limit = v->seg[S_CS].limit;
    x.chain = opts.chain;
    x.ibtc = opts.ibtc;
    x.direct = opts.direct;
    x.count_ibtc = opts.stats;
    int max_insns = (key & (MODE_SLOWMEM | MODE_STEP)) ? 1 : XLATE_MAX_INSNS;
    for (;;) {
        struct tc_block *b = tc_block_new(eip, key, x.cs_base, v->seg[S_CS].limit);
        x.block = b;
        scan(&x, eip, max_insns);
        if (x.ninsns == 0) {
            tc_block_discard(b);
            return NULL;
        }
        liveness(&x);
        struct tc_space sp;
        if (!tc_reserve(BLOCK_CODE_MAX, &sp)) {
            tc_block_discard(b);
            tc_flush();
            continue;
        }
        struct emitter em;
        emit_begin(&em, &sp, BLOCK_CODE_MAX);
        if (!emit_block(&x, &em) || em.overflow) {
            tc_block_discard(b);
            if (max_insns == 1)
                panic("translator: one guest instruction at %08x does not fit a block", eip);
            max_insns /= 2;
            continue;
        }
        b->ninsns = (uint32_t)x.ninsns;
        b->nmap = em.nmap;
        b->map = malloc(em.nmap * sizeof *b->map);
        if (!b->map)
            panic("out of memory for a block's EIP map");
        memcpy(b->map, em.map, em.nmap * sizeof *b->map);
        tc_block_publish(b, em.pos);
        g_stats.insns_translated += (uint64_t)x.ninsns;
        if (opts.trace)
            trace_block(b, x.insns, x.ninsns);
        g_stats.translate_ns += now_ns() - t0;
        return b;
    }
}
