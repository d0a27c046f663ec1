/* Stack-pointer edge cases for stack_ops.c. Each function is
 * void f(uint32_t *out): it keeps `out` in EDI, writes its observations to
 * out[], and leaves ESP and the callee-saved registers as it found them.
 * The expected out[] values are listed above each function. */

    .macro ENTER_TEST
    push %ebp
    push %ebx
    push %esi
    push %edi
    mov 20(%esp), %edi
    .endm

    .macro LEAVE_TEST
    pop %edi
    pop %esi
    pop %ebx
    pop %ebp
    ret
    .endm

    .text

/* out[0] = value PUSH ESP stored - ESP before it (0: the old ESP)
 * out[1] = ESP after PUSH v; POP ESP - v (0: ESP is the popped value)
 * out[2] = ESP after XCHG EAX, ESP - (old ESP - 16) (0); a second XCHG
 *          swaps back: out[3] = EAX + 16 - old ESP (0). */
    .globl stack_esp_itself
stack_esp_itself:
    ENTER_TEST
    mov %esp, %ecx
    push %esp
    pop %eax
    sub %ecx, %eax
    mov %eax, 0(%edi)
    lea -64(%esp), %edx
    push %edx
    pop %esp
    mov %esp, %eax
    mov %ecx, %esp
    sub %edx, %eax
    mov %eax, 4(%edi)
    lea -16(%esp), %eax
    xchg %eax, %esp
    mov %esp, %edx
    xchg %eax, %esp
    lea -16(%ecx), %esi
    sub %esi, %edx
    mov %edx, 8(%edi)
    sub %ecx, %eax
    add $16, %eax
    mov %eax, 12(%edi)
    mov %ecx, %esp
    LEAVE_TEST

/* POP m32 computes the address after incrementing ESP; PUSH m32 before
 * decrementing it (SDM vol. 2B, POP and PUSH).
 * out[0] = 0x11111111 POP (ESP) then POP: the value moved up one slot
 * out[1] = 0x22222222, out[2] = 0x11111111: POP 4(ESP) over three slots
 * out[3] = 0x44444444 PUSH 4(ESP), out[4] = 0x55555555 PUSH (ESP) */
    .globl stack_esp_operands
stack_esp_operands:
    ENTER_TEST
    push $0x22222222
    push $0x11111111
    popl (%esp)
    pop %eax
    mov %eax, 0(%edi)
    push $0x33333333
    push $0x22222222
    push $0x11111111
    popl 4(%esp)
    pop %eax
    mov %eax, 4(%edi)
    pop %eax
    mov %eax, 8(%edi)
    push $0x44444444
    push $0x55555555
    pushl 4(%esp)
    pop %eax
    mov %eax, 12(%edi)
    pushl (%esp)
    pop %eax
    mov %eax, 16(%edi)
    add $8, %esp
    LEAVE_TEST

/* out[0] = 0x600d: CALL *(ESP) reads its target before pushing.
 * out[1] = 0xfffffffb PUSH imm8 sign-extends; out[2] = 0x12345678
 * out[3] = 2: PUSHW imm moves ESP by 2, out[4] = 0xfffb: PUSHW -5
 * out[5] = 0x1234abcd: POPW DX loads DX only (EDX upper half kept)
 * out[6] = 0x89abcdef: PUSH/POP m32 through [ebx+esi*4+8] */
    .globl stack_push_forms
stack_push_forms:
    ENTER_TEST
    push $1f
    call *(%esp)
    add $4, %esp
    mov %eax, 0(%edi)
    push $-5
    pop %eax
    mov %eax, 4(%edi)
    push $0x12345678
    pop %eax
    mov %eax, 8(%edi)
    mov %esp, %ecx
    pushw $-5
    mov %ecx, %eax
    sub %esp, %eax
    mov %eax, 12(%edi)
    movzwl (%esp), %eax
    mov %eax, 16(%edi)
    mov $0x1234ffff, %edx
    popw %dx
    movw $0xabcd, %dx
    pushw %dx
    mov $0x12340000, %edx
    popw %dx
    mov %edx, 20(%edi)
    lea stack_slots, %ebx
    mov $1, %esi
    movl $0x89abcdef, 12(%ebx)
    pushl 8(%ebx, %esi, 4)
    popl 16(%ebx, %esi, 4)
    mov 20(%ebx), %eax
    mov %eax, 24(%edi)
    LEAVE_TEST
1:  mov $0x600d, %eax
    ret

/* PUSHA/POPA: the image is EDI ESI EBP ESP(original) EBX EDX ECX EAX from
 * the lowest address; POPA skips the ESP slot.
 * out[0..7] = the image (the ESP slot minus ESP before PUSHA: 0),
 * out[8] = ESP after POPA - ESP before PUSHA (0),
 * out[9..15] = EAX ECX EDX EBX EBP ESI EDI after POPA (slot ESP was
 * overwritten with junk first);
 * out[16] = ESP delta of PUSHAW (16), out[17] = EAX after POPAW with AX
 * changed in the image (upper half kept), out[18] = the SP slot of PUSHAW
 * minus the low half of ESP before it (0). */
    .globl stack_pusha
