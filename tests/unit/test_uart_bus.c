/* The I/O bus (devices/bus.c) and the devices on it: routing, unknown
 * ports, and the UART, isa-debug-exit and port 0x80 against QEMU 7.2. The
 * register sequences below replay two probe guests run under
 * `qemu-system-i386 -kernel probe.elf -serial stdio -device
 * isa-debug-exit,iobase=0xf4,iosize=4`; the expected bytes are what the
 * probes printed. Each part runs in a child process: devices_init runs
 * once per process and the UART must start from its reset state. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <termios.h>

#include "devices/bus.h"
#include "devices/clock.h"
#include "check.h"
#include "fake_vm.h"     /* isa-debug-exit's way out, recorded */

#define COM1 0x3f8

static uint8_t inb(uint16_t port) { return (uint8_t)io_read(port, 1); }
static void outb(uint16_t port, uint8_t v) { io_write(port, 1, v); }

/* ---- the bus with a test device ---- */

struct access {
    uint16_t port;
    unsigned size;
    uint32_t value;
    int count;
};

static uint32_t fake_read(void *opaque, uint16_t port, unsigned size)
{
    struct access *a = opaque;
    *a = (struct access){ port, size, 0, a->count + 1 };
    return 0xdead0000u | port;      /* wider than most accesses: the bus cuts it */
}

static void fake_write(void *opaque, uint16_t port, unsigned size, uint32_t value)
{
    struct access *a = opaque;
    *a = (struct access){ port, size, value, a->count + 1 };
}

static void bus_routing(void *unused)
{
    static struct access a, top;
    (void)unused;

    io_register(0x100, 4, fake_read, fake_write, &a, "fake");
    CHECK_EQ(io_read(0x102, 2), 0x0102, "a 2-byte read is routed, its value cut to 16 bits");
    CHECK(a.port == 0x102 && a.size == 2, "the device sees the port addressed and the width");
    CHECK_EQ(io_read(0x103, 4), 0xdead0103, "a 4-byte read at the range's last port");
    io_write(0x101, 1, 0x12345678);
    CHECK(a.port == 0x101 && a.size == 1 && a.value == 0x78,
          "a 1-byte write is routed, its value cut to 8 bits");
    io_write(0x100, 4, 0x12345678);
    CHECK_EQ(a.value, 0x12345678, "a 4-byte write keeps all 32 bits");
    int before = a.count;
    CHECK_EQ(io_read(0x104, 1), 0xff, "the port after the range is not the device's");
    CHECK_EQ(io_read(0xff, 1), 0xff, "nor the port before it");
    CHECK_EQ(a.count, before, "the device saw neither access");

    CHECK_EQ(io_read(0x2e0, 1), 0xff, "unknown port: a 1-byte read is 0xff");
    CHECK_EQ(io_read(0x2e0, 2), 0xffff, "unknown port: a 2-byte read is 0xffff");
    CHECK_EQ(io_read(0x2e0, 4), 0xffffffff, "unknown port: a 4-byte read is 0xffffffff");
    io_write(0x2e0, 1, 0);
    io_write(0x2e0, 2, 0);

    io_register(0xfff0, 16, fake_read, NULL, &top, "top of the port space");
    CHECK_EQ(io_read(0xffff, 4), 0xdead0000u | 0xffff, "a range can end at port 0xffff");
    io_write(0xffff, 1, 1);
    CHECK_EQ(top.count, 1, "a device without a write callback drops writes, silently");
}

static void bus_overlap(void *unused)
{
    (void)unused;
    io_register(0x200, 8, fake_read, fake_write, NULL, "first");
    io_register(0x207, 2, fake_read, fake_write, NULL, "second");
}

static void bus_bad_width(void *unused)
{
    (void)unused;
    io_read(0x60, 3);
}

