/* The instructions far_calls.c checks: far JMP/CALL/RET in every form, and
 * the targets they reach. Each target records what it sees (ESP, SS, CS
 * and the frame on its stack) in fc_rec before it returns; the callers
 * record their ESP and segments around the transfer. See far_calls.h for
 * the selectors and the fc_rec layout.
 *
 * Kernel routines (fc_k_*) are C-callable at CPL0, user routines (fc_u_*)
 * run at CPL3 through pm_run_user; both keep EBX ESI EDI EBP. Routines that
 * are meant to fault never reach their RET (pm_try takes over). */
#include "far_calls.h"

/* The kit's selectors (guests/lib/pm.h, not includable from assembly). */
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UCODE 0x1b
#define SEL_UDATA 0x23

#define REC(i) fc_rec + 4 * (i)

/* Segment register -> fc_rec slot, zero-extended (a 32-bit MOV from a
 * segment register may leave the upper half undefined on old CPUs),
 * without touching the flags. */
.macro SAVE_SEG seg, slot
    mov \seg, %ax
    movzwl %ax, %eax
    mov %eax, REC(\slot)
.endm

/* A target's view of its arrival: ESP, SS, CS and 7 dwords of stack. */
.macro TARGET_RECORD
    mov %esp, REC(FR_T_ESP)
    SAVE_SEG %ss, FR_T_SS
    SAVE_SEG %cs, FR_T_CS
    .irp i, 0, 1, 2, 3, 4, 5, 6
    mov 4 * \i(%esp), %eax
    mov %eax, REC(FR_T_FRAME + \i)
    .endr
.endm

/* The caller's view after the return. */
.macro AFTER_RECORD
    mov %esp, REC(FR_ESP_AFTER)
    SAVE_SEG %cs, FR_CS_AFTER
    SAVE_SEG %ss, FR_SS_AFTER
.endm

    .data
    .globl fc_rec
    .balign 4
fc_rec:
    .skip 4 * 32
/* m16:32 far pointers: offset, then selector. */
fc_far_ptr:       .long fc_far_target
                  .word FC_KCODE2
fc_jmp_back_ptr:  .long fc_jmp_back
                  .word SEL_KCODE
fc_low_back_ptr:  .long fc_low_back
                  .word SEL_KCODE
fc_low_back_m_ptr: .long fc_low_back_m
                  .word SEL_KCODE
/* m16:16: a 16-bit offset, then the selector. */
fc_o16_ptr:       .word fc_o16_target - far_low_base
                  .word FC_LOW32

    .text
/* ---- CPL0, same level, 32-bit operand size ---- */

/* JMP ptr16:32 to FC_KCODE2, then JMP m16:32 back to SEL_KCODE. */
    .globl fc_k_jmp
fc_k_jmp:
    ljmp $FC_KCODE2, $1f
1:  SAVE_SEG %cs, FR_X
    ljmp *fc_jmp_back_ptr
    .globl fc_jmp_back
fc_jmp_back:
    SAVE_SEG %cs, FR_Y
    ret

/* CALL ptr16:32 to FC_KCODE2:fc_far_target, which returns by RET far. */
    .globl fc_k_call_ptr, fc_ret_ptr32
fc_k_call_ptr:
    mov %esp, REC(FR_ESP_BEFORE)
    lcall $FC_KCODE2, $fc_far_target
fc_ret_ptr32:
    AFTER_RECORD
    ret

/* CALL m16:32, the same target. */
    .globl fc_k_call_mem, fc_ret_m32
fc_k_call_mem:
    mov %esp, REC(FR_ESP_BEFORE)
    lcall *fc_far_ptr
fc_ret_m32:
    AFTER_RECORD
    ret

    .globl fc_far_target
fc_far_target:
    TARGET_RECORD
    lret

/* CALL through FC_GATE2 (DPL2) at CPL0: allowed with RPL 0, a
 * same-level call to SEL_KCODE:fc_gate_k. */
    .globl fc_k_gate2, fc_kgate2_ret
fc_k_gate2:
    mov %esp, REC(FR_ESP_BEFORE)
    lcall $FC_GATE2, $0
fc_kgate2_ret:
    AFTER_RECORD
    ret

    .globl fc_gate_k
fc_gate_k:
    TARGET_RECORD
    lret

/* The same gate with RPL 3 > gate DPL 2: #GP(gate selector). */
    .globl fc_k_gate2_rpl3, fc_krpl_gate
