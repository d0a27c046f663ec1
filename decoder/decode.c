/* IA-32 decoding with Zydis into the project's struct insn (insn.h).
 *
 * Owns: the decision which guest instructions exist for bt386's virtual CPU
 * (an allow-list by ISA extension and category, matching what CPUID
 * advertises: the base set, x87, MMX, SSE, SSE2) and the classification into
 * translator kinds. Everything not on the list decodes as INSN_UD, so no
 * guest instruction reaches the host without a handler having chosen it.
 * Must not: emit code or know about the vCPU beyond register numbers. */
#include "decoder/insn.h"
#include "ring-compression/vcpu.h"

#include <Zydis/Zydis.h>
#include <string.h>

const char *const insn_kind_names[INSN_KIND_COUNT] = {
#define X(k) #k,
    INSN_KINDS(X)
#undef X
};

static ZydisDecoder decoder32, decoder16;

/* Sets up a Zydis decoder for bt386's guest CPU. Zydis' decoder modes for
 * newer extensions reuse encodings that a CPU without them (our CPUID: no
 * BMI1, LZCNT, MPX or CLDEMOTE) executes otherwise: F3 0F BC/BD are BSF/BSR
 * with an ignored REP prefix there (GCC emits "rep bsf" for __builtin_ctz,
 * Linux's __ffs spells it out), and 0F 1A/1B/1C are hint NOPs. NB:
 * x64_rewrite (x64asm.c) re-decodes guest instructions with this setup. */
void insn_zydis_decoder_init(ZydisDecoder *d, bool code16)
{
    static const ZydisDecoderMode absent[] = {
        ZYDIS_DECODER_MODE_TZCNT, ZYDIS_DECODER_MODE_LZCNT, ZYDIS_DECODER_MODE_MPX,
        ZYDIS_DECODER_MODE_CLDEMOTE,
    };
    if (code16)
        ZydisDecoderInit(d, ZYDIS_MACHINE_MODE_LEGACY_16, ZYDIS_STACK_WIDTH_16);
    else
        ZydisDecoderInit(d, ZYDIS_MACHINE_MODE_LEGACY_32, ZYDIS_STACK_WIDTH_32);
    for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
        ZydisDecoderEnableMode(d, absent[i], ZYAN_FALSE);
}

void insn_decoder_init(void)
{
    insn_zydis_decoder_init(&decoder32, false);
    insn_zydis_decoder_init(&decoder16, true);
}

/* Guest general register number (R_*) of a Zydis register, or -1. Sets
 * *high8 for AH/CH/DH/BH. */
static int gpr_number(ZydisRegister r, bool *high8)
{
    *high8 = false;
    switch (r) {
    case ZYDIS_REGISTER_AH: *high8 = true; return R_EAX;
    case ZYDIS_REGISTER_CH: *high8 = true; return R_ECX;
    case ZYDIS_REGISTER_DH: *high8 = true; return R_EDX;
    case ZYDIS_REGISTER_BH: *high8 = true; return R_EBX;
    default: break;
    }
    if (ZydisRegisterGetClass(r) == ZYDIS_REGCLASS_GPR32 ||
        ZydisRegisterGetClass(r) == ZYDIS_REGCLASS_GPR16 ||
        ZydisRegisterGetClass(r) == ZYDIS_REGCLASS_GPR8)
        return ZydisRegisterGetId(r) & 7;
    return -1;
}

static int sreg_number(ZydisRegister r)
{
    switch (r) {
    case ZYDIS_REGISTER_ES: return S_ES;
    case ZYDIS_REGISTER_CS: return S_CS;
    case ZYDIS_REGISTER_SS: return S_SS;
    case ZYDIS_REGISTER_DS: return S_DS;
    case ZYDIS_REGISTER_FS: return S_FS;
    case ZYDIS_REGISTER_GS: return S_GS;
    default: return -1;
    }
}

