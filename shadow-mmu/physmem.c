/* Guest RAM (see physmem.h): one memfd mapped twice, populated before the
 * guest runs.
 *  - `ram`: the monitor's view, always writable, followed by a PROT_NONE
 *    guard page so that a monitor bug running off the end of RAM faults.
 *    The shadow map's entries point here.
 *  - `window`: the translated code's view in the direct mode (paging off):
 *    guest physical X is window + X. Translated code forms window + base +
 *    disp32 in 64 bits (dbt/emit_mem.c), which lands anywhere in
 *    [window - 2 GiB, window + 34 GiB); IA-32 wraps that mod 4 GiB, so RAM
 *    is mapped again every 4 GiB (and its part above 2 GiB at
 *    window - 2 GiB). Everything else stays PROT_NONE
 *    (holes fault), and pages holding translated code are read-only there,
 *    so a store to code faults into the exact slow path.
 * Why populate up front: a first-touch page fault costs ~20 us on these
 * machines (ARCHITECTURE.md). A shared mapping gets no transparent huge
 * pages here (shmem_enabled is "never"); the anonymous THP mapping this
 * replaced populated 128 MiB in ~20 ms instead of ~50 ms, and random reads
 * over 1 GiB ran ~2x faster: revisit for large guests (docs/decisions.md). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "shadow-mmu/physmem.h"


#define HUGE_PAGE_SIZE (2u << 20)
/* Everything after RAM up to 4 GiB (plus room for the longest access, a
 * 512-byte FXSAVE, at 0xffffffff) stays reserved and PROT_NONE: translated
 * code in the direct mode (dbt/emit_mem.c) addresses guest physical memory as
 * ram + address, and a hole faults instead of touching host memory. */
#define GUARD_SIZE GUEST_PAGE_SIZE
#define GIB (1ull << 30)
#define WINDOW_BELOW (2 * GIB)
/* window + index * 8 + disp32 reaches 34 GiB: RAM is mapped again every
 * 4 GiB up to there. Only the first alias is populated (negative index
 * registers, a common loop idiom, land there); the others fault in. */
#define WINDOW_ALIASES 9
#define WINDOW_SIZE (WINDOW_BELOW + (WINDOW_ALIASES + 1) * 4 * GIB + (1u << 20))

/* A range of address space, not backed, aligned to a huge page so the
 * first 2 MiB of guest RAM can be a huge page too. */
static uint8_t *reserve_aligned(size_t len)
{
    size_t span = len + HUGE_PAGE_SIZE;
    uint8_t *p = mmap(NULL, span, PROT_NONE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return NULL;

    uintptr_t start = ((uintptr_t)p + HUGE_PAGE_SIZE - 1) & ~(uintptr_t)(HUGE_PAGE_SIZE - 1);
    size_t head = start - (uintptr_t)p;
    if (head)
        munmap(p, head);
    munmap((uint8_t *)start + len, span - head - len);
    return (uint8_t *)start;
}

int physmem_init(struct physmem *pm, uint64_t size)
{
    pm->ram = pm->window = NULL;
    pm->size = 0;
    /* gpa_t is 32 bits: RAM beyond 4 GiB could never be addressed. */
    if (size == 0 || size % GUEST_PAGE_SIZE || size > (1ull << 32)) {
        errno = EINVAL;
        return -1;
    }
    int fd = memfd_create("bt386-ram", MFD_CLOEXEC);
    if (fd < 0)
        return -1;
    uint8_t *ram = NULL, *window = NULL;
    if (ftruncate(fd, (off_t)size) < 0)
        goto fail;
    ram = reserve_aligned(size + GUARD_SIZE);
    uint8_t *span = reserve_aligned(WINDOW_SIZE);
    window = span ? span + WINDOW_BELOW : NULL;
    if (!ram || !window)
        goto fail;
    /* Two views of the same pages; MAP_POPULATE fills both page tables. */
    if (mmap(ram, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED | MAP_POPULATE, fd, 0) == MAP_FAILED ||
        mmap(window, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED | MAP_POPULATE, fd, 0) == MAP_FAILED ||
        mmap(window + 4 * GIB, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED | MAP_POPULATE, fd, 0) == MAP_FAILED)
        goto fail;
    for (int k = 2; k <= WINDOW_ALIASES; k++)
        if (mmap(window + k * 4 * GIB, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED)
            goto fail;
    if (size > 2 * GIB &&
        mmap(window - 2 * GIB, size - 2 * GIB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED | MAP_POPULATE,
             fd, (off_t)(2 * GIB)) == MAP_FAILED)
        goto fail;
    close(fd);
    pm->code_map = calloc(size / GUEST_PAGE_SIZE / 8 + 1, 1);
    if (!pm->code_map) {
        errno = ENOMEM;
        fd = -1;
        goto fail;
    }
    pm->ram = ram;
    pm->window = window;
    pm->size = size;
    return 0;

fail:;
    int err = errno;
    if (fd >= 0)
        close(fd);
    if (ram)
        munmap(ram, size + GUARD_SIZE);
    if (window)
        munmap(window - WINDOW_BELOW, WINDOW_SIZE);
    errno = err;
    return -1;
}

void physmem_destroy(struct physmem *pm)
{
    if (pm->ram) {
        munmap(pm->ram, pm->size + GUARD_SIZE);
        munmap(pm->window - WINDOW_BELOW, WINDOW_SIZE);
    }
    free(pm->code_map);
    pm->code_map = NULL;
    pm->ram = pm->window = NULL;
    pm->size = 0;
}

int physmem_set_writable(struct physmem *pm, gpa_t page, bool writable)
{
    if ((uint64_t)page + GUEST_PAGE_SIZE > pm->size)
        return -1;
    uint32_t n = page >> GUEST_PAGE_SHIFT;
    if (writable)
        pm->code_map[n >> 3] &= (uint8_t)~(1u << (n & 7));
    else
        pm->code_map[n >> 3] |= (uint8_t)(1u << (n & 7));
    /* Without the direct mode nothing stores through the window: the
     * shadow map's missing write entries protect code on their own, and
     * self-modifying code costs no host system call at all. */
    if (pm->window_unused)
        return 0;
    int prot = writable ? PROT_READ | PROT_WRITE : PROT_READ;
    /* Every alias of the page (see the top of this file). */
    int r = 0;
    for (int k = 0; k <= WINDOW_ALIASES; k++)
        r |= mprotect(pm->window + k * 4 * GIB + page, GUEST_PAGE_SIZE, prot);
    if (page >= 2 * GIB)
        r |= mprotect(pm->window - 4 * GIB + page, GUEST_PAGE_SIZE, prot);
    return r;
}

bool physmem_in_window(const struct physmem *pm, const void *host)
{
    const uint8_t *p = host;
    return pm->window && p >= pm->window - WINDOW_BELOW && p < pm->window - WINDOW_BELOW + WINDOW_SIZE;
}
