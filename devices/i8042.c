/* The PC's keyboard controller, an Intel 8042 running IBM's firmware, at
 * ports 0x60 (data) and 0x64 (status on read, command on write), with
 * the PS/2 keyboard and mouse on its two serial ports, IRQ 1 and IRQ 12,
 * and the reset and A20 lines of its output port; also the PS/2 "system
 * control port A" at 0x92 (fast A20 and reset). Owns the controller's
 * state and the two devices'; there is no host keyboard or mouse, so the
 * devices only answer commands (no scan codes, no movement).
 *
 * Status (0x64): OBF (a byte for the host in 0x60), IBF (always 0: input
 * is taken at once), SYS (set by the self test and by command byte bit 2),
 * A2 (the last write was to 0x64), INH (1 = keyboard not inhibited), AUXB
 * (the byte in 0x60 is the mouse's), timeout and parity (never).
 * Command byte: KBD_INT AUX_INT SYS - KBD_DIS AUX_DIS XLATE. IRQ 1 is
 * OBF with keyboard data and KBD_INT, IRQ 12 is OBF with mouse data and
 * AUX_INT. The output buffer holds one byte; a controller reply goes
 * first, then the keyboard's bytes, then the mouse's, each interface only
 * while its DIS bit is clear. Reading 0x60 with OBF clear gives the last
 * byte again (QEMU does the same). XLATE makes the controller translate
 * keyboard bytes from scan code set 2 to set 1; only the bytes that the
 * keyboard here can send are in the table (identify, scan code set).
 *
 * Reset and A20: pulsing output port bit 0 (command 0xfe, or 0xf0-0xff
 * with bit 0 clear), writing it 0 (0xd1), or a 0->1 edge of port 0x92
 * bit 0 is a system reset: bt386 cannot restart the machine, so it ends
 * the run as QEMU -no-reboot does (exit status 0), saying so on stderr.
 * The A20 gate (output port bit 1 OR port 0x92 bit 1, as on the PIIX) is
 * recorded but not applied: guest memory never wraps at 1 MiB.
 *
 * Where QEMU 7.2 (after SeaBIOS) differs, the data sheet is kept: A2
 * follows the last write (QEMU: always 1), command byte bit 2 sets SYS,
 * IRQ 1 does not depend on KBD_DIS, commands 0x21-0x3f/0x61-0x7f read and
 * write the controller's RAM (QEMU ignores them), and the devices follow
 * IBM's PS/2 keyboard and mouse references (a command byte in place of an
 * argument is a new command; 0xfe resends; 0xf7-0xfd are acknowledged;
 * an unknown mouse command is answered 0xfe). As in QEMU: writing data
 * to the keyboard (or 0xd4 to the mouse) clears its DIS bit, and a wide
 * access to 0x60 or 0x64 is that many byte accesses to the same port.
 * The reset state is what a guest sees after SeaBIOS: status 1c, command
 * byte 61, output port cf, port 0x92 02, 0x60 holding fa. */
#include <stdbool.h>
#include <stdio.h>

#include "common/vm.h"
#include "devices/bus.h"
#include "devices/irq.h"

#define KBC_DATA 0x60
#define KBC_STATUS 0x64         /* the command register on writes */
#define PORT_A 0x92
#define KBD_IRQ 1
#define AUX_IRQ 12
/* QEMU -no-reboot exits with 0 when the guest resets the machine. */

#define ST_OBF      0x01
#define ST_SYS      0x04
#define ST_A2       0x08
#define ST_INH      0x10        /* 1: the keyboard is not inhibited */
#define ST_AUXB     0x20

#define CB_KBD_INT  0x01
#define CB_AUX_INT  0x02
#define CB_SYS      0x04
#define CB_KBD_DIS  0x10
#define CB_AUX_DIS  0x20
#define CB_XLATE    0x40

