/* Host instruction encoding on Zydis' encoder (see x64asm.h). The only
 * place the translator's output is turned into bytes, so a wrong encoding is
 * fixed once here and caught by the round-trip tests in tests/unit. */
#include "decoder/x64asm.h"
#include "ring-compression/vcpu.h"

#include <Zydis/Zydis.h>
#include <string.h>

static const ZydisMnemonic mnemonic_map[X_COUNT] = {
    [X_MOV] = ZYDIS_MNEMONIC_MOV, [X_MOVZX] = ZYDIS_MNEMONIC_MOVZX, [X_LEA] = ZYDIS_MNEMONIC_LEA,
    [X_AND] = ZYDIS_MNEMONIC_AND, [X_OR] = ZYDIS_MNEMONIC_OR, [X_XOR] = ZYDIS_MNEMONIC_XOR,
    [X_CMP] = ZYDIS_MNEMONIC_CMP, [X_TEST] = ZYDIS_MNEMONIC_TEST, [X_SHR] = ZYDIS_MNEMONIC_SHR,
    [X_SHL] = ZYDIS_MNEMONIC_SHL, [X_SHRX] = ZYDIS_MNEMONIC_SHRX, [X_XCHG] = ZYDIS_MNEMONIC_XCHG,
    [X_SHLX] = ZYDIS_MNEMONIC_SHLX, [X_RDTSC] = ZYDIS_MNEMONIC_RDTSC,
    [X_PUSHFQ] = ZYDIS_MNEMONIC_PUSHFQ, [X_POPFQ] = ZYDIS_MNEMONIC_POPFQ,
    [X_CALL] = ZYDIS_MNEMONIC_CALL, [X_JMP] = ZYDIS_MNEMONIC_JMP, [X_JMP8] = ZYDIS_MNEMONIC_JMP,
    [X_JRCXZ] = ZYDIS_MNEMONIC_JRCXZ, [X_UD2] = ZYDIS_MNEMONIC_UD2,
    [X_DIV] = ZYDIS_MNEMONIC_DIV, [X_IDIV] = ZYDIS_MNEMONIC_IDIV,
    [X_JO] = ZYDIS_MNEMONIC_JO, [X_JNO] = ZYDIS_MNEMONIC_JNO, [X_JB] = ZYDIS_MNEMONIC_JB,
    [X_JNB] = ZYDIS_MNEMONIC_JNB, [X_JZ] = ZYDIS_MNEMONIC_JZ, [X_JNZ] = ZYDIS_MNEMONIC_JNZ,
    [X_JBE] = ZYDIS_MNEMONIC_JBE, [X_JNBE] = ZYDIS_MNEMONIC_JNBE, [X_JS] = ZYDIS_MNEMONIC_JS,
    [X_JNS] = ZYDIS_MNEMONIC_JNS, [X_JP] = ZYDIS_MNEMONIC_JP, [X_JNP] = ZYDIS_MNEMONIC_JNP,
    [X_JL] = ZYDIS_MNEMONIC_JL, [X_JNL] = ZYDIS_MNEMONIC_JNL, [X_JLE] = ZYDIS_MNEMONIC_JLE,
    [X_JNLE] = ZYDIS_MNEMONIC_JNLE,
};

static ZydisRegister zreg(int r, unsigned size)
{
    static const ZydisRegister q[16] = {
        ZYDIS_REGISTER_RAX, ZYDIS_REGISTER_RCX, ZYDIS_REGISTER_RDX, ZYDIS_REGISTER_RBX,
        ZYDIS_REGISTER_RSP, ZYDIS_REGISTER_RBP, ZYDIS_REGISTER_RSI, ZYDIS_REGISTER_RDI,
        ZYDIS_REGISTER_R8, ZYDIS_REGISTER_R9, ZYDIS_REGISTER_R10, ZYDIS_REGISTER_R11,
        ZYDIS_REGISTER_R12, ZYDIS_REGISTER_R13, ZYDIS_REGISTER_R14, ZYDIS_REGISTER_R15,
    };
    if (r < 0)
        return ZYDIS_REGISTER_NONE;
    ZydisRegister base = q[r];
    ZydisRegisterClass cls = size == 8 ? ZYDIS_REGCLASS_GPR64 : size == 4 ? ZYDIS_REGCLASS_GPR32 :
                             size == 2 ? ZYDIS_REGCLASS_GPR16 : ZYDIS_REGCLASS_GPR8;
    /* 8-bit ids 4..7 are SPL..DIL in 64-bit mode (AH..BH are ids 4..7 of a
     * separate numbering in Zydis, never produced here). */
    if (size == 1 && r >= 4 && r < 8)
        return (ZydisRegister)(ZYDIS_REGISTER_SPL + (r - 4));
    if (size == 1 && r >= 8)
        return (ZydisRegister)(ZYDIS_REGISTER_R8B + (r - 8));
    return ZydisRegisterEncode(cls, (ZyanU8)ZydisRegisterGetId(base));
}

static bool is_branch(enum x64_mnemonic m)
{
    return m == X_JMP || m == X_JMP8 || m == X_CALL || m == X_JRCXZ || (m >= X_JO && m <= X_JNLE);
}

