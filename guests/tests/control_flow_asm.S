/* Control-flow shapes for control_flow.c that C cannot pin down: every Jcc
 * in its short, near and backward encodings, LOOP/LOOPE/LOOPNE/JECXZ (also
 * with the 0x67 prefix, which makes them use CX), RET imm16, far and
 * far-away transfers, an explicit jump table, return-address games, a very
 * long straight-line block, and code laid out across page boundaries.
 * All functions are cdecl; the C prototypes are in control_flow.c. */

/* Condition codes in encoding order 0..15 (control_flow.c relies on it). */
#define CONDS o, no, b, ae, e, ne, be, a, s, ns, p, np, l, ge, le, g

    .text
/* int jshort_cc(uint32_t flags), jnear_cc, jback_cc: 1 if Jcc is taken
 * with EFLAGS = flags. jnear's target is > 127 bytes away (rel32 form),
 * jback's is behind it. The filler is INT3 so a wrong target never
 * "works". */
    .irp cc, CONDS
    .globl jshort_\cc, jnear_\cc, jback_\cc, cmpjcc_\cc
jshort_\cc:
    pushl 4(%esp)
    popf
    j\cc 1f
    xor %eax, %eax
    ret
1:  mov $1, %eax
    ret

jnear_\cc:
    pushl 4(%esp)
    popf
    j\cc 2f
    xor %eax, %eax
    ret
    .fill 200, 1, 0xcc
2:  mov $1, %eax
    ret

jback_\cc:
    pushl 4(%esp)
    popf
    jmp 2f
1:  mov $1, %eax
    ret
2:  j\cc 1b
    xor %eax, %eax
    ret

/* int cmpjcc_cc(uint32_t a, uint32_t b, uint32_t c): CMP a, b then
 * INC c, then Jcc: CF comes from the CMP, the other flags from the INC. */
cmpjcc_\cc:
    mov 4(%esp), %eax
    mov 12(%esp), %ecx
    cmp 8(%esp), %eax
    inc %ecx
    j\cc 1f
    xor %eax, %eax
    ret
1:  mov $1, %eax
    ret
    .endr

/* uint32_t loop_count(uint32_t n): iterations of LOOP from ECX = n >= 1. */
    .globl loop_count
loop_count:
    mov 4(%esp), %ecx
    xor %eax, %eax
1:  inc %eax
    loop 1b
    ret

/* uint32_t loop_flags(uint32_t flags): EFLAGS after three LOOPs, which
 * must not touch them. */
    .globl loop_flags
loop_flags:
    pushl 4(%esp)
    popf
    mov $3, %ecx
1:  loop 1b
    pushf
    pop %eax
    ret

/* uint64_t loope_scan(const uint32_t *p, uint32_t n, uint32_t v) and
 * loopne_scan: CMP [esi], v; LEA; LOOPE/LOOPNE. Returns ECX in the low half
 * and the number of elements compared in the high half. */
    .irp op, loope, loopne
    .globl \op\()_scan
\op\()_scan:
    push %esi
    mov 8(%esp), %esi
    mov 12(%esp), %ecx
    mov 16(%esp), %edx
1:  cmp %edx, (%esi)
    lea 4(%esi), %esi
    \op 1b
    mov %ecx, %eax
    mov %esi, %edx
    sub 8(%esp), %edx
    shr $2, %edx
    pop %esi
    ret
    .endr

/* int jecxz_taken(uint32_t ecx); int jcxz_taken(uint32_t ecx): the 0x67
 * form tests CX only. */
    .globl jecxz_taken, jcxz_taken
jecxz_taken:
    mov 4(%esp), %ecx
    jecxz 1f
    xor %eax, %eax
    ret
1:  mov $1, %eax
    ret

jcxz_taken:
    mov 4(%esp), %ecx
    jcxz 1f
    xor %eax, %eax
    ret
1:  mov $1, %eax
    ret

/* uint64_t loop16_count(uint32_t ecx): LOOP with the 0x67 prefix counts in
 * CX and leaves ECX's upper half alone. Returns the iterations in the low
 * half and the final ECX in the high half. */
    .globl loop16_count
loop16_count:
    mov 4(%esp), %ecx
    xor %eax, %eax
1:  inc %eax
    .byte 0x67, 0xe2             /* addr16 loop 1b */
    .byte 1b - . - 1
    mov %ecx, %edx
    ret

/* uint32_t ret_imm_sum(uint32_t a, uint32_t b, uint32_t c): callee-pops
 * (stdcall); called from inline asm in control_flow.c. */
    .globl ret_imm_sum
ret_imm_sum:
    mov 4(%esp), %eax
    add 8(%esp), %eax
    add 12(%esp), %eax
    ret $12

