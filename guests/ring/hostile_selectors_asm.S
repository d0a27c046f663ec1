/* The attempts of hostile_selectors.c, one function per instruction, each
 * uint32_t fn(uint32_t sel) (cdecl) so that it runs at CPL0 as a plain call
 * or at CPL3 through pm_run_user. Where the selector is refused, the
 * instruction faults and the kit's pm_try takes over; where it is
 * accepted, the function returns normally with what it observed. */

    .data
    .balign 8
hs_farptr:                  /* m16:32 operand of the indirect far JMP/CALL */
    .long 0
    .word 0

    .text
/* uint32_t hs_jmp(uint32_t sel): JMP FAR m16:32 to sel:1f. Returns the CS
 * it landed with (SDM vol. 2, JMP: a nonconforming target's RPL becomes
 * the CPL). */
    .globl hs_jmp
hs_jmp:
    mov 4(%esp), %eax
    movl $1f, hs_farptr
    mov %ax, hs_farptr + 4
    ljmp *hs_farptr
1:  mov %cs, %eax
    movzwl %ax, %eax
    ret

/* uint32_t hs_call(uint32_t sel): CALL FAR m16:32 to sel:2f, which
 * returns with RET FAR. Returns the CS at the target in bits 15:0 and the
 * CS the CALL pushed in bits 31:16. */
    .globl hs_call
hs_call:
    mov 4(%esp), %eax
    movl $2f, hs_farptr
    mov %ax, hs_farptr + 4
    lcall *hs_farptr
    ret
2:  movzwl 4(%esp), %eax    /* the pushed CS */
    shl $16, %eax
    mov %cs, %ax
    lret

/* uint32_t hs_load_<sreg>(uint32_t sel): MOV sreg, sel and at once the old
 * value back (no memory access in between: a null DS at CPL3 would fault
 * on it). Returns 0. */
.macro LOAD sreg
    .globl hs_load_\sreg
hs_load_\sreg:
    mov 4(%esp), %eax
    mov %\sreg, %ecx
    mov %eax, %\sreg
    mov %ecx, %\sreg
    xor %eax, %eax
    ret
.endm
    LOAD ds
    LOAD es
    LOAD fs
    LOAD gs
    LOAD ss
