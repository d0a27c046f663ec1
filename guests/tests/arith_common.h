/* Shared by the arith_flags_* guests: the register frame an instruction stub
 * runs on, a deterministic PRNG, edge operands, a C reference model
 * interface, and a driver that runs every operand form of an instruction
 * against its model and prints one line per instruction and width.
 * It must not print anything host-dependent: only operands and results.
 *
 *   static const struct form add8[] = { { add8_rr, LOC_A, LOC_B }, ... };
 *   run_binop("add", 8, model_add, 0, add8, NFORMS(add8), NULL, 0);
 *   return check_summary();
 *
 * The stubs are written with arith_stub.inc (assembly); each loads the
 * registers and EFLAGS from a struct cpu, runs one instruction, and stores
 * them back, so the model and the CPU see the same whole frame.
 */
#ifndef ARITH_COMMON_H
#define ARITH_COMMON_H

#include "eflags.h"

/* Marks, in a model's undefined-mask, that the destination value itself is
 * undefined (BSF/BSR of 0, ...). Bit 31 of EFLAGS is reserved and never
 * set, so it cannot collide with a real flag. */
#define UNDEF_RESULT 0x80000000u

/* The frame of arith_stub.inc: keep the offsets in step with it. `mem` is
 * the memory operand of the stubs' m forms (28(%ebp)); `mem_hi` follows it
 * (8-byte operands) and is otherwise free for a test's own bookkeeping. */
struct cpu {
    uint32_t eax, ebx, ecx, edx, esi, edi, flags, mem, mem_hi;
};
_Static_assert(offsetof(struct cpu, flags) == 24, "arith_stub.inc: flags at 24(%ebp)");
_Static_assert(offsetof(struct cpu, mem) == 28, "arith_stub.inc: mem at 28(%ebp)");

typedef void stub_fn(struct cpu *c);

/* Where an operand lives: nowhere (one-operand forms), the low w bits of a
 * register, a high-byte register, the memory slot, or an immediate built
 * into the stub. */
enum loc { LOC_NONE, LOC_A, LOC_B, LOC_C, LOC_D, LOC_AH, LOC_BH, LOC_CH, LOC_DH, LOC_MEM, LOC_IMM };

/* One encoding of an instruction: the stub, where the destination and the
 * source live, the immediate the stub has built in (LOC_IMM), and the
 * source width when it differs from the operation's (CL counts: 8). */
struct form {
    stub_fn *fn;
    enum loc dst, src;
    uint32_t imm;
    int src_width;
};
#define NFORMS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Reference model: a op b at width w. *flags holds the input EFLAGS and
 * receives the output EFLAGS; *undef holds the instruction's undefined flags
 * and the model may add to it (UNDEF_RESULT too). Returns the new
 * destination value (for CMP/TEST/BT: a). */
typedef uint32_t op_model(uint32_t a, uint32_t b, int w, uint32_t *flags, uint32_t *undef);

uint32_t rng_next(void);
uint32_t random_operand(int w);
uint32_t random_arith_flags(void);
extern const uint32_t edge_values[];
extern const int n_edge_values;

static inline uint32_t width_mask(int w) { return w == 32 ? 0xffffffffu : (1u << w) - 1; }
static inline uint32_t width_sign(int w) { return 1u << (w - 1); }
static inline int32_t sign_extend(uint32_t v, int w) { return w == 32 ? (int32_t)v : (int32_t)(v << (32 - w)) >> (32 - w); }

/* SF, ZF and PF of a result of width w (PF looks at the low byte only). */
uint32_t flags_szp(uint32_t res, int w);
/* ADD/ADC and SUB/SBB/CMP results and all six flags, carry/borrow in c. */
uint32_t model_add_carry(uint32_t a, uint32_t b, uint32_t c, int w, uint32_t *flags);
uint32_t model_sub_borrow(uint32_t a, uint32_t b, uint32_t c, int w, uint32_t *flags);
/* Replaces the arithmetic flags in *flags by f (the others are kept). */
static inline void set_arith(uint32_t *flags, uint32_t f) { *flags = (*flags & ~FL_ARITH) | f; }

/* Whether condition code cc (0..15, the low nibble of Jcc/SETcc/CMOVcc:
 * O NO B AE E NE BE A S NS P NP L GE LE G) holds for these flags. */
int condition_holds(int cc, uint32_t flags);

uint32_t loc_get(const struct cpu *c, enum loc l, int w);
void loc_put(struct cpu *c, enum loc l, int w, uint32_t v);
/* A frame with random registers and memory, flags = fl. */
void cpu_random(struct cpu *c, uint32_t fl);

/* Tallies the cases of one instruction at one width; prints the details of
 * the first few failures and one ok/FAIL line at the end. */
struct tally {
    char name[32];
    unsigned cases, failures;
};
void tally_begin(struct tally *t, const char *insn, int w);
/* Compares a whole frame; flags are compared outside `undef`, and the
 * destination is skipped when undef has UNDEF_RESULT (dst given). */
void tally_frame(struct tally *t, const char *form, const struct cpu *in,
                 const struct cpu *got, const struct cpu *want, uint32_t undef);
void tally_end(struct tally *t);

/* Runs every form of a two-operand instruction over edge x edge operand
 * pairs and random pairs, each with CF clear and set. b values come from
 * bvals when given (shift counts), else from the edges and the PRNG. */
void run_binop(const char *insn, int w, op_model *m, uint32_t undef,
               const struct form *forms, int nforms, const uint32_t *bvals, int nb);
/* Same for one-operand instructions (the model ignores b). */
void run_unop(const char *insn, int w, op_model *m, uint32_t undef,
              const struct form *forms, int nforms);

#endif