int x64_encode(uint8_t *buf, enum x64_mnemonic m, int nops, const struct hop *ops)
{
    ZydisEncoderRequest req;
    memset(&req, 0, sizeof req);
    req.machine_mode = ZYDIS_MACHINE_MODE_LONG_64;
    req.mnemonic = mnemonic_map[m];
    req.operand_count = (ZyanU8)nops;
    for (int i = 0; i < nops; i++) {
        ZydisEncoderOperand *o = &req.operands[i];
        const struct hop *h = &ops[i];
        switch (h->kind) {
        case HOP_REG:
            o->type = ZYDIS_OPERAND_TYPE_REGISTER;
            o->reg.value = zreg(h->reg, h->size);
            break;
        case HOP_MEM:
            o->type = ZYDIS_OPERAND_TYPE_MEMORY;
            o->mem.base = zreg(h->base, 8);
            o->mem.index = zreg(h->index, 8);
            o->mem.scale = h->index >= 0 ? h->scale : 0;
            o->mem.displacement = h->val;
            /* LEA's "memory" operand has the size of the address (64-bit). */
            o->mem.size = m == X_LEA ? 8 : h->size;
            break;
        case HOP_IMM: {
            o->type = ZYDIS_OPERAND_TYPE_IMMEDIATE;
            /* An immediate for a narrow operand is taken modulo its width
             * (0xfffffffe for a 32-bit AND is -2 to the encoder). */
            unsigned width = nops > 1 && ops[0].kind != HOP_IMM ? ops[0].size : 8;
            int64_t v = h->val;
            if (width == 4)
                v = (int32_t)(uint32_t)v;
            else if (width == 2)
                v = (int16_t)(uint16_t)v;
            else if (width == 1)
                v = (int8_t)(uint8_t)v;
            o->imm.s = v;
            break;
        }
        }
    }
    if (is_branch(m) && nops == 1 && ops[0].kind == HOP_IMM) {
        bool short8 = m == X_JRCXZ || m == X_JMP8;
        req.branch_type = short8 ? ZYDIS_BRANCH_TYPE_SHORT : ZYDIS_BRANCH_TYPE_NEAR;
        req.branch_width = short8 ? ZYDIS_BRANCH_WIDTH_8 : ZYDIS_BRANCH_WIDTH_32;
    }
    ZyanUSize len = ZYDIS_MAX_INSTRUCTION_LENGTH;
    if (ZYAN_FAILED(ZydisEncoderEncodeInstruction(&req, buf, &len)))
        return -1;
    return (int)len;
}

static ZydisDecoder decoder32, decoder16;
static bool decoder_ready;

/* decode.c: the guest CPU's decoder setup, so that a rewrite reads the
 * bytes exactly as insn_decode did. */
void insn_zydis_decoder_init(ZydisDecoder *d, bool code16);

int x64_rewrite(const struct insn *in, const struct rewrite *rw, uint8_t *buf)
{
    ZydisDecodedInstruction zi;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    ZydisEncoderRequest req;

    if (!decoder_ready) {
        insn_zydis_decoder_init(&decoder32, false);
        insn_zydis_decoder_init(&decoder16, true);
        decoder_ready = true;
    }
    if (ZYAN_FAILED(ZydisDecoderDecodeFull(in->code16 ? &decoder16 : &decoder32, in->bytes, in->len, &zi, ops)))
        return -1;
    /* A hint NOP (0F 18..1F, NOP r/m; no access even with a memory operand)
     * does nothing. Re-encoded, Zydis would pick 0F 0D, which is PREFETCH on
     * the host and #UD with a register operand. */
    if (zi.mnemonic == ZYDIS_MNEMONIC_NOP) {
        buf[0] = 0x90;
        return 1;
    }
    if (ZYAN_FAILED(ZydisEncoderDecodedInstructionToEncoderRequest(&zi, ops,
                                                                   zi.operand_count_visible, &req)))
        return -1;
    req.machine_mode = ZYDIS_MACHINE_MODE_LONG_64;
    req.prefixes &= ~(ZYDIS_ATTRIB_HAS_SEGMENT | ZYDIS_ATTRIB_HAS_ADDRESSSIZE);
    req.address_size_hint = ZYDIS_ADDRESS_SIZE_HINT_NONE;
    for (int i = 0; i < req.operand_count; i++) {
        ZydisEncoderOperand *o = &req.operands[i];
        if (o->type == ZYDIS_OPERAND_TYPE_MEMORY && rw->mem_to_r11_r10) {
            if (rw->mem_custom) {
                o->mem.base = zreg(rw->mem_base, 8);
                o->mem.index = zreg(rw->mem_index, 8);
                o->mem.scale = rw->mem_index >= 0 ? (rw->mem_scale ? rw->mem_scale : 1) : 0;
                o->mem.displacement = rw->mem_disp;
            } else {
                o->mem.base = ZYDIS_REGISTER_R11;
                o->mem.index = ZYDIS_REGISTER_R10;
                o->mem.scale = 1;
                o->mem.displacement = 0;
            }
        } else if (o->type == ZYDIS_OPERAND_TYPE_REGISTER) {
            switch (o->reg.value) {
            case ZYDIS_REGISTER_ESP: o->reg.value = ZYDIS_REGISTER_R12D; break;
            case ZYDIS_REGISTER_SP: o->reg.value = ZYDIS_REGISTER_R12W; break;
            case ZYDIS_REGISTER_AH: case ZYDIS_REGISTER_CH:
            case ZYDIS_REGISTER_DH: case ZYDIS_REGISTER_BH:
                if (rw->high8_to_r9b)
                    o->reg.value = ZYDIS_REGISTER_R9B;
                break;
            default:
                break;
            }
        }
    }
    ZyanUSize len = ZYDIS_MAX_INSTRUCTION_LENGTH;
    if (ZYAN_FAILED(ZydisEncoderEncodeInstruction(&req, buf, &len)))
        return -1;
    return (int)len;
}
