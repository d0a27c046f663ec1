/* Memory addressing (SDM vol. 2A, 2.1.5 and tables 2-1 to 2-3):
 *   - every 32-bit ModRM/SIB form: each base (EAX..EDI incl. ESP and EBP)
 *     x each index (all but ESP) x scale 1/2/4/8 x no/disp8/-disp8/disp32/
 *     -disp32, [base+disp], [index*scale+disp32], [disp32] (ModRM and
 *     moffs), hand-encoded SIBs with "no index", each register as ModRM.reg;
 *     through LEA, a load and an immediate store;
 *   - effective addresses that wrap modulo 2^32;
 *   - 16-bit forms under 0x67 ([bx+si], [bp+di+disp8], [disp16], ...),
 *     which wrap modulo 64 KiB and ignore the registers' upper halves;
 *   - segment overrides with non-zero bases (FS/GS/ES/DS loads and the SS
 *     default of EBP/ESP bases, also for 16-bit forms and PUSH/POP), and a
 *     base that makes the linear address wrap;
 *   - AH BH CH DH with memory operands addressed through their own
 *     register; byte/word/dword/qword accesses that must not touch their
 *     neighbours, including accesses that straddle a page boundary.
 * The generated cases are in addressing_asm.S; fixed regions in
 * addressing.h. Data-segment limits are not tested (QEMU ignores them). */
#include "addressing.h"
#include "arith_common.h"
#include "gdt_extra.h"

struct addr_case {
    uint32_t group, load_at, store_at;
    const char *text;
};
extern const struct addr_case addr_cases[];
extern const uint32_t addr_case_count;
uint32_t addr_lea[MAX_CASES], addr_load[MAX_CASES];
void addr_run_forms(void);
void high_byte_ops(uint8_t *buf, uint32_t *out);
void seg_ss_reads(uint16_t sel, uint32_t *out);

#define MEM8(a) (*(volatile uint8_t *)(a))
#define MEM32(a) (*(volatile uint32_t *)(a))

static uint8_t pattern(uint32_t a)
{
    return (uint8_t)(a * 157 + (a >> 8) * 59 + (a >> 16) * 13 + 0x17);
}

static uint32_t pattern32(uint32_t a)
{
    return pattern(a) | pattern(a + 1) << 8 | pattern(a + 2) << 16 | (uint32_t)pattern(a + 3) << 24;
}

static void fill_regions(void)
{
    for (uint32_t a = PAT_BASE; a < PAT_BASE + 0x10000; a++)
        MEM8(a) = pattern(a);
    for (uint32_t a = LOW_LOAD; a < LOW_STORE; a++)
        MEM8(a) = pattern(a);
    for (uint32_t a = STORE_BASE; a < STORE_BASE + 0x10000; a++)
        MEM8(a) = 0;
    for (uint32_t a = LOW_STORE; a < LOW_STORE + 0x4000; a++)
        MEM8(a) = 0;
}

static int in_pattern(uint32_t a)
{
    return (a >= PAT_BASE && a + 4 <= PAT_BASE + 0x10000) || (a >= LOW_LOAD && a + 4 <= LOW_STORE);
}

static unsigned pattern_damage(void)
{
    unsigned bad = 0;
    for (uint32_t a = PAT_BASE; a < PAT_BASE + 0x10000; a++)
        bad += MEM8(a) != pattern(a);
    for (uint32_t a = LOW_LOAD; a < LOW_STORE; a++)
        bad += MEM8(a) != pattern(a);
    return bad;
}

static const char *const group_names[NGROUPS] = {
    "[eax + index*scale + disp]", "[ecx + index*scale + disp]", "[edx + index*scale + disp]",
    "[ebx + index*scale + disp]", "[esp + index*scale + disp]", "[ebp + index*scale + disp]",
    "[esi + index*scale + disp]", "[edi + index*scale + disp]", "[base + disp]",
    "[index*scale + disp32]", "[disp32]", "hand-encoded SIB forms",
    "effective addresses wrapping at 4 GiB", "16-bit forms (0x67), wrapping at 64 KiB",
    "each register as the ModRM.reg operand",
};

