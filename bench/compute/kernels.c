/* The integer compute kernels and the kernel table (see kernels.h).
 * Each kernel works on a fixed-size static buffer, repeats its work
 * `scale * <NAME>_REPS` times, changes its input a little between repetitions
 * (so no repetition can be skipped) and folds every result into a 32-bit
 * checksum. Buffers are fixed so the guest's memory footprint (~0.5 MiB)
 * does not grow with scale; the REPS constants were tuned so that one unit of
 * scale costs roughly 1 ms of native CPU per kernel.
 * Freestanding: no libc, and the build passes -fno-tree-loop-distribute-patterns
 * so that the compiler does not turn our loops into memset/memcpy calls (the
 * guest's runtime and glibc would then run different code). */
#include "kernels.h"

static uint32_t rotr32(uint32_t x, uint32_t n)
{
    return (x >> n) | (x << (32 - n));
}

/* ---- sieve: byte loads and stores with a large stride, a tight inner loop */

#define SIEVE_LIMIT (1u << 18)
#define SIEVE_REPS 1u

static uint8_t sieve_composite[SIEVE_LIMIT];

static uint32_t kernel_sieve(uint32_t scale)
{
    uint32_t h = BENCH_MIX_INIT;
    for (uint32_t rep = 0; rep < scale * SIEVE_REPS; rep++) {
        uint32_t limit = SIEVE_LIMIT - (rep & 1023);
        for (uint32_t i = 0; i < limit; i++)
            sieve_composite[i] = 0;
        for (uint32_t i = 2; i * i < limit; i++)
            if (!sieve_composite[i])
                for (uint32_t j = i * i; j < limit; j += i)
                    sieve_composite[j] = 1;
        uint32_t count = 0, sum = 0;
        for (uint32_t i = 2; i < limit; i++)
            if (!sieve_composite[i]) {
                count++;
                sum += i;
            }
        h = bench_mix(bench_mix(h, count), sum);
    }
    return h;
}

/* ---- crc32: a table lookup per byte (load-to-load dependency) */

#define CRC_BUF_SIZE (64u * 1024)
#define CRC_REPS 5u
#define CRC_POLY 0xedb88320u   /* IEEE 802.3, bit-reflected */

static uint32_t crc_table[256];
static uint8_t crc_buf[CRC_BUF_SIZE];

static void crc_make_table(void)
{
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? CRC_POLY ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
}

static uint32_t crc32(const uint8_t *p, uint32_t len)
{
    uint32_t crc = 0xffffffffu;
    while (len--)
        crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return crc ^ 0xffffffffu;
}

static uint32_t kernel_crc32(uint32_t scale)
{
    uint32_t seed = 0x2545f491u, h = BENCH_MIX_INIT;
    crc_make_table();
    for (uint32_t i = 0; i < CRC_BUF_SIZE; i++)
        crc_buf[i] = (uint8_t)bench_prng(&seed);
    for (uint32_t rep = 0; rep < scale * CRC_REPS; rep++) {
        crc_buf[rep % CRC_BUF_SIZE] ^= (uint8_t)(rep + 1);
        h = bench_mix(h, crc32(crc_buf, CRC_BUF_SIZE));
    }
    return h;
}

/* ---- qsort: recursive calls and returns, data-dependent branches */

#define SORT_N 10000
#define SORT_REPS 1u

static uint32_t sort_buf[SORT_N];

/* Hoare partition around the middle element; recursion depth stays near
 * 2*log2(n) on random input. */
