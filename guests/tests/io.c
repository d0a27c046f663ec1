/* Port I/O as a PC with QEMU's devices answers it:
 *   - OUT/IN to the POST port 0x80 (imm8 and DX forms): writes are taken,
 *     reads give 0xff (QEMU's ioport80 returns all ones);
 *   - unassigned ports read all ones at 8, 16 and 32 bits, before and after
 *     writes (QEMU 7.2 returns all ones; aligned accesses only, see below);
 *   - the 16550 at 0x3f8: LSR shows THRE and TEMT once idle; the scratch
 *     register (0x3ff) keeps all 256 values; IER keeps its low 4 bits, LCR
 *     all 8, MCR its low 5 (bits above read 0); with DLAB set 0x3f8/0x3f9
 *     are the divisor latch. The UART only takes byte accesses (QEMU aborts
 *     on wider ones), so its registers are tested at 8 bits only;
 * Every UART register changed here is restored before the next printf. */
#include "guest.h"

#define COM1 0x3f8
#define UART_IER (COM1 + 1)
#define UART_LCR (COM1 + 3)
#define UART_MCR (COM1 + 4)
#define UART_LSR (COM1 + 5)
#define UART_SCR (COM1 + 7)
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define LCR_DLAB 0x80
#define UNASSIGNED 0x2e0    /* QEMU: nothing between 0x1f8 and 0x375 but IDE at 0x376 */

static void test_port80(void)
{
    uint8_t a, b;
    __asm__ volatile("movb $0x55, %%al\n\toutb %%al, $0x80\n\tinb $0x80, %%al\n\tmovb %%al, %0"
                     : "=r"(a) :: "eax");
    outb(0x80, 0xaa);
    b = inb(0x80);
    CHECK(a == 0xff && b == 0xff, "port 0x80: out is taken, in gives ff (imm8 and dx forms)");
}

static void test_unassigned(void)
{
    /* NB: only naturally aligned 16/32-bit accesses: QEMU 7.2 returns 0
     * for unaligned ones here (inw 0x2e1, inl 0x2e2), where a PC's floating
     * bus gives all ones. */
    static const uint16_t ports[] = { UNASSIGNED, UNASSIGNED + 4, 0x100, 0x2f8, 0x400 };
    int ok = inb(UNASSIGNED + 1) == 0xff && inb(UNASSIGNED + 3) == 0xff;
    for (unsigned i = 0; i < sizeof ports / sizeof ports[0]; i++)
        ok &= inb(ports[i]) == 0xff && inw(ports[i]) == 0xffff && inl(ports[i]) == 0xffffffff;
    CHECK(ok, "unassigned ports read ff / ffff / ffffffff (0x2e0, 0x2e4, 0x100, 0x2f8, 0x400; "
              "bytes at 0x2e1, 0x2e3)");
    outb(UNASSIGNED, 0x12);
    outw(UNASSIGNED, 0x3456);
    outl(UNASSIGNED, 0x789abcde);
    CHECK(inb(UNASSIGNED) == 0xff && inw(UNASSIGNED) == 0xffff && inl(UNASSIGNED) == 0xffffffff,
          "writes to an unassigned port are dropped (8, 16, 32 bits)");
    uint8_t b;
    uint16_t w;
    uint32_t l;
    __asm__ volatile("inb $0xe0, %%al\n\tmovb %%al, %0\n\tinw $0xe2, %%ax\n\tmovw %%ax, %1\n\t"
                     "inl $0xe4, %%eax\n\tmovl %%eax, %2"
                     : "=m"(b), "=m"(w), "=m"(l) :: "eax");
    CHECK(b == 0xff && w == 0xffff && l == 0xffffffff,
          "unassigned ports through the imm8 forms (in al/ax/eax, imm8)");
}

static void test_uart(void)
{
    int spins = 0;
    while (!(inb(UART_LSR) & LSR_THRE) && spins < 1000000)
        spins++;
    for (spins = 0; (inb(UART_LSR) & (LSR_THRE | LSR_TEMT)) != (LSR_THRE | LSR_TEMT) && spins < 1000000;)
        spins++;
    CHECK((inb(UART_LSR) & (LSR_THRE | LSR_TEMT)) == (LSR_THRE | LSR_TEMT),
          "LSR: transmitter holding register and shift register empty once idle");

    uint8_t saved = inb(UART_SCR);
    int ok = 1;
    for (unsigned v = 0; v < 256; v++) {
        outb(UART_SCR, (uint8_t)v);
        ok &= inb(UART_SCR) == v;
    }
    outb(UART_SCR, saved);
    CHECK(ok, "scratch register keeps all 256 values");

    saved = inb(UART_IER);
    static const uint8_t ier_in[] = { 0x0f, 0x05, 0xf0, 0xff, 0x00 };
    static const uint8_t ier_out[] = { 0x0f, 0x05, 0x00, 0x0f, 0x00 };
    uint8_t got[5];
    for (int i = 0; i < 5; i++) {
        outb(UART_IER, ier_in[i]);
        got[i] = inb(UART_IER);
    }
    outb(UART_IER, saved);
    ok = 1;
    for (int i = 0; i < 5; i++)
        ok &= got[i] == ier_out[i];
    CHECK(ok, "IER keeps bits 3:0 (0f 05 f0 ff 00 -> 0f 05 00 0f 00)");

    uint8_t lcr = inb(UART_LCR);
    static const uint8_t lcr_in[] = { 0x03, 0x1b, 0x3f, 0x00, 0x07 };
    for (int i = 0; i < 5; i++) {
        outb(UART_LCR, lcr_in[i]);
        got[i] = inb(UART_LCR);
    }
    /* Divisor latch: DLAB turns 0x3f8/0x3f9 into DLL/DLM. */
    outb(UART_LCR, LCR_DLAB | 0x03);
    uint8_t dll = inb(COM1), dlm = inb(COM1 + 1);
    outb(COM1, 0x0c);
    outb(COM1 + 1, 0x01);
    uint8_t dll2 = inb(COM1), dlm2 = inb(COM1 + 1), lcr_dlab = inb(UART_LCR);
    outb(COM1, dll);
    outb(COM1 + 1, dlm);
    outb(UART_LCR, lcr);
    ok = 1;
    for (int i = 0; i < 5; i++)
        ok &= got[i] == lcr_in[i];
    CHECK(ok, "LCR keeps all its bits (03 1b 3f 00 07)");
    CHECK(dll2 == 0x0c && dlm2 == 0x01 && lcr_dlab == (LCR_DLAB | 0x03),
          "with DLAB set, 0x3f8/0x3f9 hold the divisor (0x010c)");
    CHECK(inb(UART_LCR) == lcr, "LCR restored");

    uint8_t mcr = inb(UART_MCR);
    static const uint8_t mcr_in[] = { 0x00, 0x01, 0x02, 0x0b, 0xe3 };
    static const uint8_t mcr_out[] = { 0x00, 0x01, 0x02, 0x0b, 0x03 };
    for (int i = 0; i < 5; i++) {
        outb(UART_MCR, mcr_in[i]);
        got[i] = inb(UART_MCR);
    }
    outb(UART_MCR, mcr);
    ok = 1;
    for (int i = 0; i < 5; i++)
        ok &= got[i] == mcr_out[i];
    CHECK(ok, "MCR keeps bits 4:0 (00 01 02 0b e3 -> 00 01 02 0b 03; loopback not set)");
}

int main(void)
{
    __asm__ volatile("cli");
    test_port80();
    test_unassigned();
    test_uart();
    return check_summary();
}