#define OP_RESET    0x01        /* 0 holds the CPU in reset */
#define OP_A20      0x02
#define OP_KBD_OBF  0x10        /* IRQ 1 */
#define OP_AUX_OBF  0x20        /* IRQ 12 */

#define PORT_A_RESET 0x01
#define PORT_A_A20  0x02

#define PS2_ACK     0xfa
#define PS2_RESEND  0xfe
#define PS2_BAT_OK  0xaa

#define PS2_QUEUE_SIZE 16

/* Bytes a PS/2 device has sent and the controller has not taken yet. */
struct ps2_queue {
    uint8_t data[PS2_QUEUE_SIZE];
    unsigned head, count;
    uint8_t last;               /* for the resend command */
};

struct ps2_keyboard {
    struct ps2_queue q;
    uint8_t arg_cmd;            /* command waiting for its argument, or 0 */
    bool scanning;
    uint8_t scan_set, leds, typematic;
};

#define MOUSE_REMOTE  0x40      /* status byte of the 0xe9 command */
#define MOUSE_ENABLED 0x20
#define MOUSE_SCALE21 0x10

struct ps2_mouse {
    struct ps2_queue q;
    uint8_t arg_cmd;
    uint8_t status, resolution, rate;
    bool wrap;
};

struct kbc {
    uint8_t ram[32];            /* ram[0] is the command byte */
    uint8_t status;             /* SYS A2 INH; OBF and AUXB come from obuf */
    uint8_t outport;            /* bits 4 and 5 come from the IRQ lines */
    uint8_t pending;            /* command whose data byte comes through 0x60 */
    uint8_t obuf;
    bool obf, obuf_aux;
    bool reply_full, reply_aux; /* a controller reply waiting for obuf */
    uint8_t reply;
    uint8_t port_a;
    bool a20_warned;
    bool irq1, irq12;
    struct ps2_keyboard kbd;
    struct ps2_mouse mouse;
};

static struct kbc kbc;

/* ---- the machine-level lines ---- */

static void kbc_system_reset(const char *how)
{
    fprintf(stderr, "bt386: guest requested a reset through %s\n", how);
    vm_request_reset();
}

static void kbc_check_a20(struct kbc *k)
{
    bool enabled = (k->outport & OP_A20) || (k->port_a & PORT_A_A20);

    if (!enabled && !k->a20_warned) {
        k->a20_warned = true;
        fprintf(stderr, "bt386: the guest disabled the A20 gate; bt386 ignores it "
                        "(addresses do not wrap at 1 MiB)\n");
    }
}

static void kbc_write_outport(struct kbc *k, uint8_t v)
{
    k->outport = v;
    kbc_check_a20(k);
    if (!(v & OP_RESET))
        kbc_system_reset("the i8042");
}

/* ---- PS/2 devices ---- */

static void ps2_send(struct ps2_queue *q, uint8_t b)
{
    q->last = b;
    if (q->count == PS2_QUEUE_SIZE)
        return;                 /* the device would hold it; nothing sends that much */
    q->data[(q->head + q->count++) % PS2_QUEUE_SIZE] = b;
}

static uint8_t ps2_take(struct ps2_queue *q)
{
    uint8_t b = q->data[q->head];

    q->head = (q->head + 1) % PS2_QUEUE_SIZE;
    q->count--;
    return b;
}

static void kbd_set_defaults(struct ps2_keyboard *d)
{
    d->scan_set = 2;
    d->leds = 0;
    d->typematic = 0x2b;        /* 10.9 characters/s, 500 ms delay */
}

/* The argument byte of 0xed, 0xf3 or 0xf0. */
static void kbd_argument(struct ps2_keyboard *d, uint8_t cmd, uint8_t v)
{
    switch (cmd) {
    case 0xed:
        d->leds = v & 7;
        break;
    case 0xf3:
        d->typematic = v & 0x7f;
        break;
    case 0xf0:
        if (v == 0) {
            ps2_send(&d->q, PS2_ACK);
            ps2_send(&d->q, d->scan_set);
            return;
        }
        if (v <= 3)
            d->scan_set = v;
        break;
    }
    ps2_send(&d->q, PS2_ACK);
}

