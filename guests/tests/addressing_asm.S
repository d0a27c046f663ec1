/* The memory-addressing cases of addressing.c, generated with GAS macros.
 *
 * addr_run_forms() runs every case once. A case sets its registers to
 * values the assembler computes so the effective address lands on a known
 * address, then does LEA (result to addr_lea[n]), a load (to addr_load[n])
 * and a store of STORE_VALUE + n (to a separate zeroed region). Each case
 * also appends {group, load address, store address, text} to
 * addr_cases[]; addressing.c checks everything afterwards. ESP and EBP
 * are used as ordinary base/index registers; ESP is restored after every
 * case (interrupts are off, nothing else uses the stack meanwhile).
 *
 * The other functions (segments, high-byte registers) are described where
 * they are defined. */
#include "addressing.h"

    .set ncase, 0
    .set n16, 0

    .pushsection .rodata.addr_cases, "a"
    .balign 4
    .globl addr_cases
addr_cases:
    .popsection

/* RECORD group, load, store, text: appends the case to the table. */
    .macro RECORD group, load, store, text:vararg
    .pushsection .rodata.addr_cases, "a"
    .long \group, \load, \store, .Ltext\@
    .popsection
    .pushsection .rodata.addr_text, "a"
.Ltext\@:
    .asciz "\text"
    .popsection
    .set ncase, ncase + 1
    .endm

/* Where case ncase reads (spread over the pattern) and writes (its own
 * 16-byte slot). */
    .macro TARGETS
    .set t, PAT_BASE + 16 + ((ncase * 52) % 0xffd0)
    .set s, STORE_BASE + 16 + 16 * ncase
    .endm

/* The three accesses of a case through operand \mem; \setl and \sets
 * are the register set-ups for the load address and the store address. */
    .macro ACCESS mem, setl, sets
    \setl
    lea \mem, %eax
    mov %eax, addr_lea + 4 * ncase
    \setl
    mov \mem, %eax
    mov %eax, addr_load + 4 * ncase
    \sets
    movl $(STORE_VALUE + ncase), \mem
    mov addr_saved_esp, %esp
    .endm

/* [base + index * scale + disp]. When base and index are the same
 * register its value v must satisfy v * (1 + scale) + disp = target, so
 * the target moves down to the nearest address that allows it. */
    .macro CASE_SIB base, index, scale, disp
    TARGETS
    .ifc \base,\index
    .set t, t - ((t - (\disp)) % (1 + \scale))
    .set s, s - ((s - (\disp)) % (1 + \scale))
    ACCESS "\disp(%\base,%\index,\scale)", \
        "mov $((t - (\disp)) / (1 + \scale)), %\base", \
        "mov $((s - (\disp)) / (1 + \scale)), %\base"
    .else
    .set vi, ((ncase * 37) % 64) - 20
    ACCESS "\disp(%\base,%\index,\scale)", \
        "mov $vi, %\index; mov $(t - vi * \scale - (\disp)), %\base", \
        "mov $vi, %\index; mov $(s - vi * \scale - (\disp)), %\base"
    .endif
    RECORD GROUP_SIB+REG_\base, t, s, \disp(%\base,%\index,\scale)
    .endm

    .set REG_eax, 0
    .set REG_ecx, 1
    .set REG_edx, 2
    .set REG_ebx, 3
    .set REG_esp, 4
    .set REG_ebp, 5
    .set REG_esi, 6
    .set REG_edi, 7

/* [base + disp] (no SIB, except that ESP as base always needs one). */
    .macro CASE_BASE base, disp
    TARGETS
    ACCESS "\disp(%\base)", "mov $(t - (\disp)), %\base", "mov $(s - (\disp)), %\base"
    RECORD GROUP_BASE_ONLY, t, s, \disp(%\base)
    .endm

/* [index * scale + disp32] (SIB with no base: mod = 00, base = 101). */
    .macro CASE_INDEX index, scale, disp
    TARGETS
    .set t, t - ((t - (\disp)) % \scale)
    .set s, s - ((s - (\disp)) % \scale)
    ACCESS "\disp(,%\index,\scale)", "mov $((t - (\disp)) / \scale), %\index", \
        "mov $((s - (\disp)) / \scale), %\index"
    RECORD GROUP_INDEX, t, s, \disp(,%\index,\scale)
    .endm

/* [disp32]: the ModRM form (mod = 00, rm = 101) with ECX, and the moffs
 * form (A1/A3) with EAX. */
    .macro CASE_ABS
    TARGETS
    lea t, %eax
    mov %eax, addr_lea + 4 * ncase
    mov t, %ecx
    mov %ecx, addr_load + 4 * ncase
    movl $(STORE_VALUE + ncase), s
    RECORD GROUP_ABS, t, s, [disp32] modrm
    TARGETS
    movl $t, addr_lea + 4 * ncase
    mov t, %eax
    mov %eax, addr_load + 4 * ncase
    mov $(STORE_VALUE + ncase), %eax
    mov %eax, s
    RECORD GROUP_ABS, t, s, [disp32] moffs
    .endm

