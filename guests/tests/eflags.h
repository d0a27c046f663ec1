/* EFLAGS bit names for the test guests (SDM vol. 1, 3.4.3, figure 3-8),
 * and the one helper that turns on SSE for the guests that use it. */
#ifndef EFLAGS_H
#define EFLAGS_H

#include "guest.h"

#define FL_CF 0x00000001u
#define FL_FIXED 0x00000002u            /* bit 1 always reads 1 */
#define FL_PF 0x00000004u
#define FL_AF 0x00000010u
#define FL_ZF 0x00000040u
#define FL_SF 0x00000080u
#define FL_TF 0x00000100u
#define FL_IF 0x00000200u
#define FL_DF 0x00000400u
#define FL_OF 0x00000800u
#define FL_IOPL 0x00003000u
#define FL_NT 0x00004000u
#define FL_RF 0x00010000u
#define FL_VM 0x00020000u
#define FL_AC 0x00040000u
#define FL_VIF 0x00080000u
#define FL_VIP 0x00100000u
#define FL_ID 0x00200000u
#define FL_ARITH (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)
#define FL_RESERVED (0x00000008u | 0x00000020u | 0x00008000u | 0xffc00000u)

/* Lets SSE and FXSAVE run (SDM vol. 3A, 13.1.3): CR0.EM and CR0.TS clear,
 * CR0.MP and CR0.NE set, CR4.OSFXSR and CR4.OSXMMEXCPT set. CPL0 only. */
static inline void enable_sse(void)
{
    uint32_t cr0, cr4;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    cr0 = (cr0 & ~(1u << 2 | 1u << 3)) | 1u << 1 | 1u << 5;
    __asm__ volatile("mov %0, %%cr0" :: "r"(cr0));
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    __asm__ volatile("mov %0, %%cr4" :: "r"(cr4 | 1u << 9 | 1u << 10));
}

#endif
