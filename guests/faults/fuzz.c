/* Random bytes as guest code (a smoke test of the monitor's robustness,
 * tests/cli/fuzz_smoke.sh): fills a buffer from a PRNG seeded by the
 * command line ("seed=N") and jumps into it at CPL 0. Whatever the bytes do,
 * bt386 must end in a guest event (exit 3, or the guest's own exit) and
 * never crash (exit 70 or a signal). */
#include "guest.h"

static uint8_t code[4096] __attribute__((aligned(4096), section(".data")));

int main(void)
{
    const uint32_t *mbi = (const uint32_t *)mb_info;
    const char *cmd = (mbi[0] & 4) ? (const char *)mbi[4] : "";
    uint32_t seed = 1;
    for (const char *p = cmd; *p; p++)
        if (p[0] == 's' && p[1] == 'e' && p[2] == 'e' && p[3] == 'd' && p[4] == '=')
            for (seed = 0, p += 5; *p >= '0' && *p <= '9'; p++)
                seed = seed * 10 + (uint32_t)(*p - '0');
    uint32_t x = seed * 2654435761u + 1;
    for (unsigned i = 0; i < sizeof code; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        code[i] = (uint8_t)x;
    }
    ((void (*)(void))code)();
    return 0;
}