/* Hand-encoded forms the assembler never emits: \modrm_sib are the bytes
 * after the opcode (8D LEA, 8B load, C7 /0 store), \reg = target - \delta
 * before each access. */
    .macro CASE_RAW reg, delta, text, modrm_sib:vararg
    TARGETS
    mov $(t - (\delta)), %\reg
    .byte 0x8d, \modrm_sib
    mov %eax, addr_lea + 4 * ncase
    mov $(t - (\delta)), %\reg
    .byte 0x8b, \modrm_sib
    mov %eax, addr_load + 4 * ncase
    mov $(s - (\delta)), %\reg
    .byte 0xc7, \modrm_sib
    .long STORE_VALUE + ncase
    mov addr_saved_esp, %esp
    RECORD GROUP_RAW, t, s, \text
    .endm

/* [disp32] through a SIB byte with neither base nor index (04 25). */
    .macro CASE_RAW_DISP32
    TARGETS
    .byte 0x8d, 0x04, 0x25
    .long t
    mov %eax, addr_lea + 4 * ncase
    .byte 0x8b, 0x04, 0x25
    .long t
    mov %eax, addr_load + 4 * ncase
    .byte 0xc7, 0x04, 0x25
    .long s, STORE_VALUE + ncase
    RECORD GROUP_RAW, t, s, 8b 04 25: [disp32] via SIB
    .endm

/* Effective addresses that wrap modulo 2^32 (loads only: the target is in
 * a pattern region). */
    .macro CASE_WRAP base, vbase, index, vindex, scale, disp
    .set t, (\vbase + \vindex * \scale + (\disp)) & 0xffffffff
    mov $\vbase, %\base
    mov $\vindex, %\index
    lea \disp(%\base,%\index,\scale), %eax
    mov %eax, addr_lea + 4 * ncase
    mov $\vbase, %\base
    mov $\vindex, %\index
    mov \disp(%\base,%\index,\scale), %eax
    mov %eax, addr_load + 4 * ncase
    mov addr_saved_esp, %esp
    RECORD GROUP_WRAP, t, 0, \disp(%\base,%\index,\scale) with \base=\vbase \index=\vindex
    .endm

/* 16-bit forms (0x67 prefix): EA = (r1 + r2 + disp) mod 64 KiB. The
 * registers' upper halves hold junk that must be ignored. With two
 * registers, every other case gives r1 a value >= 0xf000 so that
 * r1 + r2 + disp wraps past 64 KiB (alternating per form and per disp). */
    .macro CASE16 disp, r1, r2
    .set t, LOW_LOAD + 16 + ((ncase * 52) % 0x3fd0)
    .set s, LOW_STORE + 16 + 16 * n16
    .set n16, n16 + 1
    .ifb \r2
    ACCESS "\disp(%\r1)", "mov $(0xdead0000 | ((t - (\disp)) & 0xffff)), %e\r1", \
        "mov $(0xdead0000 | ((s - (\disp)) & 0xffff)), %e\r1"
    RECORD GROUP_16, t, s, \disp(%\r1)
    .else
    .set v1, (ncase * 0x1111) & 0x3fff
    .if (n16 + n16 / 8) & 1
    .set v1, 0xf000 + ((ncase * 0x111) & 0xfff)
    .endif
    ACCESS "\disp(%\r1,%\r2)", \
        "mov $(0xdead0000 | v1), %e\r1; mov $(0xbeef0000 | ((t - (\disp) - v1) & 0xffff)), %e\r2", \
        "mov $(0xdead0000 | v1), %e\r1; mov $(0xbeef0000 | ((s - (\disp) - v1) & 0xffff)), %e\r2"
    RECORD GROUP_16, t, s, \disp(%\r1,%\r2)
    .endif
    .endm

/* [disp16] under 0x67: the ModRM form (rm = 110, mod = 00) and moffs16. */
    .macro CASE16_ABS
    .set t, LOW_LOAD + 16 + ((ncase * 52) % 0x3fd0)
    .set s, LOW_STORE + 16 + 16 * n16
    .set n16, n16 + 1
    addr16 lea t, %eax
    mov %eax, addr_lea + 4 * ncase
    addr16 mov t, %ecx
    mov %ecx, addr_load + 4 * ncase
    addr16 movl $(STORE_VALUE + ncase), s
    RECORD GROUP_16, t, s, addr16 [disp16] modrm
    .set t, LOW_LOAD + 16 + ((ncase * 52) % 0x3fd0)
    .set s, LOW_STORE + 16 + 16 * n16
    .set n16, n16 + 1
    movl $t, addr_lea + 4 * ncase
    addr16 mov t, %eax
    mov %eax, addr_load + 4 * ncase
    mov $(STORE_VALUE + ncase), %eax
    addr16 mov %eax, s
    RECORD GROUP_16, t, s, addr16 [disp16] moffs
    .endm

