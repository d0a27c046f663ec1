/* Internal to dbt/: the state of one block's translation, shared by the
 * passes (translate.c drives: scan -> liveness -> emit -> link) and by the
 * emitters of each instruction class (emit_*.c). */
#ifndef BT386_XLATE_H
#define BT386_XLATE_H

#include "dbt/emit.h"
#include "dbt/mode.h"
#include "decoder/insn.h"

#define XLATE_MAX_INSNS 64

/* A slow path placed after the block body. */
struct stub {
    enum { STUB_MEM, STUB_EXIT, STUB_CALLOUT_EXIT, STUB_EXIT_TABLE } kind;
    int label;              /* where the body jumps to */
    int back;               /* where a STUB_MEM returns */
    int after;              /* label just after the access's instruction */
    int flagfree_miss;      /* STUB_MEM, flag-free lookup: the JRCXZ target, else -1 */
    gva_t eip;
    uint32_t info;
    gva_t target;           /* STUB_EXIT(_TABLE): guest EIP to leave for */
    uint8_t *rel32;         /* STUB_EXIT: the patchable jump that reaches it */
};

struct xlate {
    struct emitter *em;
    struct tc_block *block;
    uint32_t key;
    uint32_t cs_base;       /* the block's code segment base: fetch at cs_base + EIP */
    uint32_t cs_limit;      /* …and limit: code and branch targets beyond it raise #GP(0) */
    bool chain;             /* direct exits may be chained (--no-chain) */
    bool ibtc;              /* indirect branches use the in-TC table (--no-ibtc) */
    bool direct;            /* paging off: address RAM through the window (--no-direct) */
    bool count_ibtc;        /* count in-TC indirect dispatches (--stats) */
    /* The host operand for the guest memory operand just looked up:
     * [r11 + r10] (shadow map), [r13 + r10] (direct, after LEA) or
     * [r13 + base + disp] (direct, no LEA). */
    struct { int8_t base, index; uint8_t scale; int32_t disp; } mem;
    int ninsns;
    struct insn insns[XLATE_MAX_INSNS + 1];     /* + 1: STI's shadow (translate.c) */
    uint32_t live_in[XLATE_MAX_INSNS + 1];      /* guest flags live before each insn */
    const struct insn *in;              /* the instruction being emitted */
    uint32_t live;                      /* live_in of it */
    int nstubs;
    struct stub stubs[(XLATE_MAX_INSNS + 1) * 4 + 8];
};

/* The next free stub; when the block has too many, a spare one and the
 * emitter overflows (the driver retries a shorter block). */
struct stub *stub_alloc(struct xlate *x);

/* Callout info word layout for memory slow paths (dbt/callouts_mem.c). */
#define MEMINFO_SIZE(i)     ((i) & 0xff)
#define MEMINFO_WRITE       (1u << 8)
#define MEMINFO_CHECKED     (1u << 9)     /* offset in r10, segment checks in C */
#define MEMINFO_USER        (1u << 10)
#define MEMINFO_FLAGS_SAVED (1u << 11)    /* the stub pops the guest flags first */
#define MEMINFO_SEG(i)      (((i) >> 12) & 7)
#define MEMINFO_LEN(i)      (((i) >> 16) & 0xff)
/* A MOV m32, r32: 1 + the guest register it stores (0: another kind of
 * access), so C can tell a page-table entry written back unchanged. */
#define MEMINFO_STORE_REG(i) (((i) >> 24) & 0xf)

/* emit_mem.c: computes the guest effective address (offset) into r10d,
 * then the linear address; leaves the host addend in r11 so that
 * [r11 + r10] is the guest byte; preserves live flags. Returns the label
 * that must be bound right after the instruction that uses [r11 + r10]. */
void emit_ea(struct xlate *x, const struct mem_operand *m);
int emit_lookup(struct xlate *x, int seg, unsigned size, bool write);
void emit_access_done(struct xlate *x, int after_label);
void emit_mem_stub(struct xlate *x, const struct stub *s);
void emit_mem_init(void);
/* The host has BMI2 (SHLX/SHRX: shifts that leave the flags alone). */
extern bool host_has_bmi2;
/* A whole access of the current instruction's memory operand. */
int emit_mem_operand(struct xlate *x, unsigned size_override, bool write);
/* An access of `size` bytes at SS:[ESP + disp]. */
int emit_stack_access(struct xlate *x, int32_t disp, unsigned size, bool write);

/* emit_flow.c */
void emit_exit_direct(struct xlate *x, enum x64_mnemonic jump, gva_t target);
void emit_indirect(struct xlate *x);           /* target in r10d */
void emit_exit_table_stub(struct xlate *x, const struct stub *s);
void emit_checked_table_jump(struct emitter *em);
bool leaves_pages(const struct xlate *x, gva_t target);
void emit_exit_stub(struct xlate *x, struct stub *s);
void emit_indirect_miss_stub(struct emitter *em);
void emit_plain_exit_stub(struct emitter *em);
void emit_exception_stub(struct xlate *x, const struct stub *s);

/* emit_call.c: calls C `fn(struct vcpu *)` through the trampoline. */
void emit_callout(struct xlate *x, uint64_t (*fn)(struct vcpu *), uint32_t info);
/* A callout that ends the block: the vCPU state decides where to go next. */
void emit_callout_and_exit(struct xlate *x, uint64_t (*fn)(struct vcpu *), uint32_t info);

/* emit_insn.c: one guest instruction; returns false if it ends the block. */
bool emit_insn(struct xlate *x);

/* Host register holding guest register r (R_*). */
static inline int host_reg(int r) { return r == R_ESP ? HR_R12 : r; }

#endif
