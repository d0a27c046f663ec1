/* The GDT layout and assembly entry points of far_sysenter (far_sysenter.c,
 * far_sysenter_asm.S). Linux i386's order: kernel code, kernel data, user
 * code, user data in consecutive entries, because SYSEXIT derives the user
 * selectors from IA32_SYSENTER_CS (+16, +24) and SYSENTER the kernel stack
 * segment (+8). Entries start at GDT_FIRST_FREE (6) of the kit's GDT. */
#ifndef FAR_SYSENTER_H
#define FAR_SYSENTER_H

#define FS_KCODE  0x30      /* IA32_SYSENTER_CS */
#define FS_KDATA  0x38      /* FS_KCODE + 8 */
#define FS_UCODE  0x43      /* FS_KCODE + 16, RPL 3 */
#define FS_UDATA  0x4b      /* FS_KCODE + 24, RPL 3 */

#define MSR_SYSENTER_CS  0x174
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176

/* fs_rec indices (4 * index in the assembly). */
#define FS_U_ESP     0      /* user ESP at SYSENTER (ECX) */
#define FS_U_EFLAGS  1      /* user EFLAGS just before SYSENTER */
#define FS_K_ESP     2      /* at the SYSENTER entry */
#define FS_K_CS      3
#define FS_K_SS      4
#define FS_K_EFLAGS  5
#define FS_K_DS      6
#define FS_X_ESP     7      /* after SYSEXIT */
#define FS_X_CS      8
#define FS_X_SS      9
#define FS_X_EFLAGS  10
#define FS_I_ESP     11     /* in the INT 0x80 handler */
#define FS_I_CS      12
#define FS_I_EFLAGS  13
#define FS_I_RET     14     /* [esp] in the handler: the pushed EIP */
#define FS_I_EAX     15     /* after INT 0x80 returns: eax ebx ecx edx */
#define FS_I_EBX     16
#define FS_I_ECX     17
#define FS_I_EDX     18
#define FS_REC_SIZE  20

#ifndef __ASSEMBLER__
#include <stdint.h>

extern uint32_t fs_rec[FS_REC_SIZE];
extern char fs_sysenter_entry[], fs_sysenter_stack_top[];
extern char fs_sysenter_insn[], fs_sysexit_insn_u[], fs_sysexit_insn_k[];
extern char fs_int80_handler[], fs_int80_ret[];

uint32_t fs_u_sysenter(uint32_t);   /* SYSENTER, back by SYSEXIT */
uint32_t fs_u_sysexit(uint32_t);    /* SYSEXIT at CPL3 */
void fs_k_sysexit(void);            /* SYSEXIT at CPL0 */
uint32_t fs_u_int80(uint32_t);      /* INT 0x80: eax = 4, ebx = 0x1000, ecx = 0x20, edx = 3 */
#endif

#endif