static void test_bus(void)
{
    struct child_result r;

    child_run(bus_routing, NULL, &r);
    CHECK_EQ(r.status, 0, "bus routing (child)");
    CHECK(contains(r.err, "bt386: unhandled port read 0x2e0\n"), "an unknown port read is logged");
    CHECK(contains(r.err, "bt386: unhandled port write 0x2e0\n"), "an unknown port write is logged");
    const char *first = strstr(r.err, "read 0x2e0\n");
    CHECK(first && !strstr(first + 1, "read 0x2e0\n"),
          "logged once per port, though read three times");
    CHECK(!contains(r.err, "0x102") && !contains(r.err, "0xffff"),
          "ports that belong to a device are never logged");
    CHECK_STR(r.out, "", "nothing on stdout");

    child_run(bus_overlap, NULL, &r);
    CHECK_EQ(r.status, 70, "overlapping registrations panic (exit 70)");
    CHECK(contains(r.err, "bt386: internal error: io_register(second): port 0x207 already "
                          "belongs to first\n"), "the panic names both devices");

    child_run(bus_bad_width, NULL, &r);
    CHECK_EQ(r.status, 70, "a 3-byte access panics");
    CHECK(contains(r.err, "bt386: internal error: I/O access of 3 bytes"), "panic message");
}

/* ---- the devices, replaying the QEMU probes ---- */

static void init_devices(void)
{
    if (devices_init() != 0) {
        CHECK(0, "devices_init");
        exit(1);
    }
}

static void check_bytes(const uint8_t *got, const uint8_t *want, size_t n, const char *what)
{
    char g[512] = "", w[512] = "";
    for (size_t i = 0; i < n; i++) {
        snprintf(g + strlen(g), sizeof g - strlen(g), " %02x", got[i]);
        snprintf(w + strlen(w), sizeof w - strlen(w), " %02x", want[i]);
    }
    CHECK_STR(g, w, "%s", what);
}

/* Probe 1: the registers at kernel entry, DLAB, IER's writable bits, the
 * THRE interrupt, FIFO bits in IIR, MCR's bits and loopback, SCR, LCR, and
 * wide accesses; then port 0x80, isa-debug-exit reads, unknown ports. */
