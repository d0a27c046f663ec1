/* Host (x86-64) instruction encoding for the translator, on Zydis' encoder,
 * with the project's own names so that nothing outside decoder/ sees Zydis.
 * Two services:
 *  - x64_encode: one host instruction from a mnemonic and operands;
 *  - x64_rewrite: a guest instruction re-encoded for 64-bit mode with its
 *    memory operand replaced by [r11 + r10] (host addend + guest address),
 *    guest ESP by r12d, and an AH/CH/DH/BH operand by r9b.
 *
 *   uint8_t buf[16];
 *   int n = x64_encode(buf, X_MOV, 2, (struct hop[]){ HREG(HR_R11, 4), HREG(HR_R10, 4) });
 */
#ifndef BT386_X64ASM_H
#define BT386_X64ASM_H

#include "decoder/insn.h"

enum hreg {
    HR_RAX, HR_RCX, HR_RDX, HR_RBX, HR_RSP, HR_RBP, HR_RSI, HR_RDI,
    HR_R8, HR_R9, HR_R10, HR_R11, HR_R12, HR_R13, HR_R14, HR_R15,
    HR_NONE = -1,
};

#define X64_MNEMONICS(X) \
    X(MOV) X(MOVZX) X(LEA) X(AND) X(OR) X(XOR) X(CMP) X(TEST) \
    X(SHR) X(SHL) X(SHRX) X(SHLX) X(XCHG) X(PUSHFQ) X(POPFQ) X(CALL) X(JMP) X(RDTSC) \
    X(JMP8) X(JRCXZ) X(UD2) X(DIV) X(IDIV) \
    X(JO) X(JNO) X(JB) X(JNB) X(JZ) X(JNZ) X(JBE) X(JNBE) \
    X(JS) X(JNS) X(JP) X(JNP) X(JL) X(JNL) X(JLE) X(JNLE)

enum x64_mnemonic {
#define X(m) X_##m,
    X64_MNEMONICS(X)
#undef X
    X_COUNT
};

enum hop_kind { HOP_REG, HOP_MEM, HOP_IMM };

/* One operand: a register of `size` bytes, a memory operand of `size` bytes
 * at [base + index*scale + disp] (64-bit addressing), or an immediate. For
 * branches the immediate is the rel32/rel8 displacement (patched later). */
struct hop {
    uint8_t kind;
    uint8_t size;
    int8_t reg, base, index;
    uint8_t scale;
    int64_t val;        /* displacement or immediate */
};

#define HREG(r, sz)  ((struct hop){ .kind = HOP_REG, .size = (sz), .reg = (r) })
#define HMEM(sz, b, i, s, d) \
    ((struct hop){ .kind = HOP_MEM, .size = (sz), .base = (b), .index = (i), .scale = (s), .val = (d) })
#define HIMM(v)      ((struct hop){ .kind = HOP_IMM, .val = (int64_t)(v) })

/* Encodes into buf (at least 15 bytes); returns the length, or -1. Relative
 * branches are always encoded with a 32-bit displacement (JRCXZ: 8-bit)
 * occupying the last bytes of the instruction. */
int x64_encode(uint8_t *buf, enum x64_mnemonic m, int nops, const struct hop *ops);

/* How x64_rewrite changes a guest instruction. */
struct rewrite {
    bool mem_to_r11_r10;    /* memory operand -> [r11 + r10] */
    bool high8_to_r9b;      /* the AH/CH/DH/BH operand -> r9b */
    bool mem_custom;        /* with mem_to_r11_r10: [mem_base + mem_index + mem_disp] instead */
    int8_t mem_base, mem_index;   /* enum hreg, HR_NONE for none */
    uint8_t mem_scale;            /* of mem_index: 1, 2, 4, 8 */
    int32_t mem_disp;
};

/* Re-encodes guest instruction `in` for 64-bit mode; returns the length or -1
 * when the instruction has no 64-bit encoding with these substitutions. */
int x64_rewrite(const struct insn *in, const struct rewrite *rw, uint8_t *buf);

/* The Jcc mnemonic for condition code cc (0..15, the low nibble of 0x7x). */
static inline enum x64_mnemonic x64_jcc(unsigned cc) { return (enum x64_mnemonic)(X_JO + (cc & 15)); }

#endif