static void quicksort(uint32_t *a, int32_t lo, int32_t hi)
{
    if (lo >= hi)
        return;
    uint32_t pivot = a[lo + (hi - lo) / 2];
    int32_t i = lo - 1, j = hi + 1;
    for (;;) {
        do
            i++;
        while (a[i] < pivot);
        do
            j--;
        while (a[j] > pivot);
        if (i >= j)
            break;
        uint32_t t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
    quicksort(a, lo, j);
    quicksort(a, j + 1, hi);
}

static uint32_t kernel_qsort(uint32_t scale)
{
    uint32_t seed = 0x9e3779b9u, h = BENCH_MIX_INIT;
    for (uint32_t rep = 0; rep < scale * SORT_REPS; rep++) {
        for (uint32_t i = 0; i < SORT_N; i++)
            sort_buf[i] = bench_prng(&seed);
        quicksort(sort_buf, 0, SORT_N - 1);
        uint32_t unsorted = 0;
        for (uint32_t i = 0; i < SORT_N; i++) {
            unsorted += i > 0 && sort_buf[i - 1] > sort_buf[i];
            h = bench_mix(h, sort_buf[i]);
        }
        h = bench_mix(h, unsorted);
    }
    return h;
}

/* ---- sha256: 32-bit ALU and rotates under register pressure (FIPS 180-4) */

#define SHA_BUF_SIZE (16u * 1024)
#define SHA_REPS 10u

static const uint32_t sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint8_t sha_buf[SHA_BUF_SIZE];

static uint32_t load_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void sha256_block(uint32_t state[8], const uint8_t block[64])
{
    uint32_t w[64];
    for (int t = 0; t < 16; t++)
        w[t] = load_be32(block + 4 * t);
    for (int t = 16; t < 64; t++) {
        uint32_t s0 = rotr32(w[t - 15], 7) ^ rotr32(w[t - 15], 18) ^ (w[t - 15] >> 3);
        uint32_t s1 = rotr32(w[t - 2], 17) ^ rotr32(w[t - 2], 19) ^ (w[t - 2] >> 10);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
    uint32_t e = state[4], f = state[5], g = state[6], hh = state[7];
    for (int t = 0; t < 64; t++) {
        uint32_t t1 = hh + (rotr32(e, 6) ^ rotr32(e, 11) ^ rotr32(e, 25)) +
                      ((e & f) ^ (~e & g)) + sha256_k[t] + w[t];
        uint32_t t2 = (rotr32(a, 2) ^ rotr32(a, 13) ^ rotr32(a, 22)) +
                      ((a & b) ^ (a & c) ^ (b & c));
        hh = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    state[0] += a; state[1] += b; state[2] += c; state[3] += d;
    state[4] += e; state[5] += f; state[6] += g; state[7] += hh;
}

/* SHA-256 of `len` bytes (len < 2^29, so the bit length fits 32 bits). */
static void sha256(const uint8_t *data, uint32_t len, uint32_t digest[8])
{
    static const uint32_t init[8] = {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    };
    uint8_t tail[128];
    uint32_t done = len & ~63u, rest = len - done, tail_len = rest < 56 ? 64 : 128;

    for (int i = 0; i < 8; i++)
        digest[i] = init[i];
    for (uint32_t off = 0; off < done; off += 64)
        sha256_block(digest, data + off);
    for (uint32_t i = 0; i < tail_len; i++)
        tail[i] = i < rest ? data[done + i] : 0;
    tail[rest] = 0x80;
    uint32_t bits = len << 3;
    for (int i = 0; i < 4; i++)
        tail[tail_len - 1 - i] = (uint8_t)(bits >> (8 * i));
    for (uint32_t off = 0; off < tail_len; off += 64)
        sha256_block(digest, tail + off);
}

static uint32_t kernel_sha256(uint32_t scale)
{
    uint32_t seed = 0x6c8e9cf5u, h = BENCH_MIX_INIT, digest[8];
    for (uint32_t i = 0; i < SHA_BUF_SIZE; i++)
        sha_buf[i] = (uint8_t)bench_prng(&seed);
    for (uint32_t rep = 0; rep < scale * SHA_REPS; rep++) {
        sha_buf[rep % SHA_BUF_SIZE] ^= (uint8_t)(rep + 1);
        sha256(sha_buf, SHA_BUF_SIZE - (rep & 63), digest);
        for (int i = 0; i < 8; i++)
            h = bench_mix(h, digest[i]);
    }
    return h;
}

/* ---- interp: a stack-machine interpreter, dispatched two ways over the same
 * op bodies: through a table of function pointers (an indirect CALL and a RET
 * per op) and through a switch (an indirect JMP through a jump table). */

#define VM_OPS(X) \
    X(PUSH) X(LOAD) X(STORE) X(ADD) X(SUB) X(MUL) X(XOR) X(SHR) X(DUP) X(JNZ) X(HALT)

enum vm_op {
#define VM_ENUM(name) VM_##name,
    VM_OPS(VM_ENUM)
#undef VM_ENUM
};

struct vm_insn {
    uint32_t op;
    uint32_t arg;
};

struct vm {
    const struct vm_insn *code;
    uint32_t pc, sp, running;
    uint32_t stack[16];
    uint32_t vars[4];
};

static void vm_op_PUSH(struct vm *vm, uint32_t arg) { vm->stack[vm->sp++] = arg; }
static void vm_op_LOAD(struct vm *vm, uint32_t arg) { vm->stack[vm->sp++] = vm->vars[arg]; }
static void vm_op_STORE(struct vm *vm, uint32_t arg) { vm->vars[arg] = vm->stack[--vm->sp]; }
static void vm_op_ADD(struct vm *vm, uint32_t arg) { (void)arg; vm->sp--; vm->stack[vm->sp - 1] += vm->stack[vm->sp]; }
static void vm_op_SUB(struct vm *vm, uint32_t arg) { (void)arg; vm->sp--; vm->stack[vm->sp - 1] -= vm->stack[vm->sp]; }
static void vm_op_MUL(struct vm *vm, uint32_t arg) { (void)arg; vm->sp--; vm->stack[vm->sp - 1] *= vm->stack[vm->sp]; }
static void vm_op_XOR(struct vm *vm, uint32_t arg) { (void)arg; vm->sp--; vm->stack[vm->sp - 1] ^= vm->stack[vm->sp]; }
static void vm_op_SHR(struct vm *vm, uint32_t arg) { (void)arg; vm->sp--; vm->stack[vm->sp - 1] >>= vm->stack[vm->sp] & 31; }
static void vm_op_DUP(struct vm *vm, uint32_t arg) { (void)arg; vm->stack[vm->sp] = vm->stack[vm->sp - 1]; vm->sp++; }
static void vm_op_JNZ(struct vm *vm, uint32_t arg) { if (vm->stack[--vm->sp]) vm->pc = arg; }
static void vm_op_HALT(struct vm *vm, uint32_t arg) { (void)arg; vm->running = 0; }

static void (*const vm_handlers[])(struct vm *, uint32_t) = {
#define VM_HANDLER(name) vm_op_##name,
    VM_OPS(VM_HANDLER)
#undef VM_HANDLER
};

static uint32_t vm_run_calls(struct vm *vm)
{
    while (vm->running) {
        const struct vm_insn *in = &vm->code[vm->pc++];
        vm_handlers[in->op](vm, in->arg);
    }
    return vm->stack[vm->sp - 1];
}

static uint32_t vm_run_switch(struct vm *vm)
{
    while (vm->running) {
        const struct vm_insn *in = &vm->code[vm->pc++];
        switch (in->op) {
#define VM_CASE(name) case VM_##name: vm_op_##name(vm, in->arg); break;
        VM_OPS(VM_CASE)
#undef VM_CASE
        }
    }
    return vm->stack[vm->sp - 1];
}

#define INTERP_LOOPS 16000u   /* per unit of scale; 16 ops per loop */

/* h = seed; for (i = loops; i; i--) { t = h * 33 ^ i; h = t ^ (t >> 15); } */
static uint32_t kernel_interp(uint32_t scale, uint32_t (*run)(struct vm *))
{
    enum { LOOP = 4 };
    const struct vm_insn prog[] = {
        { VM_PUSH, scale * INTERP_LOOPS }, { VM_STORE, 0 },
        { VM_PUSH, 0x811c9dc5u }, { VM_STORE, 1 },
        /* LOOP: */
        { VM_LOAD, 1 }, { VM_PUSH, 33 }, { VM_MUL, 0 }, { VM_LOAD, 0 }, { VM_XOR, 0 },
        { VM_DUP, 0 }, { VM_PUSH, 15 }, { VM_SHR, 0 }, { VM_XOR, 0 }, { VM_STORE, 1 },
        { VM_LOAD, 0 }, { VM_PUSH, 1 }, { VM_SUB, 0 }, { VM_DUP, 0 }, { VM_STORE, 0 },
        { VM_JNZ, LOOP },
        { VM_LOAD, 1 }, { VM_HALT, 0 },
    };
    struct vm vm = { .code = prog, .running = 1 };
    return run(&vm);
}

static uint32_t kernel_interp_call(uint32_t scale)
{
    return kernel_interp(scale, vm_run_calls);
}

static uint32_t kernel_interp_switch(uint32_t scale)
{
    return kernel_interp(scale, vm_run_switch);
}

/* ---- the table both front ends walk, in output order */

const struct bench_kernel bench_kernels[] = {
    { "sieve", kernel_sieve },
    { "crc32", kernel_crc32 },
    { "qsort", kernel_qsort },
    { "sha256", kernel_sha256 },
    { "interp_call", kernel_interp_call },
    { "interp_switch", kernel_interp_switch },
    { "matmul_x87", kernel_matmul_x87 },
    { "matmul_sse2", kernel_matmul_sse2 },
};
const uint32_t bench_kernel_count = sizeof bench_kernels / sizeof bench_kernels[0];
