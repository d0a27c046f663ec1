/* Physical page frames for page directories, page tables, user pages and
 * kernel stacks: a fixed pool in the kernel's bss (inside the identity map,
 * so the kernel reaches a frame at its physical address). Frames are never
 * freed: the OS runs its tasks once. */
#include "defs.h"
#include "mmu.h"

#define NFRAMES 64

static uint8_t pool[NFRAMES][PGSIZE] __attribute__((aligned(PGSIZE)));
static unsigned used;

void *kalloc(void)
{
    if (used == NFRAMES)
        panic("kalloc: out of frames");
    void *p = pool[used++];
    memset(p, 0, PGSIZE);
    return p;
}
