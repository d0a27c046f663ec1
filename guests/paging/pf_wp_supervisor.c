/* CR0.WP and supervisor-mode writes (SDM vol. 3A, 4.6.1; 2.5 for CR0.WP):
 *   - CR0.WP = 1: a CPL0 write to a page that is read-only (R/W = 0 in the
 *     PTE, in the PDE, or in both), user or supervisor, raises #PF(P|W)
 *     with CR2 = the address written, and memory keeps its old value;
 *   - CR0.WP = 0: the same writes go through;
 *   - the same for a read-only 4 MiB page;
 *   - each kind of store counts: 8/16/32-bit MOV, a read-modify-write
 *     (ADD), XCHG, REP STOSD (the error code says W even when the
 *     instruction also reads; a PUSH is left out: at CPL0 the #PF frame
 *     would go to the same read-only stack, a #DF);
 *   - CR0.WP changed with no TLB flush in between applies at once: the
 *     TLB holds the entries' R/W, CR0.WP is looked at on every access
 *     (4.10.2.2). */
#include "paging.h"

#define LA      PG_TEST_LA      /* pte r/w as the case wants */
#define PDE_LA  0x44000000u     /* its own pde, r/w = 0 there only */
#define BIG_LA  0x80000000u     /* 4 MiB page at 8 MiB of RAM */

static uint32_t *pd;
static uint32_t *page;

static uint32_t st8(uint32_t la) { __asm__ volatile("movb $0x11, (%0)" :: "r"(la) : "memory"); return 0; }
static uint32_t st16(uint32_t la) { __asm__ volatile("movw $0x2222, (%0)" :: "r"(la) : "memory"); return 0; }
static uint32_t st32(uint32_t la) { __asm__ volatile("movl $0x33333333, (%0)" :: "r"(la) : "memory"); return 0; }
static uint32_t rmw(uint32_t la) { __asm__ volatile("addl $1, (%0)" :: "r"(la) : "memory"); return 0; }
static uint32_t xchg(uint32_t la)
{
    uint32_t v = 0x44444444;
    __asm__ volatile("xchg %0, (%1)" : "+r"(v) : "r"(la) : "memory");
    return v;
}
static uint32_t stos(uint32_t la)
{
    uint32_t n = 4;
    __asm__ volatile("rep stosl" : "+D"(la), "+c"(n) : "a"(0x55555555) : "memory");
    return 0;
}
static const struct {
    const char *name;
    uint32_t (*fn)(uint32_t);
} stores[] = {
    { "movb", st8 }, { "movw", st16 }, { "movl", st32 }, { "add (rmw)", rmw },
    { "xchg", xchg }, { "rep stosl", stos },
};
#define NSTORES (sizeof stores / sizeof stores[0])

/* Every store kind at CPL0 to la, whose page is read-only somewhere. */
static void check_stores(uint32_t la, volatile uint32_t *mem, const char *what)
{
    for (int wp = 1; wp >= 0; wp--) {
        pg_set_wp(wp);
        for (unsigned i = 0; i < NSTORES; i++) {
            uint32_t at = la + 0x100 + i * 0x20;
            volatile uint32_t *m = mem + (0x100 + i * 0x20) / 4;
            m[0] = 0xabababab;
            struct pg_access a = pg_run(stores[i].fn, at, 0);
            pg_expect(&a, wp, PF_P | PF_W, at, PG_ANY, "cpl0 %s to %s, wp=%d: %s", stores[i].name, what, wp,
                      pg_outcome(wp, PF_P | PF_W));
            if (wp)
                CHECK_EQ(m[0], 0xabababab, "  memory unchanged");
            else
                CHECK(m[0] != 0xabababab, "  the store landed");
        }
    }
}

static void check_wp_toggle(void)
{
    struct pg_access a;
    pg_set_pte_flags(pd, LA, PTE_P | PTE_U);
    invlpg(LA);
    pg_set_wp(0);
    a = pg_write(LA + 0x40, 1, 0);
    pg_expect(&a, 0, 0, LA + 0x40, PG_ANY, "wp=0: cpl0 write to a read-only user page goes through");
    pg_set_wp(1);
    a = pg_write(LA + 0x44, 2, 0);
    pg_expect(&a, 1, PF_P | PF_W, LA + 0x44, PG_ANY, "wp 0 -> 1, no flush: the next cpl0 write #PF(P|W)");
    pg_set_wp(0);
    a = pg_write(LA + 0x48, 3, 0);
    pg_expect(&a, 0, 0, LA + 0x48, PG_ANY, "wp 1 -> 0, no flush: the next cpl0 write goes through");
    pg_set_wp(1);
    a = pg_write(LA + 0x4c, 4, 0);
    pg_expect(&a, 1, PF_P | PF_W, LA + 0x4c, PG_ANY, "wp 0 -> 1 again: #PF(P|W)");
    CHECK(page[0x40 / 4] == 1 && page[0x44 / 4] != 2 && page[0x48 / 4] == 3 && page[0x4c / 4] != 4,
          "  memory holds exactly the writes that went through");
    pg_set_wp(0);
}

int main(void)
{
    pm_init();
    pd = pg_new_space();
    page = pg_alloc();
    uint32_t *page2 = pg_alloc();
    pg_map(pd, LA, (uint32_t)page, PTE_P | PTE_U);
    pg_map(pd, PDE_LA, (uint32_t)page2, PTE_P | PTE_W | PTE_U);
    *pg_pde(pd, BIG_LA) = 0x00800000u | PTE_PS | PTE_P;
    pg_enable(pd, PG_PSE);

    check_stores(LA, page, "a read-only user page");
    pg_set_pte_flags(pd, LA, PTE_P);
    invlpg(LA);
    check_stores(LA, page, "a read-only supervisor page");
    pg_set_pde_flags(pd, PDE_LA, PTE_P | PTE_U);
    invlpg(PDE_LA);
    check_stores(PDE_LA, page2, "a page read-only at the pde only");
    check_stores(BIG_LA, (volatile uint32_t *)0x00800000u, "a read-only supervisor 4 MiB page");

    /* Writable at both levels: WP changes nothing. */
    pg_set_pde_flags(pd, PDE_LA, PTE_P | PTE_W);
    invlpg(PDE_LA);
    pg_set_wp(1);
    struct pg_access a = pg_write(PDE_LA + 0x10, 9, 0);
    pg_expect(&a, 0, 0, PDE_LA + 0x10, PG_ANY, "wp=1: cpl0 write to a writable supervisor page goes through");
    pg_set_wp(0);

    check_wp_toggle();
    pg_disable();
    return check_summary();
}
