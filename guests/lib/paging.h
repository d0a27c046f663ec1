/* The paging kit of the test guests (SDM vol. 3A, chapter 4: 32-bit
 * paging): page directories and page tables from a static pool, an
 * identity map of the first 16 MiB with 4 KiB pages (P|W|U, so the guest's
 * code, data and stacks keep working at CPL0 and CPL3), and probes that
 * access a linear address at CPL0 or CPL3 and report a #PF. Link
 * guests/lib/paging.c with ${GUEST_PM_SOURCES}; call pm_init() first.
 *
 *   uint32_t *pd = pg_new_space();
 *   pg_map(pd, PG_TEST_LA, (uint32_t)pg_alloc(), PTE_P | PTE_W | PTE_U);
 *   pg_enable(pd, PG_WP);
 *   struct pg_access a = pg_write(PG_TEST_LA, 0x1234, 3);   // CPL3 store
 *   CHECK(!a.faulted, "...");
 *
 * Physical memory: the image and the pool live below 4 MiB; physical
 * 4-16 MiB is free RAM the tests may use directly (identity mapped, so
 * they can look at it through its own address). Tests map their own
 * pages at linear PG_TEST_LA and above (beyond the identity map). */
#ifndef GUEST_PAGING_H
#define GUEST_PAGING_H

#include "pm.h"

/* Page-directory and page-table entry bits (SDM vol. 3A, tables 4-4..4-6). */
#define PTE_P    0x001u
#define PTE_W    0x002u         /* R/W */
#define PTE_U    0x004u         /* U/S */
#define PTE_PWT  0x008u
#define PTE_PCD  0x010u
#define PTE_A    0x020u
#define PTE_D    0x040u
#define PTE_PS   0x080u         /* in a PDE: 4 MiB page (CR4.PSE = 1) */
#define PTE_G    0x100u
#define PTE_FRAME 0xfffff000u
#define PDE_4M_FRAME 0xffc00000u

/* #PF error code bits (SDM vol. 3A, 4.7). */
#define PF_P     0x01u          /* 1: protection violation, 0: not present */
#define PF_W     0x02u          /* the access was a write */
#define PF_U     0x04u          /* the access was made at CPL3 */
#define PF_RSVD  0x08u          /* a reserved bit was set in an entry */

#define CR0_WP   (1u << 16)
#define CR0_PG   (1u << 31)
#define CR4_PSE  (1u << 4)
#define CR4_PGE  (1u << 7)

/* pg_enable flags. */
#define PG_WP    0x1            /* CR0.WP = 1 */
#define PG_PSE   0x2            /* CR4.PSE = 1 */
#define PG_PGE   0x4            /* CR4.PGE = 1 */

#define PG_SIZE      4096u
#define PG_IDENTITY_END 0x01000000u     /* identity map: linear = physical below it */
#define PG_TEST_LA   0x40000000u        /* where tests map their own pages */
#define PG_FREE_PHYS 0x00400000u        /* physical RAM from here to 16 MiB is free */

static inline uint32_t read_cr0(void) { uint32_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline uint32_t read_cr2(void) { uint32_t v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline uint32_t read_cr3(void) { uint32_t v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline uint32_t read_cr4(void) { uint32_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr0(uint32_t v) { __asm__ volatile("mov %0, %%cr0" :: "r"(v) : "memory"); }
static inline void write_cr3(uint32_t v) { __asm__ volatile("mov %0, %%cr3" :: "r"(v) : "memory"); }
static inline void write_cr4(uint32_t v) { __asm__ volatile("mov %0, %%cr4" :: "r"(v) : "memory"); }
static inline void invlpg(uint32_t la) { __asm__ volatile("invlpg (%0)" :: "r"(la) : "memory"); }
static inline void pg_set_cr3(uint32_t *pd) { write_cr3((uint32_t)pd); }

/* A zeroed page from the pool (physical = linear: the pool is identity
 * mapped). Exits the guest with a FAIL line when the pool is empty. */
void *pg_alloc(void);
/* A new page directory with its own page tables for the identity map of
 * the first 16 MiB (4 KiB pages, P|W|U); everything above is not present. */
uint32_t *pg_new_space(void);
/* The PDE for la. */
uint32_t *pg_pde(uint32_t *pd, uint32_t la);
/* The PTE for la in the page table the PDE's frame names (P aside); NULL
 * when the PDE has no frame (no table yet) or maps a 4 MiB page. */
uint32_t *pg_pte(uint32_t *pd, uint32_t la);
/* Maps the 4 KiB page at la to pa with flags (PTE_P… and no frame bits);
 * allocates the page table when the PDE has none yet (PDE = P|W|U, so
 * the PTE alone decides). Does not INVLPG: callers do when it matters. */
void pg_map(uint32_t *pd, uint32_t la, uint32_t pa, uint32_t flags);
/* Replaces the flag bits (11:0) of la's PDE or PTE, keeping the frame. */
void pg_set_pde_flags(uint32_t *pd, uint32_t la, uint32_t flags);
void pg_set_pte_flags(uint32_t *pd, uint32_t la, uint32_t flags);

/* CR3 = pd, then CR4.PSE/PGE and CR0.WP as flags say, then CR0.PG = 1. */
void pg_enable(uint32_t *pd, unsigned flags);
/* CR0.PG = 0 (flat physical addressing again); CR4.PGE/PSE cleared. */
void pg_disable(void);
/* CR0.WP = on, without touching anything else. */
void pg_set_wp(int on);

/* The outcome of one probe: faulted, and then the #PF's vector, error code,
 * CR2 and where it came from; else the value read (reads). */
struct pg_access {
    int faulted;
    uint32_t vector, error_code, cr2, cs;
    uint32_t value;
};
/* A 32-bit load / store at la, at CPL0 or CPL3 (cpl = 0 or 3), any fault
 * caught. */
struct pg_access pg_read(uint32_t la, int cpl);
struct pg_access pg_write(uint32_t la, uint32_t value, int cpl);
/* Calls the code at la (it must return its EAX) at CPL0 or CPL3. */
struct pg_access pg_call(uint32_t la, int cpl);
/* Runs fn(arg) at CPL0 or CPL3 (fn must not print at CPL3); value = its
 * return value. */
struct pg_access pg_run(uint32_t (*fn)(uint32_t), uint32_t arg, int cpl);

/* One check line for a probe: `name` passes when the access faulted
 * exactly as wanted. want_fault = 0: no fault (and, when want_value is not
 * PG_ANY, a read gave want_value); else #PF (vector 14) with error code
 * want_error and CR2 = la. On failure the details follow the FAIL line. */
#define PG_ANY 0xdeadbeefu
/* "no fault" or "#PF(P|W|U)"-style text for check names (a static buffer:
 * use once per printf). */
const char *pg_outcome(int fault, uint32_t error);
void pg_expect(const struct pg_access *a, int want_fault, uint32_t want_error, uint32_t la,
               uint32_t want_value, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

#endif
