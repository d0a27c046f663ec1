/* The emitter (see emit.h). Encoding failures are translator bugs: they
 * panic with the mnemonic, since a silently wrong byte would run as host
 * code. Running out of room is not: the driver retries a shorter block. */
#include "dbt/emit.h"
#include "common/panic.h"

#include <string.h>

void emit_begin(struct emitter *em, const struct tc_space *sp, size_t cap)
{
    em->wr = sp->wr;
    em->exec = sp->exec;
    em->pos = 0;
    em->cap = cap < sp->room ? cap : sp->room;
    em->overflow = false;
    em->nlabels = 0;
    em->nfixups = 0;
    em->nmap = 0;
}

void emit_raw(struct emitter *em, const uint8_t *bytes, size_t n)
{
    if (em->pos + n > em->cap) {
        em->overflow = true;
        return;
    }
    memcpy(em->wr + em->pos, bytes, n);
    em->pos += n;
}

void emit_host(struct emitter *em, enum x64_mnemonic m, int nops, const struct hop *ops)
{
    uint8_t buf[16];
    int n = x64_encode(buf, m, nops, ops);
    if (n < 0)
        panic("translator: cannot encode host instruction %d with %d operands", (int)m, nops);
    emit_raw(em, buf, (size_t)n);
}

int label_new(struct emitter *em)
{
    if (em->nlabels == EMIT_MAX_LABELS) {
        em->overflow = true;
        return 0;
    }
    em->label_pos[em->nlabels] = -1;
    return em->nlabels++;
}

void label_bind(struct emitter *em, int label)
{
    em->label_pos[label] = (int32_t)em->pos;
}

void emit_jump8(struct emitter *em, int label)
{
    emit_jump(em, X_JMP8, label);
}

void emit_jump(struct emitter *em, enum x64_mnemonic m, int label)
{
    EMIT(em, m, HIMM(0));
    if (em->overflow)
        return;
    if (em->nfixups == EMIT_MAX_FIXUPS) {
        em->overflow = true;
        return;
    }
    uint8_t width = m == X_JRCXZ || m == X_JMP8 ? 1 : 4;
    em->fixups[em->nfixups].at = (uint32_t)(em->pos - width);
    em->fixups[em->nfixups].label = (uint16_t)label;
    em->fixups[em->nfixups].width = width;
    em->nfixups++;
}

uint8_t *emit_jump_abs(struct emitter *em, enum x64_mnemonic m, const uint8_t *target)
{
    EMIT(em, m, HIMM(0));
    if (em->overflow)
        return NULL;
    uint8_t *rel32 = em->exec + em->pos - 4;
    int32_t rel = (int32_t)(target - (rel32 + 4));
    memcpy(em->wr + em->pos - 4, &rel, 4);
    return rel32;
}

void emit_mark(struct emitter *em, gva_t eip)
{
    if (em->nmap == EMIT_MAX_MAP) {
        em->overflow = true;
        return;
    }
    em->map[em->nmap].host_off = (uint32_t)em->pos;
    em->map[em->nmap].eip = eip;
    em->nmap++;
}

size_t emit_finish(struct emitter *em)
{
    if (em->overflow)
        return 0;
    for (int i = 0; i < em->nfixups; i++) {
        int32_t target = em->label_pos[em->fixups[i].label];
        if (target < 0)
            panic("translator: unbound label %d", em->fixups[i].label);
        uint32_t at = em->fixups[i].at;
        int32_t rel = target - (int32_t)(at + em->fixups[i].width);
        if (em->fixups[i].width == 1) {
            if (rel < -128 || rel > 127)
                panic("translator: rel8 out of range (%d)", rel);
            em->wr[at] = (uint8_t)(int8_t)rel;
        } else {
            memcpy(em->wr + at, &rel, 4);
        }
    }
    return em->pos;
}
