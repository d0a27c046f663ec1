/* Self-modifying code through a second linear address (SDM vol. 3A, 11.6:
 * from the P6 family on, the processor checks writes against code it holds
 * by physical address, so a store through any alias of a code page is
 * seen; the code is reached again through a call, as 11.6 asks) and code
 * pages whose mapping changes (4.10.4.1: INVLPG):
 *   - a function at linear A, patched through linear B (same physical
 *     page), called again through A: the new code runs (many rounds, CPL0
 *     and CPL3);
 *   - code at A that stores through B into the immediate of the very next
 *     instruction: the stored value is what that instruction loads;
 *   - the PTE of A pointed at another physical page holding other code
 *     (+ INVLPG): the call runs the new page's code; and back. */
#include "paging.h"

#define CODE_A  0x48000000u         /* where the code runs */
#define CODE_B  0x49000000u         /* a writable alias of the same page */
#define FN      0x040u              /* mov $imm32, %eax; ret */
#define SELF    0x200u              /* movl $imm32, (B + SELF + 11); mov $imm32, %eax; ret */

static uint32_t *pd;
static uint8_t *pages[2];

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

/* mov $v, %eax; ret */
static void emit_fn(uint8_t *p, uint32_t v)
{
    p[0] = 0xb8;
    put32(p + 1, v);
    p[5] = 0xc3;
}

static void check_patch_through_alias(void)
{
    struct pg_access a;
    a = pg_call(CODE_A + FN, 0);
    CHECK(!a.faulted && a.value == 0x0f000000, "call through A runs the code");
    put32((uint8_t *)CODE_B + FN + 1, 0x0f000001);
    a = pg_call(CODE_A + FN, 0);
    CHECK(!a.faulted && a.value == 0x0f000001, "imm32 patched through alias B, called through A: new code runs");
    a = pg_call(CODE_A + FN, 3);
    CHECK(!a.faulted && a.value == 0x0f000001, "  the same at cpl3");

    int bad = 0;
    for (uint32_t r = 0; r < 500; r++) {
        uint32_t v = r * 0x9e3779b9u;
        put32((uint8_t *)CODE_B + FN + 1, v);
        a = pg_call(CODE_A + FN, r & 1 ? 3 : 0);
        bad += a.faulted || a.value != v;
    }
    CHECK_EQ(bad, 0, "500 rounds: patch through B, call through A");

    /* A whole new function through B: `xor %eax, %eax; dec %eax; ret`. */
    static const uint8_t other[] = { 0x31, 0xc0, 0x48, 0xc3 };
    memcpy((uint8_t *)CODE_B + FN, other, sizeof other);
    a = pg_call(CODE_A + FN, 0);
    CHECK(!a.faulted && a.value == 0xffffffffu, "opcodes rewritten through B: the new instructions run");
    emit_fn((uint8_t *)CODE_B + FN, 0x0f000000);
}

/* movl $new, (CODE_B + SELF + 11)   C7 05 addr32 imm32   (10 bytes)
 * mov $old, %eax                    B8 imm32             (5 bytes; imm at +11)
 * ret                                                    */
static void check_next_insn(void)
{
    uint8_t *p = (uint8_t *)CODE_B + SELF;
    int bad = 0;
    for (uint32_t r = 0; r < 100; r++) {
        p[0] = 0xc7;
        p[1] = 0x05;
        put32(p + 2, CODE_B + SELF + 11);
        put32(p + 6, 0x7e000000u + r);
        emit_fn(p + 10, 0x01d01d00u);
        struct pg_access a = pg_call(CODE_A + SELF, r & 1 ? 3 : 0);
        bad += a.faulted || a.value != 0x7e000000u + r;
    }
    CHECK_EQ(bad, 0, "100 rounds: code at A stores through B into the next insn's imm32, which loads it");
}

static void check_remap_code(void)
{
    uint32_t *pte = pg_pte(pd, CODE_A);
    int bad = 0;
    for (int r = 0; r < 200; r++) {
        int i = r & 1;
        *pte = (uint32_t)pages[i] | PTE_P | PTE_U;
        invlpg(CODE_A);
        struct pg_access a = pg_call(CODE_A + 0x800, r & 2 ? 3 : 0);
        bad += a.faulted || a.value != 0xc0de0000u + (uint32_t)i;
    }
    CHECK_EQ(bad, 0, "200 rounds: code page pte -> the other physical page + invlpg, call runs its code");
    *pte = (uint32_t)pages[0] | PTE_P | PTE_U;
    invlpg(CODE_A);
    struct pg_access a = pg_call(CODE_A + FN, 0);
    CHECK(!a.faulted && a.value == 0x0f000000, "back to page 0: its function runs");
    *pte &= ~PTE_P;
    invlpg(CODE_A);
    a = pg_call(CODE_A + FN, 0);
    pg_expect(&a, 1, 0, CODE_A + FN, PG_ANY, "code pte p=0 + invlpg: the call #PF(0), cr2 = target");
    *pte |= PTE_P;
}

int main(void)
{
    pm_init();
    pd = pg_new_space();
    for (int i = 0; i < 2; i++) {
        pages[i] = pg_alloc();
        emit_fn(pages[i] + 0x800, 0xc0de0000u + (uint32_t)i);
    }
    emit_fn(pages[0] + FN, 0x0f000000);
    pg_map(pd, CODE_A, (uint32_t)pages[0], PTE_P | PTE_U);
    pg_map(pd, CODE_B, (uint32_t)pages[0], PTE_P | PTE_W | PTE_U);
    pg_enable(pd, 0);
    check_patch_through_alias();
    check_next_insn();
    check_remap_code();
    pg_disable();
    return check_summary();
}
