/* Address spaces: two-level 32-bit paging with 4 KiB pages (SDM vol. 3
 * 4.3). The kernel's identity map of the first 16 MiB lives in four page
 * tables shared by every page directory, with U/S = 0 at both levels, so
 * CPL3 touching a kernel address takes #PF with error code P|U (P: the
 * page is present, the fault is a protection fault). Each task gets its
 * own page directory with one more entry, U/S = 1, R/W = 1, for its
 * private page table: its program pages at USER_BASE and its stack page,
 * frames no other task maps. The scheduler (no task) runs on kpgdir. */
#include "defs.h"
#include "mmu.h"
#include "x86.h"

#define NKPT (KERNEL_MAP_END >> 22)

static uint32_t kpgdir[1024] __attribute__((aligned(PGSIZE)));
static uint32_t kpt[NKPT][1024] __attribute__((aligned(PGSIZE)));

void kvm_init(void)
{
    for (uint32_t pa = PGSIZE; pa < KERNEL_MAP_END; pa += PGSIZE)
        kpt[pa >> 22][PTX(pa)] = pa | PTE_P | PTE_W;
    for (uint32_t i = 0; i < NKPT; i++)
        kpgdir[i] = (uint32_t)kpt[i] | PTE_P | PTE_W;
}

/* CR0.WP too, as every OS sets it: the kernel honours R/W = 0 pages. */
void vm_enable(void)
{
    lcr3((uint32_t)kpgdir);
    lcr0(rcr0() | CR0_PG | CR0_WP);
}

void vm_switch_kernel(void)
{
    lcr3((uint32_t)kpgdir);
}

uint32_t *uvm_create(void)
{
    uint32_t *pgdir = kalloc();
    memcpy(pgdir, kpgdir, NKPT * sizeof(uint32_t));
    return pgdir;
}

/* Maps one user page, read/write, at CPL3. */
void uvm_map(uint32_t *pgdir, uint32_t va, uint32_t pa)
{
    uint32_t *pde = &pgdir[PDX(va)];
    if (!(*pde & PTE_P))
        *pde = (uint32_t)kalloc() | PTE_P | PTE_W | PTE_U;
    uint32_t *pt = (uint32_t *)PTE_ADDR(*pde);
    pt[PTX(va)] = pa | PTE_P | PTE_W | PTE_U;
}

/* The frame `va` maps to in `pgdir`, as the CPU would walk it; 0 if none. */
uint32_t uvm_translate(uint32_t *pgdir, uint32_t va)
{
    uint32_t pde = pgdir[PDX(va)];
    if (!(pde & PTE_P))
        return 0;
    uint32_t pte = ((uint32_t *)PTE_ADDR(pde))[PTX(va)];
    if (!(pte & PTE_P))
        return 0;
    return PTE_ADDR(pte) | (va & 0xfff);
}

/* A system-call buffer must lie inside what every task has mapped: its
 * program pages or its stack page. Kernel addresses are refused even
 * though CPL0 could reach them (the 386 has no SMAP). */
int user_range_ok(uint32_t va, uint32_t len)
{
    uint32_t end = va + len;
    if (end < va)
        return 0;
    if (va >= USER_BASE && end <= USER_BASE + USER_IMG_PAGES * PGSIZE)
        return 1;
    return va >= USER_STACK_PG && end <= USER_STACK_TOP;
}