static void probe1(void *unused)
{
    static const uint8_t qemu[] = {
        0x00, 0x01, 0x00, 0x08, 0x60, 0xb0, 0x00, 0x0c, 0x00, 0x01, 0x0f, 0x02, 0x01, 0x01,
        0x02, 0x01, 0xc1, 0x01, 0x1f, 0xf0, 0x00, 0x00, 0x61, 0x5a, 0x60, 0xb0, 0xb0, 0xa5,
        0xff, 0x03, 0x5a,
    };
    uint8_t u[64];
    int n = 0;
    (void)unused;

    init_devices();
    for (int r = 1; r < 8; r++)
        u[n++] = inb(COM1 + r);
    outb(COM1 + 3, inb(COM1 + 3) | 0x80);
    u[n++] = inb(COM1); u[n++] = inb(COM1 + 1); u[n++] = inb(COM1 + 2);
    outb(COM1 + 3, inb(COM1 + 3) & 0x7f);
    outb(COM1 + 1, 0xff); u[n++] = inb(COM1 + 1); u[n++] = inb(COM1 + 2); u[n++] = inb(COM1 + 2);
    outb(COM1 + 1, 0x00); u[n++] = inb(COM1 + 2);
    outb(COM1 + 1, 0x02); u[n++] = inb(COM1 + 2); u[n++] = inb(COM1 + 2);
    outb(COM1 + 1, 0x00);
    outb(COM1 + 2, 0xc7); u[n++] = inb(COM1 + 2);
    outb(COM1 + 2, 0x00); u[n++] = inb(COM1 + 2);
    uint8_t mcr = inb(COM1 + 4);
    outb(COM1 + 4, 0xff); u[n++] = inb(COM1 + 4); u[n++] = inb(COM1 + 6);
    outb(COM1 + 4, 0x10); u[n++] = inb(COM1 + 6); u[n++] = inb(COM1 + 6);
    outb(COM1, 0x5a); u[n++] = inb(COM1 + 5); u[n++] = inb(COM1); u[n++] = inb(COM1 + 5);
    outb(COM1 + 4, mcr); u[n++] = inb(COM1 + 6); u[n++] = inb(COM1 + 6);
    outb(COM1 + 7, 0xa5); u[n++] = inb(COM1 + 7);
    outb(COM1 + 3, 0xff); u[n++] = inb(COM1 + 3); outb(COM1 + 3, 0x03); u[n++] = inb(COM1 + 3);
    u[n++] = inb(COM1);
    check_bytes(u, qemu, sizeof qemu, "UART registers read as under QEMU (probe 1)");

    CHECK_EQ(io_read(COM1, 2), 0x0000005a, "inw 0x3f8 = RBR, IER");
    CHECK_EQ(io_read(COM1 + 4, 4), 0xa5b06008, "inl 0x3fc = MCR, LSR, MSR, SCR");
    CHECK_EQ(io_read(0x80, 1), 0xff, "inb 0x80");
    CHECK_EQ(io_read(0x80, 2), 0xffff, "inw 0x80");
    CHECK_EQ(io_read(0x80, 4), 0xffffffff, "inl 0x80");
    outb(0x80, 0x55);
    CHECK_EQ(io_read(0x80, 1), 0xff, "port 0x80 does not return the value written");
    CHECK_EQ(io_read(0xf4, 1), 0, "inb 0xf4 (isa-debug-exit) reads 0");
    CHECK_EQ(io_read(0xf4, 4), 0, "inl 0xf4 reads 0");
    CHECK_EQ(io_read(0xf7, 1), 0, "inb 0xf7 reads 0");
    CHECK_EQ(io_read(0xf8, 1), 0xff, "inb 0xf8 is past isa-debug-exit");
    CHECK_EQ(io_read(0x2e0, 1), 0xff, "inb 0x2e0 (nothing there)");
    CHECK_EQ(io_read(0x2e0, 2), 0xffff, "inw 0x2e0");
    CHECK_EQ(io_read(0x2e0, 4), 0xffffffff, "inl 0x2e0");
    CHECK_EQ(io_read(0x2f8 + 5, 1), 0xff, "no COM2 (QEMU has only COM1 here)");
    CHECK_EQ(stop_requests, 0, "reads of isa-debug-exit do not stop the guest");
}

/* Probe 2: when IER writes raise THRE, transmit raising it, loopback
 * overrun, the receive FIFO and its IIR codes, RBR after the FIFO is
 * switched off, MSR in and out of loopback. */
static void probe2(void *unused)
{
    static const uint8_t qemu[] = {
        0x02, 0x01, 0x01, 0x01, 0x01, 0x02, 0x01, 0x02, 0x01, 0xee, 0x63, 0x61, 0x42, 0x60,
        0x42, 0x60, 0xee, 0xc1, 0x00, 0x60, 0xc4, 0x61, 0x61, 0xc4, 0x62, 0x63, 0x60, 0x00,
        0xc1, 0xee, 0x01, 0x42, 0x60, 0x80, 0xb0, 0xee, 0x61, 0x77, 0x60,
    };
    uint8_t u[128];
    int n = 0;
    (void)unused;

#define R(off) (u[n++] = inb(COM1 + (off)))
#define W(off, v) outb(COM1 + (off), (v))
    init_devices();
    W(1, 2); R(2); R(2); W(1, 2); R(2); W(1, 3); R(2); R(2); W(1, 0);
    W(1, 2); R(2); R(2); W(0, 'x'); R(2); R(2); W(1, 0);
    u[n++] = 0xee;
    W(4, 0x18); W(0, 0x41); W(0, 0x42); R(5); R(5); R(0); R(5); R(0); R(5);
    u[n++] = 0xee;
    W(2, 0x01); R(2); R(0); R(5); W(1, 1); W(0, 0x61); W(0, 0x62); W(0, 0x63);
    R(2); R(5); R(0); R(2); R(0); R(0); R(5); R(0); R(2);
    u[n++] = 0xee;
    W(1, 0); W(2, 0x00); R(2); R(0);
    W(5, 0); W(6, 0); R(5); R(6);
    W(4, 0x08); R(6);
    u[n++] = 0xee;
    W(4, 0x18); W(0, 0x77); W(4, 0x08); R(5); R(0); R(5);
#undef R
#undef W
    check_bytes(u, qemu, sizeof qemu, "UART registers read as under QEMU (probe 2)");
}

