/* The I/O-port bus (see bus.h): which device owns each of the 65536 ports,
 * routing of IN/OUT to it, and the fallback for ports nobody owns. Owns no
 * device state and no timing; must not print to stdout (the guest's serial
 * console). A broken registration (overlap, empty range) is a monitor bug
 * and panics; an access to an unknown port is the guest's business and
 * reads all ones, as on a PC where nothing drives the data lines (and as
 * QEMU's unassigned I/O does). */
#include <stdbool.h>
#include <stdio.h>

#include "common/panic.h"
#include "common/types.h"
#include "devices/bus.h"

#define IO_PORT_COUNT 0x10000u
#define IO_MAX_RANGES 64

struct io_range {
    uint16_t base;
    uint16_t count;
    io_read_fn rd;          /* NULL: reads all ones */
    io_write_fn wr;         /* NULL: writes are dropped */
    void *opaque;
    const char *name;
};

/* Slot 0 means "no device": a port lookup is one byte load, with no search,
 * because IN/OUT callouts are frequent (a serial byte costs two or three). */
static struct io_range ranges[IO_MAX_RANGES + 1];
static unsigned range_count;
static uint8_t port_owner[IO_PORT_COUNT];

/* Ports already reported as unhandled, one bit per port and direction. */
static uint8_t logged_read[IO_PORT_COUNT / 8];
static uint8_t logged_write[IO_PORT_COUNT / 8];

void io_register(uint16_t base, uint16_t count, io_read_fn rd, io_write_fn wr,
                 void *opaque, const char *name)
{
    if (count == 0 || (uint32_t)base + count > IO_PORT_COUNT)
        panic("io_register(%s): bad port range 0x%x+%u", name, base, count);
    if (range_count == IO_MAX_RANGES)
        panic("io_register(%s): more than %d port ranges", name, IO_MAX_RANGES);
    for (uint32_t p = base; p < (uint32_t)base + count; p++)
        if (port_owner[p])
            panic("io_register(%s): port 0x%x already belongs to %s", name, p,
                  ranges[port_owner[p]].name);

    range_count++;
    ranges[range_count] = (struct io_range){ base, count, rd, wr, opaque, name };
    for (uint32_t p = base; p < (uint32_t)base + count; p++)
        port_owner[p] = (uint8_t)range_count;
}

static uint32_t width_mask(unsigned size)
{
    switch (size) {
    case 1: return 0xff;
    case 2: return 0xffff;
    case 4: return 0xffffffff;
    }
    panic("I/O access of %u bytes", size);
}

/* True the first time it is called for this port in this bitmap. */
static bool first_time(uint8_t *bitmap, uint16_t port)
{
    uint8_t bit = (uint8_t)(1u << (port & 7));
    if (bitmap[port >> 3] & bit)
        return false;
    bitmap[port >> 3] |= bit;
    return true;
}

/* The device that owns `port` sees the whole access, even one that runs
 * past the end of its range (a 4-byte IN at its last port): devices with
 * byte registers split wide accesses themselves, as the UART does. */
uint32_t io_read(uint16_t port, unsigned size)
{
    uint32_t mask = width_mask(size);
    const struct io_range *r = &ranges[port_owner[port]];

    if (r->rd)
        return r->rd(r->opaque, port, size) & mask;
    if (!port_owner[port] && first_time(logged_read, port))
        fprintf(stderr, "bt386: unhandled port read 0x%x\n", port);
    return mask;
}

void io_write(uint16_t port, unsigned size, uint32_t value)
{
    uint32_t mask = width_mask(size);
    const struct io_range *r = &ranges[port_owner[port]];

    if (r->wr)
        r->wr(r->opaque, port, size, value & mask);
    else if (!port_owner[port] && first_time(logged_write, port))
        fprintf(stderr, "bt386: unhandled port write 0x%x\n", port);
}

/* The linker makes these two symbols for the section DEVICE_INIT fills.
 * Weak, so a program that links no device at all (a unit test of the bus
 * alone) still links, with an empty list. */
extern device_init_fn __start_bt386_devices[] __attribute__((weak));
extern device_init_fn __stop_bt386_devices[] __attribute__((weak));

extern device_reset_fn __start_bt386_device_resets[] __attribute__((weak));
extern device_reset_fn __stop_bt386_device_resets[] __attribute__((weak));

void devices_reset(void)
{
    for (device_reset_fn *fn = __start_bt386_device_resets; fn < __stop_bt386_device_resets; fn++)
        (*fn)();
}

int devices_init(void)
{
    static bool done;

    if (done)
        panic("devices_init called twice");
    done = true;
    for (device_init_fn *fn = __start_bt386_devices; fn < __stop_bt386_devices; fn++)
        if ((*fn)() != 0)
            return -1;
    return 0;
}
