/* COM1: a 16550A UART at ports 0x3f8-0x3ff whose line is bt386's stdio.
 * Transmitted bytes go to stdout; received bytes come from stdin when it is
 * a terminal. Owns the UART's registers and the two host byte streams; must
 * not print anything else to stdout.
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
 * Interrupts: IIR reports the pending source, but no IRQ line is raised
 * yet (there is no PIC); guests poll LSR. The FIFO character-timeout
 * interrupt is modelled without a timer: it is pending when the receive
 * FIFO holds fewer bytes than the trigger level and the host has no more.
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

#define COM1_BASE 0x3f8
#define UART_PORTS 8
#define UART_FIFO_SIZE 16

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

    /* Host side. */
    int in_fd, out_fd;
    bool in_open;                   /* stdin is a terminal and not hung up */
    bool out_tty;
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

/* A byte arrives on the line (from the host or, in loopback, from THR). */
static void uart_receive(struct uart *u, uint8_t c)
{
    if (fifo_mode(u)) {
        if (u->rx_count == UART_FIFO_SIZE) {
            u->overrun = true;      /* the FIFO keeps its bytes, c is lost */
            return;
        }
        u->rx_fifo[(u->rx_head + u->rx_count++) % UART_FIFO_SIZE] = c;
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

/* Moves host input into the receiver as far as it has room, then
 * decides the FIFO timeout. Called when the guest looks at the receive
 * side (RBR, LSR, IIR). */
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
    u->timeout_ipending = fifo_mode(u) && u->rx_count > 0 &&
                          u->rx_count < u->rx_trigger && u->in_count == 0;
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
    /* IIR_MSI never: the modem lines of stdio never change. */
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
        if (u->mcr & MCR_LOOP)
            uart_receive(u, v);
        else
            out_byte(u, v);
        u->thr_ipending = true;     /* sent at once: THR is empty again */
        return;
    case REG_IER:
        if (u->lcr & LCR_DLAB) {
            u->divisor = (uint16_t)((u->divisor & 0x00ff) | (v << 8));
            return;
        }
        if ((u->ier ^ v) & IER_THRI)
            u->thr_ipending = v & IER_THRI;     /* THR is always empty */
        u->ier = v & 0x0f;
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
}

static int uart16550_init(void)
{
    com1.base = COM1_BASE;
    com1.in_fd = STDIN_FILENO;
    com1.out_fd = STDOUT_FILENO;
    /* Only a terminal is read: a pipe or file on stdin gives no data. */
    com1.in_open = isatty(STDIN_FILENO);
    com1.out_tty = isatty(STDOUT_FILENO);
    uart_reset(&com1);
    atexit(flush_at_exit);
    io_register(COM1_BASE, UART_PORTS, uart_io_read, uart_io_write, &com1, "uart16550 COM1");
    return 0;
}
DEVICE_INIT(uart16550_init);
