/* The compute benchmark's kernels and the options both front ends share.
 * Owns: the list of CPU-bound kernels, the meaning of `scale`, the option
 * syntax and the output line format. Must not: call libc or depend on the
 * host: the same source runs as an x86-64 program (native.c) and as a
 * freestanding Multiboot guest (guest.c), and both must print identical
 * lines, so every value here has a fixed width.
 *
 *   struct bench_options opt;
 *   bench_default_options(&opt);
 *   if (bench_parse_option("scale=40", 8, &opt) == 0)
 *       printf(BENCH_LINE_FMT, bench_kernels[0].name, bench_kernels[0].run(opt.scale));
 */
#ifndef BENCH_KERNELS_H
#define BENCH_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/* One unit of scale is about 1 ms of native CPU time per kernel on the
 * project's machines (see README.md); the guest's default keeps the plain
 * correctness test well under a second under QEMU. */
#define BENCH_DEFAULT_SCALE 1u
#define BENCH_MAX_SCALE 100000u

struct bench_kernel {
    const char *name;
    uint32_t (*run)(uint32_t scale);   /* returns the kernel's checksum */
};

extern const struct bench_kernel bench_kernels[];
extern const uint32_t bench_kernel_count;

/* The two matrix-multiply variants live in their own files because they are
 * compiled with different floating-point flags (see matmul_impl.h). */
uint32_t kernel_matmul_x87(uint32_t scale);
uint32_t kernel_matmul_sse2(uint32_t scale);

struct bench_options {
    uint32_t scale;
    uint32_t select;    /* bit i set: run bench_kernels[i] */
};

/* Folds one 32-bit word into a checksum (FNV-1a on words). */
static inline uint32_t bench_mix(uint32_t h, uint32_t v)
{
    return (h ^ v) * 16777619u;
}
#define BENCH_MIX_INIT 2166136261u

/* xorshift32 (Marsaglia 2003): cheap, fixed-width, same sequence everywhere. */
static inline uint32_t bench_prng(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

/* Scale BENCH_DEFAULT_SCALE, every kernel selected. */
void bench_default_options(struct bench_options *opt);

/* Parses one option token of `len` bytes: "scale=N" or "kernels=a,b,..."
 * ("kernels=none" runs nothing, to measure start-up cost). Tokens without
 * '=' (QEMU puts the kernel's path first on the Multiboot command line) are
 * ignored. Returns 0, or -1 for an unknown key or a bad value. */
int bench_parse_option(const char *tok, size_t len, struct bench_options *opt);

/* What both front ends print: a header line with the options, then one line
 * per kernel. The runner compares these lines byte for byte. */
#define BENCH_HEADER_FMT "compute scale=%u\n"
#define BENCH_LINE_FMT "%s %08x\n"

#endif
