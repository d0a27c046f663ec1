/* The --trace printer (see trace.h). Output goes to stderr: stdout is the
 * guest's serial console. Layout, for a reader learning DBT:
 *
 *   block 00100020 key 00000000: 3 guest insns -> 87 host bytes at 0x7f..
 *     00100020  mov eax, dword ptr [ebx + 4]
 *                  7f..0040  lea r10d, [rbx + 4]
 *                  ...
 *   stubs (slow paths and exits):
 *                  ...
 */
#include "dbt/trace.h"
#include "decoder/disasm.h"

#include <stdio.h>

static void host_range(const uint8_t *from, const uint8_t *to)
{
    while (from < to) {
        char text[128];
        int len = disasm_text(DISASM_HOST64, from, (size_t)(to - from), (uint64_t)(uintptr_t)from,
                              text, sizeof text);
        fprintf(stderr, "                 %012lx  %s\n", (unsigned long)(uintptr_t)from, text);
        if (len <= 0)
            break;
        from += len;
    }
}

void trace_block(const struct tc_block *b, const struct insn *insns, int n)
{
    fprintf(stderr, "block %08x key %08x: %d guest insns -> %zu host bytes at %p\n",
            b->eip, b->key, n, (size_t)(b->host_end - b->host), (void *)b->host);
    const uint8_t *pos = b->host;
    int gi = 0;
    for (uint32_t m = 0; m < b->nmap; m++) {
        const uint8_t *start = b->host + b->map[m].host_off;
        const uint8_t *end = m + 1 < b->nmap ? b->host + b->map[m + 1].host_off : b->host_end;
        host_range(pos, start);
        pos = start;
        if (gi < n && insns[gi].eip == b->map[m].eip &&
            (m == 0 || b->map[m].host_off > b->map[m - 1].host_off || gi == 0)) {
            char text[128];
            disasm_text(DISASM_GUEST32, insns[gi].bytes, insns[gi].len, insns[gi].eip, text, sizeof text);
            fprintf(stderr, "  %08x  %s\n", insns[gi].eip, text);
            gi++;
        } else {
            fprintf(stderr, "  %08x  (out of line)\n", b->map[m].eip);
        }
        host_range(pos, end);
        pos = end;
    }
    host_range(pos, b->host_end);
}