/* A byte from the host to the keyboard (IBM PS/2 keyboard reference). */
static void kbd_write(struct ps2_keyboard *d, uint8_t v)
{
    uint8_t arg_cmd = d->arg_cmd;

    d->arg_cmd = 0;
    if (arg_cmd && v < 0xed) {
        kbd_argument(d, arg_cmd, v);
        return;
    }
    switch (v) {
    case 0xed:                  /* set LEDs */
    case 0xf0:                  /* get/set scan code set */
    case 0xf3:                  /* set typematic rate */
        d->arg_cmd = v;
        ps2_send(&d->q, PS2_ACK);
        return;
    case 0xee:                  /* echo */
        ps2_send(&d->q, 0xee);
        return;
    case 0xf2:                  /* identify: an MF2 keyboard */
        ps2_send(&d->q, PS2_ACK);
        ps2_send(&d->q, 0xab);
        ps2_send(&d->q, 0x83);
        return;
    case 0xf4:                  /* enable scanning */
        d->scanning = true;
        ps2_send(&d->q, PS2_ACK);
        return;
    case 0xf5:                  /* defaults, scanning off */
    case 0xf6:                  /* defaults, scanning on */
        kbd_set_defaults(d);
        d->scanning = v == 0xf6;
        ps2_send(&d->q, PS2_ACK);
        return;
    case 0xf7: case 0xf8: case 0xf9: case 0xfa:
    case 0xfb: case 0xfc: case 0xfd:
        /* Set 3 key types: no keys here, so only the acknowledgement. */
        ps2_send(&d->q, PS2_ACK);
        return;
    case 0xfe:                  /* resend */
        ps2_send(&d->q, d->q.last);
        return;
    case 0xff:                  /* reset: acknowledge, then the BAT result */
        kbd_set_defaults(d);
        d->scanning = true;
        ps2_send(&d->q, PS2_ACK);
        ps2_send(&d->q, PS2_BAT_OK);
        return;
    default:
        ps2_send(&d->q, PS2_RESEND);
        return;
    }
}

static void mouse_set_defaults(struct ps2_mouse *m)
{
    m->status = 0;              /* stream mode, 1:1, disabled */
    m->resolution = 2;          /* 4 counts/mm */
    m->rate = 100;
}

