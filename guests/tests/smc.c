/* Self-modifying code (SDM vol. 3A, 11.6: a write to a code location that
 * is about to run takes effect before it runs). Code that was already
 * executed, and so translated, is patched:
 *   - the immediate of a finished function, by 8/16/32-bit stores, XCHG,
 *     REP STOSB, and through FS with a non-zero base (same linear bytes);
 *   - the very next instruction of the running block (immediate and opcode),
 *     and one three instructions further down;
 *   - a loop that rewrites its own ADD every iteration;
 *   - the instruction a callee's return address points to;
 *   - a direct JMP's displacement (a translator may have chained it);
 *   - code on another page, and each half of an instruction that
 *     straddles a page boundary;
 *   - data that shares a page with code must keep working (no code change);
 *   - a function copied into a buffer and run, then replaced by another.
 * The code is in smc_asm.S (a writable, executable section). */
#include "gdt_extra.h"

uint32_t smc_imm(void);
uint32_t smc_next(uint32_t v);
uint32_t smc_next_opcode(uint32_t x, uint32_t opcode);
uint32_t smc_later(uint32_t v);
uint32_t smc_loop(uint32_t n);
uint32_t smc_ret_into(void);
uint32_t smc_jmp(void);
uint32_t smc_cross_page(uint32_t v);
uint32_t smc_other_page(void);
uint32_t smc_same_page_data(uint32_t n);
uint32_t smc_straddle(void);
extern uint8_t smc_imm_value[], smc_jmp_disp[], smc_jmp_one[], smc_jmp_two[],
    smc_other_page_value[], smc_straddle_insn[], snippet_a[], snippet_a_end[], snippet_b[],
    snippet_b_end[];

/* Unaligned 32-bit store into code (plain C would assume alignment). */
static void poke32(uint8_t *p, uint32_t v)
{
    __asm__ volatile("movl %1, (%0)" :: "r"(p), "r"(v) : "memory");
}

static void test_patch_finished_function(void)
{
    uint32_t first = smc_imm();
    poke32(smc_imm_value, 0x22222222);
    CHECK(first == 0x11111111 && smc_imm() == 0x22222222, "32-bit store into a function's imm32");

    unsigned bad = 0;
    for (uint32_t i = 0; i < 1000; i++) {
        uint32_t v = i * 0x01010101u ^ 0x5a5a5a5a;
        poke32(smc_imm_value, v);
        bad += smc_imm() != v;
    }
    CHECK(bad == 0, "1000 patch-and-call rounds");

    poke32(smc_imm_value, 0x33333333);
    smc_imm();
    __asm__ volatile("movb $0x44, (%0)" :: "r"(smc_imm_value + 3) : "memory");
    uint32_t r8 = smc_imm();
    __asm__ volatile("movw $0x5555, (%0)" :: "r"(smc_imm_value) : "memory");
    uint32_t r16 = smc_imm();
    uint32_t old = 0x66666666;
    __asm__ volatile("xchg %0, (%1)" : "+r"(old) : "r"(smc_imm_value) : "memory");
    uint32_t rx = smc_imm();
    CHECK(r8 == 0x44333333 && r16 == 0x44335555 && rx == 0x66666666 && old == 0x44335555,
          "byte, word and XCHG stores into an imm32");
    uint8_t *dst = smc_imm_value;
    uint32_t n = 4;
    __asm__ volatile("rep stosb" : "+D"(dst), "+c"(n) : "a"(0x77) : "memory");
    CHECK_EQ(smc_imm(), 0x77777777, "rep stosb over an imm32");

    uint16_t fs_sel = gdt_add_data_segment(0x1000);
    uint32_t saved;
    __asm__ volatile("mov %%fs, %0\n\tmov %2, %%fs\n\tmovl $0x88888888, %%fs:(%1)\n\tmov %0, %%fs"
                     : "=&r"(saved) : "r"((uint32_t)smc_imm_value - 0x1000), "r"((uint32_t)fs_sel)
                     : "memory");
    CHECK_EQ(smc_imm(), 0x88888888, "store through FS (base 0x1000) into code");
}

