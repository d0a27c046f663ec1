/* Guests that fault on purpose, for tests/cli/guest_faults.sh: with no IDT
 * yet (execution-core issue) bt386 must report the fault (vector, guest
 * EIP, registers, the instruction disassembled) and exit with status 3.
 * Not run under QEMU, which would triple-fault and reset. The multiboot
 * command line picks the fault: "ud", "de", "de-overflow", "store-hole"
 * (no fault: the store is dropped), "fetch-hole", "sse-off", "int3". */
#include "guest.h"

static int prefix_cmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++)
        if (*a != *b || !*a)
            return (uint8_t)*a - (uint8_t)*b;
    return 0;
}

static int has_word(const char *s, const char *w)
{
    size_t n = strlen(w);
    for (; *s; s++)
        if (prefix_cmp(s, w, n) == 0 && (s[n] == 0 || s[n] == ' '))
            return 1;
    return 0;
}

int main(void)
{
    const uint32_t *mbi = (const uint32_t *)mb_info;
    const char *cmd = (mbi[0] & 4) ? (const char *)mbi[4] : "";
    printf("fault guest: %s\n", cmd);
    if (has_word(cmd, "ud"))
        __asm__ volatile("ud2");
    if (has_word(cmd, "de"))
        __asm__ volatile("xor %%ecx, %%ecx; div %%ecx" ::: "eax", "ecx", "edx");
    if (has_word(cmd, "de-overflow"))
        __asm__ volatile("mov $1, %%edx; mov $1, %%ecx; div %%ecx" ::: "eax", "ecx", "edx");
    if (has_word(cmd, "store-hole"))
        *(volatile uint32_t *)0xf0000000u = 1;
    if (has_word(cmd, "fetch-hole"))
        ((void (*)(void))0xe0000000u)();
    if (has_word(cmd, "sse-off"))
        __asm__ volatile("xorps %xmm0, %xmm0");      /* CR4.OSFXSR is 0: #UD */
    if (has_word(cmd, "int3"))
        __asm__ volatile("int3");
    printf("no fault\n");
    return 0;
}