/* A byte from the host to the mouse (IBM PS/2 mouse reference). */
static void mouse_write(struct ps2_mouse *m, uint8_t v)
{
    uint8_t arg_cmd = m->arg_cmd;

    m->arg_cmd = 0;
    if (arg_cmd) {
        if (arg_cmd == 0xe8)
            m->resolution = v & 3;
        else
            m->rate = v;
        ps2_send(&m->q, PS2_ACK);
        return;
    }
    if (m->wrap && v != 0xec && v != 0xff) {
        ps2_send(&m->q, v);     /* wrap mode echoes */
        return;
    }
    switch (v) {
    case 0xe6:                  /* scaling 1:1 */
    case 0xe7:                  /* scaling 2:1 */
        m->status = (uint8_t)((m->status & ~MOUSE_SCALE21) | (v == 0xe7 ? MOUSE_SCALE21 : 0));
        break;
    case 0xe8:                  /* set resolution */
    case 0xf3:                  /* set sample rate */
        m->arg_cmd = v;
        break;
    case 0xe9:                  /* status request */
        ps2_send(&m->q, PS2_ACK);
        ps2_send(&m->q, m->status);
        ps2_send(&m->q, m->resolution);
        ps2_send(&m->q, m->rate);
        return;
    case 0xea:                  /* stream mode */
    case 0xf0:                  /* remote mode */
        m->status = (uint8_t)((m->status & ~MOUSE_REMOTE) | (v == 0xf0 ? MOUSE_REMOTE : 0));
        break;
    case 0xeb:                  /* read data: a packet with no movement */
        ps2_send(&m->q, PS2_ACK);
        ps2_send(&m->q, 0x08);
        ps2_send(&m->q, 0x00);
        ps2_send(&m->q, 0x00);
        return;
    case 0xec:                  /* reset wrap mode */
    case 0xee:                  /* wrap mode */
        m->wrap = v == 0xee;
        break;
    case 0xf2:                  /* identify: a standard PS/2 mouse */
        ps2_send(&m->q, PS2_ACK);
        ps2_send(&m->q, 0x00);
        return;
    case 0xf4:                  /* enable data reporting */
    case 0xf5:                  /* disable data reporting */
        m->status = (uint8_t)((m->status & ~MOUSE_ENABLED) | (v == 0xf4 ? MOUSE_ENABLED : 0));
        break;
    case 0xf6:                  /* set defaults */
        mouse_set_defaults(m);
        break;
    case 0xfe:                  /* resend */
        ps2_send(&m->q, m->q.last);
        return;
    case 0xff:                  /* reset: ack, BAT passed, device ID */
        mouse_set_defaults(m);
        m->wrap = false;
        ps2_send(&m->q, PS2_ACK);
        ps2_send(&m->q, PS2_BAT_OK);
        ps2_send(&m->q, 0x00);
        return;
    default:
        ps2_send(&m->q, PS2_RESEND);
        return;
    }
    ps2_send(&m->q, PS2_ACK);
}

/* ---- the controller ---- */

/* Scan code set 2 -> set 1 for the bytes this keyboard sends: the set
 * numbers of 0xf0 0x00 and the second ID byte (0x83 -> 0x41, hence the
 * "ab 41" of a translated identify). Every other byte it sends is >= 0x85,
 * which the 8042's table leaves as is. */
static uint8_t kbc_translate(uint8_t b)
{
    switch (b) {
    case 0x01: return 0x43;
    case 0x02: return 0x41;
    case 0x03: return 0x3f;
    case 0x83: return 0x41;
    case 0x84: return 0x54;
    }
    return b;
}

static void kbc_update_irq(struct kbc *k)
{
    bool irq1 = k->obf && !k->obuf_aux && (k->ram[0] & CB_KBD_INT);
    bool irq12 = k->obf && k->obuf_aux && (k->ram[0] & CB_AUX_INT);

    if (irq1 != k->irq1) {
        k->irq1 = irq1;
        irq_set(KBD_IRQ, irq1);
    }
    if (irq12 != k->irq12) {
        k->irq12 = irq12;
        irq_set(AUX_IRQ, irq12);
    }
}

/* Moves the next byte for the host into an empty output buffer. */
static void kbc_fill(struct kbc *k)
{
    if (!k->obf) {
        if (k->reply_full) {
            k->reply_full = false;
            k->obuf = k->reply;
            k->obuf_aux = k->reply_aux;
            k->obf = true;
        } else if (k->kbd.q.count && !(k->ram[0] & CB_KBD_DIS)) {
            uint8_t b = ps2_take(&k->kbd.q);
            k->obuf = (k->ram[0] & CB_XLATE) ? kbc_translate(b) : b;
            k->obuf_aux = false;
            k->obf = true;
        } else if (k->mouse.q.count && !(k->ram[0] & CB_AUX_DIS)) {
            k->obuf = ps2_take(&k->mouse.q);
            k->obuf_aux = true;
            k->obf = true;
        }
    }
    kbc_update_irq(k);
}

static void kbc_reply(struct kbc *k, uint8_t b, bool aux)
{
    k->reply = b;
    k->reply_aux = aux;
    k->reply_full = true;
    kbc_fill(k);
}

