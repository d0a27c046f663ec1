/* bt386's MMIO test device: a page of guest-physical address space at
 * TESTDEV_BASE with no counterpart on a PC (QEMU has none there either),
 * so that guests/paging/pf_mmio can check, under bt386 only, that
 * translated and C-side accesses to MMIO reach a device with their width,
 * offset and order, whether paging is on or off (issue #5, MMIO and holes).
 * Like isa-debug-exit, it is harmless to a guest that does not look for it.
 *
 * Registers (offsets):
 *   0x000-0x03f  64 bytes of scratch, any width
 *   0x100        the last access to the scratch: bit 31 write, bits 27-24
 *                size, bits 11-0 offset (read-only)
 *   0x104        scratch accesses so far (write: reset to 0) */
#include "devices/bus.h"

#include <string.h>

#define TESTDEV_BASE 0xfe000000u
#define SCRATCH 64

static struct {
    uint8_t scratch[SCRATCH];
    uint32_t last, count;
} dev;

static void note(bool write, uint32_t offset, unsigned size)
{
    dev.last = (write ? 1u << 31 : 0) | (uint32_t)size << 24 | offset;
    dev.count++;
}

static uint32_t testdev_read(void *opaque, uint32_t offset, unsigned size)
{
    (void)opaque;
    if (offset + size <= SCRATCH) {
        uint32_t v = 0;
        memcpy(&v, &dev.scratch[offset], size);
        note(false, offset, size);
        return v;
    }
    if (offset == 0x100)
        return dev.last;
    if (offset == 0x104)
        return dev.count;
    return 0xffffffffu;
}

static void testdev_write(void *opaque, uint32_t offset, unsigned size, uint32_t value)
{
    (void)opaque;
    if (offset + size <= SCRATCH) {
        memcpy(&dev.scratch[offset], &value, size);
        note(true, offset, size);
    } else if (offset == 0x104) {
        dev.count = 0;
    }
}

static int testdev_init(void)
{
    mmio_register(TESTDEV_BASE, 0x1000, testdev_read, testdev_write, NULL, "bt386 MMIO test device");
    return 0;
}
DEVICE_INIT(testdev_init);

static void testdev_reset(void)
{
    memset(&dev, 0, sizeof dev);
}
DEVICE_RESET(testdev_reset);
