/* PC device registers that come with the PC devices issue (#6): the 8259
 * interrupt mask registers and the PCI configuration address, a 32-bit
 * I/O register. Moved out of io.c, whose ports bt386 already has. */
#include "guest.h"

#define PCI_CONFIG_ADDRESS 0xcf8

static void test_pic_masks(void)
{
    int ok = 1;
    static const uint8_t vals[] = { 0x5a, 0xa5, 0x00, 0xff };
    for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        /* Interrupts stay off (IF = 0) while lines are unmasked. */
        uint8_t inv = (uint8_t)~vals[i];
        outb(0x21, vals[i]);
        outb(0xa1, inv);
        ok &= inb(0x21) == vals[i] && inb(0xa1) == inv;
    }
    /* Leave every line masked. */
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
    CHECK(ok, "8259 mask registers 0x21 and 0xa1 read back (5a a5 00 ff)");
}

static void test_wide_register(void)
{
    uint32_t saved = inl(PCI_CONFIG_ADDRESS);
    outl(PCI_CONFIG_ADDRESS, 0x80000000);
    uint32_t a = inl(PCI_CONFIG_ADDRESS);
    outl(PCI_CONFIG_ADDRESS, 0x80001234 & ~3u);
    uint32_t b = inl(PCI_CONFIG_ADDRESS);
    outl(PCI_CONFIG_ADDRESS, saved);
    CHECK(a == 0x80000000 && b == 0x80001234, "32-bit out/in: PCI config address 0xcf8 reads back");
}

int main(void)
{
    __asm__ volatile("cli");
    test_pic_masks();
    test_wide_register();
    return check_summary();
}
