/* Arithmetic done in C for callouts: the flags of a subtraction (CMPS,
 * SCAS) and the BCD instructions, which have no 64-bit encoding (SDM vol. 2,
 * DAA DAS AAA AAS AAM AAD). Flags the SDM leaves undefined are cleared, as
 * QEMU's helpers do. */
#include "dbt/callouts.h"
#include "common/stats.h"
#include "dbt/translate.h"
#include "decoder/insn.h"

static uint32_t parity_flag(uint8_t v)
{
    return (__builtin_popcount(v) & 1) ? 0 : EFL_PF;
}

static void set_arith_flags(struct vcpu *v, uint32_t flags)
{
    const uint32_t arith = EFL_CF | EFL_PF | EFL_AF | EFL_ZF | EFL_SF | EFL_OF;
    v->eflags = (v->eflags & ~arith) | flags;
}

void flags_from_sub(struct vcpu *v, uint32_t a, uint32_t b, unsigned size)
{
    unsigned bits = size * 8;
    uint32_t mask = bits == 32 ? 0xffffffffu : (1u << bits) - 1, sign = 1u << (bits - 1);
    a &= mask;
    b &= mask;
    uint32_t r = (a - b) & mask, f = 0;
    if (a < b)
        f |= EFL_CF;
    if (r == 0)
        f |= EFL_ZF;
    if (r & sign)
        f |= EFL_SF;
    if ((a ^ b) & (a ^ r) & sign)
        f |= EFL_OF;
    if ((a ^ b ^ r) & 0x10)
        f |= EFL_AF;
    f |= parity_flag((uint8_t)r);
    set_arith_flags(v, f);
}

static uint32_t szp(uint8_t al)
{
    return (al == 0 ? EFL_ZF : 0) | ((al & 0x80) ? EFL_SF : 0) | parity_flag(al);
}

uint64_t callout_bcd(struct vcpu *v)
{
    unsigned op = v->callout_info & 0xff, imm = (v->callout_info >> 8) & 0xff;
    uint32_t ax = v->regs[R_EAX] & 0xffff;
    uint8_t al = (uint8_t)ax, ah = (uint8_t)(ax >> 8);
    bool cf = v->eflags & EFL_CF, af = v->eflags & EFL_AF;
    uint32_t f = 0;
    g_stats.callouts[CALLOUT_bcd]++;
    switch (op) {
    case BCD_DAA: {
        uint8_t old = al;
        bool ncf = false;
        if ((al & 0xf) > 9 || af) {
            ncf = cf || al > 0xf9;
            al += 6;
            f |= EFL_AF;
        }
        if ((old > 0x99 || cf) && !dbt_broken("bcd")) {
            al += 0x60;
            ncf = true;
        } else {
            ncf = false;
        }
        f |= (ncf ? EFL_CF : 0) | szp(al);
        break;
    }
    case BCD_DAS: {
        uint8_t old = al;
        bool ncf = false;
        if ((al & 0xf) > 9 || af) {
            ncf = cf || al < 6;
            al -= 6;
            f |= EFL_AF;
        }
        if (old > 0x99 || cf) {
            al -= 0x60;
            ncf = true;
        }
        f |= (ncf ? EFL_CF : 0) | szp(al);
        break;
    }
    case BCD_AAA:
        if ((al & 0xf) > 9 || af) {
            ax += 0x106;
            f |= EFL_AF | EFL_CF;
        }
        ax &= 0xff0f;
        al = (uint8_t)ax;
        ah = (uint8_t)(ax >> 8);
        break;
    case BCD_AAS:
        if ((al & 0xf) > 9 || af) {
            ax -= 6;
            ah = (uint8_t)((ax >> 8) - 1);
            f |= EFL_AF | EFL_CF;
        } else {
            ah = (uint8_t)(ax >> 8);
        }
        al = (uint8_t)ax & 0xf;
        break;
    case BCD_AAM:
        if (imm == 0) {
            raise_exception(v, 0, 0, false);
            return 0;
        }
        ah = al / imm;
        al = al % imm;
        f |= szp(al);
        break;
    case BCD_AAD:
        al = (uint8_t)(al + ah * imm);
        ah = 0;
        f |= szp(al);
        break;
    }
    if (op == BCD_DAA || op == BCD_DAS)
        ah = (uint8_t)(v->regs[R_EAX] >> 8);
    v->regs[R_EAX] = (v->regs[R_EAX] & 0xffff0000u) | (uint32_t)ah << 8 | al;
    set_arith_flags(v, f);
    return 0;
}
