/* The probes of sens_priv.c: the table of instructions that are privileged
 * at CPL3, and the I/O, RDTSC and debug-register probes it runs one by one.
 *
 * PRIV name, "text", cpl0, setup, insn adds a probe (see sens_probe.inc) and
 * a row { probe, address of insn, "text", cpl0 } to sens_priv_table; cpl0 = 1
 * when the probe also runs at CPL0 without a fault (0: HLT would wait for
 * an interrupt, LTR of the busy kit TSS faults, RDPMC is #UD in QEMU). Each
 * setup loads operands that are harmless when the instruction runs (the
 * current CR values, the current GDTR...), so that a monitor that lets one
 * through at CPL3 fails that row alone. */
#include "sens_probe.inc"

.macro PRIV name, text, cpl0, setup, insn
    PROBE priv_\name, "\setup", "\insn"
    .pushsection .rodata
.Ltext\@: .asciz "\text"
    .popsection
    .pushsection .data
    .long sens_priv_\name, sens_priv_\name\()_at, .Ltext\@, \cpl0
    .popsection
.endm

    .data
    .globl sens_priv_cr0, sens_priv_cr3, sens_priv_cr4, sens_priv_gdtr, sens_priv_idtr
sens_priv_cr0: .long 0
sens_priv_cr3: .long 0
sens_priv_cr4: .long 0
sens_priv_gdtr: .skip 8
sens_priv_idtr: .skip 8

    .globl sens_priv_table, sens_priv_table_end
sens_priv_table:
    PRIV lgdt, "lgdt m", 1, , "lgdt sens_priv_gdtr"
    PRIV lidt, "lidt m", 1, , "lidt sens_priv_idtr"
    PRIV lldt, "lldt ax (null)", 1, "xor %eax, %eax", "lldt %ax"
    PRIV ltr, "ltr ax (the kit's TSS)", 0, "mov $0x28, %eax", "ltr %ax"
    PRIV lmsw, "lmsw ax", 1, "mov sens_priv_cr0, %eax", "lmsw %ax"
    PRIV rd_cr0, "mov eax, cr0", 1, , "mov %cr0, %eax"
    PRIV wr_cr0, "mov cr0, eax", 1, "mov sens_priv_cr0, %eax", "mov %eax, %cr0"
    PRIV rd_cr2, "mov eax, cr2", 1, , "mov %cr2, %eax"
    PRIV wr_cr2, "mov cr2, eax", 1, "xor %eax, %eax", "mov %eax, %cr2"
    PRIV rd_cr3, "mov eax, cr3", 1, , "mov %cr3, %eax"
    PRIV wr_cr3, "mov cr3, eax", 1, "mov sens_priv_cr3, %eax", "mov %eax, %cr3"
    PRIV rd_cr4, "mov eax, cr4", 1, , "mov %cr4, %eax"
    PRIV wr_cr4, "mov cr4, eax", 1, "mov sens_priv_cr4, %eax", "mov %eax, %cr4"
    PRIV rd_dr0, "mov eax, dr0", 1, , "mov %dr0, %eax"
    PRIV rd_dr1, "mov eax, dr1", 1, , "mov %dr1, %eax"
    PRIV rd_dr2, "mov eax, dr2", 1, , "mov %dr2, %eax"
    PRIV rd_dr3, "mov eax, dr3", 1, , "mov %dr3, %eax"
    PRIV rd_dr4, "mov eax, dr4", 1, , "mov %dr4, %eax"
    PRIV rd_dr5, "mov eax, dr5", 1, , "mov %dr5, %eax"
    PRIV rd_dr6, "mov eax, dr6", 1, , "mov %dr6, %eax"
    PRIV rd_dr7, "mov eax, dr7", 1, , "mov %dr7, %eax"
    PRIV wr_dr0, "mov dr0, eax", 1, "xor %eax, %eax", "mov %eax, %dr0"
    PRIV wr_dr1, "mov dr1, eax", 1, "xor %eax, %eax", "mov %eax, %dr1"
    PRIV wr_dr2, "mov dr2, eax", 1, "xor %eax, %eax", "mov %eax, %dr2"
    PRIV wr_dr3, "mov dr3, eax", 1, "xor %eax, %eax", "mov %eax, %dr3"
    PRIV wr_dr4, "mov dr4, eax", 1, "xor %eax, %eax", "mov %eax, %dr4"
    PRIV wr_dr5, "mov dr5, eax", 1, "xor %eax, %eax", "mov %eax, %dr5"
    PRIV wr_dr6, "mov dr6, eax", 1, "xor %eax, %eax", "mov %eax, %dr6"
    PRIV wr_dr7, "mov dr7, eax", 1, "xor %eax, %eax", "mov %eax, %dr7"
    PRIV clts, "clts", 1, , "clts"
    PRIV invlpg, "invlpg m", 1, , "invlpg sens_priv_cr0"
    PRIV invd, "invd", 1, , "invd"
    PRIV wbinvd, "wbinvd", 1, , "wbinvd"
    PRIV rdmsr, "rdmsr (TSC, 0x10)", 1, "mov $0x10, %ecx", "rdmsr"
    PRIV wrmsr, "wrmsr (SYSENTER_ESP, 0x175)", 1, "mov $0x175, %ecx; xor %eax, %eax; xor %edx, %edx", "wrmsr"
    PRIV rdpmc, "rdpmc (CR4.PCE=0)", 0, "xor %ecx, %ecx", "rdpmc"
    PRIV cli, "cli (iopl0)", 1, , "cli"
    PRIV sti, "sti (iopl0)", 1, , "sti"
    /* Last: a monitor that executes it may end the run. */
    PRIV hlt, "hlt", 0, , "hlt"
    .data
sens_priv_table_end:

/* Port I/O: the port is `arg`; OUT writes 0; INS/OUTS use sens_io_buf. */
    PROBE inb, "movl 4(%esp), %edx", "inb %dx, %al"
    PROBE inw, "movl 4(%esp), %edx", "inw %dx, %ax"
    PROBE inl, "movl 4(%esp), %edx", "inl %dx, %eax"
    PROBE outb, "movl 4(%esp), %edx; xor %eax, %eax", "outb %al, %dx"
    PROBE outw, "movl 4(%esp), %edx; xor %eax, %eax", "outw %ax, %dx"
    PROBE outl, "movl 4(%esp), %edx; xor %eax, %eax", "outl %eax, %dx"
    PROBE insb, "push %edi; mov $sens_io_buf, %edi; movl 8(%esp), %edx", "insb", "pop %edi"
    PROBE outsb, "push %esi; mov $sens_io_buf, %esi; movl 8(%esp), %edx", "outsb", "pop %esi"
    .bss
    .globl sens_io_buf
sens_io_buf: .skip 4

/* RDTSC (its value is never printed). */
    PROBE rdtsc, , "rdtsc"

/* MOV to and from DR4 (CR4.DE = 1: #UD). */
    PROBE rd_dr4, , "mov %dr4, %eax"
    PROBE wr_dr4, "xor %eax, %eax", "mov %eax, %dr4"
