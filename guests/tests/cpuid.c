/* CPUID and what it promises (SDM vol. 2A, CPUID): leaf 0 gives a maximum
 * basic leaf >= 1 and a 12-character printable vendor; leaf 1 a family
 * >= 6 and the features FPU TSC CX8 CMOV FXSR SSE SSE2, each of which must
 * then work; leaf 0x80000000 a maximum extended leaf >= 0x80000000; the
 * same leaf twice gives the same answer; RDTSC never goes backwards over
 * 1000 reads and does advance. Nothing host-specific is printed: bt386's
 * virtual CPU and QEMU's differ in vendor, model and feature details. */
#include "eflags.h"

#define CPUID1_EDX_FPU (1u << 0)
#define CPUID1_EDX_TSC (1u << 4)
#define CPUID1_EDX_CX8 (1u << 8)
#define CPUID1_EDX_CMOV (1u << 15)
#define CPUID1_EDX_FXSR (1u << 24)
#define CPUID1_EDX_SSE (1u << 25)
#define CPUID1_EDX_SSE2 (1u << 26)

struct regs {
    uint32_t a, b, c, d;
};

static struct regs cpuid(uint32_t leaf)
{
    struct regs r;
    __asm__ volatile("cpuid" : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d) : "a"(leaf), "c"(0));
    return r;
}

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

static void test_leaves(void)
{
    struct regs l0 = cpuid(0);
    CHECK(l0.a >= 1, "leaf 0: maximum basic leaf >= 1");
    char vendor[13];
    memcpy(vendor, &l0.b, 4);
    memcpy(vendor + 4, &l0.d, 4);
    memcpy(vendor + 8, &l0.c, 4);
    int printable = 1;
    for (int i = 0; i < 12; i++)
        printable &= vendor[i] >= 0x20 && vendor[i] <= 0x7e;
    CHECK(printable, "leaf 0: the vendor is 12 printable characters");

    struct regs l1 = cpuid(1), again = cpuid(1);
    uint32_t family = (l1.a >> 8) & 0xf;
    if (family == 0xf)
        family += (l1.a >> 20) & 0xff;
    CHECK(family >= 6, "leaf 1: family >= 6");
    CHECK(l1.a == again.a && l1.b == again.b && l1.c == again.c && l1.d == again.d,
          "leaf 1 twice gives the same answer");
    static const struct { uint32_t bit; const char *name; } feats[] = {
        { CPUID1_EDX_FPU, "FPU" }, { CPUID1_EDX_TSC, "TSC" }, { CPUID1_EDX_CX8, "CX8" },
        { CPUID1_EDX_CMOV, "CMOV" }, { CPUID1_EDX_FXSR, "FXSR" }, { CPUID1_EDX_SSE, "SSE" },
        { CPUID1_EDX_SSE2, "SSE2" },
    };
    for (unsigned i = 0; i < sizeof feats / sizeof feats[0]; i++)
        CHECK(l1.d & feats[i].bit, "leaf 1: %s advertised", feats[i].name);

    struct regs x = cpuid(0x80000000);
    CHECK(x.a >= 0x80000000, "leaf 0x80000000: maximum extended leaf >= 0x80000000");
}

static void test_features_work(void)
{
    /* FPU. */
    static const long double two = 2.0L;
    long double r;
    __asm__ volatile("fninit\n\tfld1\n\tfadd %%st(0), %%st\n\tfstpt %0" : "=m"(r));
    CHECK(memcmp(&r, &two, 10) == 0, "FPU: 1 + 1 = 2");

    /* TSC. */
    uint64_t t0 = rdtsc(), t1;
    for (volatile int i = 0; i < 1000; i++)
        ;
    t1 = rdtsc();
    CHECK(t1 > t0, "TSC: rdtsc advances over a 1000-iteration loop");
    uint64_t prev = rdtsc(), first = prev;
    unsigned backwards = 0;
    for (int i = 0; i < 1000; i++) {
        uint64_t t = rdtsc();
        backwards += t < prev;
        prev = t;
    }
    CHECK(backwards == 0 && prev > first, "TSC: 1000 reads never go backwards, and advance");

    /* CX8: CMPXCHG8B equal (stores ECX:EBX, ZF = 1) and unequal (loads). */
    static uint64_t m = 0x0123456789abcdefull;
    uint32_t a = 0x89abcdef, d = 0x01234567;
    uint8_t zf;
    __asm__ volatile("lock cmpxchg8b %1\n\tsetz %2"
                     : "+a"(a), "+m"(m), "=q"(zf), "+d"(d)
                     : "b"(0x11111111), "c"(0x22222222) : "cc");
    int ok = zf == 1 && m == 0x2222222211111111ull;
    a = 0, d = 0;
    __asm__ volatile("lock cmpxchg8b %1\n\tsetz %2"
                     : "+a"(a), "+m"(m), "=q"(zf), "+d"(d)
                     : "b"(0x33333333), "c"(0x44444444) : "cc");
    ok &= zf == 0 && a == 0x11111111 && d == 0x22222222 && m == 0x2222222211111111ull;
    CHECK(ok, "CX8: cmpxchg8b swaps when equal and loads when not");

    /* CMOV. */
    uint32_t x = 5, y = 9, z = 5, w = 9;
    __asm__ volatile("cmp %2, %2\n\tcmove %3, %0\n\tcmovne %3, %1"
                     : "+r"(x), "+r"(z) : "r"(0), "r"(y) : "cc");
    __asm__ volatile("cmp %1, %1\n\tcmovne %1, %0" : "+r"(w) : "r"(1) : "cc");
    CHECK(x == 9 && z == 5 && w == 9, "CMOV: cmove moves on equal, cmovne does not");

    /* FXSR, SSE, SSE2 need CR4.OSFXSR (and CR0.EM clear). */
    enable_sse();
    static uint8_t area[512] __attribute__((aligned(16)));
    uint16_t cw = 0x027f, cw_back = 0;
    __asm__ volatile("fninit\n\tfldcw %1\n\tfxsave %0\n\tfninit\n\tfxrstor %0"
                     : "+m"(area) : "m"(cw) : "memory");
    __asm__ volatile("fnstcw %0" : "=m"(cw_back));
    CHECK(cw_back == 0x027f && (area[0] | area[1] << 8) == 0x027f,
          "FXSR: fxsave/fxrstor carry the control word");
    __asm__ volatile("fninit");

    static const float fa[4] __attribute__((aligned(16))) = { 1.0f, 2.0f, 3.0f, 4.0f };
    static float fo[4] __attribute__((aligned(16)));
    __asm__ volatile("movaps %1, %%xmm0\n\taddps %%xmm0, %%xmm0\n\tmovaps %%xmm0, %0"
                     : "=m"(fo) : "m"(fa));
    CHECK(fo[0] == 2.0f && fo[1] == 4.0f && fo[2] == 6.0f && fo[3] == 8.0f, "SSE: addps");
    static const uint64_t qa[2] __attribute__((aligned(16))) = { 0xffffffffffffffffull, 41 };
    static uint64_t qo[2] __attribute__((aligned(16)));
    __asm__ volatile("movdqa %1, %%xmm1\n\tpcmpeqd %%xmm2, %%xmm2\n\tpsubq %%xmm2, %%xmm1\n\t"
                     "movdqa %%xmm1, %0" : "=m"(qo) : "m"(qa));
    CHECK(qo[0] == 0 && qo[1] == 42, "SSE2: psubq (64-bit lanes)");
}

int main(void)
{
    test_leaves();
    test_features_work();
    return check_summary();
}
