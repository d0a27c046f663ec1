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

/* --- The paging rows. paging.c builds the tables and turns paging on in
 * the row's setup (layout: nano_paging.h); every frame a loop reads holds
 * its own physical address, and a loop counts (nano_count) only the
 * iterations whose reads all saw the frame the guest's tables name, so a
 * stale translation makes the row n/a instead of fast. */
#include "nano_paging.h"

#define PTEMOD_PTE (nano_pt_ident + PTEMOD_VA / PAGE_SIZE * 4)
#define PGFAULT_LOAD_LEN 5      /* A1 moffs32: MOV EAX, [PGFAULT_VA] */

/* pgfault (CPL0): a load from a page whose PTE is not present: #PF, a
 * fault whose saved EIP is the load itself, above an error code (SDM vol.
 * 3A, 6.15 "Interrupt 14"). The handler steps over the load, drops the
 * error code and IRETs; it reads nothing else (not even CR2). */
LOOP_ENTER nano_loop_pgfault
LOOP_START nano_loop_pgfault
.Lpgfault_load:
    movl PGFAULT_VA, %eax
.Lpgfault_next:
LOOP_END nano_loop_pgfault
LOOP_LEAVE nano_loop_pgfault
    .if .Lpgfault_next - .Lpgfault_load - PGFAULT_LOAD_LEN
    .error "the pgfault load is not PGFAULT_LOAD_LEN bytes: fix its handler"
    .endif

    .globl nano_pgfault_entry
nano_pgfault_entry:
    addl $PGFAULT_LOAD_LEN, 4(%esp)     /* the saved EIP, above the error code */
    incl %ss:nano_count
    add $4, %esp                /* the error code: IRET does not pop it */
    iret

/* ptemod-unchanged (CPL0): the value a present PTE already holds (A and D
 * preset, so the CPU never changes it) is stored back into it, then the
 * page is read. Nothing to invalidate: the translation did not change. */
LOOP_ENTER nano_loop_ptemod_unchanged
    mov $(PTEMOD_X | PTE_FLAGS), %ebx
LOOP_START nano_loop_ptemod_unchanged
    mov %ebx, PTEMOD_PTE
    cmpl $PTEMOD_X, PTEMOD_VA
    jne 1f
    incl nano_count
1:
LOOP_END nano_loop_ptemod_unchanged
LOOP_LEAVE nano_loop_ptemod_unchanged

/* ptemod-np-p (CPL0): the PTE goes from not present to present (no
 * INVLPG: not-present entries are never cached, SDM vol. 3A, 4.10.4.3),
 * the page is read, the PTE goes back to 0 (not present) and INVLPG drops
 * the translation the read cached (4.10.4.1), as a kernel's demand-paging
 * fault and later unmap do. One operation = the whole cycle. */
LOOP_ENTER nano_loop_ptemod_np_p
    mov $(PTEMOD_X | PTE_FLAGS), %ebx
    xor %esi, %esi
LOOP_START nano_loop_ptemod_np_p
    mov %ebx, PTEMOD_PTE
    cmpl $PTEMOD_X, PTEMOD_VA
    jne 1f
    incl nano_count
1:  mov %esi, PTEMOD_PTE
    invlpg PTEMOD_VA
LOOP_END nano_loop_ptemod_np_p
LOOP_LEAVE nano_loop_ptemod_np_p

/* ptemod-remap (CPL0): a present PTE is pointed at another frame, INVLPG,
 * and the page is read (a copy-on-write break does this): frame Y, then
 * back to X; two operations per iteration. */
LOOP_ENTER nano_loop_ptemod_remap
    mov $(PTEMOD_Y | PTE_FLAGS), %ebx
    mov $(PTEMOD_X | PTE_FLAGS), %esi
