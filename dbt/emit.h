/* The emitter: a cursor in the TC's writable view, labels with rel8/rel32
 * fixups, and the per-block record of host offset -> guest EIP that makes
 * every exit and host fault precise. All host bytes come from
 * decoder/x64asm (Zydis' encoder).
 *
 *   struct emitter em; emit_begin(&em, &space);
 *   int l = label_new(&em);
 *   EMIT(&em, X_TEST, HREG(HR_R11, 8), HREG(HR_R11, 8));
 *   emit_jump(&em, X_JZ, l);  ...  label_bind(&em, l);
 *   size_t used = emit_finish(&em);
 */
#ifndef BT386_EMIT_H
#define BT386_EMIT_H

#include "codecache/tc.h"
#include "decoder/x64asm.h"

#define EMIT_MAX_LABELS 512
#define EMIT_MAX_FIXUPS 1024
#define EMIT_MAX_MAP    1024

struct emitter {
    uint8_t *wr;            /* writable view of the block's first byte */
    uint8_t *exec;          /* executable address of the same byte */
    size_t pos, cap;
    bool overflow;          /* ran out of room: the block is retried smaller */
    int nlabels;
    int32_t label_pos[EMIT_MAX_LABELS];
    int nfixups;
    struct { uint32_t at; uint16_t label; uint8_t width; } fixups[EMIT_MAX_FIXUPS];
    uint32_t nmap;
    struct tc_pc_map map[EMIT_MAX_MAP];
};

void emit_begin(struct emitter *em, const struct tc_space *sp, size_t cap);
/* Resolves the fixups; returns the bytes used. */
size_t emit_finish(struct emitter *em);

void emit_host(struct emitter *em, enum x64_mnemonic m, int nops, const struct hop *ops);
#define EMIT(em, m, ...) \
    emit_host((em), (m), sizeof((struct hop[]){ __VA_ARGS__ }) / sizeof(struct hop), \
              (struct hop[]){ __VA_ARGS__ })
#define EMIT0(em, m) emit_host((em), (m), 0, NULL)
void emit_raw(struct emitter *em, const uint8_t *bytes, size_t n);

int label_new(struct emitter *em);
void label_bind(struct emitter *em, int label);
/* A jmp/jcc/jrcxz/call to a label of this block. */
void emit_jump(struct emitter *em, enum x64_mnemonic m, int label);
/* A short (rel8) JMP to a label within 127 bytes. */
void emit_jump8(struct emitter *em, int label);
/* A jmp/jcc with a rel32 to an absolute executable address; returns the
 * executable address of its rel32 field (for chaining). */
uint8_t *emit_jump_abs(struct emitter *em, enum x64_mnemonic m, const uint8_t *target);

/* The guest instruction at `eip` starts here (for precise exceptions). */
void emit_mark(struct emitter *em, gva_t eip);

static inline uint8_t *emit_here(const struct emitter *em) { return em->exec + em->pos; }

#endif
