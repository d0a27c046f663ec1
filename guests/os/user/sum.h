/* The work each task does between preemptions: a xorshift32 stream folded
 * into a checksum. Long enough at SUM_ROUNDS that the 1 kHz timer takes the
 * CPU away many times; the result depends only on the seed. */
#ifndef OS_SUM_H
#define OS_SUM_H

#include <stdint.h>

#define SUM_ROUNDS 5000000u

static inline uint32_t checksum(uint32_t seed, uint32_t rounds)
{
    uint32_t x = seed * 2654435761u + 1, s = 0;
    for (uint32_t i = 0; i < rounds; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        s = s * 31 + x;
    }
    return s;
}

#endif
