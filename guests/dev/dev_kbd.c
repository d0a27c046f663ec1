/* The PC keyboard controller (Intel 8042 with IBM's firmware) at ports
 * 0x60/0x64 and the PS/2 keyboard and mouse behind it, polled:
 *   - the status register after the BIOS: SYS and INH set, OBF/IBF clear;
 *     OBF rises when a byte waits in 0x60 and falls when it is read;
 *     AUXB says the byte is the mouse's; 0x60 read again repeats it;
 *   - controller commands: self test (0xaa -> 55, SYS), interface tests
 *     (0xab, 0xa9 -> 00), command byte read/write (0x20/0x60), keyboard
 *     and mouse interface disable/enable (0xad/0xae, 0xa7/0xa8 flip
 *     command byte bits 4 and 5), output port read/write (0xd0/0xd1: the
 *     reset line high, A20 on), 0xd2/0xd3 (a byte as if from the keyboard
 *     or the mouse), 0xd4 (a byte to the mouse);
 *   - the keyboard: reset (fa aa), identify (fa ab 83, translated by the
 *     controller to fa ab 41 when command byte bit 6 is set), scan code
 *     set (f0 00), enable/disable (f4/f5), LEDs (ed + argument), echo,
 *     unknown command (fe, resend);
 *   - the mouse: reset (fa aa 00), identify (fa 00), status (e9);
 *   - port 0x92 (system control port A) reads back, A20 (bit 1) on.
 * Interrupts stay off (the IRQ 1 / IRQ 12 lines are dev_kbd_irq's).
 * Never pulses the reset line (0xfe, or output port bit 0): QEMU would
 * reset the machine (see dev_reset.c). The status register's A2 bit
 * (last write was a command) is not checked: QEMU 7.2 keeps it at 1. */
#include "guest.h"

#define KBC_DATA 0x60
#define KBC_STATUS 0x64
#define KBC_CMD 0x64
#define PORT_A 0x92

#define ST_OBF 0x01
#define ST_IBF 0x02
#define ST_SYS 0x04
#define ST_INH 0x10
#define ST_AUXB 0x20
#define ST_ERRORS 0xc0

#define CB_XLATE 0x40
#define CB_AUX_DIS 0x20
#define CB_KBD_DIS 0x10
#define CB_SYS 0x04

/* A byte from 0x60 if one comes (OBF), else -1. */
static int kbc_read(void)
{
    for (int i = 0; i < 100000; i++)
        if (inb(KBC_STATUS) & ST_OBF)
            return inb(KBC_DATA);
    return -1;
}

/* Empties the output buffer (bytes the BIOS or an earlier check left). */
static void kbc_drain(void)
{
    for (int i = 0; i < 32 && (inb(KBC_STATUS) & ST_OBF); i++)
        inb(KBC_DATA);
}

static int kbc_command(uint8_t cmd)
{
    outb(KBC_CMD, cmd);
    return kbc_read();
}

static uint8_t command_byte(void)
{
    return (uint8_t)kbc_command(0x20);
}

static void set_command_byte(uint8_t v)
{
    outb(KBC_CMD, 0x60);
    outb(KBC_DATA, v);
}

/* Sends `cmd` to the keyboard (or the mouse through 0xd4) and collects
 * up to n answer bytes as one big-endian number; *count says how many. */
static uint32_t device_command(int mouse, uint8_t cmd, int n, int *count)
{
    uint32_t v = 0;

    if (mouse)
        outb(KBC_CMD, 0xd4);
    outb(KBC_DATA, cmd);
    *count = 0;
    for (int i = 0; i < n; i++) {
        int b = kbc_read();
        if (b < 0)
            break;
        v = v << 8 | (uint32_t)b;
        ++*count;
    }
    return v;
}