/* The instructions that are not plain computation, by mnemonic. */
static enum insn_kind special_kind(ZydisMnemonic m, uint8_t *sub)
{
    switch (m) {
    case ZYDIS_MNEMONIC_LEA: return INSN_LEA;
    case ZYDIS_MNEMONIC_DIV: case ZYDIS_MNEMONIC_IDIV: return INSN_DIV;
    case ZYDIS_MNEMONIC_XLAT: return INSN_XLAT;
    case ZYDIS_MNEMONIC_JMP: return INSN_JMP;
    case ZYDIS_MNEMONIC_CALL: return INSN_CALL;
    case ZYDIS_MNEMONIC_RET: return INSN_RET;
    case ZYDIS_MNEMONIC_LOOP: *sub = LOOP_PLAIN; return INSN_LOOP;
    case ZYDIS_MNEMONIC_LOOPE: *sub = LOOP_E; return INSN_LOOP;
    case ZYDIS_MNEMONIC_LOOPNE: *sub = LOOP_NE; return INSN_LOOP;
    case ZYDIS_MNEMONIC_JCXZ: case ZYDIS_MNEMONIC_JECXZ: return INSN_JCXZ;
    case ZYDIS_MNEMONIC_JO: *sub = 0; return INSN_JCC;
    case ZYDIS_MNEMONIC_JNO: *sub = 1; return INSN_JCC;
    case ZYDIS_MNEMONIC_JB: *sub = 2; return INSN_JCC;
    case ZYDIS_MNEMONIC_JNB: *sub = 3; return INSN_JCC;
    case ZYDIS_MNEMONIC_JZ: *sub = 4; return INSN_JCC;
    case ZYDIS_MNEMONIC_JNZ: *sub = 5; return INSN_JCC;
    case ZYDIS_MNEMONIC_JBE: *sub = 6; return INSN_JCC;
    case ZYDIS_MNEMONIC_JNBE: *sub = 7; return INSN_JCC;
    case ZYDIS_MNEMONIC_JS: *sub = 8; return INSN_JCC;
    case ZYDIS_MNEMONIC_JNS: *sub = 9; return INSN_JCC;
    case ZYDIS_MNEMONIC_JP: *sub = 10; return INSN_JCC;
    case ZYDIS_MNEMONIC_JNP: *sub = 11; return INSN_JCC;
    case ZYDIS_MNEMONIC_JL: *sub = 12; return INSN_JCC;
    case ZYDIS_MNEMONIC_JNL: *sub = 13; return INSN_JCC;
    case ZYDIS_MNEMONIC_JLE: *sub = 14; return INSN_JCC;
    case ZYDIS_MNEMONIC_JNLE: *sub = 15; return INSN_JCC;
    case ZYDIS_MNEMONIC_PUSH: return INSN_PUSH;
    case ZYDIS_MNEMONIC_POP: return INSN_POP;
    case ZYDIS_MNEMONIC_PUSHA: case ZYDIS_MNEMONIC_PUSHAD: return INSN_PUSHA;
    case ZYDIS_MNEMONIC_POPA: case ZYDIS_MNEMONIC_POPAD: return INSN_POPA;
    case ZYDIS_MNEMONIC_ENTER: return INSN_ENTER;
    case ZYDIS_MNEMONIC_LEAVE: return INSN_LEAVE;
    case ZYDIS_MNEMONIC_PUSHF: case ZYDIS_MNEMONIC_PUSHFD: return INSN_PUSHF;
    case ZYDIS_MNEMONIC_POPF: case ZYDIS_MNEMONIC_POPFD: return INSN_POPF;
    case ZYDIS_MNEMONIC_CLI: return INSN_CLI;
    case ZYDIS_MNEMONIC_STI: return INSN_STI;
    case ZYDIS_MNEMONIC_HLT: return INSN_HLT;
    case ZYDIS_MNEMONIC_IN: return INSN_IN;
    case ZYDIS_MNEMONIC_OUT: return INSN_OUT;
    case ZYDIS_MNEMONIC_MOVSB: case ZYDIS_MNEMONIC_MOVSW: case ZYDIS_MNEMONIC_MOVSD:
        *sub = STR_MOVS; return INSN_STRING;
    case ZYDIS_MNEMONIC_CMPSB: case ZYDIS_MNEMONIC_CMPSW: case ZYDIS_MNEMONIC_CMPSD:
        *sub = STR_CMPS; return INSN_STRING;
    case ZYDIS_MNEMONIC_STOSB: case ZYDIS_MNEMONIC_STOSW: case ZYDIS_MNEMONIC_STOSD:
        *sub = STR_STOS; return INSN_STRING;
    case ZYDIS_MNEMONIC_LODSB: case ZYDIS_MNEMONIC_LODSW: case ZYDIS_MNEMONIC_LODSD:
        *sub = STR_LODS; return INSN_STRING;
    case ZYDIS_MNEMONIC_SCASB: case ZYDIS_MNEMONIC_SCASW: case ZYDIS_MNEMONIC_SCASD:
        *sub = STR_SCAS; return INSN_STRING;
    case ZYDIS_MNEMONIC_INSB: case ZYDIS_MNEMONIC_INSW: case ZYDIS_MNEMONIC_INSD:
        *sub = STR_INS; return INSN_STRING;
    case ZYDIS_MNEMONIC_OUTSB: case ZYDIS_MNEMONIC_OUTSW: case ZYDIS_MNEMONIC_OUTSD:
        *sub = STR_OUTS; return INSN_STRING;
    case ZYDIS_MNEMONIC_CPUID: return INSN_CPUID;
    case ZYDIS_MNEMONIC_RDTSC: return INSN_RDTSC;
    case ZYDIS_MNEMONIC_DAA: *sub = BCD_DAA; return INSN_BCD;
    case ZYDIS_MNEMONIC_DAS: *sub = BCD_DAS; return INSN_BCD;
    case ZYDIS_MNEMONIC_AAA: *sub = BCD_AAA; return INSN_BCD;
    case ZYDIS_MNEMONIC_AAS: *sub = BCD_AAS; return INSN_BCD;
    case ZYDIS_MNEMONIC_AAM: *sub = BCD_AAM; return INSN_BCD;
    case ZYDIS_MNEMONIC_AAD: *sub = BCD_AAD; return INSN_BCD;
    case ZYDIS_MNEMONIC_SALC: return INSN_SALC;
    case ZYDIS_MNEMONIC_INT: return INSN_INT;
    case ZYDIS_MNEMONIC_INT3: return INSN_INT3;
    case ZYDIS_MNEMONIC_INTO: return INSN_INTO;
    case ZYDIS_MNEMONIC_BOUND: return INSN_BOUND;
    case ZYDIS_MNEMONIC_UD0: case ZYDIS_MNEMONIC_UD1: case ZYDIS_MNEMONIC_UD2:
        return INSN_UD;
    /* Sensitive or privileged: the ring-compression issue gives each its
     * handler; until then they end the run as unsupported. */
    case ZYDIS_MNEMONIC_IRETD: case ZYDIS_MNEMONIC_IRET: case ZYDIS_MNEMONIC_LGDT:
    case ZYDIS_MNEMONIC_LIDT: case ZYDIS_MNEMONIC_SGDT: case ZYDIS_MNEMONIC_SIDT:
    case ZYDIS_MNEMONIC_LLDT: case ZYDIS_MNEMONIC_SLDT: case ZYDIS_MNEMONIC_LTR:
    case ZYDIS_MNEMONIC_STR: case ZYDIS_MNEMONIC_LMSW: case ZYDIS_MNEMONIC_SMSW:
    case ZYDIS_MNEMONIC_CLTS: case ZYDIS_MNEMONIC_INVLPG: case ZYDIS_MNEMONIC_INVD:
    case ZYDIS_MNEMONIC_WBINVD: case ZYDIS_MNEMONIC_RDMSR: case ZYDIS_MNEMONIC_WRMSR:
    case ZYDIS_MNEMONIC_RDPMC: case ZYDIS_MNEMONIC_LAR: case ZYDIS_MNEMONIC_LSL:
    case ZYDIS_MNEMONIC_VERR: case ZYDIS_MNEMONIC_VERW: case ZYDIS_MNEMONIC_ARPL:
    case ZYDIS_MNEMONIC_LDS: case ZYDIS_MNEMONIC_LES: case ZYDIS_MNEMONIC_LFS:
    case ZYDIS_MNEMONIC_LGS: case ZYDIS_MNEMONIC_LSS: case ZYDIS_MNEMONIC_SYSENTER:
    case ZYDIS_MNEMONIC_SYSEXIT: case ZYDIS_MNEMONIC_SYSCALL: case ZYDIS_MNEMONIC_SYSRET:
    case ZYDIS_MNEMONIC_INT1: case ZYDIS_MNEMONIC_RSM:
        return INSN_SYSTEM;
    default:
        return INSN_GENERIC;
    }
}