static void test_probes(void)
{
    struct child_result r;

    child_run(probe1, NULL, &r);
    CHECK_EQ(r.status, 0, "probe 1 (child)");
    CHECK_STR(r.out, "", "loopback bytes never reach stdout");
    CHECK(contains(r.err, "unhandled port read 0x2e0") && !contains(r.err, "0x80") &&
          !contains(r.err, "0xf4") && !contains(r.err, "0x3f"),
          "only the unknown ports are logged");

    child_run(probe2, NULL, &r);
    CHECK_EQ(r.status, 0, "probe 2 (child)");
    CHECK_STR(r.out, "x", "THR outside loopback goes to stdout");
}

/* ---- isa-debug-exit ---- */

static void debug_exit_writes(void *unused)
{
    /* Exit statuses of QEMU 7.2 for the same writes (measured). */
    static const struct { uint16_t port; unsigned size; uint32_t v; int status; } w[] = {
        { 0xf4, 4, 0x12345678, 241 }, { 0xf6, 2, 0x0102, 5 }, { 0xf7, 1, 0x40, 129 },
        { 0xf4, 4, 0x7f, 255 }, { 0xf4, 4, 0x80, 1 }, { 0xf4, 1, 0xff, 255 },
        { 0xf4, 1, 0, 1 }, { 0xf5, 1, 1, 3 },
    };
    (void)unused;

    init_devices();
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
        int before = stop_requests;
        io_write(w[i].port, w[i].size, w[i].v);
        CHECK(stop_requests == before + 1 && last_stop_status == w[i].status,
              "out%c 0x%x, 0x%x stops with status %d", "?bw?l"[w[i].size], w[i].port,
              w[i].v, w[i].status);
    }
}

/* ---- the UART's host side ---- */

static off_t stdout_size(void)
{
    struct stat st;
    fstat(STDOUT_FILENO, &st);
    return st.st_size;
}

static void output_buffering(void *unused)
{
    (void)unused;
    init_devices();
    for (const char *s = "abc"; *s; s++)
        outb(COM1, (uint8_t)*s);
    CHECK_EQ(stdout_size(), 0, "a partial line stays buffered (stdout is a file)");
    outb(COM1, '\n');
    CHECK_EQ(stdout_size(), 4, "'\\n' flushes the line");
    for (int i = 0; i < 5000; i++)
        outb(COM1, (uint8_t)('0' + i % 10));
    CHECK(stdout_size() >= 4096, "a full buffer is flushed without a newline");
    for (const char *s = "tail"; *s; s++)
        outb(COM1, (uint8_t)*s);
    /* Returning exits the child: the atexit handler writes "tail". */
}

static void check_output(void)
{
    struct child_result r;

    child_run(output_buffering, NULL, &r);
    CHECK_EQ(r.status, 0, "output buffering (child)");
    CHECK(strncmp(r.out, "abc\n0123456789", 14) == 0 && strlen(r.out) == 4 + 5000 + 4 &&
          strcmp(r.out + strlen(r.out) - 4, "tail") == 0,
          "every byte reaches stdout in order, the last line at exit");
}