static void test_forms(void)
{
    unsigned cases[NGROUPS] = { 0 }, bad[NGROUPS] = { 0 }, stores = 0;
    fill_regions();
    addr_run_forms();
    for (uint32_t i = 0; i < addr_case_count; i++) {
        const struct addr_case *c = &addr_cases[i];
        uint32_t g = c->group;
        int ok = in_pattern(c->load_at);
        ok = ok && addr_lea[i] == c->load_at && addr_load[i] == pattern32(c->load_at);
        if (c->store_at) {
            ok = ok && MEM32(c->store_at) == STORE_VALUE + i;
            stores++;
        }
        cases[g]++;
        if (!ok && bad[g]++ < 3)
            printf("     case %u %s: lea %08x want %08x, load %08x want %08x, stored %08x "
                   "want %08x\n", i, c->text, addr_lea[i], c->load_at, addr_load[i],
                   pattern32(c->load_at), c->store_at ? MEM32(c->store_at) : 0,
                   c->store_at ? STORE_VALUE + i : 0);
    }
    for (int g = 0; g < NGROUPS; g++)
        CHECK(bad[g] == 0, "%s: %u cases", group_names[g], cases[g]);

    /* Each store wrote exactly its 4 bytes: count every non-zero byte of
     * the store regions against the values' non-zero bytes. */
    unsigned nonzero = 0, want_nonzero = 0;
    for (uint32_t a = STORE_BASE; a < STORE_BASE + 0x10000; a++)
        nonzero += MEM8(a) != 0;
    for (uint32_t a = LOW_STORE; a < LOW_STORE + 0x4000; a++)
        nonzero += MEM8(a) != 0;
    for (uint32_t i = 0; i < addr_case_count; i++)
        if (addr_cases[i].store_at)
            for (int b = 0; b < 4; b++)
                want_nonzero += ((STORE_VALUE + i) >> (8 * b) & 0xff) != 0;
    CHECK(nonzero == want_nonzero, "%u stores wrote nothing else (%u bytes changed, want %u)",
          stores, nonzero, want_nonzero);
    CHECK(pattern_damage() == 0, "loads and LEAs wrote nothing");
}