/* uint32_t ret_imm_big(void): pushes 0x100 bytes for a callee that pops
 * them with RET 0x100; returns the ESP difference (0 if balanced). */
    .globl ret_imm_big
ret_imm_big:
    mov %esp, %edx
    sub $0x100, %esp
    call 1f
    mov %esp, %eax
    sub %edx, %eax
    ret
1:  ret $0x100

/* int asm_switch(uint32_t i): JMP through a table of 8 cases, -1 beyond. */
    .globl asm_switch
asm_switch:
    mov 4(%esp), %eax
    cmp $7, %eax
    ja 9f
    jmp *switch_table(, %eax, 4)
    .irp n, 0, 1, 2, 3, 4, 5, 6, 7
case_\n:
    mov $(\n * 11 + 3), %eax
    ret
    .endr
9:  mov $-1, %eax
    ret

    .section .rodata
    .balign 4
switch_table:
    .long case_0, case_1, case_2, case_3, case_4, case_5, case_6, case_7
    .text

/* uint32_t call_table(uint32_t i, uint32_t x): CALL *table(,i,4). */
    .globl call_table
call_table:
    mov 4(%esp), %ecx
    pushl 8(%esp)
    call *call_targets(, %ecx, 4)
    add $4, %esp
    ret
target_0:
    mov 4(%esp), %eax
    add $1000, %eax
    ret
target_1:
    mov 4(%esp), %eax
    imul $3, %eax
    ret
target_2:
    mov 4(%esp), %eax
    xor $0x5a5a, %eax
    ret
target_3:
    mov 4(%esp), %eax
    neg %eax
    ret
    .section .rodata
    .balign 4
call_targets:
    .long target_0, target_1, target_2, target_3
    .text

/* uint32_t call_computed(uint32_t i, uint32_t x): CALL *%edx where EDX is
 * computed from target_0 plus the distance to target i. */
    .globl call_computed
call_computed:
    mov 4(%esp), %ecx
    mov call_targets(, %ecx, 4), %edx
    sub $target_0, %edx
    lea target_0(%edx), %edx
    pushl 8(%esp)
    call *%edx
    add $4, %esp
    ret

/* int call_pop_eip(void): CALL next; POP gives the guest address of the
 * instruction after the CALL (position-independent code does this). */
    .globl call_pop_eip
call_pop_eip:
    call 1f
1:  pop %eax
    cmp $1b, %eax
    sete %al
    movzbl %al, %eax
    ret

/* int return_address_seen(void): the callee reads its return address. */
    .globl return_address_seen
return_address_seen:
    call 2f
1:  cmp $1b, %eax
    sete %al
    movzbl %al, %eax
    ret
2:  mov (%esp), %eax
    ret

/* uint32_t skip_after_call(void): the callee adds 5 to its return address,
 * skipping the 5-byte MOV after the CALL: returns 5, not 99. */
    .globl skip_after_call
skip_after_call:
    mov $5, %eax
    call 1f
    mov $99, %eax
    ret
1:  addl $5, (%esp)
    ret

/* uint32_t push_ret_jump(void): PUSH label; RET is a jump. */
    .globl push_ret_jump
push_ret_jump:
    push $1f
    mov $7, %eax
    ret
    mov $99, %eax
1:  add $1, %eax
    ret

/* uint32_t jmp_through_memory(void): JMP *mem. */
    .globl jmp_through_memory
jmp_through_memory:
    mov $40, %eax
    jmp *jump_slot
    mov $99, %eax
1:  add $2, %eax
    ret
    .section .rodata
    .balign 4
jump_slot:
    .long 1b
    .text

/* uint32_t tail_even(uint32_t n) / tail_odd: mutual recursion written as
 * tail jumps (no stack growth): returns 1 if n is even. */
    .globl tail_even
tail_even:
    mov 4(%esp), %eax
    test %eax, %eax
    jz 1f
    dec %eax
    mov %eax, 4(%esp)
    jmp tail_odd
1:  mov $1, %eax
    ret
tail_odd:
    mov 4(%esp), %eax
    test %eax, %eax
    jz 1f
    dec %eax
    mov %eax, 4(%esp)
    jmp tail_even
1:  xor %eax, %eax
    ret

/* uint32_t rec_sum(uint32_t n): n + rec_sum(n - 1), with a real CALL at
 * every level (C recursion like this may be turned into a loop). */
    .globl rec_sum
rec_sum:
    mov 4(%esp), %eax
    test %eax, %eax
    jz 1f
    dec %eax
    push %eax
    call rec_sum
    add $4, %esp
    add 4(%esp), %eax