stack_pusha:
    ENTER_TEST
    mov %esp, %ecx
    mov %ecx, stack_saved_esp
    mov $0xa0a0a0a0, %eax
    mov $0xc1c1c1c1, %ecx
    mov $0xd2d2d2d2, %edx
    mov $0xb3b3b3b3, %ebx
    mov $0xb5b5b5b5, %ebp
    mov $0x56565656, %esi
    mov %edi, stack_out
    mov $0xd7d7d7d7, %edi
    pusha
    mov stack_out, %edi
    mov $8, %ecx
    mov %esp, %esi
    rep movsl
    mov stack_saved_esp, %eax
    sub %eax, -20(%edi)             /* out[3]: the ESP slot, made relative */
    movl $0xdeadbeef, 12(%esp)
    xor %eax, %eax
    xor %ecx, %ecx
    xor %edx, %edx
    xor %ebx, %ebx
    xor %ebp, %ebp
    xor %esi, %esi
    popa
    mov %edi, stack_tmp
    mov stack_out, %edi
    mov %eax, 36(%edi)
    mov %ecx, 40(%edi)
    mov %edx, 44(%edi)
    mov %ebx, 48(%edi)
    mov %ebp, 52(%edi)
    mov %esi, 56(%edi)
    mov stack_tmp, %eax
    mov %eax, 60(%edi)
    mov %esp, %eax
    sub stack_saved_esp, %eax
    mov %eax, 32(%edi)

    mov %esp, %ecx
    mov $0x77778888, %eax
    pushaw
    mov %ecx, %edx
    sub %esp, %edx
    mov %edx, 64(%edi)
    movzwl 6(%esp), %edx
    sub %cx, %dx
    movzwl %dx, %edx
    mov %edx, 72(%edi)
    movw $0x1111, 14(%esp)
    mov $0x99990000, %eax
    popaw
    mov %eax, 68(%edi)
    mov %ecx, %esp
    LEAVE_TEST

/* ENTER/LEAVE (SDM vol. 2A, ENTER): EBP points at a fake enclosing frame
 * whose display holds 0xd1d1d1d1, 0xd2d2d2d2 below its saved EBP.
 * out[0] = [EBP] after ENTER 16,0 - fake frame (0), out[1] = old ESP - EBP (4),
 * out[2] = EBP - ESP (16);
 * ENTER 8,3: out[3] = [EBP-4] (0xd1d1d1d1), out[4] = [EBP-8] (0xd2d2d2d2),
 * out[5] = [EBP-12] - EBP (0: the new frame pointer), out[6] = EBP - ESP (20);
 * ENTER 4,1: out[7] = [EBP-4] - EBP (0), out[8] = EBP - ESP (8);
 * out[9] = ESP after each LEAVE - old ESP, summed (0), out[10] = EBP after
 * the last LEAVE - fake frame (0). */
    .globl stack_enter_leave
stack_enter_leave:
    ENTER_TEST
    lea stack_frame + 8, %ebp
    mov %esp, %ecx
    enter $16, $0
    mov (%ebp), %eax
    sub $stack_frame + 8, %eax
    mov %eax, 0(%edi)
    mov %ecx, %eax
    sub %ebp, %eax
    mov %eax, 4(%edi)
    mov %ebp, %eax
    sub %esp, %eax
    mov %eax, 8(%edi)
    leave
    mov %esp, %edx
    sub %ecx, %edx
    enter $8, $3
    mov -4(%ebp), %eax
    mov %eax, 12(%edi)
    mov -8(%ebp), %eax
    mov %eax, 16(%edi)
    mov -12(%ebp), %eax
    sub %ebp, %eax
    mov %eax, 20(%edi)
    mov %ebp, %eax
    sub %esp, %eax
    mov %eax, 24(%edi)
    leave
    add %esp, %edx
    sub %ecx, %edx
    enter $4, $1
    mov -4(%ebp), %eax
    sub %ebp, %eax
    mov %eax, 28(%edi)
    mov %ebp, %eax
    sub %esp, %eax
    mov %eax, 32(%edi)
    leave
    add %esp, %edx
    sub %ecx, %edx
    mov %edx, 36(%edi)
    mov %ebp, %eax
    sub $stack_frame + 8, %eax
    mov %eax, 40(%edi)
    LEAVE_TEST

/* PUSH/POP segment registers: out[0] = ESP delta of PUSH DS (4),
 * out[1] = the low word pushed - DS (0), out[2] = ESP delta of PUSHW FS (2),
 * out[3] = ES after PUSH DS; POP ES - DS (0). */
    .globl stack_segments
stack_segments:
    ENTER_TEST
    mov %esp, %ecx
    push %ds
    mov %ecx, %eax
    sub %esp, %eax
    mov %eax, 0(%edi)
    movzwl (%esp), %eax
    xor %edx, %edx
    mov %ds, %dx
    sub %edx, %eax
    mov %eax, 4(%edi)
    push %es
    pop %esi
    pop %es
    mov %esp, %ebx
    pushw %fs
    mov %ebx, %eax
    sub %esp, %eax
    mov %eax, 8(%edi)
    popw %fs
    xor %eax, %eax
    mov %es, %ax
    sub %edx, %eax
    mov %eax, 12(%edi)
    mov %si, %es
    mov %ecx, %esp
    LEAVE_TEST

    .data
    .balign 4
stack_saved_esp: .long 0
stack_out:       .long 0
stack_tmp:       .long 0
stack_slots:     .fill 8, 4, 0
/* A fake enclosing frame: its saved EBP slot at +8, the display below. */
stack_frame:     .long 0xd2d2d2d2, 0xd1d1d1d1, 0
