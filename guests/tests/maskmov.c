/* MASKMOVQ and MASKMOVDQU (SDM vol. 2): only the bytes whose mask byte has
 * its top bit set are stored, at DS:[EDI] or a segment override; the other
 * bytes of memory keep their values. Their memory operand is implicit,
 * which is why the translator handles them apart. */
#include "guest.h"

static uint8_t buf[64] __attribute__((aligned(16)));

static void fill(void)
{
    for (int i = 0; i < 64; i++)
        buf[i] = (uint8_t)(0xa0 + i);
}

int main(void)
{
    uint32_t cr0, cr4;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    __asm__ volatile("mov %0, %%cr0" :: "r"((cr0 & ~4u) | 2u));        /* EM = 0, MP = 1 */
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    __asm__ volatile("mov %0, %%cr4" :: "r"(cr4 | (1u << 9) | (1u << 10)));   /* OSFXSR */
    static const uint8_t data[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
    static const uint8_t mask[16] = { 0x80, 0, 0xff, 0x7f, 0x80, 0x81, 0, 0, 0xf0, 0, 0, 0x80, 1, 0x80, 0, 0xff };

    fill();
    __asm__ volatile("movq %0, %%mm1; movq %1, %%mm2; maskmovq %%mm2, %%mm1; emms"
                     :: "m"(*(const uint64_t *)data), "m"(*(const uint64_t *)mask), "D"(buf + 8)
                     : "memory");
    int ok = 1;
    for (int i = 0; i < 64; i++) {
        uint8_t want = (uint8_t)(0xa0 + i);
        if (i >= 8 && i < 16 && (mask[i - 8] & 0x80))
            want = data[i - 8];
        ok &= buf[i] == want;
    }
    CHECK(ok, "maskmovq stores the 4 selected bytes of 8 at [edi]");

    fill();
    __asm__ volatile("movdqu %0, %%xmm1; movdqu %1, %%xmm2; maskmovdqu %%xmm2, %%xmm1"
                     :: "m"(*(const uint8_t (*)[16])data), "m"(*(const uint8_t (*)[16])mask), "D"(buf + 20)
                     : "memory");
    ok = 1;
    for (int i = 0; i < 64; i++) {
        uint8_t want = (uint8_t)(0xa0 + i);
        if (i >= 20 && i < 36 && (mask[i - 20] & 0x80))
            want = data[i - 20];
        ok &= buf[i] == want;
    }
    CHECK(ok, "maskmovdqu stores the 8 selected bytes of 16 at an unaligned [edi]");
    return check_summary();
}
