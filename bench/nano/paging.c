/* The paging rows' page tables and their setups and teardowns (layout in
 * nano_paging.h). Paging is on only while a paging row runs: its setup
 * loads CR3 and sets CR0.PG, its teardown clears CR0.PG and undoes the
 * row's PTE changes, so the other rows run with paging off as before and
 * rows can run in any order in one guest (SDM vol. 3A, 4.1.1: with CR0.PE
 * set, CR0.PG alone turns 32-bit paging on and off; CR4.PAE stays 0).
 *
 * pgfault installs its own #PF gate (a handler in loops.S that
 * steps over the faulting load); in the other rows a #PF is a failure and
 * reaches the kit, which makes the row n/a. */
#include "nano.h"
#include "nano_paging.h"
#include "pm.h"

#define CR0_PG (1u << 31)
#define GATE_INTR 0xe
#define VEC_PF 14
#define PDE_FLAGS (PTE_P | PTE_W | PTE_A)

/* The loops (loops.S) reference these too. */
uint32_t nano_pd_a[1024] __attribute__((aligned(4096)));
uint32_t nano_pd_b[1024] __attribute__((aligned(4096)));
uint32_t nano_pt_ident[IDENT_PAGES] __attribute__((aligned(4096)));
uint32_t nano_pt_fill[1024] __attribute__((aligned(4096)));
static uint32_t pt_switch_a[1024] __attribute__((aligned(4096)));
static uint32_t pt_switch_b[1024] __attribute__((aligned(4096)));

extern char nano_pgfault_entry[];

/* Each frame a row reads holds its own address (nano_paging.h). Paging is
 * off here, so these are physical stores. */
static void mark_frames(uint32_t phys, uint32_t pages)
{
    for (uint32_t i = 0; i < pages; i++)
        *(volatile uint32_t *)(phys + i * PAGE_SIZE) = phys + i * PAGE_SIZE;
}

static uint32_t ident_pte(uint32_t va)
{
    return va == PGFAULT_VA ? 0 : va | PTE_FLAGS;
}

static void build_tables(void)
{
    static int built;
    if (built)
        return;
    built = 1;
    for (uint32_t i = 0; i < IDENT_PAGES; i++)
        nano_pt_ident[i] = ident_pte(i * PAGE_SIZE);
    for (uint32_t i = 0; i < IDENT_PAGES / 1024; i++)
        nano_pd_a[i] = nano_pd_b[i] = (uint32_t)&nano_pt_ident[i * 1024] | PDE_FLAGS;
    for (uint32_t i = 0; i < SWITCH_PAGES; i++) {
        pt_switch_a[i] = (SWITCH_A_PHYS + i * PAGE_SIZE) | PTE_FLAGS;
        pt_switch_b[i] = (SWITCH_B_PHYS + i * PAGE_SIZE) | PTE_FLAGS;
    }
    nano_pd_a[SWITCH_VA >> 22] = (uint32_t)pt_switch_a | PDE_FLAGS;
    nano_pd_b[SWITCH_VA >> 22] = (uint32_t)pt_switch_b | PDE_FLAGS;
    /* Present (so live, traced by a shadow MMU) while its PTEs are all 0. */
    nano_pd_a[FILL_VA >> 22] = (uint32_t)nano_pt_fill | PDE_FLAGS;
    mark_frames(PTEMOD_X, 1);
    mark_frames(PTEMOD_Y, 1);
    mark_frames(SWITCH_A_PHYS, SWITCH_PAGES);
    mark_frames(SWITCH_B_PHYS, SWITCH_PAGES);
    mark_frames(FILL_PHYS, FILL_PAGES);
}

static inline uint32_t read_cr0(void)
{
    uint32_t v;
    __asm__ volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}

static inline void write_cr0(uint32_t v)
{
    __asm__ volatile("mov %0, %%cr0" :: "r"(v) : "memory");
}

/* CR3 first: CR0.PG must never be set with a stale directory. */
const char *paging_on(void)
{
    build_tables();
    __asm__ volatile("mov %0, %%cr3" :: "r"(nano_pd_a) : "memory");
    write_cr0(read_cr0() | CR0_PG);
    return 0;
}

void paging_off(void)
{
    write_cr0(read_cr0() & ~CR0_PG);
}

const char *pgfault_setup(void)
{
    pm_idt_set(VEC_PF, SEL_KCODE, (uint32_t)nano_pgfault_entry, GATE_INTR, 0);
    return paging_on();
}

void pgfault_teardown(void)
{
    paging_off();
    pm_idt_reset(VEC_PF);
}

/* ptemod-np-p starts from a not-present PTE (the loop makes it present);
 * the others from the identity mapping, which the teardown restores. */
const char *ptemod_np_setup(void)
{
    build_tables();
    nano_pt_ident[PTEMOD_VA / PAGE_SIZE] = 0;
    return paging_on();
}

void ptemod_teardown(void)
{
    paging_off();
    nano_pt_ident[PTEMOD_VA / PAGE_SIZE] = ident_pte(PTEMOD_VA);
}

/* The loop leaves every PTE of the fill table 0 again; this is for a row
 * stopped half-way by a fault. */
void ptfill_teardown(void)
{
    paging_off();
    for (uint32_t i = 0; i < FILL_PAGES; i++)
        nano_pt_fill[i] = 0;
}
