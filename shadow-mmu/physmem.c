/* Guest RAM (see physmem.h): one anonymous host mapping, populated before
 * the guest runs, followed by a PROT_NONE guard page so that a monitor bug
 * that runs off the end of RAM faults at once instead of reading whatever
 * the host mapped next. Owns the mapping only; what lives in guest RAM is
 * the loaders' and the guest's business.
 *
 * Why populate up front: a first-touch page fault costs ~20 us on these
 * machines, and no guest-frequent event may cost a host fault
 * (ARCHITECTURE.md). Why transparent huge pages: measured on this host
 * (2026-11, 6.18 kernel, THP "madvise"), populating 128 MiB took 42-62 ms
 * with MAP_POPULATE and usually 19-25 ms with MADV_HUGEPAGE +
 * MADV_POPULATE_WRITE (up to ~190 ms when the host kernel first has to
 * compact memory), and random 4 KiB-strided reads over 1 GiB ran ~2x
 * faster afterwards (fewer host TLB misses). Kernels older than 5.14
 * (no MADV_POPULATE_WRITE) fall back to MAP_POPULATE. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>

#include "shadow-mmu/physmem.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23      /* Linux 5.14 */
#endif

#define HUGE_PAGE_SIZE (2u << 20)
#define GUARD_SIZE GUEST_PAGE_SIZE

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
    pm->ram = NULL;
    pm->size = 0;
    /* gpa_t is 32 bits: RAM beyond 4 GiB could never be addressed. */
    if (size == 0 || size % GUEST_PAGE_SIZE || size > (1ull << 32)) {
        errno = EINVAL;
        return -1;
    }

    uint8_t *base = reserve_aligned(size + GUARD_SIZE);
    if (!base)
        return -1;

    /* The RAM part of the reservation becomes readable and writable; the
     * guard page after it stays PROT_NONE. */
    void *ram = mmap(base, size, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (ram == MAP_FAILED)
        goto fail;
    madvise(ram, size, MADV_HUGEPAGE);          /* a hint: failure is fine */
    if (madvise(ram, size, MADV_POPULATE_WRITE) != 0) {
        if (errno != EINVAL)
            goto fail;                          /* ENOMEM: RAM does not fit */
        /* An older kernel: map again, populated the classic way. */
        ram = mmap(base, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_POPULATE, -1, 0);
        if (ram == MAP_FAILED)
            goto fail;
    }
    pm->ram = ram;
    pm->size = size;
    return 0;

fail:;
    int err = errno;
    munmap(base, size + GUARD_SIZE);
    errno = err;
    return -1;
}

void physmem_destroy(struct physmem *pm)
{
    if (pm->ram)
        munmap(pm->ram, pm->size + GUARD_SIZE);
    pm->ram = NULL;
    pm->size = 0;
}