fc_k_gate2_rpl3:
fc_krpl_gate:
    lcall $FC_GATE2 | 3, $0
    ret

/* A nonconforming code segment with RPL 3 > CPL 0: #GP(selector). */
    .globl fc_k_code_rpl3, fc_krpl_code
fc_k_code_rpl3:
fc_krpl_code:
    lcall $FC_KCODE2 | 3, $fc_far_target
    ret

/* ---- CPL0, 16-bit operand size and a 16-bit code segment ----
 * A 16-bit far CALL pushes IP, not EIP, and a 16-bit far JMP/CALL/RET
 * truncates the target offset to 16 bits: the code between far_low_base
 * and far_low_end runs in FC_LOW32/FC_LOW16, whose base is far_low_base,
 * so its offsets are small. The offsets below are assembly-time
 * differences (label - far_low_base). */
    .globl fc_k_far16
fc_k_far16:
    mov %esp, REC(FR_ESP_BEFORE)
    ljmp $FC_LOW32, $fc_low_entry - far_low_base
fc_low_back:
    ret

    .globl fc_k_far16m
fc_k_far16m:
    mov %esp, REC(FR_ESP_BEFORE)
    ljmp $FC_LOW32, $fc_low_entry_m - far_low_base
fc_low_back_m:
    ret

/* CALL ptr16:32 into the 16-bit segment; EBX - ECX comes back in fc_rec[FR_X]. */
    .globl fc_k_code16
fc_k_code16:
    push %ebx
    lcall $FC_LOW16, $fc_code16 - far_low_base
    sub %ecx, %ebx
    mov %ebx, REC(FR_X)
    pop %ebx
    ret

/* CALL ptr16:32 into FC_LOW32: the target reads its own EIP (CALL/POP),
 * an offset from the segment base, into fc_rec[FR_X]. */
    .globl fc_k_based
fc_k_based:
    lcall $FC_LOW32, $fc_based - far_low_base
    ret

    .globl far_low_base, far_low_end, fc_o16_ret, fc_o16m_ret, fc_based_eip
    .balign 16
far_low_base:
fc_based:
    call fc_based_eip
fc_based_eip:
    pop %eax
    mov %eax, REC(FR_X)
    SAVE_SEG %cs, FR_Y
    lret

fc_low_entry:
    /* JMP ptr16:16 (0x66 EA iw iw) within FC_LOW32. */
    ljmpw $FC_LOW32, $fc_low_j16 - far_low_base
fc_low_j16:
    SAVE_SEG %cs, FR_Y
    /* CALL ptr16:16 (0x66 9A): pushes CS then IP, 2 bytes each. */
    lcallw $FC_LOW32, $fc_o16_target - far_low_base
fc_o16_ret:
    AFTER_RECORD
    ljmp *fc_low_back_ptr

fc_low_entry_m:
    /* CALL m16:16 (0x66 FF /3). */
    lcallw *fc_o16_ptr
fc_o16m_ret:
    AFTER_RECORD
    ljmp *fc_low_back_m_ptr

fc_o16_target:
    TARGET_RECORD
    lretw                   /* 0x66 CB: pops IP, then CS */

    /* D = 0: PUSH AX moves ESP by 2 without a prefix (SS is still the
     * flat 32-bit stack, so ESP is used whole); LRETL (0x66 CB) pops the
     * 32-bit frame of the caller. */
    .code16
fc_code16:
    mov %esp, %ebx
    push %ax
    mov %esp, %ecx
    pop %ax
    lretl
    .code32
far_low_end:

/* ---- CPL3 ---- */

/* CALL and JMP to a conforming DPL0 segment: CPL stays 3 (CS.RPL = 3),
 * no stack switch. */
    .globl fc_u_conforming, fc_uconf_ret
fc_u_conforming:
    mov %esp, REC(FR_ESP_BEFORE)
    lcall $FC_CONF0, $fc_conf_target
fc_uconf_ret:
    AFTER_RECORD
    ljmp $FC_CONF0, $fc_conf_jmp
fc_conf_jmp_back:
    ret
fc_conf_target:
    TARGET_RECORD
    lret
fc_conf_jmp:
    SAVE_SEG %cs, FR_X
    ljmp $SEL_UCODE, $fc_conf_jmp_back