static uint8_t kbc_outport(const struct kbc *k)
{
    return (uint8_t)((k->outport & ~(OP_KBD_OBF | OP_AUX_OBF)) |
                     (k->irq1 ? OP_KBD_OBF : 0) | (k->irq12 ? OP_AUX_OBF : 0));
}

static void kbc_command(struct kbc *k, uint8_t cmd)
{
    if (cmd >= 0xf0) {
        /* Pulse output port bits 3-0 low where cmd has a 0: bit 0 is the
         * CPU's reset line (0xfe). */
        if (!(cmd & OP_RESET))
            kbc_system_reset("the i8042");
        return;
    }
    if (cmd >= 0x20 && cmd <= 0x3f) {       /* read controller RAM (0x20: command byte) */
        kbc_reply(k, k->ram[cmd & 0x1f], false);
        return;
    }
    if (cmd >= 0x60 && cmd <= 0x7f) {       /* write controller RAM: byte follows */
        k->pending = cmd;
        return;
    }
    switch (cmd) {
    case 0xa7:                  /* disable the mouse interface */
        k->ram[0] |= CB_AUX_DIS;
        return;
    case 0xa8:                  /* enable the mouse interface */
        k->ram[0] &= ~CB_AUX_DIS;
        kbc_fill(k);
        return;
    case 0xa9:                  /* mouse interface test: 00 = no error */
    case 0xab:                  /* keyboard interface test: 00 = no error */
        kbc_reply(k, 0x00, false);
        return;
    case 0xaa:                  /* self test: 55 = passed, SYS set */
        k->status |= ST_SYS;
        kbc_reply(k, 0x55, false);
        return;
    case 0xad:                  /* disable the keyboard interface */
        k->ram[0] |= CB_KBD_DIS;
        return;
    case 0xae:                  /* enable the keyboard interface */
        k->ram[0] &= ~CB_KBD_DIS;
        kbc_fill(k);
        return;
    case 0xc0:                  /* read input port: bit 7 = not inhibited (as QEMU) */
        kbc_reply(k, 0x80, false);
        return;
    case 0xd0:                  /* read output port */
        kbc_reply(k, kbc_outport(k), false);
        return;
    case 0xd1:                  /* write output port */
    case 0xd2:                  /* write output buffer as the keyboard */
    case 0xd3:                  /* write output buffer as the mouse */
    case 0xd4:                  /* write to the mouse */
        k->pending = cmd;
        return;
    case 0xdd:                  /* A20 off, A20 on (later controllers) */
    case 0xdf:
        k->outport = (uint8_t)((k->outport & ~OP_A20) | (cmd == 0xdf ? OP_A20 : 0));
        kbc_check_a20(k);
        return;
    default:
        return;                 /* not a command of this firmware: ignored, as in QEMU */
    }
}

/* The data byte of command `cmd`, written to 0x60. */
static void kbc_command_data(struct kbc *k, uint8_t cmd, uint8_t v)
{
    if (cmd >= 0x60 && cmd <= 0x7f) {
        k->ram[cmd & 0x1f] = v;
        if (cmd == 0x60)
            k->status = (uint8_t)((k->status & ~ST_SYS) | (v & CB_SYS ? ST_SYS : 0));
        kbc_fill(k);            /* DIS bits may release data, INT bits move IRQs */
        return;
    }
    switch (cmd) {
    case 0xd1:
        kbc_write_outport(k, v);
        return;
    case 0xd2:
    case 0xd3:
        kbc_reply(k, v, cmd == 0xd3);
        return;
    case 0xd4:
        k->ram[0] &= ~CB_AUX_DIS;
        mouse_write(&k->mouse, v);
        kbc_fill(k);
        return;
    }
}

static uint8_t kbc_read_data(struct kbc *k)
{
    uint8_t v = k->obuf;

    if (k->obf) {
        /* The buffer empties before the next byte comes in: IRQ 1/12
         * falls, so the next byte is a new edge for the 8259A. */
        k->obf = false;
        kbc_update_irq(k);
        kbc_fill(k);
    }
    return v;
}

