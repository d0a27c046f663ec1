/* COM1: a 16550A UART at ports 0x3f8-0x3ff whose line is bt386's stdio,
 * and its interrupt output on ISA IRQ 4. Transmitted bytes go to stdout;
 * received bytes come from stdin when it is a terminal. Owns the UART's
 * registers and the two host byte streams; must not print anything else to
 * stdout.
 *
 * The model is the register file of National's PC16550D data sheet with
 * the transmitter always done: LSR.THRE and TEMT are always set because a
 * byte written to THR is handed to the host at once. Reset values and
 * corner cases match what a guest sees under `qemu-system-i386 -kernel`
 * (QEMU 7.2, i.e. after SeaBIOS probed the port; checked with a probe
 * guest): IER 00, IIR 01, LCR 00, MCR 08 (OUT2), LSR 60, MSR b0
 * (DCD|DSR|CTS), SCR 00, divisor 000c (9600 baud). As in QEMU, a wide
 * access is done as byte accesses to consecutive registers, an IER write
 * raises the THRE interrupt only when it turns ETBEI on, and a receive
 * with the FIFOs off keeps the last byte in RBR for later reads.
 *
 * Interrupts (data sheet, table 4): IIR names the pending source of
 * highest priority among those IER enables: receiver line status (overrun,
 * until LSR is read), character timeout, received data (RBR full, or the
 * FIFO at its trigger level), THR empty (set when THR empties or ETBEI is
 * turned on, cleared by writing THR or by reading IIR while it is the
 * source). Modem status never: the lines of stdio never change, and QEMU
 * reports no delta bits in loopback either (the data sheet would).
 * The INTR pin is "a source pending"; on a PC it reaches IRQ 4 through a
 * buffer that MCR.OUT2 enables, and in loopback the 16550 forces its OUT2
 * pin inactive (data sheet, MCR bit 4), so
 *     IRQ 4 = source pending AND MCR.OUT2 AND NOT MCR.LOOP,
 * driven with irq_set whenever it changes. QEMU 7.2 raises IRQ 4 on
 * "source pending" alone, OUT2 and loopback notwithstanding: guests that
 * work on a PC set OUT2 and do not expect interrupts in loopback, so they
 * see the same; dev_uart checks IRQ 4 only where both agree.
 * A THR write lowers the line and raises it again when THRE comes back (the
 * byte left at once): one edge per byte, as in QEMU.
 *
 * Character timeout (FIFO mode): pending when the receive FIFO holds a
 * byte and none was received or read for 4 character times at the
 * programmed rate (start, data, parity and stop bits at 115200 / divisor
 * baud); receiving does not clear it, reading RBR does (data sheet, as
 * QEMU). A dev_timer raises it at the deadline; a guest polling IIR or LSR
 * also sees it at once once the deadline has passed, whether or not the
 * monitor ran the timer yet.
 *
 * Receiving: host bytes move into RBR/the FIFO when the guest reads RBR,
 * LSR or IIR, and, while received-data or line-status interrupts are
 * enabled and stdin is a terminal, every RX_POLL_NS from a timer, so that a
 * guest waiting for IRQ 4 in HLT gets its input. Nothing polls when stdin
 * is not a terminal (the tests): the timer is never armed.
 *
 * Output is buffered per line (one write() per byte would cost ~1.5 us of
 * host syscall per guest character on these machines) and flushed at '\n',
 * when the buffer is full, before input is polled, at exit() (atexit), and
 * after every byte when stdout is a terminal. Only a partial last line is
 * lost if bt386 is killed by a signal.
 * NB: the monitor must leave through exit() (not _exit()) for the flush. */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "devices/bus.h"
#include "devices/clock.h"
#include "devices/irq.h"

#define COM1_BASE 0x3f8
#define COM1_IRQ 4
#define UART_PORTS 8
#define UART_FIFO_SIZE 16
#define UART_CLOCK_BAUD 115200u     /* 1.8432 MHz / 16: the rate of divisor 1 */
#define RX_TIMEOUT_CHARS 4
#define RX_POLL_NS 10000000u        /* host input, while a guest may wait for it */