static void test_status(void)
{
    uint8_t st = inb(KBC_STATUS);

    CHECK_EQ(st & (ST_OBF | ST_IBF | ST_SYS | ST_INH | ST_AUXB | ST_ERRORS), ST_SYS | ST_INH,
             "status after the BIOS: SYS (self test passed) and INH (not inhibited) set, "
             "OBF, IBF, AUXB, timeout and parity clear");
    outb(KBC_CMD, 0x20);
    st = inb(KBC_STATUS);
    uint8_t cb = inb(KBC_DATA);
    uint8_t st_after = inb(KBC_STATUS);
    CHECK((st & (ST_OBF | ST_AUXB)) == ST_OBF && !(st_after & ST_OBF),
          "OBF rises when a byte waits in 0x60 (AUXB clear: not the mouse's) and falls when read");
    CHECK_EQ(inb(KBC_DATA), cb, "reading 0x60 with OBF clear gives the last byte again");
    CHECK_EQ(cb, CB_XLATE | CB_AUX_DIS | 0x01,
             "command byte after the BIOS: translation, mouse disabled, keyboard interrupt (61)");
}

static void test_controller_commands(void)
{
    CHECK_EQ(kbc_command(0xaa), 0x55, "0xaa self test answers 55");
    CHECK(inb(KBC_STATUS) & ST_SYS, "the self test sets the status SYS flag");
    CHECK_EQ(kbc_command(0xab), 0x00, "0xab keyboard interface test answers 00 (no error)");
    CHECK_EQ(kbc_command(0xa9), 0x00, "0xa9 mouse interface test answers 00 (no error)");

    uint8_t saved = command_byte();
    /* Interrupts off, SYS kept: QEMU's status SYS does not follow bit 2. */
    set_command_byte(CB_XLATE | CB_SYS);
    CHECK_EQ(command_byte(), CB_XLATE | CB_SYS, "0x60 writes the command byte, 0x20 reads it back (44)");
    set_command_byte(CB_SYS | CB_AUX_DIS | CB_KBD_DIS);
    CHECK_EQ(command_byte(), CB_SYS | CB_AUX_DIS | CB_KBD_DIS, "the command byte reads back (34)");

    outb(KBC_CMD, 0xae);
    uint8_t kbd_on = command_byte();
    outb(KBC_CMD, 0xad);
    uint8_t kbd_off = command_byte();
    outb(KBC_CMD, 0xa8);
    uint8_t aux_on = command_byte();
    outb(KBC_CMD, 0xa7);
    uint8_t aux_off = command_byte();
    CHECK(!(kbd_on & CB_KBD_DIS) && (kbd_off & CB_KBD_DIS),
          "0xae enables the keyboard interface, 0xad disables it (command byte bit 4)");
    CHECK(!(aux_on & CB_AUX_DIS) && (aux_off & CB_AUX_DIS),
          "0xa8 enables the mouse interface, 0xa7 disables it (command byte bit 5)");
    set_command_byte(saved & ~0x03);    /* keep IRQ 1 and 12 off from here on */
}

static void test_output_port(void)
{
    uint8_t op = (uint8_t)kbc_command(0xd0);
    CHECK_EQ(op & 0x03, 0x03, "0xd0 output port: bit 0 (reset line) high, bit 1 (A20) on");
    CHECK_EQ(op, 0xcf, "0xd0 output port after the BIOS as QEMU's: cf");
    /* Bits 2-3 are free; reset and A20 stay set (QEMU would act on them). */
    outb(KBC_CMD, 0xd1);
    outb(KBC_DATA, 0xc3);
    CHECK_EQ(kbc_command(0xd0), 0xc3, "0xd1 writes the output port: 0xd0 reads c3 back");
    outb(KBC_CMD, 0xd1);
    outb(KBC_DATA, 0xcf);

    outb(KBC_CMD, 0xd2);
    outb(KBC_DATA, 0x5a);
    uint8_t st = inb(KBC_STATUS);
    int b = kbc_read();
    CHECK((st & (ST_OBF | ST_AUXB)) == ST_OBF && b == 0x5a,
          "0xd2 puts a byte in the output buffer as if from the keyboard (AUXB clear)");
    outb(KBC_CMD, 0xd3);
    outb(KBC_DATA, 0xa5);
    st = inb(KBC_STATUS);
    b = kbc_read();
    CHECK((st & (ST_OBF | ST_AUXB)) == (ST_OBF | ST_AUXB) && b == 0xa5,
          "0xd3 puts a byte in the output buffer as if from the mouse (AUXB set)");

    CHECK_EQ(inb(PORT_A) & 0x03, 0x02, "port 0x92: A20 (bit 1) on, reset (bit 0) clear");
    outb(PORT_A, 0x0a);
    CHECK_EQ(inb(PORT_A), 0x0a, "port 0x92 reads back what was written (0a)");
    outb(PORT_A, 0x02);
}