static bool isa_supported(ZydisISAExt ext)
{
    switch (ext) {
    case ZYDIS_ISA_EXT_BASE: case ZYDIS_ISA_EXT_X87: case ZYDIS_ISA_EXT_MMX:
    case ZYDIS_ISA_EXT_SSE: case ZYDIS_ISA_EXT_SSE2: case ZYDIS_ISA_EXT_PAUSE:
    case ZYDIS_ISA_EXT_CLFSH:
        return true;
    default:
        return false;
    }
}

/* Categories whose members all have a handler of their own (special_kind);
 * a mnemonic of these that special_kind did not name has none. */
static bool category_needs_handler(ZydisInstructionCategory c)
{
    switch (c) {
    case ZYDIS_CATEGORY_CALL: case ZYDIS_CATEGORY_RET: case ZYDIS_CATEGORY_COND_BR:
    case ZYDIS_CATEGORY_UNCOND_BR: case ZYDIS_CATEGORY_PUSH: case ZYDIS_CATEGORY_POP:
    case ZYDIS_CATEGORY_STRINGOP: case ZYDIS_CATEGORY_IOSTRINGOP: case ZYDIS_CATEGORY_IO:
    case ZYDIS_CATEGORY_INTERRUPT: case ZYDIS_CATEGORY_SYSTEM: case ZYDIS_CATEGORY_SYSCALL:
    case ZYDIS_CATEGORY_SYSRET: case ZYDIS_CATEGORY_SEGOP: case ZYDIS_CATEGORY_XSAVE:
    case ZYDIS_CATEGORY_XSAVEOPT: case ZYDIS_CATEGORY_VTX:
        return true;
    default:
        return false;
    }
}

