/* Port 0x80, the POST diagnostic port: BIOSes and kernels write progress
 * codes to it, and Linux uses `outb %al, $0x80` as a short I/O delay. Owns
 * only the port, so those writes are not logged as unhandled.
 * QEMU 7.2's ioport80 ignores writes and reads all ones at every width
 * (checked with a probe guest: it does not return the last value written). */
#include <stddef.h>

#include "devices/bus.h"

#define POST_PORT 0x80

static uint32_t port80_read(void *opaque, uint16_t port, unsigned size)
{
    (void)opaque, (void)port, (void)size;
    return 0xffffffff;          /* the bus cuts it to the access width */
}

static void port80_write(void *opaque, uint16_t port, unsigned size, uint32_t value)
{
    (void)opaque, (void)port, (void)size, (void)value;
}

static int port80_init(void)
{
    io_register(POST_PORT, 1, port80_read, port80_write, NULL, "port80");
    return 0;
}
DEVICE_INIT(port80_init);
