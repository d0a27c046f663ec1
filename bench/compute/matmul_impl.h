/* Double-precision matrix multiply, included by exactly two files that the
 * build compiles with different floating-point code: matmul_x87.c (the
 * guest's default -march=i686: x87 stack code) and matmul_sse2.c
 * (-msse2 -mfpmath=sse: scalar SSE2). Natively both are SSE2, as x86-64 is.
 *
 * Every value is a small dyadic fraction, a = k/8 and b = m/4 with |m| <= 128
 * and |k| < 2^11 (k grows by 8 per visit of the update below, at most 147
 * visits at BENCH_MAX_SCALE), so every product and sum of C = A*B is a
 * multiple of 1/32 below 2^19 in magnitude: exact in a 53-bit mantissa. x87's
 * 80-bit intermediates and SSE2's 64-bit ones therefore give bit-identical
 * results, and C * 32 converts to int32_t exactly. */
#ifndef BENCH_MATMUL_IMPL_H
#define BENCH_MATMUL_IMPL_H

#include "kernels.h"

#define MATMUL_N 64
#define MATMUL_REPS 6u

static double mm_a[MATMUL_N][MATMUL_N], mm_b[MATMUL_N][MATMUL_N], mm_c[MATMUL_N][MATMUL_N];

static uint32_t matmul_run(uint32_t scale)
{
    uint32_t seed = 0x1b873593u, h = BENCH_MIX_INIT;
    for (int i = 0; i < MATMUL_N; i++)
        for (int j = 0; j < MATMUL_N; j++) {
            bench_prng(&seed);
            mm_a[i][j] = (double)((int32_t)(seed & 0xff) - 128) / 8.0;
            mm_b[i][j] = (double)((int32_t)(seed >> 24) - 128) / 4.0;
        }
    for (uint32_t rep = 0; rep < scale * MATMUL_REPS; rep++) {
        /* Walks every element of A once per N*N repetitions. */
        mm_a[rep % MATMUL_N][(rep / MATMUL_N) % MATMUL_N] += 1.0;
        for (int i = 0; i < MATMUL_N; i++)
            for (int j = 0; j < MATMUL_N; j++) {
                double s = 0.0;
                for (int k = 0; k < MATMUL_N; k++)
                    s += mm_a[i][k] * mm_b[k][j];
                mm_c[i][j] = s;
            }
        for (int i = 0; i < MATMUL_N; i++)
            for (int j = 0; j < MATMUL_N; j++)
                h = bench_mix(h, (uint32_t)(int32_t)(mm_c[i][j] * 32.0));
    }
    return h;
}

#endif