/* Makes stdin a raw pseudo-terminal, as when a user types, and starts the
 * devices; returns the master side (what the user types into), or -1. */
static int stdin_pty_and_devices(void)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0) {
        CHECK(0, "pseudo-terminal");
        return -1;
    }
    int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
    struct termios t;
    tcgetattr(slave, &t);
    cfmakeraw(&t);
    tcsetattr(slave, TCSANOW, &t);
    dup2(slave, STDIN_FILENO);
    init_devices();
    return master;
}

/* Input through a pseudo-terminal: stdin is a tty, as when a user types. */
static void input_tty(void *unused)
{
    (void)unused;
    int master = stdin_pty_and_devices();
    if (master < 0)
        return;

    CHECK_EQ(inb(COM1 + 5), 0x60, "LSR: nothing typed yet");
    CHECK(write(master, "ab", 2) == 2, "type 'ab'");
    usleep(20000);
    CHECK_EQ(inb(COM1 + 5), 0x61, "LSR.DR once a byte is there");
    CHECK_EQ(inb(COM1), 'a', "RBR 'a'");
    CHECK_EQ(inb(COM1 + 5), 0x61, "LSR.DR again for the next byte");
    CHECK_EQ(inb(COM1), 'b', "RBR 'b'");
    CHECK_EQ(inb(COM1 + 5), 0x60, "LSR: all read");

    outb(COM1 + 2, 0x81);               /* FIFOs on, trigger level 8 */
    outb(COM1 + 1, 0x01);               /* received-data interrupt */
    CHECK_EQ(inb(COM1 + 2), 0xc1, "IIR: FIFOs on, nothing pending");
    CHECK(write(master, "xyz", 3) == 3, "type 'xyz'");
    usleep(20000);
    CHECK_EQ(inb(COM1 + 2), 0xc1, "IIR: 3 bytes in, below the trigger level, no timeout yet");
    usleep(20000);
    CHECK_EQ(inb(COM1 + 2), 0xcc, "IIR: character timeout 4 character times later");
    CHECK(inb(COM1) == 'x' && inb(COM1) == 'y' && inb(COM1) == 'z', "RBR x, y, z from the FIFO");
    CHECK_EQ(inb(COM1 + 2), 0xc1, "IIR: nothing pending once read");
    CHECK_EQ(inb(COM1), 0, "RBR of an empty FIFO reads 0");

    char many[20];
    memset(many, 'm', sizeof many);
    CHECK(write(master, many, sizeof many) == (ssize_t)sizeof many, "type 20 bytes");
    usleep(20000);
    CHECK_EQ(inb(COM1 + 2), 0xc4, "IIR: data available (16 bytes, above the trigger)");
    int got = 0;
    while ((inb(COM1 + 5) & 1) && got < 40)
        got += inb(COM1) == 'm';
    CHECK_EQ(got, 20, "no byte lost beyond the 16-byte FIFO: the host side waits");
    CHECK_EQ(inb(COM1 + 5), 0x60, "no overrun from host input");

    close(master);
    usleep(20000);
    CHECK_EQ(inb(COM1 + 5), 0x60, "hang-up: no data, no error");
}

/* stdin a pipe with bytes in it: not a terminal, so the guest sees none. */
static void input_pipe(void *unused)
{
    int fds[2];
    (void)unused;
    if (pipe(fds) < 0 || write(fds[1], "q", 1) != 1) {
        CHECK(0, "pipe");
        return;
    }
    dup2(fds[0], STDIN_FILENO);
    init_devices();
    CHECK_EQ(inb(COM1 + 5), 0x60, "LSR: stdin is not a terminal, no data");
}

/* ---- IRQ 4 ---- */

/* ISA line 4 as the 8259A sees it: with ELCR bit 4 set the line is
 * level-sensitive and IRR bit 4 is the line itself (OCW3 read IRR). */
static void irq4_level_mode(void)
{
    outb(0x4d0, 0x10);
}

