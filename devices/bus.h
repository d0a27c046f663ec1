/* The I/O-port and MMIO buses: devices register port ranges or ranges of
 * guest-physical addresses with one callback pair each; the translator's
 * IN/OUT/INS/OUTS callouts route every port access here, the shadow MMU
 * every access to a guest-physical address that is not RAM.
 * A device is one file that registers itself with DEVICE_INIT, and one line
 * in devices/CMakeLists.txt (an OBJECT library, so no file is dropped).
 *
 *   static uint32_t rd(void *o, uint16_t port, unsigned size) { ... }
 *   static int init(void) { io_register(0x3f8, 8, rd, wr, &uart, "uart"); return 0; }
 *   DEVICE_INIT(init);
 *
 *   mmio_register(0xfee00000, 0x1000, mrd, mwr, &apic, "local apic");
 *
 * Unknown ports read all ones (for the width read) and are logged once;
 * unclaimed physical addresses read all ones and drop writes, silently (an
 * open bus, which guests probe on purpose). */
#ifndef BT386_DEVICES_BUS_H
#define BT386_DEVICES_BUS_H

#include <stdbool.h>
#include <stdint.h>

typedef uint32_t (*io_read_fn)(void *opaque, uint16_t port, unsigned size);
typedef void (*io_write_fn)(void *opaque, uint16_t port, unsigned size, uint32_t value);

/* size is 1, 2 or 4 bytes; a callback sees the port actually addressed. */
void io_register(uint16_t base, uint16_t count, io_read_fn rd, io_write_fn wr,
                 void *opaque, const char *name);
uint32_t io_read(uint16_t port, unsigned size);
void io_write(uint16_t port, unsigned size, uint32_t value);

/* `offset` is from the region's base; size is 1 to 4 bytes within one
 * aligned dword: the shadow MMU splits wider or misaligned accesses at
 * dword boundaries, as the byte enables of a 32-bit bus do (a dword at
 * offset 1 arrives as 3 bytes, then 1). */
typedef uint32_t (*mmio_read_fn)(void *opaque, uint32_t offset, unsigned size);
typedef void (*mmio_write_fn)(void *opaque, uint32_t offset, unsigned size, uint32_t value);
void mmio_register(uint32_t base, uint32_t len, mmio_read_fn rd, mmio_write_fn wr,
                   void *opaque, const char *name);
uint32_t mmio_read(uint32_t addr, unsigned size);
void mmio_write(uint32_t addr, unsigned size, uint32_t value);

/* Calls every DEVICE_INIT function once; returns 0, or -1 after printing why. */
int devices_init(void);

typedef int (*device_init_fn)(void);
#define DEVICE_INIT(fn) \
    static device_init_fn device_init_ptr_##fn \
    __attribute__((used, section("bt386_devices"), aligned(sizeof(void *)))) = fn

/* A machine reset (the i8042's 0xFE pulse, port 0x92, 0xcf9): each device
 * that registered DEVICE_RESET returns to the state a guest finds after
 * the firmware, keeping what survives a reset on a PC (CMOS NVRAM). */
void devices_reset(void);

typedef void (*device_reset_fn)(void);
#define DEVICE_RESET(fn) \
    static device_reset_fn device_reset_ptr_##fn \
    __attribute__((used, section("bt386_device_resets"), aligned(sizeof(void *)))) = fn

#endif
