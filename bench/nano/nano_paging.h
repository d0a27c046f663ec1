/* The address-space layout of the nano benchmark's paging rows (pgfault,
 * ptemod-*, cr3switch*, pt-fill): constants only, so that paging.c and
 * paging_loops.S share them (the .S file goes through the C preprocessor).
 *
 * Two page directories, both with 4 KiB pages (SDM vol. 3A, 4.3 "32-bit
 * paging": CR4.PSE stays 0) and the same four page tables mapping the low
 * 16 MiB one to one (the guest's image, stack, kit tables and the page
 * tables themselves live there), except two pages the rows own:
 *
 *   PGFAULT_VA   never present: every load from it is a #PF
 *   PTEMOD_VA    the PTE the ptemod rows rewrite; frame PTEMOD_X or PTEMOD_Y
 *
 * Directory A (the one the rows run in) also maps
 *   SWITCH_VA    16 pages on frames SWITCH_A_PHYS...   (cr3switch)
 *   FILL_VA      a page table of its own, empty until pt-fill writes 1000
 *                PTEs for frames FILL_PHYS...
 * and directory B maps SWITCH_VA to other frames, SWITCH_B_PHYS...
 *
 * Every frame a row reads holds its own physical address (written with
 * paging off), so a load through a stale translation reads the wrong
 * value: the loops count only correct reads (nano_count), and a row that
 * read a stale frame is n/a. Frames at 16 MiB and above are outside the
 * identity map: only the rows' own PTEs reach them. */
#ifndef BENCH_NANO_PAGING_H
#define BENCH_NANO_PAGING_H

#define PTE_P 0x001
#define PTE_W 0x002
#define PTE_A 0x020
#define PTE_D 0x040
/* Accessed and dirty preset everywhere: the CPU never rewrites an entry, so
 * the rows time the guest's own PTE writes, not A/D-bit emulation, and
 * "ptemod-unchanged" really writes back the value that is there. */
#define PTE_FLAGS (PTE_P | PTE_W | PTE_A | PTE_D)

#define PAGE_SIZE 4096
#define IDENT_PAGES 4096                 /* 16 MiB */

#define PGFAULT_VA 0x00f00000
#define PTEMOD_VA  0x00e00000
#define PTEMOD_X   0x00e00000            /* its identity frame */
#define PTEMOD_Y   0x00e01000            /* the other frame of ptemod-remap */

#define SWITCH_VA     0x40000000         /* directory entry 256 */
#define SWITCH_PAGES  16
#define SWITCH_A_PHYS 0x01400000
#define SWITCH_B_PHYS 0x01410000
/* What the 16 reads of one address space add up to (frame i holds its
 * address, PHYS + i * 4096): 16 * PHYS + 4096 * (0 + 1 + ... + 15). */
#define SWITCH_SUM(phys) (16 * (phys) + PAGE_SIZE * 120)

#define FILL_VA    0x80000000            /* directory entry 512 */
#define FILL_PAGES 1000
#define FILL_PHYS  0x01000000

#ifndef __ASSEMBLER__
/* paging.c: the rows' setups and teardowns (struct nano_row, nano.h). */
const char *paging_on(void);            /* directory A; every paging row */
void paging_off(void);
const char *pgfault_setup(void);        /* + its #PF gate */
void pgfault_teardown(void);
const char *ptemod_np_setup(void);      /* + PTEMOD_VA not present */
void ptemod_teardown(void);             /* + PTEMOD_VA's identity PTE back */
void ptfill_teardown(void);             /* + the fill table emptied */
#endif

#endif