enum uart_reg {         /* offset from the base port */
    REG_DATA = 0,       /* RBR (read), THR (write); DLL when LCR.DLAB */
    REG_IER = 1,        /* DLM when LCR.DLAB */
    REG_IIR_FCR = 2,    /* IIR (read), FCR (write) */
    REG_LCR = 3,
    REG_MCR = 4,
    REG_LSR = 5,
    REG_MSR = 6,
    REG_SCR = 7,
};

#define IER_RDI   0x01  /* received data available */
#define IER_THRI  0x02  /* THR empty */
#define IER_RLSI  0x04  /* receiver line status */
#define IER_MSI   0x08  /* modem status */

#define IIR_NONE  0x01
#define IIR_MSI   0x00
#define IIR_THRI  0x02
#define IIR_RDI   0x04
#define IIR_RLSI  0x06
#define IIR_CTI   0x0c  /* character timeout (FIFO mode) */
#define IIR_FIFO  0xc0  /* FIFOs enabled */

#define FCR_FE    0x01  /* FIFO enable */
#define FCR_RFR   0x02  /* receive FIFO reset */
#define FCR_XFR   0x04  /* transmit FIFO reset */
#define FCR_STICKY 0xc9 /* trigger level, DMA mode, enable */

#define LCR_WLS   0x03  /* word length - 5 */
#define LCR_STB   0x04  /* 2 stop bits (1.5 with 5-bit words) */
#define LCR_PEN   0x08  /* parity bit */
#define LCR_DLAB  0x80

#define MCR_LOOP  0x10
#define MCR_OUT2  0x08
#define MCR_MASK  0x1f

#define LSR_DR    0x01
#define LSR_OE    0x02
#define LSR_THRE  0x20
#define LSR_TEMT  0x40

#define MSR_CTS   0x10
#define MSR_DSR   0x20
#define MSR_DCD   0x80

struct uart {
    uint16_t base;
    uint16_t divisor;
    uint8_t ier, lcr, mcr, scr;
    uint8_t fcr;                    /* the FCR_STICKY bits */
    uint8_t rbr;                    /* FIFOs off: last byte received */
    bool rbr_full;                  /* FIFOs off: LSR.DR */
    uint8_t rx_fifo[UART_FIFO_SIZE];
    unsigned rx_head, rx_count;
    unsigned rx_trigger;            /* bytes that raise "data available" */
    bool overrun;                   /* LSR.OE, cleared by reading LSR */
    bool thr_ipending;              /* THRE interrupt not yet acknowledged */
    bool timeout_ipending;
    struct dev_timer rx_timeout;    /* 4 character times after RX FIFO activity */
    int irq_level;                  /* what IRQ 4 was last driven to */

    /* Host side. */
    int in_fd, out_fd;
    bool in_open;                   /* stdin is a terminal and not hung up */
    bool out_tty;
    struct dev_timer rx_poll;       /* host input, see the file comment */
    uint8_t in_buf[256];
    unsigned in_head, in_count;
    uint8_t out_buf[4096];
    size_t out_len;
};

static struct uart com1;

static void uart_reset(struct uart *u)
{
    u->divisor = 0x0c;
    u->ier = 0;
    u->lcr = 0;
    u->mcr = MCR_OUT2;
    u->scr = 0;
    u->fcr = 0;
    u->rbr = 0;
    u->rbr_full = false;
    u->rx_head = u->rx_count = 0;
    u->rx_trigger = 1;
    u->overrun = false;
    u->thr_ipending = false;
    u->timeout_ipending = false;
    timer_cancel(&u->rx_timeout);
}

