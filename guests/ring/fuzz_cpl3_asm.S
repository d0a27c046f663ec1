/* The way into one random sequence of fuzz_cpl3.c: an IRET from CPL0 to
 * CPL3 at fz_code_sel:0 with EFLAGS.TF = 1 (and IF = 0, IOPL = 0), the
 * sequence's own data segment in DS/ES/FS/GS/SS, and the same register
 * values every time. IRET is the instruction that sets TF, so the first
 * single-step trap comes after the first instruction of the sequence. Never
 * returns: every sequence ends in an exception (the #DB handler ends it
 * after a bounded number of steps), caught by the caller's pm_try. */

    .globl fz_enter, fz_code_sel, fz_data_sel
    .data
fz_code_sel: .long 0
fz_data_sel: .long 0

    .text
fz_enter:
    pushl fz_data_sel       /* SS */
    pushl $0xf00            /* ESP, near the top of the data page */
    pushl $0x102            /* EFLAGS: TF, bit 1 */
    pushl fz_code_sel       /* CS */
    pushl $0                /* EIP: the first byte of the sequence */
    mov fz_data_sel, %eax
    mov %ax, %ds            /* no DS-relative access after this one */
    mov %ax, %es
    mov %ax, %fs
    mov %ax, %gs
    /* Offsets in the data page, a different one per register. */
    mov $0x100, %eax
    mov $0x200, %ecx
    mov $0x300, %edx
    mov $0x400, %ebx
    mov $0x600, %ebp
    mov $0x700, %esi
    mov $0x800, %edi
    iret