static int irq4(void)
{
    outb(0x20, 0x0a);
    return (inb(0x20) >> 4) & 1;
}

static void irq_transmit(void *unused)
{
    (void)unused;
    init_devices();
    irq4_level_mode();
    CHECK_EQ(irq4(), 0, "reset: no source enabled, IRQ 4 low");
    outb(COM1 + 1, 0x02);
    CHECK_EQ(irq4(), 1, "ETBEI on with OUT2 set: THRE pending, IRQ 4 high");
    outb(COM1 + 4, 0x00);
    CHECK_EQ(irq4(), 0, "OUT2 clear: the PC's buffer is off, IRQ 4 low (QEMU keeps it high)");
    CHECK_EQ(inb(COM1 + 2) & 0x0f, 0x02, "...while IIR still shows THRE");
    outb(COM1 + 1, 0x00);
    outb(COM1 + 1, 0x02);
    outb(COM1 + 4, 0x08);
    CHECK_EQ(irq4(), 1, "OUT2 set again with THRE pending: IRQ 4 high");
    outb(COM1 + 4, 0x18);
    CHECK_EQ(irq4(), 0, "loopback forces the OUT2 pin inactive: IRQ 4 low");
    outb(COM1 + 4, 0x08);
    CHECK_EQ(irq4(), 1, "out of loopback: high again");
    CHECK_EQ(inb(COM1 + 2), 0x02, "IIR reads THRE...");
    CHECK_EQ(irq4(), 0, "...which acknowledges it: IRQ 4 low");
    outb(COM1, 'T');
    CHECK_EQ(irq4(), 1, "a THR write: THRE again once the byte left, IRQ 4 high");
    outb(COM1 + 1, 0x00);
    CHECK_EQ(irq4(), 0, "ETBEI off: IRQ 4 low");

    /* Receiver line status: an overrun in loopback, seen in IIR only. */
    outb(COM1 + 4, 0x18);
    outb(COM1 + 1, 0x04);
    outb(COM1, 1);
    outb(COM1, 2);
    CHECK_EQ(inb(COM1 + 2), 0x06, "loopback overrun: IIR receiver line status");
    CHECK_EQ(irq4(), 0, "...but no IRQ 4 in loopback");
    outb(COM1 + 4, 0x08);
    CHECK_EQ(irq4(), 1, "out of loopback, the overrun still pending: IRQ 4 high");
    inb(COM1 + 5);
    CHECK_EQ(irq4(), 0, "reading LSR clears the overrun: IRQ 4 low");
    outb(COM1 + 1, 0x00);

    /* In edge mode every THR write is one edge: IRR latches it. */
    outb(0x4d0, 0x00);
    outb(0x21, 0xef);                       /* only IR4 unmasked, for the poll */
    outb(COM1 + 1, 0x02);
    CHECK_EQ(irq4(), 1, "edge mode: ETBEI's rising edge requests IRQ 4");
    outb(0x20, 0x0c);
    CHECK_EQ(inb(0x20), 0x84, "poll: IR4");
    outb(0x20, 0x20);
    CHECK_EQ(irq4(), 0, "acknowledged: IRR 4 clear, the line still high");
    outb(COM1, 'U');
    CHECK_EQ(irq4(), 1, "a THR write lowers and raises the line: a new request");
    outb(COM1 + 1, 0x00);
}

/* The host side: input arriving while the guest waits for an interrupt,
 * and the FIFO timeout, both from timers (the run loop's timers_run). */