static uint8_t kbc_read_status(const struct kbc *k)
{
    return (uint8_t)(k->status | (k->obf ? ST_OBF : 0) | (k->obf && k->obuf_aux ? ST_AUXB : 0));
}

static void kbc_write_data(struct kbc *k, uint8_t v)
{
    uint8_t cmd = k->pending;

    k->status &= ~ST_A2;
    k->pending = 0;
    if (cmd) {
        kbc_command_data(k, cmd, v);
        return;
    }
    /* To the keyboard; sending it a byte enables its interface (QEMU). */
    k->ram[0] &= ~CB_KBD_DIS;
    kbd_write(&k->kbd, v);
    kbc_fill(k);
}

static void kbc_write_command(struct kbc *k, uint8_t v)
{
    k->status |= ST_A2;
    k->pending = 0;
    kbc_command(k, v);
}

/* As QEMU: an access of `size` bytes is that many byte accesses to the
 * same port. */
static uint32_t kbc_io_read(void *opaque, uint16_t port, unsigned size)
{
    struct kbc *k = opaque;
    uint32_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        uint8_t b = port == KBC_DATA ? kbc_read_data(k) : kbc_read_status(k);
        v |= (uint32_t)b << (8 * i);
    }
    return v;
}

static void kbc_io_write(void *opaque, uint16_t port, unsigned size, uint32_t value)
{
    struct kbc *k = opaque;

    for (unsigned i = 0; i < size; i++) {
        uint8_t b = (uint8_t)(value >> (8 * i));
        if (port == KBC_DATA)
            kbc_write_data(k, b);
        else
            kbc_write_command(k, b);
    }
}

/* Port 0x92 reads back what was written (QEMU); a 0->1 edge of bit 0
 * resets the machine. */
static uint32_t port_a_read(void *opaque, uint16_t port, unsigned size)
{
    struct kbc *k = opaque;
    (void)port, (void)size;
    return k->port_a;
}

static void port_a_write(void *opaque, uint16_t port, unsigned size, uint32_t value)
{
    struct kbc *k = opaque;
    uint8_t old = k->port_a;
    (void)port, (void)size;

    k->port_a = (uint8_t)value;
    kbc_check_a20(k);
    if ((k->port_a & PORT_A_RESET) && !(old & PORT_A_RESET))
        kbc_system_reset("port 0x92");
}

static void i8042_state_at_boot(struct kbc *k)
{
    k->ram[0] = CB_XLATE | CB_AUX_DIS | CB_KBD_INT;
    k->status = ST_INH | ST_A2 | ST_SYS;
    k->outport = 0xcc | OP_A20 | OP_RESET;  /* clock and data lines idle high */
    k->obuf = PS2_ACK;                      /* SeaBIOS's last byte */
    k->port_a = PORT_A_A20;
    kbd_set_defaults(&k->kbd);
    k->kbd.scanning = true;
    k->kbd.q.last = PS2_ACK;                /* its answer to SeaBIOS */
    /* SeaBIOS leaves the mouse as QEMU resets it: all zero. */
}

static void i8042_machine_reset(void)
{
    kbc = (struct kbc){ 0 };
    i8042_state_at_boot(&kbc);
}
DEVICE_RESET(i8042_machine_reset);

static int i8042_init(void)
{
    struct kbc *k = &kbc;

    i8042_state_at_boot(k);
    io_register(KBC_DATA, 1, kbc_io_read, kbc_io_write, k, "i8042 data");
    io_register(KBC_STATUS, 1, kbc_io_read, kbc_io_write, k, "i8042 status/command");
    io_register(PORT_A, 1, port_a_read, port_a_write, k, "port 0x92 (system control A)");
    return 0;
}
DEVICE_INIT(i8042_init);
