/* The timed loops of the nano benchmark and the guest handlers they enter.
 * Each loop is `uint64_t nano_loop_X(uint32_t n)`: it runs its body n times
 * between two RDTSCs and returns the TSC ticks in between (EDX:EAX). The
 * loop control is the same in all of them (DEC EDI, JNZ), so that
 * nano_loop_empty's ticks are the overhead every other loop carries and can
 * be subtracted. No serialising instruction around RDTSC (CPUID would be a
 * VM exit on the host): the loops are long enough that a few cycles of
 * reordering do not matter.
 *
 * A body may use EAX, EBX, ECX, EDX, ESI and EBP and must leave ESP and EDI
 * as it found them. LOOP_ENTER saves the callee-saved registers and loads n
 * into EDI; code between LOOP_ENTER and LOOP_START prepares registers
 * (EAX and EDX excepted: RDTSC takes them); LOOP_END closes the loop and
 * leaves the ticks in EDX:EAX; code between LOOP_END and LOOP_LEAVE may
 * undo the preparation without touching EAX and EDX.
 *
 * Handlers that count (nano_count) let the C side check that the trap
 * really happened once per iteration. */
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UCODE 0x1b
#define SEL_UDATA 0x23
#define EFL_IF    0x200

.macro LOOP_ENTER name
    .text
    .globl \name
    .type \name, @function
    .p2align 4
\name:
    push %ebp
    push %ebx
    push %esi
    push %edi
    mov 20(%esp), %edi          /* n */
.endm

.macro LOOP_START name
    rdtsc
    push %edx
    push %eax
    .p2align 4
.Ltop_\name:
.endm

.macro LOOP_END name
    dec %edi
    jnz .Ltop_\name
    rdtsc
    sub 0(%esp), %eax
    sbb 4(%esp), %edx
    add $8, %esp
.endm

.macro LOOP_LEAVE name
    pop %edi
    pop %esi
    pop %ebx
    pop %ebp
    ret
    .size \name, . - \name
.endm

    .data
    .globl nano_count
nano_count:     .long 0         /* incremented by every counting handler */
nano_saved_esp: .long 0         /* the iret loop's ESP, for its INT handler */

    .bss
    .p2align 4
    .skip 256                   /* the iret loop's CPL3 code pushes nothing */
nano_ustack_top:

/* The loop alone: the overhead subtracted from all the others. */
LOOP_ENTER nano_loop_empty
LOOP_START nano_loop_empty
LOOP_END nano_loop_empty
LOOP_LEAVE nano_loop_empty

/* syscall (runs at CPL3): INT 0x80 through a DPL3 interrupt gate to a
 * CPL0 handler, which counts and IRETs back (SDM vol. 3A, 6.12.1: a stack
 * switch to TSS.SS0:ESP0, SS:ESP pushed; IRET pops them again). */
LOOP_ENTER nano_loop_syscall
LOOP_START nano_loop_syscall
    int $0x80
LOOP_END nano_loop_syscall
LOOP_LEAVE nano_loop_syscall

    .globl nano_syscall_entry
nano_syscall_entry:
    incl %ss:nano_count
    iret

/* sysenter (runs at CPL3): SYSENTER to nano_sysenter_entry, which counts
 * and SYSEXITs to EDX with ESP = ECX (SDM vol. 2B SYSENTER, SYSEXIT: CS/SS
 * come from IA32_SYSENTER_CS, +8 at CPL0, +16 and +24 at CPL3, which is
 * SEL_KCODE, SEL_KDATA, SEL_UCODE, SEL_UDATA in the kit's GDT). The two MOVs
 * are what a guest's system-call stub does too. */
LOOP_ENTER nano_loop_sysenter
LOOP_START nano_loop_sysenter
    mov %esp, %ecx
    mov $.Lsysenter_back, %edx
    sysenter
.Lsysenter_back:
LOOP_END nano_loop_sysenter
LOOP_LEAVE nano_loop_sysenter

    .globl nano_sysenter_entry
nano_sysenter_entry:
    incl %ss:nano_count
    sysexit

/* call/ret: a near CALL of a function that only returns. */
LOOP_ENTER nano_loop_callret
LOOP_START nano_loop_callret
    call nano_empty_function
LOOP_END nano_loop_callret
LOOP_LEAVE nano_loop_callret

nano_empty_function:
    ret

/* divzero (CPL0): DIV by EBX = 0 raises #DE, a fault whose saved EIP is the
 * DIV itself (SDM vol. 3A, 6.15 "Interrupt 0"); the handler steps over it
 * (F7 F3, 2 bytes) and IRETs. */
