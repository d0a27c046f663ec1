/* The 8042's interrupts delivered to the guest's IDT (IBM 8042 firmware:
 * IRQ 1 while OBF holds a keyboard byte and command byte bit 0 is set,
 * IRQ 12 for a mouse byte with bit 1; the PICs at vectors 0x20/0x28):
 *   - a keyboard answer raises IRQ 1, the handler reads it from 0x60;
 *   - a two-byte answer (reset: fa aa) gives two interrupts: reading the
 *     first lets the second into the buffer;
 *   - a mouse byte (0xd3) raises IRQ 12 with AUXB set;
 *   - with bit 0 clear no IRQ 1 comes and the byte waits (OBF). */
#include "pc.h"
#include "pm.h"

#define KBC_DATA 0x60
#define KBC_STATUS 0x64
#define ST_OBF 0x01
#define ST_AUXB 0x20
#define IRQ1_VECTOR 0x21
#define IRQ12_VECTOR 0x2c

static volatile uint32_t kbd_irqs, aux_irqs, kbd_bytes, aux_byte, aux_status;

static int on_kbd(struct pm_fault *f)
{
    (void)f;
    kbd_irqs++;
    kbd_bytes = kbd_bytes << 8 | inb(KBC_DATA);
    pic_eoi(1);
    return 1;
}

static int on_aux(struct pm_fault *f)
{
    (void)f;
    aux_irqs++;
    aux_status = inb(KBC_STATUS);
    aux_byte = inb(KBC_DATA);
    pic_eoi(12);
    return 1;
}

static void set_command_byte(uint8_t v)
{
    outb(KBC_STATUS, 0x60);
    outb(KBC_DATA, v);
}

static void settle(void)
{
    for (volatile int i = 0; i < 2000000; i++)
        ;
}

int main(void)
{
    __asm__ volatile("cli");
    while (inb(KBC_STATUS) & ST_OBF)
        inb(KBC_DATA);
    pm_init();
    pm_set_handler(IRQ1_VECTOR, on_kbd);
    pm_set_handler(IRQ12_VECTOR, on_aux);
    pic_init(0x20, 0x28, 0xf9, 0xef);  /* IRQ 1 and the cascade; IRQ 12 */
    set_command_byte(0x47);         /* translation, SYS, IRQ 1 and IRQ 12 on */
    __asm__ volatile("sti");

    outb(KBC_DATA, 0xee);
    settle();
    CHECK(kbd_irqs == 1 && kbd_bytes == 0xee, "a keyboard answer (echo ee) raises IRQ 1");

    kbd_irqs = kbd_bytes = 0;
    outb(KBC_DATA, 0xff);
    settle();
    CHECK(kbd_irqs == 2 && kbd_bytes == 0xfaaa,
          "keyboard reset: two interrupts, fa then aa (the read lets the next byte in)");

    outb(KBC_STATUS, 0xd3);
    outb(KBC_DATA, 0x5a);
    settle();
    CHECK(aux_irqs == 1 && aux_byte == 0x5a && (aux_status & (ST_OBF | ST_AUXB)) == (ST_OBF | ST_AUXB),
          "a mouse byte (0xd3) raises IRQ 12 with AUXB set");

    __asm__ volatile("cli");
    set_command_byte(0x44);         /* interrupts off */
    __asm__ volatile("sti");
    kbd_irqs = 0;
    outb(KBC_DATA, 0xee);
    settle();
    __asm__ volatile("cli");
    CHECK(kbd_irqs == 0 && (inb(KBC_STATUS) & ST_OBF) && inb(KBC_DATA) == 0xee,
          "command byte bit 0 clear: no IRQ 1, the byte waits in the buffer (OBF)");

    pic_mask(0xff, 0xff);
    set_command_byte(0x61);
    return check_summary();
}
