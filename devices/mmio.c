/* The MMIO bus (see bus.h): a short list of guest-physical ranges, each
 * owned by one device. The shadow MMU calls mmio_read/mmio_write for every
 * access to a guest-physical address that is not RAM; such accesses are
 * never cached in a shadow map, so a device sees each one, in program
 * order, with its width. An unclaimed address is an open bus: reads return
 * all ones, writes are dropped. */
#include "devices/bus.h"
#include "common/panic.h"

#include <stddef.h>

#define MMIO_REGIONS 32

static struct mmio_region {
    uint32_t base, len;
    mmio_read_fn rd;
    mmio_write_fn wr;
    void *opaque;
    const char *name;
} regions[MMIO_REGIONS];
static unsigned nregions;

void mmio_register(uint32_t base, uint32_t len, mmio_read_fn rd, mmio_write_fn wr,
                   void *opaque, const char *name)
{
    if (len == 0 || (uint64_t)base + len > (1ull << 32))
        panic("mmio_register(%s): bad range %08x + %x", name, base, len);
    for (unsigned i = 0; i < nregions; i++)
        if (base < regions[i].base + regions[i].len && regions[i].base < base + len)
            panic("mmio_register(%s): %08x + %x overlaps %s", name, base, len, regions[i].name);
    if (nregions == MMIO_REGIONS)
        panic("mmio_register(%s): more than %d MMIO regions", name, MMIO_REGIONS);
    regions[nregions++] = (struct mmio_region){ base, len, rd, wr, opaque, name };
}

static const struct mmio_region *region_at(uint32_t addr)
{
    for (unsigned i = 0; i < nregions; i++)
        if (addr - regions[i].base < regions[i].len)
            return &regions[i];
    return NULL;
}

uint32_t mmio_read(uint32_t addr, unsigned size)
{
    const struct mmio_region *r = region_at(addr);
    uint32_t ones = size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
    if (!r || !r->rd)
        return ones;
    return r->rd(r->opaque, addr - r->base, size) & ones;
}

void mmio_write(uint32_t addr, unsigned size, uint32_t value)
{
    const struct mmio_region *r = region_at(addr);
    if (r && r->wr)
        r->wr(r->opaque, addr - r->base, size, size >= 4 ? value : value & ((1u << (8 * size)) - 1));
}
