/* Segment selectors, descriptor and page-table bits, EFLAGS and CR0 bits,
 * and the layout of a user address space. */
#ifndef OS_MMU_H
#define OS_MMU_H

/* GDT slots (gdt.c). User selectors carry RPL 3. */
#define KCODE_SEL 0x08
#define KDATA_SEL 0x10
#define UCODE_SEL (0x18 | 3)
#define UDATA_SEL (0x20 | 3)
#define TSS_SEL   0x28

#define FL_IF 0x00000200
#define CR0_PG 0x80000000u
#define CR0_WP 0x00010000u

#define PGSIZE 4096u
#define PTE_P 0x001u
#define PTE_W 0x002u
#define PTE_U 0x004u
#define PTE_ADDR(e) ((e) & ~0xfffu)
#define PDX(va) (((uint32_t)(va) >> 22) & 0x3ff)
#define PTX(va) (((uint32_t)(va) >> 12) & 0x3ff)

/* Page-fault error code (SDM vol. 3 4.7). */
#define PF_P 0x1u
#define PF_W 0x2u
#define PF_U 0x4u

/* The kernel: identity-mapped, supervisor-only, first 16 MiB (page 0 left
 * out so a null pointer faults). */
#define KERNEL_MAP_END (16u << 20)

/* Every task sees its program at USER_BASE and its stack just below
 * USER_STACK_TOP, all inside one 4 MiB page-directory slot. The pages are
 * the task's own: the same virtual addresses name different frames. */
#define USER_BASE      0x40000000u
#define USER_IMG_PAGES 4u
#define USER_STACK_TOP 0x40400000u
#define USER_STACK_PG  (USER_STACK_TOP - PGSIZE)

#endif