LOOP_ENTER nano_loop_divzero
    xor %ebx, %ebx
LOOP_START nano_loop_divzero
    div %ebx                    /* 2 bytes: nano_divzero_entry skips them */
LOOP_END nano_loop_divzero
LOOP_LEAVE nano_loop_divzero

    .globl nano_divzero_entry
nano_divzero_entry:
    addl $2, (%esp)             /* the saved EIP, past the DIV */
    incl %ss:nano_count
    iret

/* in (CPL0): a byte read from port 0x80, the POST port both QEMU and
 * bt386 implement (reads all ones). */
LOOP_ENTER nano_loop_in
LOOP_START nano_loop_in
    inb $0x80, %al
LOOP_END nano_loop_in
LOOP_LEAVE nano_loop_in

/* cli/sti (CPL0): one pair per iteration; IF is left clear again after
 * the loop. The PIC is masked (rows.c), so no interrupt arrives while
 * IF = 1. */
LOOP_ENTER nano_loop_clisti
LOOP_START nano_loop_clisti
    cli
    sti
LOOP_END nano_loop_clisti
    cli
LOOP_LEAVE nano_loop_clisti

/* rdtsc: the instruction alone (in the loop's RDTSCs too, subtracted). */
LOOP_ENTER nano_loop_rdtsc
LOOP_START nano_loop_rdtsc
    rdtsc
LOOP_END nano_loop_rdtsc
LOOP_LEAVE nano_loop_rdtsc

/* iret (runs at CPL0): IRET to CPL3 (SDM vol. 2A IRET, "return to outer
 * privilege level": SS:ESP popped, segment registers checked), where an
 * INT 0x82 through a DPL3 gate comes straight back to CPL0; its handler
 * drops the frame by reloading the loop's ESP and jumps back into the
 * loop. DS and ES hold the DPL3 flat selector during the loop, as a kernel
 * that returns to user mode often does, so the IRET keeps them (a DPL0 one
 * would be nulled: the handler could not read memory through DS); FS and
 * GS are null. All four are restored afterwards. */
LOOP_ENTER nano_loop_iret
    push %ds
    push %es
    push %fs
    push %gs
    mov $SEL_UDATA, %ebx
    mov %ebx, %ds
    mov %ebx, %es
    xor %ebx, %ebx
    mov %ebx, %fs
    mov %ebx, %gs
    lea -8(%esp), %eax          /* ESP inside the loop, after LOOP_START's pushes */
    mov %eax, nano_saved_esp
LOOP_START nano_loop_iret
    push $SEL_UDATA             /* SS */
    push $nano_ustack_top       /* ESP */
    push $0x2                   /* EFLAGS: IF = 0, IOPL 0 */
    push $SEL_UCODE             /* CS */
    push $.Liret_user           /* EIP */
    iret
.Liret_user:                    /* CPL3 */
    int $0x82
.Liret_back:                    /* CPL0 again, through nano_iret_entry */
LOOP_END nano_loop_iret
    pop %gs
    pop %fs
    pop %es
    pop %ds
LOOP_LEAVE nano_loop_iret

    .globl nano_iret_entry
nano_iret_entry:
    mov %ss:nano_saved_esp, %esp        /* drop the INT frame on the TSS stack */
    incl %ss:nano_count
    jmp .Liret_back

/* popf (CPL0): two POPFs per iteration, one setting IF and one clearing
 * it (ops = 2 in rows.c: the cost of one PUSH+POPF that changes IF).
 * The PIC is masked, as for cli/sti. */
LOOP_ENTER nano_loop_popf
    pushf
    pop %ebx
    and $~EFL_IF, %ebx          /* ESI: IF = 0 */
    mov %ebx, %esi
    or $EFL_IF, %ebx            /* EBX: IF = 1 */
LOOP_START nano_loop_popf
    push %ebx
    popf
    push %esi
    popf
LOOP_END nano_loop_popf
LOOP_LEAVE nano_loop_popf

/* segload (CPL0): MOV to DS of the flat DPL0 data selector it already
 * holds (SDM vol. 2A MOV: the descriptor is read and checked every time). */
LOOP_ENTER nano_loop_segload
    mov $SEL_KDATA, %ebx
LOOP_START nano_loop_segload
    mov %ebx, %ds
LOOP_END nano_loop_segload
LOOP_LEAVE nano_loop_segload
