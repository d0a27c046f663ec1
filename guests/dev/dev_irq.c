/* Hardware interrupts end to end (issue #6, asynchronous interrupts): the
 * 8254's channel 0 drives IRQ 0 through the 8259A to the CPU, and the
 * guest's IDT handler runs (SDM vol. 3A 6.8; 8259A and 8254 data sheets):
 *   - with IF set, IRQ 0 arrives periodically and HLT returns after each;
 *   - an interrupt gate runs the handler with IF clear; EOI lets the next in;
 *   - with IF clear a request stays in the PIC's IRR and nothing arrives;
 *   - STI's shadow: the pending interrupt is taken after the instruction
 *     that follows STI, not before (the frame's EIP says which);
 *   - a masked line (OCW1) is not delivered.
 * No wall-clock value is printed: the checks count events. */
#include "pc.h"

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))
#include "pm.h"

#define PIT_CH0 0x40
#define PIT_CMD 0x43
#define IRQ0_VECTOR 0x20

static volatile uint32_t ticks, last_eip, last_if, mid_fill;
/* The EIP of the first interrupt after `first_armed` is set (a loaded
 * host may let a second tick in before the CLI that follows). */
static volatile uint32_t first_eip, first_armed;
/* REP STOSD's target (see main): the handler looks at how far it got. */
static uint32_t fill[4u << 20] __attribute__((aligned(16)));
#define FILL_WORD 0x5eed5eedu
extern char rep_insn[];

static int on_timer(struct pm_fault *f)
{
    uint32_t flags;
    __asm__ volatile("pushf; pop %0" : "=r"(flags));
    last_if = flags & 0x200;
    last_eip = f->eip;
    if (first_armed) {
        first_eip = f->eip;
        first_armed = 0;
    }
    /* Between two iterations of the fill: begun, not finished. */
    if (f->eip == (uint32_t)rep_insn && fill[0] == FILL_WORD && fill[ARRAY_COUNT(fill) - 1] != FILL_WORD)
        mid_fill = 1;
    ticks++;
    pic_eoi(0);
    return 1;
}

/* Channel 0, mode 2 (rate generator), 1 kHz. */
static void pit_setup(void)
{
    outb(PIT_CMD, 0x34);
    outb(PIT_CH0, 1193 & 0xff);
    outb(PIT_CH0, 1193 >> 8);
}

static uint8_t pic_irr(void)
{
    outb(PIC1_CMD, 0x0a);           /* OCW3: read IRR */
    return inb(PIC1_CMD);
}

extern char after_shadow[], shadow_insn[];

int main(void)
{
    pm_init();
    pm_set_handler(IRQ0_VECTOR, on_timer);
    pic_init(IRQ0_VECTOR, 0x28, 0xfa, 0xff);   /* IRQ 0 and the cascade unmasked */
    pit_setup();

    /* HLT sleeps until an interrupt; ten of them come. */
    ticks = 0;
    __asm__ volatile("sti");
    unsigned halts = 0;
    while (ticks < 10 && halts < 1000) {
        __asm__ volatile("hlt");
        halts++;
    }
    __asm__ volatile("cli");
    CHECK(ticks >= 10, "IRQ 0 from the PIT reaches the guest's IDT handler with IF set");
    CHECK(halts <= 12, "HLT returns after an interrupt (one HLT per tick)");
    CHECK_EQ(last_if, 0, "an interrupt gate runs the handler with IF clear");

    /* IF clear: the request waits in IRR, no handler runs. */
    uint32_t before = ticks;
    for (volatile int i = 0; i < 5000 && !(pic_irr() & 1); i++)   /* a loaded host: long */
        for (volatile int j = 0; j < 20000; j++)
            ;
    CHECK(pic_irr() & 1, "with IF clear the PIT's request stays pending in IRR");
    CHECK_EQ(ticks, before, "with IF clear no interrupt is delivered");

    /* STI's shadow: the pending interrupt is taken after the next
     * instruction, whose address is then the frame's EIP. */
    first_armed = 1;
    __asm__ volatile("sti\n\t"
                     ".globl shadow_insn\nshadow_insn:\n\t"
                     "nop\n\t"
                     ".globl after_shadow\nafter_shadow:\n\t"
                     "nop\n\t"
                     "cli" ::: "memory");
    CHECK(ticks >= before + 1, "STI lets the pending interrupt in");
    CHECK_EQ(first_eip, (uint32_t)after_shadow, "STI's shadow: taken after the instruction following STI");

    /* REP STOSD is interruptible between iterations (SDM REP): a tick
     * during a long fill finds EIP at the REP instruction, and the fill
     * resumes where it was and completes. */
    /* A loaded host may run one fill between two ticks: up to 20 tries. */
    uint32_t n = 0;
    int filled = 1;
    before = ticks;
    for (int attempt = 0; attempt < 20 && !mid_fill; attempt++) {
        uint32_t *dst = fill;
        n = ARRAY_COUNT(fill);
        fill[0] = fill[ARRAY_COUNT(fill) / 2] = fill[ARRAY_COUNT(fill) - 1] = 0;
        __asm__ volatile("sti\n\t"
                         "nop\n\t"
                         ".globl rep_insn\nrep_insn:\n\t"
                         "rep stosl\n\t"
                         "cli"
                         : "+D"(dst), "+c"(n) : "a"(FILL_WORD) : "memory");
        filled &= n == 0 && fill[0] == FILL_WORD && fill[ARRAY_COUNT(fill) / 2] == FILL_WORD &&
                  fill[ARRAY_COUNT(fill) - 1] == FILL_WORD;
    }
    CHECK(ticks > before && mid_fill, "an interrupt arrives in the middle of REP STOSD, EIP at the instruction");
    CHECK(filled, "...and REP STOSD resumes and fills everything");

    /* A masked line: OCW1 bit 0 set, nothing arrives even with IF set. */
    outb(PIC1_DATA, 0xfb);
    before = ticks;
    __asm__ volatile("sti");
    for (volatile int i = 0; i < 2000000; i++)
        ;
    __asm__ volatile("cli");
    CHECK_EQ(ticks, before, "a line masked in OCW1 is not delivered");
    outb(PIC1_DATA, 0xff);
    return check_summary();
}
