/* Guest physical memory: one host mapping of `size` bytes of RAM starting at
 * guest physical 0, allocated and touched up front (a first-touch host page
 * fault costs ~20 us on these machines). Addresses past the end of RAM are
 * holes or MMIO and never reach `ram`.
 *
 *   struct physmem pm;
 *   if (physmem_init(&pm, 128u << 20) < 0) ...;
 *   uint8_t *p = physmem_ptr(&pm, gpa, len);   NULL unless [gpa, gpa+len) is RAM
 */
#ifndef BT386_PHYSMEM_H
#define BT386_PHYSMEM_H

#include "common/types.h"

struct physmem {
    uint8_t *ram;        /* host address of guest physical 0 (monitor's view) */
    uint8_t *window;     /* translated code's view: a 4 GiB window, RAM at its start */
    uint64_t size;       /* bytes of RAM, a multiple of the page size */
    bool window_unused;  /* --no-direct: no translated code addresses the window */
    uint8_t *code_map;   /* one bit per page: the page holds translated code */
};

/* Does guest-physical page `pa` hold translated code (a store must go
 * through the SMC check)? */
static inline bool physmem_page_has_code(const struct physmem *pm, gpa_t pa)
{
    uint32_t page = pa >> GUEST_PAGE_SHIFT;
    return (pm->code_map[page >> 3] >> (page & 7)) & 1;
}

int physmem_init(struct physmem *pm, uint64_t size);
/* Write-protects (or not) one page for translated code, which addresses RAM
 * directly in the direct mode; the page holds translated code. NB: the
 * monitor's own stores to such a page must lift the protection first
 * (dbt/guest_mem.c). */
int physmem_set_writable(struct physmem *pm, gpa_t page, bool writable);
/* Is `host` inside the reserved span around `window` (aliases and holes)? */
bool physmem_in_window(const struct physmem *pm, const void *host);
void physmem_destroy(struct physmem *pm);

static inline uint8_t *physmem_ptr(const struct physmem *pm, gpa_t gpa, uint64_t len)
{
    if ((uint64_t)gpa + len > pm->size)
        return NULL;
    return pm->ram + gpa;
}

#endif