LOOP_START nano_loop_ptemod_remap
    mov %ebx, PTEMOD_PTE
    invlpg PTEMOD_VA
    cmpl $PTEMOD_Y, PTEMOD_VA
    jne 1f
    mov %esi, PTEMOD_PTE
    invlpg PTEMOD_VA
    cmpl $PTEMOD_X, PTEMOD_VA
    jne 1f
    incl nano_count
1:
LOOP_END nano_loop_ptemod_remap
LOOP_LEAVE nano_loop_ptemod_remap

/* cr3switch (CPL0): MOV to CR3 of directory B, one dword read from each of
 * its 16 pages at SWITCH_VA, MOV to CR3 of A, the same 16 reads (other
 * frames); two operations per iteration. A MOV to CR3 invalidates every
 * non-global translation (SDM vol. 3A, 4.10.4.1; no PGE here), so each
 * read needs its translation again. */
LOOP_ENTER nano_loop_cr3switch
    mov $nano_pd_b, %ebx
    mov $nano_pd_a, %esi
LOOP_START nano_loop_cr3switch
    mov %ebx, %cr3
    xor %ecx, %ecx
    .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    add SWITCH_VA + \i * PAGE_SIZE, %ecx
    .endr
    mov %esi, %cr3
    xor %edx, %edx
    .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    add SWITCH_VA + \i * PAGE_SIZE, %edx
    .endr
    cmp $SWITCH_SUM(SWITCH_B_PHYS), %ecx
    jne 1f
    cmp $SWITCH_SUM(SWITCH_A_PHYS), %edx
    jne 1f
    incl nano_count
1:
LOOP_END nano_loop_cr3switch
LOOP_LEAVE nano_loop_cr3switch

/* cr3switch-only (CPL0): the two MOVs to CR3 alone. */
LOOP_ENTER nano_loop_cr3switch_only
    mov $nano_pd_b, %ebx
    mov $nano_pd_a, %esi
LOOP_START nano_loop_cr3switch_only
    mov %ebx, %cr3
    mov %esi, %cr3
LOOP_END nano_loop_cr3switch_only
LOOP_LEAVE nano_loop_cr3switch_only

/* pt-fill (CPL0): FILL_PAGES PTEs written into a page table that is
 * present in the current directory (a shadow MMU traces it), as fork
 * copies a process's mappings, then each page read once; ops = FILL_PAGES,
 * so the row is cycles per page. Only that is timed: the loop keeps its
 * own sum of RDTSC differences, and each iteration then clears the PTEs
 * again and reloads CR3 (an unmap), untimed, so the next one maps fresh
 * entries. The loop runs iters / FILL_PAGES times (iter_div in rows.c). */
LOOP_ENTER nano_loop_ptfill
    push $0                     /* the timed ticks, high dword */
    push $0                     /* low dword */
    .p2align 4
.Lptfill_top:
    rdtsc
    push %edx
    push %eax
    xor %ecx, %ecx
    mov $(FILL_PHYS | PTE_FLAGS), %edx
1:  mov %edx, nano_pt_fill(,%ecx,4)
    add $PAGE_SIZE, %edx
    inc %ecx
    cmp $FILL_PAGES, %ecx
    jne 1b
    mov $FILL_VA, %esi
    mov $FILL_PHYS, %edx
2:  cmp (%esi), %edx
    jne 3f
    add $PAGE_SIZE, %esi
    add $PAGE_SIZE, %edx
    cmp $(FILL_VA + FILL_PAGES * PAGE_SIZE), %esi
    jne 2b
    incl nano_count
3:  rdtsc
    sub 0(%esp), %eax
    sbb 4(%esp), %edx
    add $8, %esp
    add %eax, 0(%esp)
    adc %edx, 4(%esp)
    xor %ecx, %ecx
4:  movl $0, nano_pt_fill(,%ecx,4)
    inc %ecx
    cmp $FILL_PAGES, %ecx
    jne 4b
    mov %cr3, %eax
    mov %eax, %cr3
    dec %edi
    jnz .Lptfill_top
    pop %eax
    pop %edx
LOOP_LEAVE nano_loop_ptfill
