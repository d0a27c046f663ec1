/* Self-modifying code for smc.c. Everything here lives in a writable and
 * executable section (paging is off, so the CPU lets the guest write any
 * code; the section flags only keep the linker honest). Functions are
 * cdecl; the C prototypes are in smc.c. Code that smc.c patches exports a
 * label on the patched bytes. */

    .section .smc_code, "awx", @progbits
    .balign 4096

/* uint32_t smc_imm(void): returns its MOV's imm32 (smc.c patches it). */
    .globl smc_imm, smc_imm_value
smc_imm:
    .byte 0xb8                      /* mov $imm32, %eax */
smc_imm_value:
    .long 0x11111111
    ret

/* uint32_t smc_next(uint32_t v): stores v into the imm32 of the very next
 * instruction, in the same block; the CPU must execute the new bytes. */
    .globl smc_next
smc_next:
    mov 4(%esp), %ecx
    mov %ecx, 1f + 1
1:  mov $0, %eax
    ret

/* uint32_t smc_next_opcode(uint32_t x, uint32_t opcode): writes the one-
 * byte opcode of the next instruction (0x40 inc eax, 0x48 dec eax,
 * 0x90 nop) and runs it. */
    .globl smc_next_opcode
smc_next_opcode:
    mov 4(%esp), %eax
    mov 8(%esp), %ecx
    mov %cl, 1f
1:  inc %eax
    ret

/* uint32_t smc_later(uint32_t v): patches an instruction three
 * instructions further down the same block. */
    .globl smc_later
smc_later:
    mov 4(%esp), %ecx
    mov %ecx, 1f + 1
    add $1, %edx
    add $2, %edx
1:  mov $0, %eax
    ret

/* uint32_t smc_loop(uint32_t n): a loop that writes the loop counter into
 * the imm32 of its own ADD each iteration: returns 0 + 1 + ... + n-1. */
    .globl smc_loop
smc_loop:
    xor %eax, %eax
    xor %ecx, %ecx
1:  mov %ecx, 2f + 1
2:  .byte 0x05                      /* add $imm32, %eax */
    .long 0x7fffffff
    inc %ecx
    cmp 4(%esp), %ecx
    jne 1b
    ret

/* uint32_t smc_ret_into(void): the callee patches the instruction its
 * return address points to; returns 0x77. */
    .globl smc_ret_into
smc_ret_into:
    call 1f
2:  mov $0, %eax
    ret
1:  movl $0x77, 2b + 1
    ret

/* uint32_t smc_jmp(void): a rel32 JMP whose displacement smc.c rewrites
 * (smc_jmp_disp) to pick smc_jmp_one or smc_jmp_two. */
    .globl smc_jmp, smc_jmp_disp, smc_jmp_one, smc_jmp_two
smc_jmp:
    .byte 0xe9
smc_jmp_disp:
    .long smc_jmp_one - . - 4
smc_jmp_one:
    mov $1, %eax
    ret
smc_jmp_two:
    mov $2, %eax
    ret

/* uint32_t smc_cross_page(uint32_t v): stores v into the imm32 of
 * smc_other_page's MOV (a different page), then calls it. */
    .globl smc_cross_page
smc_cross_page:
    mov 4(%esp), %ecx
    mov %ecx, smc_other_page_value
    call smc_other_page
    ret

/* uint32_t smc_same_page_data(uint32_t n): n read-modify-writes of a
 * counter that shares this page with the code (no code changes); returns
 * the counter. */
    .globl smc_same_page_data
smc_same_page_data:
    mov 4(%esp), %ecx
    movl $0, same_page_counter
1:  incl same_page_counter
    addl %ecx, same_page_sum
    dec %ecx
    jnz 1b
    mov same_page_counter, %eax
    ret
    .balign 16
same_page_counter:
    .long 0
same_page_sum:
    .long 0

/* Snippets that smc.c copies into a buffer and calls: uint32_t f(uint32_t). */
    .globl snippet_a, snippet_a_end, snippet_b, snippet_b_end
snippet_a:
    mov 4(%esp), %eax
    add $0x1000, %eax
    ret
snippet_a_end:
snippet_b:
    mov 4(%esp), %eax
    lea 7(%eax, %eax, 2), %eax
    xor $0x55, %eax
    ret
snippet_b_end:

    .balign 4096
/* uint32_t smc_other_page(void): patched from smc_cross_page and from C. */
    .globl smc_other_page, smc_other_page_value
smc_other_page:
    .byte 0xb8                      /* mov $imm32, %eax */
smc_other_page_value:
    .long 0x22222222
    ret

/* uint32_t smc_straddle(void): MOV EAX, imm32 with the opcode and one
 * byte of the immediate at the end of a page and three bytes on the next;
 * smc.c patches bytes on either side. */
    .balign 4096
    .fill 4096 - 3, 1, 0xcc
    .globl smc_straddle, smc_straddle_insn
smc_straddle:
    nop
smc_straddle_insn:
    mov $0x11223344, %eax
    ret
