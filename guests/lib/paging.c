/* The paging kit (see paging.h): the page pool, address spaces with the
 * identity map, entry helpers, CR0/CR4 set-up, and the probes that access
 * memory at CPL0 or CPL3 under pm_try. It checks nothing itself: the
 * guests in guests/paging/ do. The #PF's CR2 comes from pm.c, which reads
 * it in its handler before anything else can fault. */
#include "paging.h"

/* 2 MiB of page-aligned pool: 512 pages; an address space takes 5. */
#define POOL_PAGES 512
static uint8_t pool[POOL_PAGES][PG_SIZE] __attribute__((aligned(4096)));
static int pool_used;

void *pg_alloc(void)
{
    if (pool_used == POOL_PAGES) {
        printf("FAIL pg_alloc: the page pool is empty\n");
        guest_exit(2);
    }
    void *p = pool[pool_used++];
    memset(p, 0, PG_SIZE);
    return p;
}

uint32_t *pg_new_space(void)
{
    uint32_t *pd = pg_alloc();
    for (uint32_t la = 0; la < PG_IDENTITY_END; la += PG_SIZE)
        pg_map(pd, la, la, PTE_P | PTE_W | PTE_U);
    return pd;
}

uint32_t *pg_pde(uint32_t *pd, uint32_t la)
{
    return &pd[la >> 22];
}

uint32_t *pg_pte(uint32_t *pd, uint32_t la)
{
    uint32_t pde = *pg_pde(pd, la);
    /* P is not looked at: a test may edit a PTE under a not-present PDE. */
    if ((pde & PTE_PS) || !(pde & PTE_FRAME))
        return 0;
    /* Page tables come from the pool: their physical address is linear. */
    uint32_t *pt = (uint32_t *)(pde & PTE_FRAME);
    return &pt[(la >> 12) & 0x3ff];
}

void pg_map(uint32_t *pd, uint32_t la, uint32_t pa, uint32_t flags)
{
    uint32_t *pde = pg_pde(pd, la);
    if (!(*pde & PTE_FRAME))
        *pde = (uint32_t)pg_alloc() | PTE_P | PTE_W | PTE_U;
    *pg_pte(pd, la) = (pa & PTE_FRAME) | (flags & 0xfff);
}

void pg_set_pde_flags(uint32_t *pd, uint32_t la, uint32_t flags)
{
    uint32_t *pde = pg_pde(pd, la);
    *pde = (*pde & PTE_FRAME) | (flags & 0xfff);
}

void pg_set_pte_flags(uint32_t *pd, uint32_t la, uint32_t flags)
{
    uint32_t *pte = pg_pte(pd, la);
    *pte = (*pte & PTE_FRAME) | (flags & 0xfff);
}

void pg_enable(uint32_t *pd, unsigned flags)
{
    pg_set_cr3(pd);
    uint32_t cr4 = read_cr4() & ~(CR4_PSE | CR4_PGE);
    if (flags & PG_PSE)
        cr4 |= CR4_PSE;
    if (flags & PG_PGE)
        cr4 |= CR4_PGE;
    write_cr4(cr4);
    uint32_t cr0 = read_cr0() & ~CR0_WP;
    if (flags & PG_WP)
        cr0 |= CR0_WP;
    /* The code runs on, identity mapped: no jump needed after setting PG
     * (SDM vol. 3A, 9.9.1 asks for one only when the mapping differs). */
    write_cr0(cr0 | CR0_PG);
}

void pg_disable(void)
{
    write_cr0(read_cr0() & ~(CR0_PG | CR0_WP));
    write_cr4(read_cr4() & ~(CR4_PSE | CR4_PGE));
}

void pg_set_wp(int on)
{
    uint32_t cr0 = read_cr0() & ~CR0_WP;
    write_cr0(on ? cr0 | CR0_WP : cr0);
}

/* The accesses themselves; at CPL3 they run through pm_run_user, whose
 * code and stack are on identity-mapped user pages. */
static volatile uint32_t probe_value;

static uint32_t do_read(uint32_t la)
{
    return *(volatile uint32_t *)la;
}

static uint32_t do_write(uint32_t la)
{
    *(volatile uint32_t *)la = probe_value;
    return 0;
}

static uint32_t do_call(uint32_t la)
{
    return ((uint32_t (*)(void))la)();
}

static struct pg_access probe(uint32_t (*fn)(uint32_t), uint32_t la, int cpl)
{
    struct pm_fault f;
    struct pg_access a;
    memset(&a, 0, sizeof a);
    if (pm_try(&f)) {
        uint32_t v = cpl == 3 ? pm_run_user(fn, la) : fn(la);
        pm_try_end();
        a.value = v;
        return a;
    }
    a.faulted = 1;
    a.vector = f.vector;
    a.error_code = f.error_code;
    a.cr2 = f.cr2;
    a.cs = f.cs;
    return a;
}

struct pg_access pg_run(uint32_t (*fn)(uint32_t), uint32_t arg, int cpl)
{
    return probe(fn, arg, cpl);
}

struct pg_access pg_read(uint32_t la, int cpl)
{
    return probe(do_read, la, cpl);
}

struct pg_access pg_write(uint32_t la, uint32_t value, int cpl)
{
    probe_value = value;
    return probe(do_write, la, cpl);
}

struct pg_access pg_call(uint32_t la, int cpl)
{
    return probe(do_call, la, cpl);
}

const char *pg_outcome(int fault, uint32_t error)
{
    static char buf[32];
    if (!fault)
        return "no fault";
    snprintf(buf, sizeof buf, "#PF(%s%s%s%s%s)", error & PF_RSVD ? "RSVD|" : "",
             error & PF_P ? "P|" : "", error & PF_W ? "W|" : "", error & PF_U ? "U|" : "",
             error & (PF_P | PF_W | PF_U | PF_RSVD) ? "" : "0");
    /* Drop the last '|'. */
    size_t n = strlen(buf);
    if (buf[n - 2] == '|') {
        buf[n - 2] = ')';
        buf[n - 1] = 0;
    }
    return buf;
}

void pg_expect(const struct pg_access *a, int want_fault, uint32_t want_error, uint32_t la,
               uint32_t want_value, const char *fmt, ...)
{
    char name[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);

    int ok;
    if (want_fault)
        ok = a->faulted && a->vector == 14 && a->error_code == want_error && a->cr2 == la;
    else
        ok = !a->faulted && (want_value == PG_ANY || a->value == want_value);
    check_result(ok, "%s", name);
    if (ok)
        return;
    if (a->faulted)
        printf("     got vector %u error %x cr2 %08x", a->vector, a->error_code, a->cr2);
    else
        printf("     got no fault, value %08x", a->value);
    if (want_fault)
        printf("; want #PF error %x cr2 %08x\n", want_error, la);
    else if (want_value != PG_ANY)
        printf("; want no fault, value %08x\n", want_value);
    else
        printf("; want no fault\n");
}