static void test_segments(void)
{
    uint16_t based = gdt_add_data_segment(0x1000);
    uint16_t wrap = gdt_add_data_segment(0xfffff000);
    uint32_t v, old;
    fill_regions();

    __asm__ volatile("mov %%fs, %1\n\tmov %3, %%fs\n\tmov %%fs:(%2), %0\n\tmov %1, %%fs"
                     : "=&r"(v), "=&r"(old) : "r"(0x1f000), "r"((uint32_t)based) : "memory");
    CHECK_EQ(v, pattern32(0x20000), "fs (base 0x1000): fs:[0x1f000] reads linear 0x20000");
    __asm__ volatile("mov %%fs, %1\n\tmov %4, %%fs\n\tmov %%fs:0x10(%2,%3,2), %0\n\tmov %1, %%fs"
                     : "=&r"(v), "=&r"(old) : "r"(0x1f100), "r"(0x80), "r"((uint32_t)based)
                     : "memory");
    CHECK_EQ(v, pattern32(0x20210), "fs:[ebx+esi*2+0x10] adds the base 0x1000");
    __asm__ volatile("mov %%gs, %1\n\tmov %3, %%gs\n\tmov %%gs:(%2), %0\n\tmov %1, %%gs"
                     : "=&r"(v), "=&r"(old) : "r"(0x21234), "r"((uint32_t)wrap) : "memory");
    CHECK_EQ(v, pattern32(0x20234), "gs (base 0xfffff000): gs:[0x21234] wraps to linear 0x20234");
    __asm__ volatile("mov %%es, %1\n\tmov %3, %%es\n\tmov %%es:0x20(%2), %0\n\tmov %1, %%es"
                     : "=&r"(v), "=&r"(old) : "r"(0x1f300), "r"((uint32_t)based) : "memory");
    CHECK_EQ(v, pattern32(0x20320), "es: override with base 0x1000");
    __asm__ volatile("mov %%ds, %1\n\tmov %3, %%ds\n\tmov 4(%2), %0\n\tmov %1, %%ds"
                     : "=&r"(v), "=&r"(old) : "r"(0x1f400), "r"((uint32_t)based) : "memory");
    CHECK_EQ(v, pattern32(0x20404), "ds with base 0x1000 as the default segment");
    __asm__ volatile("mov %%fs, %1\n\tmov %3, %%fs\n\tmovl $0xfeedf00d, %%fs:(%2)\n\tmov %1, %%fs"
                     : "=&r"(v), "=&r"(old) : "r"(0x2f000), "r"((uint32_t)based) : "memory");
    CHECK(MEM32(0x30000) == 0xfeedf00d && MEM32(0x2f000) == pattern32(0x2f000),
          "store through fs (base 0x1000) lands at linear x + 0x1000");

    uint32_t out[8];
    seg_ss_reads(based, out);
    CHECK_EQ(out[0], pattern32(0x21100), "ss (base 0x1000): [ebp] uses SS");
    CHECK_EQ(out[1], pattern32(0x20100), "ds:[ebp] override uses DS");
    CHECK_EQ(out[2], pattern32(0x21110), "[ebp+ebx] (base EBP) uses SS");
    CHECK_EQ(out[3], pattern32(0x20110), "[ebx+ebp] (index EBP) uses DS");
    CHECK_EQ(out[4], pattern32(0x21208), "[esp+8] uses SS");
    CHECK_EQ(out[5], pattern32(0x9100), "addr16 [bp+si] uses SS");
    CHECK_EQ(out[6], pattern32(0x8100), "addr16 [bx+si] uses DS");
    CHECK(out[7] == 0x13579bdf && MEM32(0x213fc) == 0x13579bdf &&
          MEM32(0x203fc) == pattern32(0x203fc), "push/pop go through SS's base");
    MEM32(0x213fc) = pattern32(0x213fc);

    /* String instructions: DS:ESI overridable, ES:EDI not. */
    uint32_t esi = 0x1f000, edi = 0x2f100, ecx = 16;
    __asm__ volatile("push %%fs\n\tpush %%es\n\tmov %3, %%fs\n\tmov %3, %%es\n\t"
                     "rep movsb %%fs:(%%esi), %%es:(%%edi)\n\tpop %%es\n\tpop %%fs"
                     : "+S"(esi), "+D"(edi), "+c"(ecx) : "r"((uint32_t)based) : "memory");
    int ok = esi == 0x1f010 && edi == 0x2f110 && ecx == 0;
    for (int i = 0; i < 16; i++)
        ok &= MEM8(0x30100 + i) == pattern(0x20000 + i);
    CHECK(ok, "rep movsb fs:[esi] -> es:[edi], both with base 0x1000");
    CHECK(pattern_damage() == 0, "the segment tests wrote only where they should");
}

static void test_high_bytes(void)
{
    static uint8_t buf[16] __attribute__((aligned(16)));
    uint32_t out[7];
    for (int i = 0; i < 16; i++)
        buf[i] = (uint8_t)(0x31 + i * 0x1d);
    uint8_t before[16];
    memcpy(before, buf, sizeof buf);
    uint32_t a = (uint32_t)buf, a1 = (a >> 8) & 0xff;
    high_byte_ops(buf, out);

    CHECK_EQ(out[0], 0x11220044 | (uint32_t)before[0] << 8, "mov ah, [ebx]");
    CHECK_EQ(buf[1], (uint8_t)(before[1] + a1), "add [ebx+1], bh (BH is part of the address)");
    uint32_t fl = FL_FIXED;
    model_sub_borrow(a1, before[2], 0, 8, &fl);
    CHECK_EQ(out[1] & FL_ARITH, fl & FL_ARITH, "cmp ch, [ecx+2] (CH is part of the address)");
    CHECK(buf[3] == 0x5a && out[2] == (uint32_t)before[3] << 8, "xchg dh, [ebx+3]");
    CHECK_EQ(buf[4], a1, "mov [eax+4], ah (AH is part of the address)");
    CHECK_EQ(out[3], (a & 0xffff00ff) | (uint32_t)before[5] << 8, "mov dh, [edx+5] overwrites its own address byte");
    fl = FL_FIXED;
    uint32_t r = model_sub_borrow(before[7], 0x99, 0, 8, &fl);
    CHECK(buf[7] == r && (out[4] & FL_ARITH) == (fl & FL_ARITH), "sub [ebx+esi+4], ch");
    CHECK_EQ(out[5], (uint32_t)((0x40 + before[8] + 1) & 0xff) << 8, "stc; adc ah, [ebx+8]");
    fl = FL_FIXED;
    set_arith(&fl, flags_szp(0x80 & before[9], 8));
    CHECK_EQ(out[6] & (FL_ARITH & ~FL_AF), fl & FL_ARITH, "test [esi+9], bh");
    int untouched = 1;
    for (int i = 10; i < 16; i++)
        untouched &= buf[i] == before[i];
    untouched &= buf[0] == before[0] && buf[2] == before[2] && buf[5] == before[5] &&
                 buf[6] == before[6] && buf[8] == before[8] && buf[9] == before[9];
    CHECK(untouched, "high-byte operations touched only their bytes");
}

