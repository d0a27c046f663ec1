/* Guest RAM (shadow-mmu/physmem.c): populated up front, zeroed, bounded
 * by physmem_ptr, with a guard page after it. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <sys/mman.h>
#include <time.h>

#include "shadow-mmu/physmem.h"
#include "check.h"

#define MiB (1ull << 20)

static void touch_guard(void *arg)
{
    struct physmem *pm = arg;
    volatile uint8_t *end = pm->ram + pm->size;
    (void)*end;
}

int main(void)
{
    struct physmem pm;
    struct timespec t0, t1;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_EQ(physmem_init(&pm, 64 * MiB), 0, "64 MiB of RAM");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    fprintf(check_out(), "     (physmem_init 64 MiB: %.1f ms)\n",
            (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
    CHECK(pm.ram && pm.size == 64 * MiB, "mapped");

    size_t pages = pm.size / 4096, resident = 0;
    unsigned char *vec = malloc(pages);
    CHECK(mincore(pm.ram, pm.size, vec) == 0, "mincore");
    for (size_t i = 0; i < pages; i++)
        resident += vec[i] & 1;
    free(vec);
    CHECK_EQ(resident, pages, "every page is resident before the guest runs");

    int zero = 1;
    for (size_t i = 0; i < pm.size; i += 4093)
        zero &= pm.ram[i] == 0;
    CHECK(zero, "RAM starts zeroed");

    CHECK(physmem_ptr(&pm, 0, 1) == pm.ram, "physmem_ptr(0)");
    CHECK(physmem_ptr(&pm, 64 * MiB - 4, 4) == pm.ram + 64 * MiB - 4, "last 4 bytes");
    CHECK(physmem_ptr(&pm, 64 * MiB - 4, 5) == NULL, "one byte past the end");
    CHECK(physmem_ptr(&pm, 0xffffffff, 2) == NULL, "no wrap at 4 GiB");

    struct child_result r;
    child_run(touch_guard, &pm, &r);
    /* Under ASan (BT386_SANITIZE) its SEGV report exits 1 instead. */
    CHECK(r.status == 128 + SIGSEGV || contains(r.err, "AddressSanitizer: SEGV"),
          "the byte after RAM faults (guard page)");

    physmem_destroy(&pm);
    CHECK(pm.ram == NULL && pm.size == 0, "destroy clears the struct");

    CHECK(physmem_init(&pm, 4097) == -1 && errno == EINVAL, "a size not in pages: EINVAL");
    CHECK(physmem_init(&pm, 0) == -1 && errno == EINVAL, "size 0: EINVAL");
    CHECK(physmem_init(&pm, (4ull << 30) + 4096) == -1 && errno == EINVAL,
          "more than 4 GiB: EINVAL");
    return check_summary();
}
