/* MMIO routing (issue #5, MMIO and holes): every access to a guest-physical
 * address that is not RAM reaches bt386's MMIO bus (devices/mmio.c), once,
 * with its width and offset, in program order, with paging off (linear =
 * physical) and on (through two linear aliases of the device page). Runs
 * under bt386 only: the MMIO test device (devices/testdev.c) at physical
 * 0xfe000000 exists nowhere else (QEMU has nothing there).
 *   - byte, word and dword loads and stores land in the scratch with their
 *     value, size and offset; a write-only instruction (MOV, MOV moffs,
 *     SETcc, POP m, FISTP, STOS) is one write and no read, and its other
 *     effects happen once (POP m: ESP + 4; FISTP: one x87 pop; STOS: EDI);
 *   - a read-modify-write (ADD, OR, INC, XCHG, XADD, CMPXCHG) is one read
 *     then one write; CMPXCHG writes even when the comparison fails
 *     (SDM vol. 2A CMPXCHG: "the destination operand receives a write cycle
 *     without regard to the result of the comparison"); CMP/TEST only read;
 *   - the bus is 32 bits wide: wider or misaligned accesses become pieces of
 *     at most a dword that never cross a dword boundary (an 8-byte MOVQ or
 *     FISTP/FILD m64: two dwords; a dword at offset 2: two words; a word at
 *     offset 3: two bytes; a dword at offset 1: 3 bytes then 1);
 *   - string instructions (REP MOVS/STOS) make one access per element;
 *   - MMIO is never cached: 100 loads in a loop are 100 device reads; a
 *     store then a load (and a load then a store) in one block are two
 *     accesses in that order;
 *   - an unclaimed physical address (0xfd000000) is an open bus: reads give
 *     all ones at every width, writes are dropped, nothing faults;
 *   - CPL3 accesses through a U=1 mapping reach the device, through a U=0
 *     or read-only mapping they #PF (SDM vol. 3A 4.6) and reach nothing;
 *   - values survive: written through one alias (or with paging off), read
 *     back through the other.
 * Not tested: instruction fetches from MMIO (bt386 stops the guest), an
 * access straddling the last RAM page and the device. */
#include "paging.h"

#define TESTDEV_PA   0xfe000000u        /* devices/testdev.c */
#define OPEN_BUS_PA  0xfd000000u        /* no device, no RAM */
#define REG_LAST     0x100u             /* the last scratch access */
#define REG_COUNT    0x104u             /* scratch accesses; a write resets it */
#define LAST(write, size, off) (((write) ? 1u << 31 : 0) | (uint32_t)(size) << 24 | (off))
#define R 0
#define W 1

/* Linear addresses with paging on. */
#define LA_DEV       0x50000000u        /* -> the device, P|W|U */
#define LA_ALIAS     0x50001000u        /* -> the device, P|W (supervisor) */
#define LA_OPEN      0x50002000u        /* -> OPEN_BUS_PA, P|W|U */
#define LA_RO        0x50003000u        /* -> the device, P|U (read-only) */

/* The phase: where the device and the open bus are in the linear space. */
static uint32_t dev, dev_alias, open_bus;
static const char *phase;

/* Accesses of one exact width and form (the compiler may not merge or
 * widen them). */
static inline uint8_t rd8(uint32_t a)
{
    uint8_t v;
    __asm__ volatile("movb (%1), %0" : "=q"(v) : "r"(a) : "memory");
    return v;
}
static inline uint16_t rd16(uint32_t a)
{
    uint16_t v;
    __asm__ volatile("movw (%1), %0" : "=r"(v) : "r"(a) : "memory");
    return v;
}
static inline uint32_t rd32(uint32_t a)
{
    uint32_t v;
    __asm__ volatile("movl (%1), %0" : "=r"(v) : "r"(a) : "memory");
    return v;
}
static inline void wr8(uint32_t a, uint8_t v) { __asm__ volatile("movb %0, (%1)" :: "q"(v), "r"(a) : "memory"); }
static inline void wr16(uint32_t a, uint16_t v) { __asm__ volatile("movw %0, (%1)" :: "r"(v), "r"(a) : "memory"); }
static inline void wr32(uint32_t a, uint32_t v) { __asm__ volatile("movl %0, (%1)" :: "r"(v), "r"(a) : "memory"); }

