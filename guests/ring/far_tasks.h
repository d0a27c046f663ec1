/* The GDT layout and assembly entry points of far_tasks (far_tasks.c,
 * far_tasks_asm.S). Entries start at GDT_FIRST_FREE (6) of the kit's GDT;
 * the kit's own task is SEL_TSS (pm_tss), the task main() runs in. */
#ifndef FAR_TASKS_H
#define FAR_TASKS_H

#define FT_TSS_B      0x30  /* task B: entered by JMP, leaves by JMP */
#define FT_TSS_C      0x38  /* task C: entered by CALL / task gates, leaves by IRET */
#define FT_TSS_SHORT  0x40  /* a TSS descriptor with limit 0x66 */
#define FT_GATE_C     0x48  /* task gate in the GDT -> FT_TSS_C */
#define FT_TSS_DF     0x50  /* the #DF task (IDT vector 8 is a task gate to it) */
#define FT_LDT_B      0x58  /* task B's LDT */
#define FT_KDATA2     0x60  /* DPL0 flat data, an alias of SEL_KDATA */
#define FT_LDT_DATA   0x0c  /* entry 1 of FT_LDT_B (TI = 1): data based at ft_ldt_probe */
#define FT_INT_VEC    0x40  /* IDT task gate -> FT_TSS_C */

#define FT_TSS_INDEX  5     /* the kit's TSS (SEL_TSS) in pm_gdt */

/* ft_rec indices (4 * index in the assembly). Task B: */
#define TB_REGS     0       /* eax ecx edx ebx ebp esi edi: 0..6 */
#define TB_ESP      7
#define TB_EFLAGS   8
#define TB_CS       9
#define TB_SS       10
#define TB_DS       11
#define TB_ES       12
#define TB_FS       13
#define TB_GS       14
#define TB_LDTR     15
#define TB_TR       16
#define TB_FS_READ  17      /* the dword at FS:0 */
#define TB_CR0      18
#define TB_OLD_HI   19      /* high dwords of the old and new TSS descriptors */
#define TB_NEW_HI   20
/* Task C (nested: CALL, task gate, INT n): */
#define TC_COUNT    21
#define TC_EFLAGS   22
#define TC_LINK     23
#define TC_CR0      24
#define TC_TR       25
#define TC_OLD_HI   26
#define TC_NEW_HI   27
/* The #DF task: */
#define TD_ESP      28
#define TD_ERROR    29
#define TD_EFLAGS   30
#define TD_LINK     31
#define TD_CR0      32
/* The main task, after it is resumed: */
#define TM_REGS     33      /* eax ecx edx ebx ebp esi edi: 33..39 */
#define TM_EFLAGS   40
#define TM_ESP      41      /* ESP just before the JMP */
#define TM_CR0      42
#define TM_LDTR     43
#define FT_REC_SIZE 48

/* Register values the tasks start with or leave behind. */
#define FT_MAIN_REG(i)  (0x0a0a0001 + (i))
#define FT_B_REG(i)     (0x0b0b0001 + (i))
#define FT_MAIN_EFLAGS  0x887   /* bit 1, CF, PF, SF, OF */
#define FT_B_EFLAGS     0x843   /* bit 1, CF, ZF, OF */
#define FT_B_EFLAGS_OUT 0x057   /* bit 1, CF PF AF ZF: after -1 + 1 */
#define FT_LDT_MAGIC    0x1d7f00d5

#ifndef __ASSEMBLER__
#include <stdint.h>

extern uint32_t ft_rec[FT_REC_SIZE];
extern uint32_t ft_ldt_probe;

/* Task entry points. */
extern char ft_task_b[], ft_task_c[], ft_task_df[];
extern char ft_task_b_resume[], ft_task_c_resume[];   /* after their switch away */
/* Main-task code (C-callable, CPL0): each transfer and its return label. */
void ft_jmp_b(void);
extern char ft_jmp_b_ret[];
void ft_call_c(void);
void ft_call_gate_c(void);
void ft_int_c(void);
void ft_call_busy(void);
void ft_jmp_busy(void);
void ft_call_short(void);
void ft_iret_not_busy(void);
void ft_double_fault(void);
extern char ft_call_busy_insn[], ft_jmp_busy_insn[], ft_call_short_insn[], ft_iret_insn[];
extern char ft_df_recover[];
uint32_t ft_u_call_c(uint32_t);
extern char ft_u_call_insn[];
#endif

#endif
