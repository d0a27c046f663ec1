/* --trace: each block as it is translated, guest disassembly (Capstone)
 * beside the host code emitted for it, grouped by guest instruction. */
#ifndef BT386_TRACE_H
#define BT386_TRACE_H

#include "codecache/tc.h"
#include "decoder/insn.h"

void trace_block(const struct tc_block *b, const struct insn *insns, int n);

#endif
