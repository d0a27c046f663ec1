/* Disassembly text (Capstone) for --trace, crash reports and the decoder
 * cross-check tests. Capstone is an independent decoder: the tests compare
 * its lengths with Zydis' on generated instruction streams.
 *
 *   char text[96];
 *   int len = disasm_text(DISASM_GUEST32, bytes, n, eip, text, sizeof text);
 */
#ifndef BT386_DISASM_H
#define BT386_DISASM_H

#include "common/types.h"

enum disasm_mode { DISASM_GUEST32, DISASM_HOST64 };

/* Disassembles one instruction at `addr`; returns its length, or -1 (the
 * text then says "(bad)"). */
int disasm_text(enum disasm_mode mode, const uint8_t *code, size_t avail, uint64_t addr,
                char *out, size_t outsz);

#endif
