/* Capstone wrapper (see disasm.h). One handle per mode, opened on first use;
 * only the trace and error paths call it, never translated code. */
#include "decoder/disasm.h"

#include <capstone/capstone.h>
#include <stdio.h>

static csh handles[2];
static bool opened[2];

int disasm_text(enum disasm_mode mode, const uint8_t *code, size_t avail, uint64_t addr,
                char *out, size_t outsz)
{
    if (!opened[mode]) {
        if (cs_open(CS_ARCH_X86, mode == DISASM_GUEST32 ? CS_MODE_32 : CS_MODE_64,
                    &handles[mode]) != CS_ERR_OK) {
            snprintf(out, outsz, "(capstone unavailable)");
            return -1;
        }
        opened[mode] = true;
    }
    cs_insn *insn;
    size_t n = cs_disasm(handles[mode], code, avail, addr, 1, &insn);
    if (n == 0) {
        snprintf(out, outsz, "(bad)");
        return -1;
    }
    snprintf(out, outsz, "%s%s%s", insn->mnemonic, insn->op_str[0] ? " " : "", insn->op_str);
    int len = insn->size;
    cs_free(insn, n);
    return len;
}