/* Does the encoding mean the same in 64-bit mode once copied byte for byte?
 * Only for register-only instructions: one-byte INC/DEC (REX in 64-bit mode)
 * and the opcodes that are invalid in 64-bit mode are excluded; anything
 * with a segment prefix or a memory operand is re-encoded instead. */
static bool ident_encoding(const ZydisDecodedInstruction *zi)
{
    if (zi->attributes & (ZYDIS_ATTRIB_HAS_SEGMENT | ZYDIS_ATTRIB_HAS_ADDRESSSIZE))
        return false;
    if (zi->opcode_map == ZYDIS_OPCODE_MAP_DEFAULT) {
        uint8_t op = zi->opcode;
        if (op >= 0x40 && op <= 0x4f)
            return false;
        if (op == 0x82 || op == 0x63 || op == 0xd6)
            return false;
    }
    /* A REP/REPNE prefix our CPU ignores may select a newer instruction on
     * the host (F3 0F BC is TZCNT there, BSF here): re-encode without it. */
    for (int i = 0; i < zi->raw.prefix_count; i++)
        if (zi->raw.prefixes[i].type == ZYDIS_PREFIX_TYPE_IGNORED &&
            (zi->raw.prefixes[i].value == 0xf2 || zi->raw.prefixes[i].value == 0xf3))
            return false;
    return true;
}

static uint32_t flags_mask(ZydisAccessedFlagsMask m)
{
    /* Zydis' CPU flag bits are the EFLAGS bit positions. */
    return (uint32_t)m & EFL_HOST_LIVE;
}

/* Shifts and rotates by CL (or by an immediate whose masked count is 0)
 * leave the flags alone when the count is 0: they may write nothing. */
static bool conditional_flag_write(const ZydisDecodedInstruction *zi,
                                   const ZydisDecodedOperand *ops)
{
    switch (zi->mnemonic) {
    case ZYDIS_MNEMONIC_SHL: case ZYDIS_MNEMONIC_SHR: case ZYDIS_MNEMONIC_SAR:
    case ZYDIS_MNEMONIC_ROL: case ZYDIS_MNEMONIC_ROR: case ZYDIS_MNEMONIC_RCL:
    case ZYDIS_MNEMONIC_RCR: case ZYDIS_MNEMONIC_SHLD: case ZYDIS_MNEMONIC_SHRD:
        break;
    default:
        return false;
    }
    for (int i = 0; i < zi->operand_count_visible; i++) {
        if (ops[i].type == ZYDIS_OPERAND_TYPE_REGISTER && ops[i].reg.value == ZYDIS_REGISTER_CL && i > 0)
            return true;
        if (ops[i].type == ZYDIS_OPERAND_TYPE_IMMEDIATE && (ops[i].imm.value.u & 31) == 0)
            return true;
    }
    return false;
}