/* Each register as the ModRM.reg operand of LEA, a load and a store (from
 * the register); the address is in EBX, or ECX when the register is EBX. */
    .macro CASE_DST reg
    TARGETS
    .ifc \reg,ebx
    ACCESS_DST \reg, ecx
    .else
    ACCESS_DST \reg, ebx
    .endif
    RECORD GROUP_DST, t, s, 0x10(base) with \reg as operand
    .endm

    .macro ACCESS_DST reg, base
    mov $(t - 0x10), %\base
    lea 0x10(%\base), %\reg
    mov %\reg, addr_lea + 4 * ncase
    mov 0x10(%\base), %\reg
    mov %\reg, addr_load + 4 * ncase
    mov $(s - 0x10), %\base
    mov $(STORE_VALUE + ncase), %\reg
    mov %\reg, 0x10(%\base)
    .endm

    .text
    .globl addr_run_forms
addr_run_forms:
    push %ebp
    push %ebx
    push %esi
    push %edi
    mov %esp, addr_saved_esp

    .irp base, eax, ecx, edx, ebx, esp, ebp, esi, edi
    .irp index, eax, ecx, edx, ebx, ebp, esi, edi
    .irp scale, 1, 2, 4, 8
    .irp disp, 0, 0x44, -0x3c, 0x12345, -0x1234568
    CASE_SIB \base, \index, \scale, \disp
    .endr
    .endr
    .endr
    .endr

    .irp base, eax, ecx, edx, ebx, esp, ebp, esi, edi
    .irp disp, 0, 0x7f, -0x80, 0x80, 0x12345, -0x1234568
    CASE_BASE \base, \disp
    .endr
    .endr

    .irp index, eax, ecx, edx, ebx, ebp, esi, edi
    .irp scale, 1, 2, 4, 8
    CASE_INDEX \index, \scale, 0x44
    CASE_INDEX \index, \scale, -0x1000
    .endr
    .endr

    CASE_ABS

    /* SIB index = 100 (none): the scale is ignored. */
    CASE_RAW esp, 0, "8b 04 64: [esp] with scale 2 and no index", 0x04, 0x64
    CASE_RAW eax, 0, "8b 04 a0: [eax] with scale 4 and no index", 0x04, 0xa0
    CASE_RAW ebp, 0x12, "8b 44 e5 12: [ebp+0x12] with scale 8 and no index", 0x44, 0xe5, 0x12
    CASE_RAW esp, 0x1000, "8b 84 24: [esp+disp32]", 0x84, 0x24, 0x00, 0x10, 0x00, 0x00
    CASE_RAW esi, 0, "8b 06: [esi] without SIB", 0x06
    CASE_RAW_DISP32

    /* The brief's example: 0xfffff000 + 0x21010 wraps to 0x20010. */
    CASE_WRAP ebx, 0xfffff000, esi, 0, 1, 0x21010
    CASE_WRAP ebx, 0x30000, esi, 0xfffff000, 8, 0x44
    CASE_WRAP eax, 0xfffffff0, ecx, 0x1001, 8, 0x7c
    CASE_WRAP esp, 0x80000000, ebp, 0x10004000, 8, 0x3c
    CASE_WRAP edi, 0x7fffffff, edx, 0x40010000, 2, 0x101
    CASE_WRAP ebx, 0x10020000, esi, 0, 4, -0x10000000
    CASE_WRAP ebx, 0x000e0100, esi, 0, 4, 0xfff40000
    CASE_WRAP ebp, 0xffffffff, eax, 0xffffffff, 1, 0x20002

    .irp disp, 0, 0x44, -0x3c, 0x1234, -0x1234
    CASE16 \disp, bx, si
    CASE16 \disp, bx, di
    CASE16 \disp, bp, si
    CASE16 \disp, bp, di
    CASE16 \disp, si
    CASE16 \disp, di
    CASE16 \disp, bx
    CASE16 \disp, bp
    .endr
    CASE16_ABS

    .irp reg, eax, ecx, edx, ebx, ebp, esi, edi
    CASE_DST \reg
    .endr

    mov addr_saved_esp, %esp
    pop %edi
    pop %esi
    pop %ebx
    pop %ebp
    ret

    .section .rodata
    .balign 4
    .globl addr_case_count