static void out_flush(struct uart *u)
{
    size_t done = 0;

    while (done < u->out_len) {
        ssize_t n = write(u->out_fd, u->out_buf + done, u->out_len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;          /* stdout closed or full disk: the bytes are lost */
        done += (size_t)n;
    }
    u->out_len = 0;
}

static void flush_at_exit(void)
{
    out_flush(&com1);
}

static void out_byte(struct uart *u, uint8_t c)
{
    u->out_buf[u->out_len++] = c;
    if (c == '\n' || u->out_tty || u->out_len == sizeof u->out_buf)
        out_flush(u);
}

static bool fifo_mode(const struct uart *u)
{
    return u->fcr & FCR_FE;
}

static bool rx_ready(const struct uart *u)
{
    return fifo_mode(u) ? u->rx_count > 0 : u->rbr_full;
}

static bool can_receive(const struct uart *u)
{
    return fifo_mode(u) ? u->rx_count < UART_FIFO_SIZE : !u->rbr_full;
}

/* One character on the line: start, data, parity and stop bits at the
 * programmed rate. QEMU counts 1.5 stop bits as 2 and takes a divisor of
 * 0 as 3500 baud; so does bt386 (the data sheet leaves 0 undefined). */
static uint64_t char_time_ns(const struct uart *u)
{
    unsigned bits = 1 + 5 + (u->lcr & LCR_WLS) + ((u->lcr & LCR_PEN) ? 1 : 0) +
                    ((u->lcr & LCR_STB) ? 2 : 1);

    if (u->divisor == 0)
        return (uint64_t)bits * 1000000000u / 3500;
    return (uint64_t)bits * 1000000000u * u->divisor / UART_CLOCK_BAUD;
}

/* A byte entered or left the receive FIFO: the timeout counts again. */
static void rx_timeout_restart(struct uart *u)
{
    if (u->rx_count)
        timer_arm(&u->rx_timeout, clock_ns() + RX_TIMEOUT_CHARS * char_time_ns(u));
    else
        timer_cancel(&u->rx_timeout);
}

static void rx_timeout_expired(void *opaque);

/* The timeout is a time, not an event: a guest that reads IIR or LSR after
 * the deadline sees it even if the monitor has not run the timer yet. */
static void rx_timeout_catch_up(struct uart *u)
{
    if (u->rx_timeout.armed && clock_ns() >= u->rx_timeout.deadline) {
        timer_cancel(&u->rx_timeout);
        rx_timeout_expired(u);
    }
}

/* A byte arrives on the line (from the host or, in loopback, from THR). */
static void uart_receive(struct uart *u, uint8_t c)
{
    if (fifo_mode(u)) {
        if (u->rx_count == UART_FIFO_SIZE) {
            u->overrun = true;      /* the FIFO keeps its bytes, c is lost */
            return;
        }
        u->rx_fifo[(u->rx_head + u->rx_count++) % UART_FIFO_SIZE] = c;
        rx_timeout_restart(u);
    } else {
        if (u->rbr_full)
            u->overrun = true;
        u->rbr = c;
        u->rbr_full = true;
    }
}

/* Reads what the host has without blocking. poll() and not O_NONBLOCK:
 * the terminal's open file is shared with the shell, which must not find
 * it non-blocking after bt386 exits. */
static void host_read(struct uart *u)
{
    struct pollfd p = { .fd = u->in_fd, .events = POLLIN };

    if (poll(&p, 1, 0) <= 0)
        return;
    if (p.revents & POLLIN) {
        ssize_t n = read(u->in_fd, u->in_buf, sizeof u->in_buf);
        if (n > 0) {
            u->in_head = 0;
            u->in_count = (unsigned)n;
            return;
        }
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            return;
        /* n == 0 is ^D on a terminal: no data now, but the line stays. */
        if (n == 0 && !(p.revents & POLLHUP))
            return;
    }
    u->in_open = false;             /* hung up or broken: stop polling */
}

/* Moves host input into the receiver as far as it has room, and brings
 * the character timeout up to date. Called when the guest looks at the
 * receive side (RBR, LSR, IIR) and from the input poll timer. */
static void uart_pump(struct uart *u)
{
    if (!(u->mcr & MCR_LOOP)) {
        if (u->in_count == 0 && u->in_open) {
            if (u->out_len)
                out_flush(u);       /* a prompt is shown before input is read */
            host_read(u);
        }
        while (u->in_count && can_receive(u)) {
            uart_receive(u, u->in_buf[u->in_head++]);
            u->in_count--;
        }
    }
    rx_timeout_catch_up(u);
}

static uint8_t uart_lsr(const struct uart *u)
{
    return LSR_THRE | LSR_TEMT | (rx_ready(u) ? LSR_DR : 0) | (u->overrun ? LSR_OE : 0);
}

/* The pending interrupt of highest priority (data sheet, table 4). */
static uint8_t uart_iir(const struct uart *u)
{
    uint8_t id = IIR_NONE;

    if ((u->ier & IER_RLSI) && u->overrun)
        id = IIR_RLSI;
    else if ((u->ier & IER_RDI) && u->timeout_ipending)
        id = IIR_CTI;
    else if ((u->ier & IER_RDI) && rx_ready(u) &&
             (!fifo_mode(u) || u->rx_count >= u->rx_trigger))
        id = IIR_RDI;
    else if ((u->ier & IER_THRI) && u->thr_ipending)
        id = IIR_THRI;
    /* IIR_MSI never: see the file comment. */
    return id | (fifo_mode(u) ? IIR_FIFO : 0);
}

/* In loopback the modem outputs feed the inputs: DTR->DSR, RTS->CTS,
 * OUT1->RI, OUT2->DCD. Otherwise the line is always up. */
static uint8_t uart_msr(const struct uart *u)
{
    if (u->mcr & MCR_LOOP)
        return (uint8_t)(((u->mcr & 0x0c) << 4) | ((u->mcr & 0x02) << 3) |
                         ((u->mcr & 0x01) << 5));
    return MSR_DCD | MSR_DSR | MSR_CTS;
}

/* IRQ 4 as the PC wires the INTR pin (see the file comment). */
static void uart_update_irq(struct uart *u)
{
    int level = !(uart_iir(u) & IIR_NONE) && (u->mcr & (MCR_OUT2 | MCR_LOOP)) == MCR_OUT2;

    if (level != u->irq_level) {
        u->irq_level = level;
        irq_set(COM1_IRQ, level);
    }
}

static void rx_timeout_expired(void *opaque)
{
    struct uart *u = opaque;

    if (fifo_mode(u) && u->rx_count) {
        u->timeout_ipending = true;
        uart_update_irq(u);
    }
}

/* Host input is polled from a timer only while the guest may be waiting
 * for a receive interrupt; a polling guest pumps it with its reads. */
static void rx_poll_start(struct uart *u)
{
    if (u->in_open && (u->ier & (IER_RDI | IER_RLSI)) && !u->rx_poll.armed)
        timer_arm(&u->rx_poll, clock_ns() + RX_POLL_NS);
}

static void rx_poll_tick(void *opaque)
{
    struct uart *u = opaque;

    uart_pump(u);
    uart_update_irq(u);
    rx_poll_start(u);
}

static uint8_t uart_read_reg(struct uart *u, unsigned reg)
{
    uint8_t v;

    switch (reg) {
    case REG_DATA:
        if (u->lcr & LCR_DLAB)
            return (uint8_t)u->divisor;
        if (fifo_mode(u)) {
            v = 0;
            if (u->rx_count) {
                v = u->rx_fifo[u->rx_head];
                u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
                u->rx_count--;
            }
            u->timeout_ipending = false;
            rx_timeout_restart(u);
        } else {
            v = u->rbr;
            u->rbr_full = false;
        }
        uart_pump(u);
        return v;
    case REG_IER:
        return (u->lcr & LCR_DLAB) ? (uint8_t)(u->divisor >> 8) : u->ier;
    case REG_IIR_FCR:
        uart_pump(u);
        v = uart_iir(u);
        if ((v & 0x0f) == IIR_THRI)
            u->thr_ipending = false;        /* reading IIR acknowledges THRE */
        return v;
    case REG_LCR:
        return u->lcr;
    case REG_MCR:
        return u->mcr;
    case REG_LSR:
        uart_pump(u);
        v = uart_lsr(u);
        u->overrun = false;
        return v;
    case REG_MSR:
        return uart_msr(u);
    default:
        return u->scr;
    }
}

static void uart_write_fcr(struct uart *u, uint8_t v)
{
    static const unsigned trigger[4] = { 1, 4, 8, 14 };

    if ((v ^ u->fcr) & FCR_FE)
        v |= FCR_RFR | FCR_XFR;     /* switching FIFOs on or off empties them */
    if (v & FCR_RFR) {
        u->rx_head = u->rx_count = 0;
        u->timeout_ipending = false;
        timer_cancel(&u->rx_timeout);
    }
    /* FCR_XFR: the transmit FIFO is always empty here. */
    u->fcr = v & FCR_STICKY;
    u->rx_trigger = trigger[v >> 6];
}

static void uart_write_reg(struct uart *u, unsigned reg, uint8_t v)
{
    switch (reg) {
    case REG_DATA:
        if (u->lcr & LCR_DLAB) {
            u->divisor = (uint16_t)((u->divisor & 0xff00) | v);
            return;
        }
        u->thr_ipending = false;    /* writing THR clears THRE... */
        uart_update_irq(u);
        if (u->mcr & MCR_LOOP)
            uart_receive(u, v);
        else
            out_byte(u, v);
        u->thr_ipending = true;     /* ...and it is sent at once: empty again */
        return;
    case REG_IER:
        if (u->lcr & LCR_DLAB) {
            u->divisor = (uint16_t)((u->divisor & 0x00ff) | (v << 8));
            return;
        }
        if ((u->ier ^ v) & IER_THRI)
            u->thr_ipending = v & IER_THRI;     /* THR is always empty */
        u->ier = v & 0x0f;
        rx_poll_start(u);
        return;
    case REG_IIR_FCR:
        uart_write_fcr(u, v);
        return;
    case REG_LCR:
        u->lcr = v;
        return;
    case REG_MCR:
        u->mcr = v & MCR_MASK;
        return;
    case REG_LSR:
    case REG_MSR:
        return;                     /* factory test registers: ignored */
    default:
        u->scr = v;
        return;
    }
}

/* Byte registers: an access of `size` bytes is `size` byte accesses to
 * consecutive ports; bytes past the UART read as all ones. */
static uint32_t uart_io_read(void *opaque, uint16_t port, unsigned size)
{
    struct uart *u = opaque;
    uint32_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        unsigned off = (unsigned)port + i - u->base;
        uint32_t b = off < UART_PORTS ? uart_read_reg(u, off) : 0xff;
        v |= b << (8 * i);
    }
    uart_update_irq(u);
    return v;
}