static void fill_mem(struct insn *in, const ZydisDecodedInstruction *zi, const ZydisDecodedOperand *op)
{
    bool h;
    struct mem_operand *m = &in->mem;
    m->seg = sreg_number(op->mem.segment);
    m->base = op->mem.base == ZYDIS_REGISTER_NONE ? -1 : gpr_number(op->mem.base, &h);
    m->index = op->mem.index == ZYDIS_REGISTER_NONE ? -1 : gpr_number(op->mem.index, &h);
    m->scale = op->mem.scale ? op->mem.scale : 1;
    m->disp = op->mem.disp.has_displacement ? (int32_t)op->mem.disp.value : 0;
    m->addr_size = zi->address_width / 8;
    m->size = op->size / 8;
    m->read = (op->actions & ZYDIS_OPERAND_ACTION_MASK_READ) != 0;
    m->write = (op->actions & ZYDIS_OPERAND_ACTION_MASK_WRITE) != 0;
    /* Hint NOPs and prefetches name memory without accessing it: they never
     * fault (SDM vol. 2, NOP and PREFETCHh), though Zydis marks them read. */
    if (op->mem.type == ZYDIS_MEMOP_TYPE_AGEN || zi->meta.category == ZYDIS_CATEGORY_WIDENOP ||
        zi->meta.category == ZYDIS_CATEGORY_NOP || zi->meta.category == ZYDIS_CATEGORY_PREFETCH) {
        m->size = 0;
        m->read = m->write = false;
    }
    in->has_mem = true;
}

int insn_decode(const uint8_t *bytes, size_t avail, gva_t eip, struct insn *in)
{
    return insn_decode_mode(bytes, avail, eip, false, in);
}