static void test_keyboard(void)
{
    int n;
    uint32_t v;

    kbc_drain();
    set_command_byte(CB_XLATE | CB_SYS | CB_AUX_DIS);
    v = device_command(0, 0xff, 3, &n);
    CHECK(n == 2 && v == 0xfaaa, "keyboard 0xff reset: ack (fa), then self test passed (aa)");
    v = device_command(0, 0xf2, 4, &n);
    CHECK(n == 3 && v == 0xfaab41, "keyboard 0xf2 identify: fa ab 83, translated to fa ab 41 (bit 6)");
    set_command_byte(CB_SYS | CB_AUX_DIS);
    v = device_command(0, 0xf2, 4, &n);
    CHECK(n == 3 && v == 0xfaab83, "without translation the identify bytes are fa ab 83 (MF2)");
    device_command(0, 0xf0, 1, &n);
    v = device_command(0, 0x00, 3, &n);
    CHECK(n == 2 && v == 0xfa02, "keyboard 0xf0 00: fa, scan code set 2");
    set_command_byte(CB_XLATE | CB_SYS | CB_AUX_DIS);
    device_command(0, 0xf0, 1, &n);
    v = device_command(0, 0x00, 3, &n);
    CHECK(n == 2 && v == 0xfa41, "set 2 reads 41 through translation");

    v = device_command(0, 0xf5, 2, &n);
    CHECK(n == 1 && v == 0xfa, "keyboard 0xf5 (disable scanning) is acknowledged (fa)");
    v = device_command(0, 0xf4, 2, &n);
    CHECK(n == 1 && v == 0xfa, "keyboard 0xf4 (enable scanning) is acknowledged (fa)");
    v = device_command(0, 0xed, 2, &n);
    uint32_t arg = device_command(0, 0x02, 2, &n);
    CHECK(v == 0xfa && n == 1 && arg == 0xfa, "keyboard 0xed (LEDs): fa, and fa for the LED byte");
    v = device_command(0, 0xee, 2, &n);
    CHECK(n == 1 && v == 0xee, "keyboard 0xee echo answers ee");
    v = device_command(0, 0x12, 2, &n);
    CHECK(n == 1 && v == 0xfe, "an unknown keyboard command is answered fe (resend)");

    outb(KBC_CMD, 0xad);
    device_command(0, 0xee, 1, &n);
    CHECK(!(command_byte() & CB_KBD_DIS), "a byte sent to the keyboard enables its interface again");
}

static void test_mouse(void)
{
    int n;
    uint32_t v;

    kbc_drain();
    outb(KBC_CMD, 0xd4);
    outb(KBC_DATA, 0xf2);
    uint8_t st = 0;
    for (int i = 0; i < 100000 && !(st & ST_OBF); i++)
        st = inb(KBC_STATUS);
    v = (uint32_t)inb(KBC_DATA) << 8;
    v |= (uint32_t)kbc_read();
    CHECK((st & (ST_OBF | ST_AUXB)) == (ST_OBF | ST_AUXB) && v == 0xfa00,
          "0xd4 f2: the mouse answers fa 00 (PS/2 mouse), AUXB set");
    CHECK(!(command_byte() & CB_AUX_DIS), "0xd4 enables the mouse interface");
    v = device_command(1, 0xff, 4, &n);
    CHECK(n == 3 && v == 0xfaaa00, "mouse 0xff reset: fa, aa (self test passed), 00 (ID)");
    v = device_command(1, 0xe9, 5, &n);
    CHECK(n == 4 && v == 0xfa000264, "mouse 0xe9 status after reset: fa, 00 (stream, disabled), "
          "02 (4 counts/mm), 64 (100 samples/s)");
    v = device_command(1, 0xf4, 2, &n);
    CHECK(n == 1 && v == 0xfa, "mouse 0xf4 (enable reporting) is acknowledged");
    device_command(1, 0xf5, 2, &n);
    outb(KBC_CMD, 0xa7);
}

int main(void)
{
    __asm__ volatile("cli");
    test_status();
    test_controller_commands();
    test_output_port();
    test_keyboard();
    test_mouse();
    set_command_byte(CB_XLATE | CB_AUX_DIS | 0x01);
    return check_summary();
}
