/* The console: a 16550A at COM1 (0x3f8, IRQ 4), transmit driven by its
 * THRE interrupt (PC16550D data sheet, table 4) as a real driver does it.
 *
 * uart_write puts bytes in a ring and, when the transmitter is idle, sets
 * IER.ETBEI; with THR empty that raises THRE at once. The interrupt
 * handler reads IIR until it says "no interrupt pending" (bit 0 = 1) and
 * serves each source it names: THRE refills the 16-byte transmit FIFO from
 * the ring, or clears ETBEI when the ring is empty (so the line goes quiet
 * and the edge-triggered IRQ 4 sees a fresh edge next time); the others
 * (line status, received data, modem status) are acknowledged by reading
 * their register. IRQ 4 reaches the 8259A only with MCR.OUT2 set.
 *
 * The kernel runs with IF = 0; bytes queued there go out when it waits
 * (uart_flush, the scheduler's idle loop) or while a task runs. */
#include "defs.h"
#include "x86.h"

#define COM1 0x3f8
#define RBR (COM1 + 0)
#define THR (COM1 + 0)
#define DLL (COM1 + 0)
#define IER (COM1 + 1)
#define DLM (COM1 + 1)
#define IIR (COM1 + 2)
#define FCR (COM1 + 2)
#define LCR (COM1 + 3)
#define MCR (COM1 + 4)
#define LSR (COM1 + 5)
#define MSR (COM1 + 6)

#define IER_ETBEI 0x02
#define IIR_NO_INT 0x01
#define IIR_ID 0x0e
#define IIR_MSR 0x00
#define IIR_THRE 0x02
#define IIR_RDA 0x04
#define IIR_RLS 0x06
#define IIR_CTO 0x0c
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT2 0x08
#define FIFO_SIZE 16

#define RING 4096
static char ring[RING];
static volatile uint32_t head, tail;        /* head: next free; tail: next to send */
static volatile uint8_t ier;
uint32_t uart_thre_intrs, uart_bytes_queued, uart_bytes_by_intr;

void uart_init(void)
{
    outb(IER, 0);
    outb(LCR, 0x80);                    /* DLAB: the divisor latch */
    outb(DLL, 1);                       /* 115200 baud */
    outb(DLM, 0);
    outb(LCR, 0x03);                    /* 8 bits, no parity, 1 stop bit */
    outb(FCR, 0xc7);                    /* FIFOs on and cleared, RX trigger 14 */
    outb(MCR, MCR_DTR | MCR_RTS | MCR_OUT2);
    /* Whatever SeaBIOS left pending is acknowledged. */
    (void)inb(LSR);
    (void)inb(RBR);
    (void)inb(IIR);
    (void)inb(MSR);
    ier = 0;
}

static void start_tx(void)
{
    if (!(ier & IER_ETBEI)) {
        ier |= IER_ETBEI;
        outb(IER, ier);
    }
}

void uart_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        while (head - tail == RING) {
            /* Full: let the interrupt drain it. Only the kernel's own
             * context writes here, never an interrupt handler. */
            start_tx();
            sti_hlt_cli();
        }
        ring[head % RING] = s[i];
        head++;
        uart_bytes_queued++;
    }
    if (head != tail)
        start_tx();
}

void uart_intr(void)
{
    for (int guard = 0; guard < 1024; guard++) {
        uint8_t iir = inb(IIR);
        if (iir & IIR_NO_INT)
            return;
        switch (iir & IIR_ID) {
        case IIR_THRE:
            uart_thre_intrs++;
            if (head == tail) {
                ier &= (uint8_t)~IER_ETBEI;
                outb(IER, ier);
                break;
            }
            for (int k = 0; k < FIFO_SIZE && head != tail; k++) {
                outb(THR, (uint8_t)ring[tail % RING]);
                tail++;
                uart_bytes_by_intr++;
            }
            break;
        case IIR_RLS:
            (void)inb(LSR);
            break;
        case IIR_RDA:
        case IIR_CTO:
            (void)inb(RBR);             /* no reader: the byte is dropped */
            break;
        case IIR_MSR:
            (void)inb(MSR);
            break;
        }
    }
}

/* Waits, interrupts on, until the ring is empty and the last byte has left
 * the shift register (LSR.TEMT): nothing is lost to a reset or an exit. */
void uart_flush(void)
{
    uint32_t start = ticks;
    while (head != tail) {
        if (ticks - start > 2 * HZ)
            panic("uart: transmit interrupts stopped, %u bytes left", head - tail);
        start_tx();
        sti_hlt_cli();
    }
    for (uint32_t n = 0; !(inb(LSR) & LSR_TEMT) && n < 10000000; n++)
        ;
}

/* For panics only: interrupts off, the ring abandoned, byte by byte. */
void uart_polled_write(const char *s)
{
    outb(IER, 0);
    for (; *s; s++) {
        for (uint32_t n = 0; !(inb(LSR) & LSR_THRE) && n < 1000000; n++)
            ;
        outb(THR, (uint8_t)*s);
    }
}
