/* The IDT and trap dispatch. All 256 vectors get an interrupt gate (SDM
 * vol. 3 6.11: IF is cleared on entry, so the kernel runs with interrupts
 * off except where it waits on purpose); INT 0x80 gets DPL 3 so CPL3 may
 * use it (6.12.1.1: a software INT through a gate with DPL < CPL is #GP).
 *   vectors 0-31   exceptions: from CPL3 the task is killed, from CPL0 the
 *                  kernel panics
 *   0x20-0x2f      the 8259A pair (pic.c): IRQ 0 timer, IRQ 4 COM1
 *   0x80           system calls (syscall.c) */
#include "defs.h"
#include "mmu.h"
#include "proc.h"
#include "syscall.h"
#include "x86.h"

struct gatedesc {
    uint16_t off_lo, sel;
    uint8_t zero, type_attr;
    uint16_t off_hi;
} __attribute__((packed));

static struct gatedesc idt[256];
extern char trap_stubs[];
volatile uint32_t ticks;

static void set_gate(unsigned vec, unsigned dpl)
{
    uint32_t off = (uint32_t)trap_stubs + 16 * vec;
    /* P, DPL, type 0xe: 32-bit interrupt gate. */
    idt[vec] = (struct gatedesc){ (uint16_t)off, KCODE_SEL, 0,
                                  (uint8_t)(0x8e | (dpl << 5)), (uint16_t)(off >> 16) };
}

void trap_init(void)
{
    for (unsigned v = 0; v < 256; v++)
        set_gate(v, v == T_SYSCALL ? 3 : 0);
    lidt(idt, sizeof(idt));
}

static void timer_intr(struct trapframe *tf)
{
    ticks++;
    pic_eoi(IRQ_TIMER);
    proc_wakeup();
    /* Round robin: a task interrupted at CPL3 goes to the back of the
     * queue. The kernel itself is not preempted (it runs with IF = 0 but
     * where it waits, and then it is the scheduler's idle loop or a
     * console flush, which only want the tick). */
    if ((tf->cs & 3) == 3 && cur) {
        cur->timer_preempts++;
        yield();
    }
}

void trap(struct trapframe *tf);
void trap(struct trapframe *tf)
{
    unsigned v = tf->trapno;

    if (v == T_SYSCALL) {
        syscall(tf);
        return;
    }
    if (v == IRQ_BASE + IRQ_TIMER) {
        timer_intr(tf);
        return;
    }
    if (v == IRQ_BASE + IRQ_COM1) {
        uart_intr();
        pic_eoi(IRQ_COM1);
        return;
    }
    if (v == IRQ_BASE + 7 || v == IRQ_BASE + 15) {
        /* A spurious IR7/IR15 (8259A: the request went away before INTA)
         * is not in service and gets no EOI; a spurious IR15 still took
         * the master's IR2, which does. */
        unsigned irq = v - IRQ_BASE;
        if (pic_in_service(irq))
            pic_eoi(irq);
        else if (irq == 15)
            pic_eoi(2);
        return;
    }
    if (v < 32 && (tf->cs & 3) == 3 && cur)
        proc_kill(tf);
    panic("trap %u err %x at %x:%x cr2 %x", v, tf->err, tf->cs, tf->eip, rcr2());
}
