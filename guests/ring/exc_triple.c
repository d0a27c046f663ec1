/* A triple fault on purpose (SDM vol. 3A, interrupt 8: a fault while
 * delivering #DF makes the processor shut down). Not self-checking: the
 * machine stops. With the IDT limit at 0 every vector is beyond it, so
 * INT3 raises #GP(3*8+2), whose delivery raises #GP again (contributory on
 * contributory: #DF), whose delivery faults again: shutdown.
 * QEMU resets (or exits, with -no-reboot); bt386 must report a guest
 * shutdown and exit cleanly (a CLI test checks it; no ctest pair here). */
#include "guest.h"

int main(void)
{
    struct { uint16_t limit; uint32_t base; } __attribute__((packed)) idtr = { 0, 0 };
    printf("triple fault next\n");
    __asm__ volatile("lidt %0\n\tint3" :: "m"(idtr));
    printf("FAIL still running after a triple fault\n");
    return 1;
}