1:  ret

/* Far transfers with the current CS (the guest runs at CPL0):
 * uint32_t far_jmp_call(void): LJMP through memory, LCALL through memory
 * to a routine that LRETs, LRET to a pushed CS:EIP, IRET to the same CPL.
 * Returns a bit per transfer that landed where it should. */
    .globl far_jmp_call
far_jmp_call:
    push %ebx
    xor %ebx, %ebx
    xor %eax, %eax
    mov %cs, %ax
    mov %ax, far_ptr + 4
    movl $1f, far_ptr
    ljmp *far_ptr
    jmp 9f
1:  or $1, %ebx
    movl $far_callee, far_ptr
    lcall *far_ptr
    cmp $0x1234, %eax
    jne 2f
    or $2, %ebx
2:  xor %eax, %eax
    mov %cs, %ax
    push %eax
    push $3f
    lret
    jmp 9f
3:  or $4, %ebx
    pushf
    xor %eax, %eax
    mov %cs, %ax
    push %eax
    push $4f
    iret
    jmp 9f
4:  or $8, %ebx
9:  mov %ebx, %eax
    pop %ebx
    ret
far_callee:
    mov $0x1234, %eax
    lret
    .data
    .balign 4
far_ptr:
    .long 0
    .word 0
    .text

/* uint32_t far_away(void): a rel32 JMP forward over 256 KiB of INT3 and a
 * rel32 JMP back: returns 111. */
    .globl far_away
far_away:
    mov $1, %eax
    jmp far_away_target
far_away_back:
    add $10, %eax
    ret
    .fill 0x40000, 1, 0xcc
far_away_target:
    add $100, %eax
    jmp far_away_back

/* uint32_t long_block(uint32_t a, uint32_t b): 3000 repetitions of four
 * instructions (about 45 KiB) with no branch; control_flow.c computes the
 * same in C. */
    .globl long_block
long_block:
    push %ebx
    mov 8(%esp), %eax
    mov 12(%esp), %ebx
    .rept 3000
    add %ebx, %eax
    rol $5, %eax
    xor $0x9e3779b9, %ebx
    lea 7(%eax, %ebx, 2), %ebx
    .endr
    xor %ebx, %eax
    pop %ebx
    ret

/* Code laid out on page boundaries (paging is off, but a translator works
 * in pages). Each piece sits at a fixed offset from a 4 KiB boundary;
 * the labels on the boundaries let control_flow.c check the layout. */
    .section .text.pages, "ax"

/* uint32_t block_ends_at_page(void): a block whose last instruction (JMP)
 * ends exactly at the boundary; returns 0x33333334. */
    .balign 4096
    .fill 4096 - 12, 1, 0xcc
    .globl block_ends_at_page, page_boundary_1
block_ends_at_page:
    mov $0x11111111, %eax
    add $0x22222222, %eax
    jmp 1f
page_boundary_1:
1:  inc %eax
    ret

/* uint32_t fall_through_page(void): straight-line code that runs across
 * the boundary with no branch; returns 23. */
    .balign 4096
    .fill 4096 - 10, 1, 0xcc
    .globl fall_through_page, page_boundary_2
fall_through_page:
    mov $5, %eax
    add $6, %eax
    add %eax, %eax
page_boundary_2:
    add $1, %eax
    ret

/* uint32_t straddle_imm(void): MOV EAX, imm32 with 2 bytes on one page and
 * 3 on the next; returns 0x12345678. */
    .balign 4096
    .fill 4096 - 3, 1, 0xcc
    .globl straddle_imm, straddle_imm_insn
straddle_imm:
    nop
straddle_imm_insn:
    mov $0x12345678, %eax
    ret

/* uint32_t straddle_opcode(uint32_t a, uint32_t b): IMUL EAX, ECX whose
 * 0x0F escape byte is the last byte of a page; returns a * b. */
    .balign 4096
    .fill 4096 - 9, 1, 0xcc
    .globl straddle_opcode, straddle_opcode_insn
straddle_opcode:
    mov 4(%esp), %eax
    mov 8(%esp), %ecx
straddle_opcode_insn:
    imul %ecx, %eax
    ret

/* uint32_t straddle_jmp(void): a rel32 JMP whose opcode is the last byte
 * of a page and whose displacement is on the next; returns 8. */
    .balign 4096
    .fill 4096 - 6, 1, 0xcc
    .globl straddle_jmp, straddle_jmp_insn
straddle_jmp:
    mov $7, %eax
straddle_jmp_insn:
    .byte 0xe9
    .long 1f - . - 4
    .fill 300, 1, 0xcc
1:  inc %eax
    ret