/* CALL through the DPL3 gate with 0 parameters: stack switch to
 * ss0:esp0, back by RET far. */
    .globl fc_u_call_p0, fc_ucall_p0_ret
fc_u_call_p0:
    mov %esp, REC(FR_ESP_BEFORE)
    lcall $FC_GATE3_P0, $0
fc_ucall_p0_ret:
    AFTER_RECORD
    mov REC(FR_ESP_BEFORE), %esp
    ret

    .globl fc_gate_p0
fc_gate_p0:
    TARGET_RECORD
    lret

/* CALL through the DPL3 gate with 3 parameters, back by RET 12. */
    .globl fc_u_call_p3, fc_ucall_p3_ret
fc_u_call_p3:
    mov %esp, REC(FR_ESP_BEFORE)
    pushl $0x11111111
    pushl $0x22222222
    pushl $0x33333333
    mov %esp, REC(FR_ESP_PARAMS)
    lcall $FC_GATE3_P3, $0
fc_ucall_p3_ret:
    AFTER_RECORD
    mov REC(FR_ESP_BEFORE), %esp
    ret

    .globl fc_gate_p3
fc_gate_p3:
    TARGET_RECORD
    lret $12

/* CALL through a DPL3 gate (3 parameters) to the DPL3 user code segment:
 * same level, so no stack switch and nothing copied. */
    .globl fc_u_call_same, fc_ucall_u_ret
fc_u_call_same:
    mov %esp, REC(FR_ESP_BEFORE)
    pushl $0x44444444
    pushl $0x55555555
    pushl $0x66666666
    mov %esp, REC(FR_ESP_PARAMS)
    lcall $FC_GATE3_U, $0
fc_ucall_u_ret:
    AFTER_RECORD
    mov REC(FR_ESP_BEFORE), %esp
    ret

    .globl fc_gate_u
fc_gate_u:
    TARGET_RECORD
    lret $12

/* JMP through a DPL3 gate to the DPL3 user code segment: pushes nothing. */
    .globl fc_u_jmp_same, fc_ujmp_target
fc_u_jmp_same:
    mov %esp, REC(FR_ESP_BEFORE)
    ljmp $FC_GATE3_UJ, $0
fc_ujmp_target:
    mov %esp, REC(FR_T_ESP)
    SAVE_SEG %cs, FR_T_CS
    mov REC(FR_ESP_BEFORE), %esp
    ret

/* The CPL0 target loads ES, FS and GS with DPL0 segments; the RET to CPL3
 * nulls those that are data or nonconforming code. */
    .globl fc_u_segs
fc_u_segs:
    mov %esp, REC(FR_ESP_BEFORE)
    lcall $FC_GATE3_SEG, $0
    SAVE_SEG %ds, FR_DS
    SAVE_SEG %es, FR_ES
    SAVE_SEG %fs, FR_FS
    SAVE_SEG %gs, FR_GS
    mov $SEL_UDATA, %eax
    mov %ax, %es
    mov %ax, %fs
    mov %ax, %gs
    mov REC(FR_ESP_BEFORE), %esp
    ret

    .globl fc_gate_segs
fc_gate_segs:
    mov $SEL_KDATA, %eax        /* DPL0 data: nulled */
    mov %ax, %es
    mov $FC_CONF0, %eax         /* DPL0 conforming code: kept */
    mov %ax, %fs
    mov $SEL_KCODE, %eax        /* DPL0 nonconforming code: nulled */
    mov %ax, %gs
    lret                        /* DS keeps the caller's SEL_UDATA (DPL3) */

/* Faults. */
    .globl fc_u_gp_call, fc_ugp_call
fc_u_gp_call:
fc_ugp_call:
    lcall $FC_KCODE2, $fc_far_target
    ret

    .globl fc_u_gp_jmp, fc_ugp_jmp
fc_u_gp_jmp:
fc_ugp_jmp:
    ljmp $FC_KCODE2, $fc_far_target
    ret

    .globl fc_u_gate0, fc_ugate0
fc_u_gate0:
fc_ugate0:
    lcall $FC_GATE0, $0
    ret

    .globl fc_u_gate_np, fc_ugate_np
fc_u_gate_np:
fc_ugate_np:
    lcall $FC_GATE3_NP, $0
    ret

    .globl fc_u_jmp_gate, fc_ujmp_gate
fc_u_jmp_gate:
fc_ujmp_gate:
    ljmp $FC_GATE3_P0, $0
    ret
