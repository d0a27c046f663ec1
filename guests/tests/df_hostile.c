/* Rule: EFLAGS.DF belongs to the guest. A guest that leaves DF set while
 * the monitor works for it (translating new code, port I/O, string
 * callouts) must not disturb the monitor, whose C code assumes DF = 0
 * (System V ABI). bt386 once leaked the guest's DF into its own memset
 * and crashed; this test makes the monitor do all of that with DF = 1. */
#include "guest.h"

#define NFUNCS 64

/* 64 distinct functions, each translated for the first time while DF = 1. */
#define F(n) static __attribute__((noinline)) uint32_t f##n(uint32_t x) { return x * (n + 3) + n; }
#define F8(a) F(a##0) F(a##1) F(a##2) F(a##3) F(a##4) F(a##5) F(a##6) F(a##7)
F8(1) F8(2) F8(3) F8(4) F8(5) F8(6) F8(7) F8(8)
#define R(n) f##n,
#define R8(a) R(a##0) R(a##1) R(a##2) R(a##3) R(a##4) R(a##5) R(a##6) R(a##7)
static uint32_t (*const funcs[NFUNCS])(uint32_t) = { R8(1) R8(2) R8(3) R8(4) R8(5) R8(6) R8(7) R8(8) };

int main(void)
{
    uint32_t with_df = 0, without_df = 0, flags;
    for (int i = 0; i < NFUNCS; i++) {
        __asm__ volatile("std");
        with_df += funcs[i]((uint32_t)i);
        outb(0x80, (uint8_t)i);                     /* a callout with DF = 1 */
        __asm__ volatile("pushfl; popl %0; cld" : "=r"(flags));
        if (!(flags & (1u << 10)))
            with_df = 0xdead;
    }
    for (int i = 0; i < NFUNCS; i++)
        without_df += funcs[i]((uint32_t)i);
    CHECK(with_df == without_df, "64 functions first run with DF = 1 compute what they do with DF = 0");
    /* A backwards REP MOVSB (a string callout) and DF still set afterwards. */
    static char src[32] = "0123456789abcdefghijklmnopqrstu", dst[32];
    __asm__ volatile("std; rep movsb; pushfl; popl %0; cld"
                     : "=r"(flags)
                     : "S"(src + 30), "D"(dst + 30), "c"(31)
                     : "memory");
    dst[31] = 0;
    CHECK(strcmp(dst, src) == 0 && (flags & (1u << 10)), "std; rep movsb copies backwards and keeps DF");
    return check_summary();
}
