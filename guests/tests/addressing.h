/* Shared by addressing.c and addressing_asm.S (which the C preprocessor
 * also reads): the fixed low-memory regions the generated cases address,
 * and the case groups. Low memory below 1 MiB is free once the loader has
 * jumped to the guest (nothing there is used: no BIOS calls). */
#ifndef ADDRESSING_H
#define ADDRESSING_H

#define PAT_BASE    0x20000     /* 64 KiB of pattern: 32-bit-form loads */
#define STORE_BASE  0x30000     /* 64 KiB of zeros: 32-bit-form stores */
#define LOW_LOAD    0x8000      /* 16 KiB of pattern: 16-bit-form loads */
#define LOW_STORE   0xc000      /* 16 KiB of zeros: 16-bit-form stores */
#define STORE_VALUE 0x5a000000  /* case n stores STORE_VALUE + n */
#define MAX_CASES   2048

/* Case groups, one report line each. */
#define GROUP_SIB       0       /* + base register number (0..7) */
#define GROUP_BASE_ONLY 8       /* [base + disp] */
#define GROUP_INDEX     9       /* [index * scale + disp32] */
#define GROUP_ABS       10      /* [disp32] */
#define GROUP_RAW       11      /* hand-encoded ModRM/SIB oddities */
#define GROUP_WRAP      12      /* effective address wraps at 4 GiB */
#define GROUP_16        13      /* 0x67: 16-bit forms, wrap at 64 KiB */
#define GROUP_DST       14      /* each register as ModRM.reg */
#define NGROUPS         15

#endif