static void uart_io_write(void *opaque, uint16_t port, unsigned size, uint32_t value)
{
    struct uart *u = opaque;

    for (unsigned i = 0; i < size; i++) {
        unsigned off = (unsigned)port + i - u->base;
        if (off < UART_PORTS)
            uart_write_reg(u, off, (uint8_t)(value >> (8 * i)));
    }
    uart_update_irq(u);
}

static void uart16550_machine_reset(void)
{
    uart_reset(&com1);
    uart_update_irq(&com1);
}
DEVICE_RESET(uart16550_machine_reset);

static int uart16550_init(void)
{
    com1.base = COM1_BASE;
    com1.in_fd = STDIN_FILENO;
    com1.out_fd = STDOUT_FILENO;
    /* Only a terminal is read: a pipe or file on stdin gives no data. */
    com1.in_open = isatty(STDIN_FILENO);
    com1.out_tty = isatty(STDOUT_FILENO);
    com1.rx_timeout = (struct dev_timer){ .fn = rx_timeout_expired, .opaque = &com1 };
    com1.rx_poll = (struct dev_timer){ .fn = rx_poll_tick, .opaque = &com1 };
    uart_reset(&com1);
    atexit(flush_at_exit);
    io_register(COM1_BASE, UART_PORTS, uart_io_read, uart_io_write, &com1, "uart16550 COM1");
    return 0;
}
DEVICE_INIT(uart16550_init);
