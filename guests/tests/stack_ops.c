/* The stack pointer as an operand of the stack instructions (SDM vol. 2B,
 * PUSH, POP, PUSHA, POPA, ENTER, LEAVE): PUSH ESP pushes the old value;
 * POP ESP loads the popped value; POP m32 addresses after incrementing
 * ESP and PUSH m32 before decrementing it; CALL *(ESP) reads its target
 * first; XCHG with ESP; PUSH imm8 sign-extends; 16-bit PUSH/POP move
 * ESP by 2 and keep the upper halves; PUSHA/POPA (32 and 16 bits) and the
 * slot POPA skips; ENTER with nesting levels 0, 1 and 3, and LEAVE;
 * PUSH/POP of segment registers. In bt386 guest ESP lives outside the host
 * stack pointer, so every one of these is rewritten by the translator.
 * The code is in stack_ops_asm.S, one function per group. */
#include "guest.h"

void stack_esp_itself(uint32_t *out);
void stack_esp_operands(uint32_t *out);
void stack_push_forms(uint32_t *out);
void stack_pusha(uint32_t *out);
void stack_enter_leave(uint32_t *out);
void stack_segments(uint32_t *out);

/* Runs one group and compares out[] with want[]. */
static void check_group(void (*fn)(uint32_t *), const uint32_t *want, int n, const char *what)
{
    uint32_t out[32];
    memset(out, 0xee, sizeof out);
    fn(out);
    int bad = 0;
    for (int i = 0; i < n; i++)
        bad += out[i] != want[i];
    check_result(!bad, "%s", what);
    for (int i = 0; i < n && bad; i++)
        if (out[i] != want[i])
            printf("     out[%d] = %08x want %08x\n", i, out[i], want[i]);
}

int main(void)
{
    static const uint32_t itself[] = { 0, 0, 0, 0 };
    check_group(stack_esp_itself, itself, 4,
                "push esp pushes the old ESP; pop esp loads the popped value; xchg eax, esp");
    static const uint32_t operands[] = { 0x11111111, 0x22222222, 0x11111111, 0x44444444,
                                         0x55555555 };
    check_group(stack_esp_operands, operands, 5,
                "pop (esp)/pop 4(esp) address after the increment, push (esp)/4(esp) before");
    static const uint32_t forms[] = { 0x600d, 0xfffffffb, 0x12345678, 2, 0xfffb, 0x1234abcd,
                                      0x89abcdef };
    check_group(stack_push_forms, forms, 7,
                "call *(esp); push imm8/imm32; pushw imm and popw (ESP by 2); push/pop m32 (SIB)");
    static const uint32_t pusha[] = {
        0xd7d7d7d7, 0x56565656, 0xb5b5b5b5, 0, 0xb3b3b3b3, 0xd2d2d2d2, 0xc1c1c1c1, 0xa0a0a0a0,
        0, 0xa0a0a0a0, 0xc1c1c1c1, 0xd2d2d2d2, 0xb3b3b3b3, 0xb5b5b5b5, 0x56565656, 0xd7d7d7d7,
        16, 0x99991111, 0 };
    check_group(stack_pusha, pusha, 19,
                "pusha image (incl. the ESP it started with), popa skips that slot; "
                "pushaw/popaw (16 bytes, upper halves kept)");
    static const uint32_t enter[] = { 0, 4, 16, 0xd1d1d1d1, 0xd2d2d2d2, 0, 20, 0, 8, 0, 0 };
    check_group(stack_enter_leave, enter, 11, "enter with nesting levels 0, 3 and 1; leave");
    static const uint32_t segs[] = { 4, 0, 2, 0 };
    check_group(stack_segments, segs, 4, "push ds moves ESP by 4, pushw fs by 2; pop es");
    return check_summary();
}
