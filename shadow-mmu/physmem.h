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
    uint8_t *ram;        /* host address of guest physical 0 */
    uint64_t size;       /* bytes of RAM, a multiple of the page size */
};

int physmem_init(struct physmem *pm, uint64_t size);
void physmem_destroy(struct physmem *pm);

static inline uint8_t *physmem_ptr(const struct physmem *pm, gpa_t gpa, uint64_t len)
{
    if ((uint64_t)gpa + len > pm->size)
        return NULL;
    return pm->ram + gpa;
}

#endif
