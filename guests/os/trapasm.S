/* The 256 IDT entry stubs and the common trap path. Each stub is 16 bytes
 * (trap.c computes gate offsets from that): it pushes a zero where the CPU
 * pushes no error code (SDM vol. 3 6.13: #DF, #TS, #NP, #SS, #GP, #PF, #AC
 * have one), then the vector number. alltraps completes struct trapframe
 * (proc.h), loads the kernel data segments and calls trap(tf); trapret
 * undoes it and IRETs, to CPL3 when the frame came from there. */
#include "mmu.h"

    .text
    .align 16
    .globl trap_stubs
trap_stubs:
    .set vec, 0
    .rept 256
    .align 16
    .if (vec == 8) || ((vec >= 10) && (vec <= 14)) || (vec == 17)
    .else
    pushl $0
    .endif
    pushl $vec
    jmp alltraps
    .set vec, vec + 1
    .endr

alltraps:
    pushl %ds
    pushl %es
    pushl %fs
    pushl %gs
    pushal
    movw $KDATA_SEL, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %fs
    movw %ax, %gs
    pushl %esp
    call trap
    addl $4, %esp

    .globl trapret
trapret:
    popal
    popl %gs
    popl %fs
    popl %es
    popl %ds
    addl $8, %esp                   /* vector and error code */
    iret