/* Each width through a SIB form, and accesses straddling a page boundary
 * (paging is off, but a translator maps guest memory page by page). */
static void test_widths(void)
{
    static uint8_t buf[32] __attribute__((aligned(16)));
    uint8_t want[32];
    memset(buf, 0xee, sizeof buf);
    memset(want, 0xee, sizeof want);
    __asm__ volatile("movb $0x11, 3(%0,%1,2)\n\t"
                     "movw $0x3322, 8(%0,%1,4)\n\t"
                     "movl $0x77665544, 16(%0,%1,1)"
                     :: "r"(buf), "r"(1) : "memory");
    want[5] = 0x11;
    want[12] = 0x22, want[13] = 0x33;
    want[17] = 0x44, want[18] = 0x55, want[19] = 0x66, want[20] = 0x77;
    CHECK(memcmp(buf, want, sizeof buf) == 0, "byte, word and dword stores touch only their bytes");

    uint32_t zb, sb, zw, sw, d;
    buf[0] = 0x85, buf[1] = 0x9a, buf[2] = 0x12, buf[3] = 0xf3;
    __asm__ volatile("movzbl (%3,%4,1), %0\n\tmovsbl (%3,%4,1), %1\n\tmov -1(%3,%4,1), %2"
                     : "=&r"(zb), "=&r"(sb), "=&r"(d) : "r"(buf), "r"(1) : "memory");
    __asm__ volatile("movzwl -1(%2,%3,2), %0\n\tmovswl -1(%2,%3,2), %1"
                     : "=&r"(zw), "=&r"(sw) : "r"(buf), "r"(1) : "memory");
    CHECK(zb == 0x9a && sb == 0xffffff9a && zw == 0x129a && sw == 0x129a && d == 0xf3129a85,
          "byte/word loads zero- and sign-extend, dword loads");

    fill_regions();
    uint32_t v32, v16;
    __asm__ volatile("mov 0x20ffe, %0\n\tmovzwl 0x21fff, %1" : "=&r"(v32), "=&r"(v16) :: "memory");
    CHECK(v32 == pattern32(0x20ffe) && v16 == (pattern32(0x21fff) & 0xffff),
          "loads straddling a page boundary (dword at 0xffe, word at 0xfff)");
    __asm__ volatile("movl $0x89abcdef, 0x30ffe\n\tmovw $0x4321, 0x31fff\n\t"
                     "addl $0x01010101, 0x32ffd\n\tmovl $0x10, %%eax\n\txchg %%eax, 0x33fff"
                     ::: "eax", "memory", "cc");
    CHECK(MEM32(0x30ffe) == 0x89abcdef && MEM8(0x31fff) == 0x21 && MEM8(0x32000) == 0x43 &&
          MEM32(0x32ffd) == 0x01010101 && MEM32(0x33fff) == 0x10 && MEM8(0x30ffd) == 0 &&
          MEM8(0x31002) == 0, "stores and read-modify-writes straddling a page boundary");
    uint32_t lo = 0x01234567, hi = 0x89abcdef;
    MEM32(0x34ffc) = lo, MEM32(0x35000) = hi;
    uint32_t eax = lo, edx = hi, ebx = 0x11111111, ecx = 0x22222222;
    __asm__ volatile("lock cmpxchg8b 0x34ffc" : "+a"(eax), "+d"(edx) : "b"(ebx), "c"(ecx)
                     : "memory", "cc");
    CHECK(MEM32(0x34ffc) == ebx && MEM32(0x35000) == ecx,
          "lock cmpxchg8b on 8 bytes straddling a page boundary");
}

int main(void)
{
    test_forms();
    test_segments();
    test_high_bytes();
    test_widths();
    return check_summary();
}
