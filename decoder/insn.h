/* The project's own record of one decoded guest (IA-32) instruction. The
 * decoder (decode.c, the only file that sees Zydis' decoder) fills it; the
 * translator classifies and emits from it without knowing Zydis.
 *
 *   struct insn in;
 *   if (insn_decode(bytes, avail, eip, &in) < 0) ...   (#UD or truncated)
 *   if (in.kind == INSN_JCC) target = in.target;
 */
#ifndef BT386_INSN_H
#define BT386_INSN_H

#include "common/types.h"

/* How the translator must handle an instruction. GENERIC instructions are on
 * the decoder's allow-list of plain computation (ALU, moves, x87, MMX, SSE):
 * they are copied when their encoding means the same in 64-bit mode, and
 * re-encoded otherwise. Everything else has a handler of its own. */
#define INSN_KINDS(X) \
    X(GENERIC)  X(LEA)      X(DIV)      X(XLAT)     \
    X(JMP)      X(JCC)      X(CALL)     X(JMP_IND)  X(CALL_IND) \
    X(RET)      X(LOOP)     X(JCXZ)     \
    X(PUSH)     X(POP)      X(PUSHA)    X(POPA)     X(ENTER)    X(LEAVE) \
    X(PUSHF)    X(POPF)     X(CLI)      X(STI)      X(HLT)      \
    X(IN)       X(OUT)      X(STRING)   X(CPUID)    X(RDTSC)    \
    X(BCD)      X(SALC)     X(INT)      X(INT3)     X(INTO)     X(BOUND) \
    X(BITMEM)   X(SYSTEM)   X(UD)

enum insn_kind {
#define X(k) INSN_##k,
    INSN_KINDS(X)
#undef X
    INSN_KIND_COUNT
};
extern const char *const insn_kind_names[INSN_KIND_COUNT];

/* INSN_STRING: which string instruction (insn.sub). */
enum { STR_MOVS, STR_CMPS, STR_STOS, STR_LODS, STR_SCAS, STR_INS, STR_OUTS };
/* INSN_LOOP: insn.sub */
enum { LOOP_PLAIN, LOOP_E, LOOP_NE };
/* INSN_BCD: insn.sub */
enum { BCD_DAA, BCD_DAS, BCD_AAA, BCD_AAS, BCD_AAM, BCD_AAD };
/* INSN_BITMEM (BT/BTS/BTR/BTC m, reg): insn.sub */
enum { BIT_TEST, BIT_SET, BIT_RESET, BIT_COMPLEMENT };
/* insn.fpu: the x87/MMX classes of the CR0.EM/TS/MP rules. */
enum { FPU_NONE, FPU_X87, FPU_WAIT, FPU_MMX };
/* INSN_REP prefixes (insn.rep) */
enum { REP_NONE, REP_E, REP_NE };

/* Where an operand of a stack/IO/branch instruction comes from. */
enum opnd_kind { OPND_NONE, OPND_REG, OPND_MEM, OPND_IMM, OPND_SREG };

/* A memory operand in guest terms: segment:[base + index*scale + disp],
 * computed with the instruction's address size (16 or 32 bits). */
struct mem_operand {
    int8_t seg;         /* S_ES..S_GS, the effective segment after overrides */
    int8_t base;        /* R_EAX..R_EDI, or -1 */
    int8_t index;       /* R_EAX..R_EDI, or -1 */
    uint8_t scale;      /* 1, 2, 4, 8 */
    int32_t disp;
    uint8_t addr_size;  /* 2 or 4 bytes */
    uint8_t size;       /* bytes accessed (0 for LEA/NOP-like address-only) */
    bool read, write;
};

struct insn {
    gva_t eip;
    uint8_t len;
    uint8_t bytes[15];
    enum insn_kind kind;
    uint8_t sub;            /* kind-specific: string op, loop form, jcc condition, bcd op… */
    uint8_t rep;            /* REP_* */
    uint8_t opsize;         /* operand size in bytes: 1, 2 or 4 */
    uint8_t addr_size;      /* 2 or 4 */
    bool has_mem;           /* one explicit memory operand, described by mem */
    struct mem_operand mem;
    enum opnd_kind src;     /* PUSH/POP/IN/OUT/JMP_IND/CALL_IND/INT: the operand */
    int8_t reg;             /* register for OPND_REG/OPND_SREG, port-in-DX marker for IN/OUT */
    uint32_t imm;           /* immediate (INT n, RET n, ENTER size, IN/OUT port, PUSH imm) */
    uint32_t imm2;          /* ENTER nesting level */
    gva_t target;           /* relative branches: the guest target */
    uint32_t flags_read;    /* EFL_* arithmetic flags (and DF) the instruction reads */
    uint32_t flags_written; /* …that it always overwrites (undefined counts as written) */
    bool uses_esp;          /* an explicit register operand is ESP/SP */
    int8_t high8;           /* an explicit AH/CH/DH/BH operand: its R_* base (EAX…EBX), else -1 */
    bool ident;             /* the bytes mean the same in 64-bit mode: copy them */
    bool lock;
    bool code16;            /* decoded for a D = 0 code segment */
    bool sse;               /* an SSE/SSE2 instruction: #UD unless CR4.OSFXSR (SDM 13.1.3) */
    uint8_t fpu;            /* FPU_*: which CR0.TS/EM/MP rule applies (SDM vol. 3A, 2.5) */
};

/* Decodes one instruction at guest `eip` from `avail` bytes. Returns 0, or
 * -1 for an invalid or truncated encoding (the caller raises #UD, or reads
 * more bytes for a truncated one). */
int insn_decode(const uint8_t *bytes, size_t avail, gva_t eip, struct insn *out);
/* The same for a code segment with D = 0 (code16: 16-bit default operand
 * and address sizes) or D = 1. */
int insn_decode_mode(const uint8_t *bytes, size_t avail, gva_t eip, bool code16, struct insn *out);

/* The instruction's opcode bytes: past its legacy prefixes (for handlers
 * that read the opcode and ModRM fields themselves). */
const uint8_t *insn_opcode(const struct insn *in);

/* Initialises the decoder tables; call once. */
void insn_decoder_init(void);

#endif