static void dev_reset(void)
{
    wr32(dev + REG_COUNT, 0);
}

/* What the device saw; read right after the access under test, before
 * any read-back of the scratch (which counts). */
struct seen {
    uint32_t count, last;
};
static struct seen seen(void)
{
    struct seen s = { rd32(dev + REG_COUNT), rd32(dev + REG_LAST) };
    return s;
}

/* One check line: the device saw want_count accesses, the last one
 * want_last, and the value (read or read back) is want_value. */
static void expect(struct seen s, uint32_t value, uint32_t want_value, uint32_t want_count,
                   uint32_t want_last, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void expect(struct seen s, uint32_t value, uint32_t want_value, uint32_t want_count,
                   uint32_t want_last, const char *fmt, ...)
{
    char name[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);
    int ok = s.count == want_count && s.last == want_last && value == want_value;
    check_result(ok, "%s: %s", phase, name);
    if (!ok)
        printf("     got count %u last %08x value %08x, want count %u last %08x value %08x\n",
               s.count, s.last, value, want_count, want_last, want_value);
}

static void check_widths(void)
{
    struct seen s;
    uint32_t v;

    dev_reset();
    wr8(dev + 3, 0x5a);
    s = seen();
    expect(s, rd8(dev + 3), 0x5a, 1, LAST(W, 1, 3), "movb store: one write, size 1, offset 3");
    dev_reset();
    v = rd8(dev + 3);
    s = seen();
    expect(s, v, 0x5a, 1, LAST(R, 1, 3), "movb load: one read, size 1, offset 3, the byte stored");

    dev_reset();
    wr16(dev + 6, 0xbeef);
    s = seen();
    expect(s, rd16(dev + 6), 0xbeef, 1, LAST(W, 2, 6), "movw store: one write, size 2, offset 6");
    dev_reset();
    v = rd16(dev + 6);
    s = seen();
    expect(s, v, 0xbeef, 1, LAST(R, 2, 6), "movw load: one read, size 2, offset 6, the word stored");

    dev_reset();
    wr32(dev + 8, 0x11223344);
    s = seen();
    expect(s, rd32(dev + 8), 0x11223344, 1, LAST(W, 4, 8), "movl store: one write, size 4, offset 8");
    dev_reset();
    v = rd32(dev + 8);
    s = seen();
    expect(s, v, 0x11223344, 1, LAST(R, 4, 8), "movl load: one read, size 4, offset 8, the dword stored");
    dev_reset();
    v = rd8(dev + 9);
    s = seen();
    expect(s, v, 0x33, 1, LAST(R, 1, 9), "byte 9 of the dword at 8 is 0x33 (little-endian scratch)");
}

/* Write-only instructions: the device sees one write and no read (a read
 * of a device register may have side effects a store must not cause). */
static void check_plain_stores(void)
{
    struct seen s;
    uint32_t one = 1;

    dev_reset();
    __asm__ volatile("movl $0x600dcafe, (%0)" :: "r"(dev + 0x10) : "memory");
    s = seen();
    expect(s, rd32(dev + 0x10), 0x600dcafe, 1, LAST(W, 4, 0x10), "movl $imm store: one write, no read");

    /* MOV moffs32, EAX / moffs8, AL (opcodes a3, a2): the address is in
     * the instruction, so each phase has its own copy. */
    dev_reset();
    if (dev == TESTDEV_PA)
        __asm__ volatile("movl %%eax, %c1" :: "a"(0xa3a3a3a3u), "i"(TESTDEV_PA + 0x10) : "memory");
    else
        __asm__ volatile("movl %%eax, %c1" :: "a"(0xa3a3a3a3u), "i"(LA_DEV + 0x10) : "memory");
    s = seen();
    expect(s, rd32(dev + 0x10), 0xa3a3a3a3u, 1, LAST(W, 4, 0x10), "movl %%eax, moffs store: one write, no read");
    dev_reset();
    if (dev == TESTDEV_PA)
        __asm__ volatile("movb %%al, %c1" :: "a"(0xa2), "i"(TESTDEV_PA + 0x11) : "memory");
    else
        __asm__ volatile("movb %%al, %c1" :: "a"(0xa2), "i"(LA_DEV + 0x11) : "memory");
    s = seen();
    expect(s, rd32(dev + 0x10), 0xa3a3a2a3u, 1, LAST(W, 1, 0x11), "movb %%al, moffs store: one write, no read");

    dev_reset();
    __asm__ volatile("cmpl %0, %0\n\tsete (%1)" :: "r"(0), "r"(dev + 0x12) : "memory", "cc");
    s = seen();
    expect(s, rd8(dev + 0x12), 1, 1, LAST(W, 1, 0x12), "sete m8 store: one write, no read");

    /* POP m32: ESP goes up by 4 exactly once (the ESP before and after are
     * compared, and ESP is put back, so a broken POP cannot derail the
     * guest). */
    uint32_t esp0, esp1;
    dev_reset();
    __asm__ volatile("movl %%esp, %0\n\tpushl $0x0b0b0b0b\n\tpopl (%2)\n\tmovl %%esp, %1\n\tmovl %0, %%esp"
                     : "=&r"(esp0), "=&r"(esp1) : "r"(dev + 0x14) : "memory");
    s = seen();
    expect(s, rd32(dev + 0x14), 0x0b0b0b0bu, 1, LAST(W, 4, 0x14), "popl m32 store: one write, no read, the value popped");
    CHECK_EQ(esp1 - esp0, 0, "%s: popl m32: push then pop leave ESP as it was", phase);

    /* FISTP m32: the value, and the x87 stack popped once (TOP back to 0
     * after FNINIT; FILD; FISTP). */
    uint16_t sw;
    __asm__ volatile("fninit");
    dev_reset();
    __asm__ volatile("fildl %2\n\tfistpl (%1)\n\tfnstsw %0" : "=m"(sw) : "r"(dev + 0x14), "m"(one) : "memory");
    s = seen();
    expect(s, rd32(dev + 0x14), 1, 1, LAST(W, 4, 0x14), "fistpl m32 store: one write, no read");
    CHECK_EQ((sw >> 11) & 7, 0, "%s: fistpl m32: the x87 stack popped once (TOP = 0)", phase);

    uint32_t di = dev + 0x18;
    dev_reset();
    __asm__ volatile("cld\n\tstosl" : "+D"(di) : "a"(0x5705u) : "memory");
    s = seen();
    expect(s, di == dev + 0x1c ? rd32(dev + 0x18) : ~0u, 0x5705u, 1, LAST(W, 4, 0x18),
           "stosl (no rep): one write, no read, EDI + 4");
}

/* Read-modify-write instructions: one read, then one write of the result. */
static void check_rmw(void)
{
    struct seen s;
    uint32_t v;

    wr32(dev + 0x20, 0x7fffffff);
    dev_reset();
    __asm__ volatile("addl $1, (%0)" :: "r"(dev + 0x20) : "memory", "cc");
    s = seen();
    expect(s, rd32(dev + 0x20), 0x80000000u, 2, LAST(W, 4, 0x20), "addl $1, m32: one read then one write");

    dev_reset();
    __asm__ volatile("orb $0x81, (%0)" :: "r"(dev + 0x21) : "memory", "cc");
    s = seen();
    expect(s, rd32(dev + 0x20), 0x80008100u, 2, LAST(W, 1, 0x21), "orb $0x81, m8: one read then one write");

    dev_reset();
    __asm__ volatile("incl (%0)" :: "r"(dev + 0x20) : "memory", "cc");
    s = seen();
    expect(s, rd32(dev + 0x20), 0x80008101u, 2, LAST(W, 4, 0x20), "incl m32: one read then one write");

    dev_reset();
    v = 0x12121212;
    __asm__ volatile("xchgl %0, (%1)" : "+r"(v) : "r"(dev + 0x20) : "memory");
    s = seen();
    expect(s, v, 0x80008101u, 2, LAST(W, 4, 0x20), "xchgl m32: one read then one write, old value returned");
    dev_reset();
    v = rd32(dev + 0x20);
    s = seen();
    expect(s, v, 0x12121212u, 1, LAST(R, 4, 0x20), "xchgl m32: the new value is in the device");

    dev_reset();
    v = 0x10;
    __asm__ volatile("xaddl %0, (%1)" : "+r"(v) : "r"(dev + 0x20) : "memory", "cc");
    s = seen();
    expect(s, v + rd32(dev + 0x20), 0x12121212u + 0x12121222u, 2, LAST(W, 4, 0x20),
           "xaddl m32: one read then one write, old value returned");

    /* CMPXCHG whose comparison fails: EAX gets the operand, and the operand
     * still gets a write cycle (of its own value). */
    dev_reset();
    v = 0;
    __asm__ volatile("cmpxchgl %2, (%1)" : "+a"(v) : "r"(dev + 0x20), "r"(0xdeadu) : "memory", "cc");
    s = seen();
    expect(s, v == 0x12121222u ? rd32(dev + 0x20) : ~0u, 0x12121222u, 2, LAST(W, 4, 0x20),
           "cmpxchgl m32 that fails: one read then a write of the old value (SDM), EAX = operand");

    dev_reset();
    __asm__ volatile("cmpl $0x12121222, (%0)\n\tjne 1f\n\ttestl $1, (%0)\n1:"
                     :: "r"(dev + 0x20) : "memory", "cc");
    s = seen();
    expect(s, 0, 0, 2, LAST(R, 4, 0x20), "cmpl then testl m32: two reads, no write");
}

/* A 32-bit bus: pieces of at most a dword, none crossing a dword boundary. */
static void check_split(void)
{
    struct seen s;
    uint32_t lo, hi;
    static uint64_t q, qout;

    q = 0x8877665544332211ull;

    dev_reset();
    __asm__ volatile("movq %1, %%mm0\n\tmovq %%mm0, (%0)\n\temms" :: "r"(dev + 0x10), "m"(q) : "memory");
    s = seen();
    lo = rd32(dev + 0x10);
    hi = rd32(dev + 0x14);
    expect(s, lo == 0x44332211u && hi == 0x88776655u, 1, 2, LAST(W, 4, 0x14),
           "movq %%mm0 store (8 bytes): two dword writes (0x10, then 0x14), no read, both halves");
    dev_reset();
    __asm__ volatile("movq (%1), %%mm0\n\tmovq %%mm0, %0\n\temms" : "=m"(qout) : "r"(dev + 0x10) : "memory");
    s = seen();
    expect(s, qout == q, 1, 2, LAST(R, 4, 0x14), "movq load (8 bytes): two dword reads, the qword stored");

    dev_reset();
    q = 0x0102030405060708ull;
    __asm__ volatile("fildll %1\n\tfistpll (%0)" :: "r"(dev + 0x18), "m"(q) : "memory");
    s = seen();
    lo = rd32(dev + 0x18);
    hi = rd32(dev + 0x1c);
    expect(s, lo == 0x05060708u && hi == 0x01020304u, 1, 2, LAST(W, 4, 0x1c),
           "fistpll store (8 bytes): two dword writes, no read");
    dev_reset();
    __asm__ volatile("fildll (%1)\n\tfistpll %0" : "=m"(qout) : "r"(dev + 0x18) : "memory");
    s = seen();
    expect(s, qout == q, 1, 2, LAST(R, 4, 0x1c), "fildll load (8 bytes): two dword reads, the qword stored");

    wr32(dev + 0, 0x03020100);
    wr32(dev + 4, 0x07060504);
    dev_reset();
    wr32(dev + 2, 0xddccbbaa);
    s = seen();
    lo = rd32(dev + 0);
    hi = rd32(dev + 4);
    expect(s, lo == 0xbbaa0100u && hi == 0x0706ddccu, 1, 2, LAST(W, 2, 4),
           "movl store at offset 2: two word writes (2, then 4)");
    dev_reset();
    lo = rd32(dev + 2);
    s = seen();
    expect(s, lo, 0xddccbbaau, 2, LAST(R, 2, 4), "movl load at offset 2: two word reads, the dword stored");

    dev_reset();
    wr16(dev + 3, 0x9988);
    s = seen();
    expect(s, rd32(dev + 2), 0xdd9988aau, 2, LAST(W, 1, 4), "movw store at offset 3: two byte writes (3, then 4)");
    dev_reset();
    lo = rd16(dev + 3);
    s = seen();
    expect(s, lo, 0x9988, 2, LAST(R, 1, 4), "movw load at offset 3: two byte reads");

    dev_reset();
    wr32(dev + 1, 0x44332211);
    s = seen();
    expect(s, rd32(dev + 0), 0x33221100u, 2, LAST(W, 1, 4), "movl store at offset 1: 3 bytes at 1, then 1 at 4");
    dev_reset();
    lo = rd32(dev + 1);
    s = seen();
    expect(s, lo, 0x44332211u, 2, LAST(R, 1, 4), "movl load at offset 1: 3 bytes at 1, then 1 at 4");
}

/* String instructions (done in C by bt386): one access per element. */
static void check_strings(void)
{
    static const uint32_t src[4] = { 0xa0a0a0a0u, 0xb1b1b1b1u, 0xc2c2c2c2u, 0xd3d3d3d3u };
    static uint32_t dst[4];
    struct seen s;
    uint32_t si, di, cx;

    dev_reset();
    si = (uint32_t)src, di = dev + 0x20, cx = 4;
    __asm__ volatile("cld\n\trep movsl" : "+S"(si), "+D"(di), "+c"(cx) :: "memory");
    s = seen();
    int same = 1;
    for (int i = 0; i < 4; i++)
        same &= rd32(dev + 0x20 + 4 * i) == src[i];
    same &= cx == 0 && di == dev + 0x30;
    expect(s, same, 1, 4, LAST(W, 4, 0x2c), "rep movsl ram -> device, 4 dwords: four dword writes, ECX = 0, EDI at the end");

    dev_reset();
    si = dev + 0x20, di = (uint32_t)dst, cx = 4;
    __asm__ volatile("cld\n\trep movsl" : "+S"(si), "+D"(di), "+c"(cx) :: "memory");
    s = seen();
    expect(s, memcmp(dst, src, sizeof dst) == 0, 1, 4, LAST(R, 4, 0x2c),
           "rep movsl device -> ram, 4 dwords: four dword reads, the values stored");

    dev_reset();
    di = dev + 0x30, cx = 3;
    __asm__ volatile("cld\n\trep stosw" : "+D"(di), "+c"(cx) : "a"(0x4242) : "memory");
    s = seen();
    expect(s, rd32(dev + 0x30) ^ rd16(dev + 0x34), 0x42424242u ^ 0x4242, 3, LAST(W, 2, 0x34),
           "rep stosw, 3 words: three word writes");

    dev_reset();
    si = (uint32_t)src, di = dev + 0x38, cx = 5;
    __asm__ volatile("cld\n\trep movsb" : "+S"(si), "+D"(di), "+c"(cx) :: "memory");
    s = seen();
    expect(s, rd8(dev + 0x3c), 0xb1, 5, LAST(W, 1, 0x3c), "rep movsb ram -> device, 5 bytes: five byte writes");

    dev_reset();
    si = dev + 0x20, di = dev + 0x30;
    __asm__ volatile("cld\n\tmovsl" : "+S"(si), "+D"(di) :: "memory");
    s = seen();
    expect(s, si == dev + 0x24 && di == dev + 0x34 ? rd32(dev + 0x30) : ~0u, 0xa0a0a0a0u, 2, LAST(W, 4, 0x30),
           "movsl device -> device: one read, then one write, ESI/EDI + 4");
}

/* Nothing about a device page may be cached: each access reaches it. */
static void check_uncached(void)
{
    struct seen s;
    uint32_t v, sum = 0;

    wr32(dev + 0x28, 7);
    dev_reset();
    for (int i = 0; i < 100; i++)
        sum += rd32(dev + 0x28);
    s = seen();
    expect(s, sum, 700, 100, LAST(R, 4, 0x28), "100 loads in a loop: 100 device reads");

    dev_reset();
    for (uint32_t i = 0; i < 100; i++)
        wr32(dev + 0x28, i);
    s = seen();
    expect(s, rd32(dev + 0x28), 99, 100, LAST(W, 4, 0x28), "100 stores in a loop: 100 device writes, the last one stays");

    /* Store then load in one block: the load sees the store. */
    dev_reset();
    __asm__ volatile("movl %2, (%1)\n\tmovl (%1), %0" : "=&r"(v) : "r"(dev + 0x28), "r"(0x5eed) : "memory");
    s = seen();
    expect(s, v, 0x5eed, 2, LAST(R, 4, 0x28), "store then load in one block: a write then a read, the value stored");
    /* Load then store: the load sees the old value and is not redone. */
    dev_reset();
    __asm__ volatile("movl (%1), %0\n\tmovl %2, (%1)" : "=&r"(v) : "r"(dev + 0x28), "r"(0xf00d) : "memory");
    s = seen();
    expect(s, v, 0x5eed, 2, LAST(W, 4, 0x28), "load then store in one block: a read (old value) then a write");
}

/* An unclaimed physical address: all ones, writes dropped, no fault. */
static void check_open_bus(void)
{
    struct seen s;

    dev_reset();
    struct pg_access a = pg_read(open_bus + 0x10, 0);
    uint32_t w = rd16(open_bus + 0x22), b = rd8(open_bus + 0x33);
    CHECK(!a.faulted && a.value == 0xffffffffu && w == 0xffff && b == 0xff,
          "%s: unclaimed 0xfd000000: dword/word/byte loads give all ones, no fault", phase);
    a = pg_write(open_bus + 0x10, 0x12345678, 0);
    wr8(open_bus + 0x11, 0);
    int bad = a.faulted;
    a = pg_read(open_bus + 0x10, 0);
    bad += a.faulted || a.value != 0xffffffffu;
    CHECK_EQ(bad, 0, "%s: unclaimed 0xfd000000: stores dropped (all ones again), no fault", phase);
    s = seen();
    CHECK_EQ(s.count, 0, "%s: unclaimed 0xfd000000: the test device saw none of it", phase);
}

/* A CPL3 store and load through a user mapping (paging off: no U/S). */
static uint32_t user_add(uint32_t la)
{
    __asm__ volatile("addl $2, (%0)" :: "r"(la) : "memory", "cc");
    return 0;
}

static void check_cpl3(void)
{
    struct seen s;

    dev_reset();
    struct pg_access a = pg_write(dev + 0x24, 0xc9c9c9c9u, 3);
    s = seen();
    expect(s, a.faulted ? ~0u : rd32(dev + 0x24), 0xc9c9c9c9u, 1, LAST(W, 4, 0x24),
           "cpl3 movl store: no fault, one write");
    dev_reset();
    a = pg_read(dev + 0x24, 3);
    s = seen();
    expect(s, a.faulted ? ~0u : a.value, 0xc9c9c9c9u, 1, LAST(R, 4, 0x24), "cpl3 movl load: no fault, one read");
    dev_reset();
    a = pg_run(user_add, dev + 0x24, 3);
    s = seen();
    expect(s, a.faulted ? ~0u : rd32(dev + 0x24), 0xc9c9c9cbu, 2, LAST(W, 4, 0x24),
           "cpl3 addl m32: no fault, one read then one write");
}

static void check_device(void)
{
    check_widths();
    check_plain_stores();
    check_rmw();
    check_split();
    check_strings();
    check_uncached();
    check_open_bus();
    check_cpl3();
}

int main(void)
{
    pm_init();
    /* The FPU for FILD/FISTP, and MMX (CR0.EM = 0, TS = 0 at boot). */
    __asm__ volatile("fninit");

    phase = "paging off";
    dev = dev_alias = TESTDEV_PA;
    open_bus = OPEN_BUS_PA;
    check_device();
    wr32(dev + 0x3c, 0xfeedf00du);

    uint32_t *pd = pg_new_space();
    pg_map(pd, LA_DEV, TESTDEV_PA, PTE_P | PTE_W | PTE_U);
    pg_map(pd, LA_ALIAS, TESTDEV_PA, PTE_P | PTE_W);
    pg_map(pd, LA_OPEN, OPEN_BUS_PA, PTE_P | PTE_W | PTE_U);
    pg_map(pd, LA_RO, TESTDEV_PA, PTE_P | PTE_U);
    pg_enable(pd, 0);
    phase = "paging on";
    dev = LA_DEV;
    dev_alias = LA_ALIAS;
    open_bus = LA_OPEN;

    struct seen s;
    dev_reset();
    uint32_t v = rd32(dev_alias + 0x3c);
    s = seen();
    expect(s, v, 0xfeedf00du, 1, LAST(R, 4, 0x3c), "a dword stored with paging off reads back through the alias");
    check_device();

    dev_reset();
    wr32(dev + 0x2c, 0x0a11a500u);
    v = rd32(dev_alias + 0x2c);
    s = seen();
    expect(s, v, 0x0a11a500u, 2, LAST(R, 4, 0x2c), "stored through 0x50000000, read through 0x50001000");
    dev_reset();
    wr16(dev_alias + 0x2e, 0xb0b0);
    v = rd32(dev + 0x2c);
    s = seen();
    expect(s, v, 0xb0b0a500u, 2, LAST(R, 4, 0x2c), "stored through 0x50001000, read through 0x50000000");

    /* The U/S and R/W checks come before the bus: a faulting access never
     * reaches the device. */
    dev_reset();
    struct pg_access a = pg_read(dev_alias + 0x2c, 3);
    s = seen();
    CHECK(a.faulted && a.vector == 14 && a.error_code == (PF_P | PF_U) && a.cr2 == dev_alias + 0x2c &&
              s.count == 0,
          "paging on: cpl3 load through the u=0 alias: #PF(P|U), the device not read");
    dev_reset();
    a = pg_write(LA_RO + 0x2c, 0x0badbad0u, 3);
    s = seen();
    CHECK(a.faulted && a.vector == 14 && a.error_code == (PF_P | PF_W | PF_U) && a.cr2 == LA_RO + 0x2c &&
              s.count == 0,
          "paging on: cpl3 store through the read-only mapping: #PF(P|W|U), the device not written");
    CHECK_EQ(rd32(dev + 0x2c), 0xb0b0a500u, "paging on: the scratch kept its value");
    dev_reset();
    a = pg_read(LA_RO + 0x2c, 3);
    s = seen();
    expect(s, a.faulted ? ~0u : a.value, 0xb0b0a500u, 1, LAST(R, 4, 0x2c),
           "paging on: cpl3 load through the read-only mapping: no fault, one read");

    pg_disable();
    return check_summary();
}