addr_case_count:
    .long ncase
    .if ncase > MAX_CASES
    .error "more cases than MAX_CASES"
    .endif

    .data
    .balign 4
addr_saved_esp:
    .long 0

/* void high_byte_ops(uint8_t *buf, uint32_t *out): AH BH CH DH with
 * memory operands, several addressed through the register that holds the
 * byte (64-bit mode cannot encode AH-DH together with a REX prefix, so a
 * translator that rewrites the address may not reach them). addressing.c
 * computes the expected out[] and buf[]. */
    .text
    .globl high_byte_ops
high_byte_ops:
    push %ebx
    push %esi
    push %edi
    mov 16(%esp), %ebx
    mov 20(%esp), %edi
    mov $0x11223344, %eax
    mov (%ebx), %ah                 /* out[0] = 0x1122xx44 */
    mov %eax, 0(%edi)
    add %bh, 1(%ebx)                /* buf[1] += BH */
    mov %ebx, %ecx
    cmp 2(%ecx), %ch                /* out[1] = flags of CH - buf[2] */
    pushf
    popl 4(%edi)
    mov $0x5a00, %edx
    xchg %dh, 3(%ebx)               /* buf[3] = 0x5a, out[2] = buf[3] << 8 */
    mov %edx, 8(%edi)
    mov %ebx, %eax
    mov %ah, 4(%eax)                /* buf[4] = AH of the address */
    mov %ebx, %edx
    mov 5(%edx), %dh                /* out[3] = address with DH = buf[5] */
    mov %edx, 12(%edi)
    mov $3, %esi
    mov $0x9900, %ecx
    sub %ch, 4(%ebx, %esi, 1)       /* buf[7] -= 0x99, out[4] = flags */
    pushf
    popl 16(%edi)
    mov $0x4000, %eax
    stc
    adc 8(%ebx), %ah                /* out[5] = 0x40 + buf[8] + 1 in AH */
    mov %eax, 20(%edi)
    mov $0x8000, %ebx
    mov 16(%esp), %esi
    test %bh, 9(%esi)               /* out[6] = flags of 0x80 & buf[9] */
    pushf
    popl 24(%edi)
    pop %edi
    pop %esi
    pop %ebx
    ret

/* void seg_ss_reads(uint16_t sel, uint32_t *out): with SS = sel (a data
 * segment with base 0x1000, DS flat), reads through the SS default of
 * EBP/ESP bases and the DS default of the others; pushes and pops on the
 * based stack. Nothing else uses the stack between the two SS loads.
 *   out[0] [ebp]              EBP = 0x20100: SS, linear 0x21100
 *   out[1] ds:[ebp]           DS, linear 0x20100
 *   out[2] [ebp+ebx*1]        EBX = 0x10, base EBP: SS, linear 0x21110
 *   out[3] [ebx+ebp*1]        base EBX: DS, linear 0x20110
 *   out[4] [esp+8]            ESP = 0x20200: SS, linear 0x21208
 *   out[5] addr16 [bp+si]     BP = 0x8000, SI = 0x100: SS, linear 0x9100
 *   out[6] addr16 [bx+si]     BX = 0x8000: DS, linear 0x8100
 *   out[7] PUSH imm32; POP    from ESP = 0x20400: stored at linear 0x213fc */
    .globl seg_ss_reads
seg_ss_reads:
    push %ebp
    push %ebx
    push %esi
    push %edi
    mov 20(%esp), %eax
    mov 24(%esp), %edi
    mov %ss, %cx
    mov %esp, %edx
    mov %ax, %ss
    mov $0x20100, %ebp
    mov $0x10, %ebx
    mov (%ebp), %eax
    mov %eax, 0(%edi)
    mov %ds:(%ebp), %eax
    mov %eax, 4(%edi)
    mov (%ebp, %ebx, 1), %eax
    mov %eax, 8(%edi)
    mov (%ebx, %ebp, 1), %eax
    mov %eax, 12(%edi)
    mov $0x20200, %esp
    mov 8(%esp), %eax
    mov %eax, 16(%edi)
    mov $0xdead8000, %ebp
    mov $0xbeef0100, %esi
    mov $0xf00d8000, %ebx
    addr16 mov (%bp, %si), %eax
    mov %eax, 20(%edi)
    addr16 mov (%bx, %si), %eax
    mov %eax, 24(%edi)
    mov $0x20400, %esp
    push $0x13579bdf
    pop %eax
    mov %eax, 28(%edi)
    mov %cx, %ss
    mov %edx, %esp
    pop %edi
    pop %esi
    pop %ebx
    pop %ebp
    ret
