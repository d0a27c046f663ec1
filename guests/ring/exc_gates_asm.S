/* Handlers and callers of exc_gates.c. The handlers are entered through
 * the test's own IDT gates (pm_idt_set), not the kit's stubs: they record
 * what the CPU pushed and the EFLAGS and ESP they run with. */
#define SEL_UCODE 0x1b
#define SEL_UDATA 0x23

    .data
    .globl gate_frame, gate_hflags, gate_hesp, gate_caller_esp, segs_seen
gate_frame:  .long 0, 0, 0, 0, 0    /* the first five dwords (or words) of the frame */
gate_hflags: .long 0                /* EFLAGS inside the handler */
gate_hesp:   .long 0                /* ESP inside the handler, before its own pushes */
gate_caller_esp: .long 0            /* ESP at the INT */
segs_seen:   .long 0, 0, 0, 0       /* DS ES FS GS after IRET to CPL3 */

    .text
/* A 32-bit gate's handler: the frame is EIP CS EFLAGS [ESP SS]. Stores go
 * through SS (the kernel's on entry from CPL3 too). TF is cleared in the
 * frame so the code after INT is not single-stepped on return. */
    .globl gate_probe
gate_probe:
    pushf
    popl %ss:gate_hflags
    mov %esp, %ss:gate_hesp
    push %eax
    mov 4(%esp), %eax
    mov %eax, %ss:gate_frame
    mov 8(%esp), %eax
    mov %eax, %ss:gate_frame + 4
    mov 12(%esp), %eax
    mov %eax, %ss:gate_frame + 8
    mov 16(%esp), %eax
    mov %eax, %ss:gate_frame + 12
    mov 20(%esp), %eax
    mov %eax, %ss:gate_frame + 16
    andl $~0x100, 12(%esp)
    pop %eax
    iret

/* A 16-bit gate's handler (type 6/7): the frame is words IP CS FLAGS
 * [SP SS]. Its code segment has the base that makes its offset fit in 16
 * bits. A 16-bit frame cannot return to an EIP above 64 KiB, so it ends
 * with UD2 instead, which the test's pm_try catches. */
    .globl gate16_entry
gate16_entry:
    pushf
    popl %ss:gate_hflags
    mov %esp, %ss:gate_hesp
    movzwl (%esp), %eax
    mov %eax, %ss:gate_frame
    movzwl 2(%esp), %eax
    mov %eax, %ss:gate_frame + 4
    movzwl 4(%esp), %eax
    mov %eax, %ss:gate_frame + 8
    movzwl 6(%esp), %eax
    mov %eax, %ss:gate_frame + 12
    movzwl 8(%esp), %eax
    mov %eax, %ss:gate_frame + 16
    .globl gate16_ud2
gate16_ud2:
    ud2

/* uint32_t int_NN(uint32_t eflags): EFLAGS = eflags, INT NN, and the
 * EFLAGS after the handler's IRET; EFLAGS back to 2 before returning (at
 * CPL3 POPF leaves IF and IOPL alone). int_NN_at / int_NN_next: the INT
 * and the instruction after it. */
    .macro INTCALL v
    .globl int_\v, int_\v\()_at, int_\v\()_next
int_\v:
    mov 4(%esp), %eax
    mov %esp, gate_caller_esp
    push %eax
    popf
int_\v\()_at:
    .byte 0xcd, 0x\v       /* INT imm8 (GAS would turn INT $3 into INT3) */
int_\v\()_next:
    pushf
    pop %eax
    pushl $2
    popf
    ret
    .endm
    INTCALL 03
    INTCALL 40
    INTCALL 50
    INTCALL 51
    INTCALL 52
    INTCALL 53
    INTCALL 54
    INTCALL 90

/* INT3 (CC) and INTO: their gate DPL is checked like INT n's. */
    .globl do_int3, do_int3_at, do_into, do_into_at
do_int3:
do_int3_at:
    int3
    ret
do_into:
    mov 4(%esp), %eax
    push %eax
    popf
do_into_at:
    into
    pushl $2
    popf
    mov $0x600d, %eax
    ret

/* void iret_user_segs(ds, es, fs, gs): loads the four data segment
 * registers at CPL0 and IRETs to user_segs at CPL3, which hands the
 * selectors it finds to seg_catch through INT 0x55 (a DPL3 gate). The
 * handler ends with UD2 at CPL0, caught by the test's pm_try. */
    .globl iret_user_segs, seg_catch
iret_user_segs:
    mov 4(%esp), %eax
    mov 8(%esp), %ebx
    mov 12(%esp), %ecx
    mov 16(%esp), %edx
    mov %ax, %ds
    mov %bx, %es
    mov %cx, %fs
    mov %dx, %gs
    pushl $SEL_UDATA
    pushl $segs_ustack_top
    pushl $2
    pushl $SEL_UCODE
    pushl $user_segs
    iret
user_segs:
    mov %ds, %eax
    mov %es, %ebx
    mov %fs, %ecx
    mov %gs, %edx
    int $0x55
    ud2
seg_catch:
    mov %eax, %ss:segs_seen
    mov %ebx, %ss:segs_seen + 4
    mov %ecx, %ss:segs_seen + 8
    mov %edx, %ss:segs_seen + 12
    ud2

/* uint32_t iret_flags(uint32_t eflags): IRET to the same privilege level
 * (CPL0 or CPL3) with eflags in the frame; returns the EFLAGS it got and
 * restores the old ones with POPF (at CPL3 POPF cannot undo IF/IOPL, but
 * IRET at CPL3 could not change them either). */
    .globl iret_flags, popf_flags
iret_flags:
    pushf
    mov 8(%esp), %eax
    push %eax
    push %cs
    pushl $1f
    iret
1:  pushf
    pop %eax
    popf
    ret

/* uint32_t popf_flags(uint32_t eflags): the same through POPF. */
popf_flags:
    pushf
    pushl 8(%esp)
    popf
    pushf
    pop %eax
    popf
    ret

    .bss
    .balign 16
    .skip 1024
segs_ustack_top:
