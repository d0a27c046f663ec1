/* QEMU's isa-debug-exit at ports 0xf4-0xf7 (as configured by
 * `-device isa-debug-exit,iobase=0xf4,iosize=4`): the guest's way to end the
 * run with a status, used by every test guest. Owns nothing but the port
 * range; the run loop does the stopping (vm_request_stop).
 *
 * Behaviour measured on QEMU 7.2 with a probe guest: a write of any width
 * to any of the four ports makes QEMU exit((V << 1) | 1), V being the value
 * written at that width (outl 0x12345678 -> status 241, outw 0x102 at 0xf6
 * -> 5, outb 0x40 at 0xf7 -> 129); reads return 0. */
#include <stddef.h>

#include "common/vm.h"
#include "devices/bus.h"

#define DEBUG_EXIT_BASE 0xf4
#define DEBUG_EXIT_PORTS 4

static uint32_t debug_exit_read(void *opaque, uint16_t port, unsigned size)
{
    (void)opaque, (void)port, (void)size;
    return 0;
}

static void debug_exit_write(void *opaque, uint16_t port, unsigned size, uint32_t value)
{
    (void)opaque, (void)port, (void)size;
    /* Only the low 8 bits of an exit status reach the parent process, so
     * pass just those: the status is the same as QEMU's, and it is never
     * negative. */
    vm_request_stop((int)((((uint64_t)value << 1) | 1) & 0xff));
}

static int debug_exit_init(void)
{
    io_register(DEBUG_EXIT_BASE, DEBUG_EXIT_PORTS, debug_exit_read, debug_exit_write,
                NULL, "isa-debug-exit");
    return 0;
}
DEVICE_INIT(debug_exit_init);
