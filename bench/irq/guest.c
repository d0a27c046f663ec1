/* The interrupt benchmark's guest: the PIT's channel 0 at HZ interrupts a
 * second (mode 2), the guest idle in HLT between them, for SECONDS seconds
 * of guest time (HZ * SECONDS ticks), then it exits. Options on the
 * Multiboot command line: "hz=N seconds=N". It prints the number of ticks
 * only: the runner (run.py) measures host wall and CPU time around it, and
 * bt386's --stats give the delivery latencies. */
#include "pc.h"
#include "pm.h"

static volatile uint32_t ticks;

static int on_timer(struct pm_fault *f)
{
    (void)f;
    ticks++;
    pic_eoi(0);
    return 1;
}

static uint32_t option(const char *name, uint32_t dflt)
{
    const uint32_t *mbi = (const uint32_t *)mb_info;
    const char *cmd = (mbi[0] & 4) ? (const char *)mbi[4] : "";
    size_t n = strlen(name);
    for (const char *p = cmd; *p; p++)
        if (memcmp(p, name, n) == 0 && p[n] == '=') {
            uint32_t v = 0;
            for (p += n + 1; *p >= '0' && *p <= '9'; p++)
                v = v * 10 + (uint32_t)(*p - '0');
            return v;
        }
    return dflt;
}

int main(void)
{
    uint32_t hz = option("hz", 100), seconds = option("seconds", 10);
    uint32_t count = 1193182u / hz;
    pm_init();
    pm_set_handler(0x20, on_timer);
    /* 8259A pair at 0x20/0x28, only IRQ 0 unmasked; PIT channel 0 mode 2. */
    pic_init(0x20, 0x28, 0xfe, 0xff);
    outb(0x43, 0x34); outb(0x40, count & 0xff); outb(0x40, count >> 8);
    uint32_t want = hz * seconds;
    __asm__ volatile("sti");
    while (ticks < want)
        __asm__ volatile("hlt");
    __asm__ volatile("cli");
    printf("ticks %u\n", ticks);
    return 0;
}