static void irq_receive(void *unused)
{
    (void)unused;
    int master = stdin_pty_and_devices();
    if (master < 0)
        return;
    irq4_level_mode();
    /* 300 baud (divisor 384, LCR 00: 7-bit frames): 4 character times are
     * 93 ms, so "no timeout yet" holds on a loaded host. */
    outb(COM1 + 3, 0x80);
    outb(COM1, 0x80);
    outb(COM1 + 1, 0x01);
    outb(COM1 + 3, 0x00);

    /* (Other devices have timers of their own: timers_next says nothing
     * about the UART's.) */
    outb(COM1 + 1, 0x05);                   /* received data, line status */
    CHECK(write(master, "a", 1) == 1, "type 'a'");
    usleep(30000);
    timers_run(clock_ns());
    CHECK_EQ(irq4(), 1, "the poll timer received 'a' without a guest access: IRQ 4 high");
    CHECK_EQ(inb(COM1 + 2), 0x04, "IIR: received data available");
    CHECK_EQ(inb(COM1), 'a', "RBR 'a'");
    CHECK_EQ(irq4(), 0, "RBR read: IRQ 4 low");

    outb(COM1 + 2, 0x41);                   /* FIFOs on, trigger level 4 */
    CHECK(write(master, "xy", 2) == 2, "type 'xy'");
    usleep(30000);
    timers_run(clock_ns());
    CHECK_EQ(irq4(), 0, "2 bytes in the FIFO, below the trigger: IRQ 4 low");
    usleep(150000);
    timers_run(clock_ns());
    CHECK_EQ(irq4(), 1, "4 character times later: character timeout, IRQ 4 high");
    CHECK_EQ(inb(COM1 + 2), 0xcc, "IIR: character timeout");
    CHECK_EQ(inb(COM1), 'x', "RBR 'x'");
    CHECK_EQ(irq4(), 0, "reading RBR clears the timeout: IRQ 4 low");
    CHECK_EQ(inb(COM1 + 2), 0xc1, "IIR: nothing, the timeout counts again");
    usleep(150000);
    CHECK_EQ(inb(COM1 + 2), 0xcc, "IIR read after the deadline shows the timeout at once");
    CHECK_EQ(irq4(), 1, "...and IRQ 4 follows");
    CHECK_EQ(inb(COM1), 'y', "RBR 'y'");
    CHECK_EQ(inb(COM1 + 2), 0xc1, "FIFO empty: no timeout");
    CHECK_EQ(irq4(), 0, "IRQ 4 low");

    outb(COM1 + 2, 0x00);
    outb(COM1 + 1, 0x00);
    usleep(30000);
    timers_run(clock_ns());
    CHECK(write(master, "z", 1) == 1, "type 'z' with receive interrupts off");
    usleep(30000);
    timers_run(clock_ns());
    outb(COM1 + 1, 0x01);
    CHECK_EQ(irq4(), 0, "...no poll meanwhile: nothing received until a read or a poll");
    usleep(30000);
    timers_run(clock_ns());
    CHECK_EQ(irq4(), 1, "ERBFI on again: the next poll receives 'z'");
    CHECK_EQ(inb(COM1), 'z', "RBR 'z'");
    outb(COM1 + 1, 0x00);
    close(master);
}

static void test_irq(void)
{
    struct child_result r;

    child_run(irq_transmit, NULL, &r);
    CHECK_EQ(r.status, 0, "IRQ 4 from the transmitter and line status (child)");
    CHECK_STR(r.out, "TU", "the THR bytes reach stdout");
    child_run(irq_receive, NULL, &r);
    CHECK_EQ(r.status, 0, "IRQ 4 from the receiver, polled and timed out (child)");
}

static void test_devices(void)
{
    struct child_result r;

    child_run(debug_exit_writes, NULL, &r);
    CHECK_EQ(r.status, 0, "isa-debug-exit writes (child)");
    check_output();
    child_run(input_tty, NULL, &r);
    CHECK_EQ(r.status, 0, "terminal input (child)");
    CHECK_STR(r.out, "", "input is not echoed by the UART");
    child_run(input_pipe, NULL, &r);
    CHECK_EQ(r.status, 0, "pipe input (child)");
}

int main(void)
{
    test_bus();
    test_probes();
    test_devices();
    test_irq();
    return check_summary();
}
