/* The code of hostile_code.c: instructions entered in their middle, code
 * in data, a random-page runner, POPF, privileged instructions, accesses
 * through a segment whose base makes them wrap at 4 GiB, and code that
 * patches itself. Every function is a cdecl uint32_t fn(uint32_t) so that
 * it runs at CPL0 (a call) or at CPL3 (pm_run_user). */

    .text
/* ---- Jumps into the middle of an instruction ----
 * hc_overlap_whole: B8 40 40 40 C3 is MOV EAX, 0xc3404040, then RET.
 * hc_overlap_mid(x): the same bytes entered one byte in are INC EAX three
 * times and RET: returns x + 3. */
    .globl hc_overlap_whole, hc_overlap_mid
hc_overlap_whole:
    .byte 0xb8, 0x40, 0x40, 0x40, 0xc3
    ret
hc_overlap_mid:
    mov 4(%esp), %eax
    jmp hc_overlap_whole + 1

/* hc_mid_loop(n), n > 0: a loop whose body is the imm32 of a CMP.
 * 3D 40 49 75 FC is CMP EAX, 0xfc754940; entered at +1 it is INC EAX;
 * DEC ECX; JNZ +1 (back to the INC, inside the CMP). Returns n.
 * hc_mid_cmp(x): the same bytes run as the CMP: returns ZF (x == 0xfc754940). */
    .globl hc_mid_loop, hc_mid_cmp
hc_mid_loop:
    mov 4(%esp), %ecx
    xor %eax, %eax
    jmp hc_mid_insn + 1
hc_mid_cmp:
    mov 4(%esp), %eax
    call hc_mid_insn
    setz %al
    movzbl %al, %eax
    ret
hc_mid_insn:
    .byte 0x3d, 0x40, 0x49, 0x75, 0xfc
    ret

/* ---- A page of random bytes ----
 * hc_run_page(addr): every general register points into hc_scratch (so
 * the first memory accesses of the random code hit RAM of the guest's
 * own), ESP in its upper half, then a jump to addr through memory. Never
 * returns unless the random code happens to return. */
    .globl hc_run_page
hc_run_page:
    mov 4(%esp), %eax
    mov %eax, hc_page_target
    mov $hc_scratch + 0x1800, %esp
    mov $hc_scratch + 0x1000, %eax
    mov %eax, %ebx
    mov %eax, %ecx
    mov %eax, %edx
    mov %eax, %esi
    mov %eax, %edi
    mov %eax, %ebp
    jmp *hc_page_target

/* ---- POPF ----
 * hc_popf(v): POPF v then PUSHF: returns the EFLAGS that stuck.
 * hc_popfw(v): the same with 16-bit operands (66 9D, 66 9C). */
    .globl hc_popf, hc_popfw
hc_popf:
    pushl 4(%esp)
    popf
    pushf
    pop %eax
    ret
hc_popfw:
    pushw 4(%esp)
    popfw
    pushfw
    xor %eax, %eax
    popw %ax
    ret

/* ---- Privileged instructions (SDM vol. 3A, 5.9): #GP(0) at CPL3 ----
 * The label on each instruction is where the fault must point. */
.macro PRIV name, insn:vararg
    .globl hc_priv_\name
hc_priv_\name:
    mov 4(%esp), %eax
    .globl hc_priv_\name\()_insn
hc_priv_\name\()_insn:
    \insn
    ret
.endm
    PRIV hlt, hlt
    PRIV cli, cli
    PRIV sti, sti
    PRIV lgdt, lgdt hc_dtr
    PRIV lidt, lidt hc_dtr
    PRIV rd_cr0, mov %cr0, %eax
    PRIV wr_cr0, mov %eax, %cr0
    PRIV wr_cr3, mov %eax, %cr3
    PRIV wrmsr, wrmsr
    PRIV in, in $0x80, %al

/* ---- The 4 GiB wraparound ----
 * hc_wrap_*(sel): FS = sel, one 4-byte access, FS put back.
 *   read_low:   MOV EAX, FS:[0xfffffffe] (the moffs form, A1)
 *   read_high:  MOV EAX, FS:[ECX], ECX = 0x80000000
 *   write_low:  MOV DWORD FS:[0xfffffffe], 0x5eed5eed (C7 05 disp32) */
    .globl hc_wrap_read_low, hc_wrap_read_high, hc_wrap_write_low
hc_wrap_read_low:
    push %fs
    mov 8(%esp), %eax
    mov %eax, %fs
    mov %fs:0xfffffffe, %eax
    pop %fs
    ret
hc_wrap_read_high:
    push %fs
    mov 8(%esp), %eax
    mov %eax, %fs
    mov $0x80000000, %ecx
    mov %fs:(%ecx), %eax
    pop %fs
    ret
hc_wrap_write_low:
    push %fs
    mov 8(%esp), %eax
    mov %eax, %fs
    movl $0x5eed5eed, %fs:0xfffffffe
    xor %eax, %eax
    pop %fs
    ret

/* ---- Code that patches itself ----
 * Writable code (link.ld places .smc_code with the data; paging is off,
 * so CPL3 may write it through its flat data segment). The functions of
 * guests/tests/smc_asm.S (smc_next, smc_later, smc_loop, smc_imm) serve
 * too, linked in; here only what they lack. */
    .section .smc_code, "awx", @progbits
    .balign 64
/* hc_smc_opcode(op): writes the one-byte opcode of the next instruction
 * (0x40 INC EAX, 0x48 DEC EAX, 0x90 NOP) with EAX = 100 and runs it. */
    .globl hc_smc_opcode
hc_smc_opcode:
    mov 4(%esp), %ecx
    mov $100, %eax
    mov %cl, 1f
1:  inc %eax
    ret

/* hc_based_code: MOV EAX, imm32; RET FAR, run through a code segment
 * whose base is its address (hostile_code.c), so its EIP is 0 while its
 * linear address is not; the C side rewrites hc_based_imm between runs. */
    .balign 16
    .globl hc_based_code, hc_based_imm
hc_based_code:
    .byte 0xb8
hc_based_imm:
    .long 0
    .byte 0xcb

    .data
    .balign 16
/* ---- Code in data ----
 * hc_data_code: MOV EAX, 0x600dc0de; RET, as bytes of a data array.
 * hc_data_bad: FF FF, an undefined encoding (FF /7): #UD. */
    .globl hc_data_code, hc_data_imm, hc_data_bad
hc_data_code:
    .byte 0xb8
hc_data_imm:
    .long 0x600dc0de
    .byte 0xc3
hc_data_bad:
    .byte 0xff, 0xff

    .balign 8
hc_dtr:
    .word 0
    .long 0
hc_page_target:
    .long 0

    .bss
    .balign 4096
    .globl hc_scratch
hc_scratch:
    .skip 0x2000