int insn_decode_mode(const uint8_t *bytes, size_t avail, gva_t eip, bool code16, struct insn *in)
{
    ZydisDecodedInstruction zi;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];

    memset(in, 0, sizeof *in);
    memset(&zi, 0, sizeof zi);
    in->eip = eip;
    in->code16 = code16;
    in->high8 = -1;
    in->reg = -1;
    if (ZYAN_FAILED(ZydisDecoderDecodeFull(code16 ? &decoder16 : &decoder32, bytes, avail, &zi, ops)))
        return -1;
    in->len = zi.length;
    memcpy(in->bytes, bytes, zi.length);
    in->opsize = zi.operand_width / 8;
    in->addr_size = zi.address_width / 8;
    in->lock = (zi.attributes & ZYDIS_ATTRIB_HAS_LOCK) != 0;
    if (zi.attributes & ZYDIS_ATTRIB_HAS_REPNE)
        in->rep = REP_NE;
    else if (zi.attributes & (ZYDIS_ATTRIB_HAS_REP | ZYDIS_ATTRIB_HAS_REPE))
        in->rep = REP_E;
    if (zi.cpu_flags) {
        in->flags_read = flags_mask(zi.cpu_flags->tested);
        if (!conditional_flag_write(&zi, ops))
            in->flags_written = flags_mask(zi.cpu_flags->modified | zi.cpu_flags->set_0 |
                                           zi.cpu_flags->set_1 | zi.cpu_flags->undefined);
        /* A flag the instruction may leave unmodified is read-through. */
        in->flags_read |= flags_mask(zi.cpu_flags->modified) & ~in->flags_written;
    }

    uint8_t sub = 0;
    in->kind = special_kind(zi.mnemonic, &sub);
    /* Zydis names SSE2's MOVSD/CMPSD (0F map) like the string instructions. */
    if (in->kind == INSN_STRING && zi.opcode_map != ZYDIS_OPCODE_MAP_DEFAULT)
        in->kind = INSN_GENERIC;
    in->sub = sub;
    if (zi.mnemonic == ZYDIS_MNEMONIC_ENDBR32 || zi.mnemonic == ZYDIS_MNEMONIC_ENDBR64) {
        /* Reserved NOPs (0F 1E) on a CPU without CET, like ours. */
        in->kind = INSN_GENERIC;
        in->ident = true;
        return 0;
    }
    /* The SSE/SSE2 instructions proper; the cache-control ones that came
     * with them (PREFETCHh, xFENCE, CLFLUSH, MOVNTI) work whatever CR4 says. */
    in->sse = (zi.meta.isa_ext == ZYDIS_ISA_EXT_SSE || zi.meta.isa_ext == ZYDIS_ISA_EXT_SSE2) &&
              zi.meta.category != ZYDIS_CATEGORY_PREFETCH && zi.mnemonic != ZYDIS_MNEMONIC_SFENCE &&
              zi.mnemonic != ZYDIS_MNEMONIC_LFENCE && zi.mnemonic != ZYDIS_MNEMONIC_MFENCE &&
              zi.mnemonic != ZYDIS_MNEMONIC_CLFLUSH && zi.mnemonic != ZYDIS_MNEMONIC_MOVNTI &&
              zi.mnemonic != ZYDIS_MNEMONIC_PAUSE;
    if (zi.mnemonic == ZYDIS_MNEMONIC_FWAIT)
        in->fpu = FPU_WAIT;
    else if (zi.meta.isa_ext == ZYDIS_ISA_EXT_X87)
        in->fpu = FPU_X87;
    else if (zi.meta.isa_ext == ZYDIS_ISA_EXT_MMX)
        in->fpu = FPU_MMX;
    if (zi.encoding != ZYDIS_INSTRUCTION_ENCODING_LEGACY || !isa_supported(zi.meta.isa_ext))
        in->kind = INSN_UD;
    else if (in->kind == INSN_GENERIC && category_needs_handler(zi.meta.category))
        in->kind = INSN_SYSTEM;

    /* Operands: the one explicit memory operand, register facts, immediates. */
    int nimm = 0;
    for (int i = 0; i < zi.operand_count; i++) {
        const ZydisDecodedOperand *op = &ops[i];
        bool visible = op->visibility == ZYDIS_OPERAND_VISIBILITY_EXPLICIT;
        switch (op->type) {
        case ZYDIS_OPERAND_TYPE_MEMORY:
            if (visible) {
                if (in->has_mem)               /* two explicit memory operands: none here */
                    in->kind = INSN_SYSTEM;
                fill_mem(in, &zi, op);
            } else if (in->kind == INSN_GENERIC) {
                /* Hidden memory operands (MASKMOVQ's [EDI]…) need a handler. */
                in->kind = INSN_SYSTEM;
            }
            break;
        case ZYDIS_OPERAND_TYPE_REGISTER: {
            if (!visible)
                break;
            bool h;
            int r = gpr_number(op->reg.value, &h);
            ZydisRegisterClass cls = ZydisRegisterGetClass(op->reg.value);
            if (r >= 0) {
                if (h)
                    in->high8 = (int8_t)r;
                else if (r == R_ESP && cls != ZYDIS_REGCLASS_GPR8)
                    in->uses_esp = true;
                if (in->reg < 0)
                    in->reg = (int8_t)r;
            } else if (cls == ZYDIS_REGCLASS_SEGMENT) {
                in->reg = (int8_t)sreg_number(op->reg.value);
                if (in->kind == INSN_GENERIC)
                    in->kind = INSN_SYSTEM;         /* MOV to/from sreg */
            } else if (cls == ZYDIS_REGCLASS_CONTROL || cls == ZYDIS_REGCLASS_DEBUG ||
                       cls == ZYDIS_REGCLASS_TEST) {
                in->kind = INSN_SYSTEM;
            }
            break;
        }
        case ZYDIS_OPERAND_TYPE_IMMEDIATE:
            if (op->imm.is_relative) {
                in->target = (gva_t)(eip + zi.length + (uint32_t)op->imm.value.s);
                if (zi.operand_width == 16)
                    in->target &= 0xffff;
            } else if (nimm++ == 0) {
                in->imm = (uint32_t)op->imm.value.u;
            } else {
                in->imm2 = (uint32_t)op->imm.value.u;
            }
            break;
        case ZYDIS_OPERAND_TYPE_POINTER:
            in->kind = INSN_SYSTEM;                 /* far CALL/JMP ptr16:32 */
            break;
        default:
            break;
        }
    }

    /* Operand source of stack, branch and port instructions. */
    if (zi.operand_count_visible > 0) {
        const ZydisDecodedOperand *op0 = &ops[0];
        switch (in->kind) {
        case INSN_PUSH: case INSN_POP:
            in->src = op0->type == ZYDIS_OPERAND_TYPE_MEMORY ? OPND_MEM :
                      op0->type == ZYDIS_OPERAND_TYPE_IMMEDIATE ? OPND_IMM :
                      sreg_number(op0->reg.value) >= 0 ? OPND_SREG : OPND_REG;
            if (in->src == OPND_SREG)
                in->kind = INSN_SYSTEM;             /* PUSH/POP sreg: ring compression */
            if (in->src == OPND_IMM)
                in->imm = (uint32_t)op0->imm.value.u;
            break;
        case INSN_JMP: case INSN_CALL:
            if (op0->type == ZYDIS_OPERAND_TYPE_MEMORY || op0->type == ZYDIS_OPERAND_TYPE_REGISTER) {
                in->kind = in->kind == INSN_JMP ? INSN_JMP_IND : INSN_CALL_IND;
                in->src = op0->type == ZYDIS_OPERAND_TYPE_MEMORY ? OPND_MEM : OPND_REG;
                if (zi.meta.branch_type == ZYDIS_BRANCH_TYPE_FAR)
                    in->kind = INSN_SYSTEM;         /* far indirect: m16:16 / m16:32 */
            }
            break;
        case INSN_IN: case INSN_OUT: {
            const ZydisDecodedOperand *port = in->kind == INSN_IN ? &ops[1] : &ops[0];
            const ZydisDecodedOperand *data = in->kind == INSN_IN ? &ops[0] : &ops[1];
            in->src = port->type == ZYDIS_OPERAND_TYPE_IMMEDIATE ? OPND_IMM : OPND_REG;
            in->imm = port->type == ZYDIS_OPERAND_TYPE_IMMEDIATE ? (uint32_t)port->imm.value.u : 0;
            in->opsize = data->size / 8;
            break;
        }
        case INSN_RET:
            if (op0->type == ZYDIS_OPERAND_TYPE_IMMEDIATE)
                in->imm = (uint32_t)op0->imm.value.u;
            break;
        case INSN_INT:
            in->imm = (uint32_t)op0->imm.value.u & 0xff;
            break;
        default:
            break;
        }
    }
    if (in->kind == INSN_RET && zi.opcode == 0xcb)
        in->kind = INSN_SYSTEM;                     /* far RET */
    if (in->kind == INSN_RET && zi.opcode == 0xca)
        in->kind = INSN_SYSTEM;
    if (in->kind == INSN_STRING) {
        /* Element size from the mnemonic's last letter, which Zydis encodes in
         * the operand width of the data operand. */
        for (int i = 0; i < zi.operand_count; i++)
            if (ops[i].type == ZYDIS_OPERAND_TYPE_MEMORY) {
                in->opsize = ops[i].size / 8;
                in->mem.seg = sreg_number(ops[i].mem.segment);
                break;
            }
        in->has_mem = false;
    }
    if (in->kind == INSN_XLAT) {
        in->has_mem = false;
        in->mem.seg = S_DS;
        if (zi.attributes & ZYDIS_ATTRIB_HAS_SEGMENT)
            for (int i = 0; i < zi.operand_count; i++)
                if (ops[i].type == ZYDIS_OPERAND_TYPE_MEMORY)
                    in->mem.seg = sreg_number(ops[i].mem.segment);
    }
    /* BT* with a register bit offset reach memory up to 256 MiB away from
     * the operand's address: no single lookup covers that (SDM BT). */
    if (in->kind == INSN_GENERIC && in->has_mem && in->reg >= 0 &&
        (zi.mnemonic == ZYDIS_MNEMONIC_BT || zi.mnemonic == ZYDIS_MNEMONIC_BTS ||
         zi.mnemonic == ZYDIS_MNEMONIC_BTR || zi.mnemonic == ZYDIS_MNEMONIC_BTC)) {
        in->kind = INSN_BITMEM;
        in->sub = zi.mnemonic == ZYDIS_MNEMONIC_BT ? BIT_TEST : zi.mnemonic == ZYDIS_MNEMONIC_BTS ? BIT_SET :
                  zi.mnemonic == ZYDIS_MNEMONIC_BTR ? BIT_RESET : BIT_COMPLEMENT;
    }
    /* In 16-bit code the same bytes have other operand sizes than in
     * 64-bit mode: nothing is copied, everything re-encoded. */
    if (in->kind == INSN_GENERIC || in->kind == INSN_DIV)
        in->ident = !code16 && !in->has_mem && !in->uses_esp && ident_encoding(&zi);
    return 0;
}

const uint8_t *insn_opcode(const struct insn *in)
{
    const uint8_t *p = in->bytes;
    while (p < in->bytes + in->len - 1 &&
           (*p == 0x66 || *p == 0x67 || *p == 0xf0 || *p == 0xf2 || *p == 0xf3 || *p == 0x26 ||
            *p == 0x2e || *p == 0x36 || *p == 0x3e || *p == 0x64 || *p == 0x65))
        p++;
    return p;
}