static void test_running_block(void)
{
    static const uint32_t vals[] = { 1, 0xdeadbeef, 0, 0x7fffffff, 42 };
    int ok = 1;
    for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++)
        ok &= smc_next(vals[i]) == vals[i];
    CHECK(ok, "store into the next instruction's imm32 (5 values)");
    CHECK(smc_next_opcode(10, 0x40) == 11 && smc_next_opcode(10, 0x48) == 9 &&
          smc_next_opcode(10, 0x90) == 10 && smc_next_opcode(10, 0x40) == 11,
          "store into the next instruction's opcode (inc, dec, nop, inc)");
    ok = 1;
    for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++)
        ok &= smc_later(vals[i]) == vals[i];
    CHECK(ok, "store into an instruction further down the block");
    CHECK_EQ(smc_loop(100), 4950, "a loop that rewrites its own ADD each iteration");
    CHECK_EQ(smc_loop(3), 3, "the same loop again, shorter");
}

static void test_control_transfers(void)
{
    CHECK_EQ(smc_ret_into(), 0x77, "a callee patches the code at its return address");
    int ok = 1;
    for (int i = 0; i < 100; i++) {
        uint8_t *target = (i & 1) ? smc_jmp_two : smc_jmp_one;
        poke32(smc_jmp_disp, (uint32_t)(target - (smc_jmp_disp + 4)));
        ok &= smc_jmp() == (uint32_t)((i & 1) + 1);
    }
    CHECK(ok, "rewriting a direct JMP's displacement, 100 times");
}

static void test_pages(void)
{
    CHECK(smc_cross_page(0xabcdef01) == 0xabcdef01 && smc_cross_page(5) == 5,
          "code on one page patches code on another, then calls it");
    poke32(smc_other_page_value, 0x0badcafe);
    CHECK_EQ(smc_other_page(), 0x0badcafe, "C patches the other page directly");

    CHECK(((uint32_t)(smc_straddle_insn + 2) & 0xfff) == 0, "straddling MOV is laid out as intended");
    uint32_t before = smc_straddle();
    smc_straddle_insn[2] = 0x99;            /* second page: imm byte 1 */
    uint32_t second = smc_straddle();
    smc_straddle_insn[1] = 0xaa;            /* first page: imm byte 0 */
    uint32_t first = smc_straddle();
    CHECK(before == 0x11223344 && second == 0x11229944 && first == 0x112299aa,
          "patching either page of an instruction that straddles pages");

    CHECK_EQ(smc_same_page_data(10000), 10000, "10000 data writes on a code page, code intact");
}

static uint8_t code_buf[64] __attribute__((aligned(16)));

static void test_copied_code(void)
{
    typedef uint32_t fn_t(uint32_t);
    fn_t *f = (fn_t *)(void *)code_buf;
    memcpy(code_buf, snippet_a, (size_t)(snippet_a_end - snippet_a));
    uint32_t a = f(5);
    uint32_t n = (uint32_t)(snippet_b_end - snippet_b);
    uint8_t *dst = code_buf;
    const uint8_t *src = snippet_b;
    __asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) :: "memory");
    uint32_t b = f(5);
    memcpy(code_buf, snippet_a, (size_t)(snippet_a_end - snippet_a));
    uint32_t a2 = f(6);
    CHECK(a == 0x1005 && b == ((5 * 3 + 7) ^ 0x55) && a2 == 0x1006,
          "copy a function into a buffer, run it, replace it (rep movsb), run again");
    /* snippet_a is: mov 4(%esp),%eax (4 bytes); add $0x1000,%eax (05 imm32). */
    poke32(code_buf + 5, 0x2000);
    CHECK_EQ(f(1), 0x2001, "patch one immediate inside the copied function");
}

int main(void)
{
    test_patch_finished_function();
    test_running_block();
    test_control_transfers();
    test_pages();
    test_copied_code();
    return check_summary();
}
