/* PCI functions on bus 0, as configuration mechanism #1 (pci.c) sees them.
 * A function is a 256-byte configuration space (PCI Local Bus Spec 2.1,
 * chapter 6) plus which of its bits software may write; a PCI device model
 * is one file that fills a struct pci_function and registers it:
 *
 *   static struct pci_function nic;
 *   static int nic_init(void) {
 *       pci_function_init(&nic, "e1000", 0x8086, 0x100e, 0x020000, 0x03);
 *       pci_set_long(nic.wmask, 0x10, 0xfffe0000);   BAR0: 128 KiB of memory
 *       pci_register(&nic, 3, 0);                    00:03.0
 *       return 0;
 *   }
 *   DEVICE_INIT(nic_init);
 *
 * Reads return config[] as it stands; a write changes only the bits set in
 * wmask, and clears the bits set in w1cmask where it writes a 1 (the status
 * register's error bits); `written` then lets the device act on the new
 * value (move a BAR, switch decoding on). pci.c owns the bus: lookups,
 * masks, the absent-function rule; a device owns only its own struct.
 * Not there yet: INTx routing through the ISA bridge's PIRQRC registers
 * (a device that interrupts needs it), buses behind bridges. */
#ifndef BT386_DEVICES_PCI_H
#define BT386_DEVICES_PCI_H

#include <stdint.h>

#define PCI_CONFIG_SIZE 256
#define PCI_DEVICES 32              /* per bus */
#define PCI_FUNCTIONS 8             /* per device */

/* Offsets of the type 00h header (spec 6.1). */
#define PCI_VENDOR_ID       0x00
#define PCI_DEVICE_ID       0x02
#define PCI_COMMAND         0x04
#define PCI_STATUS          0x06
#define PCI_REVISION_ID     0x08
#define PCI_CLASS_PROG      0x09    /* class code: prog-if, sub-class, base class */
#define PCI_CACHE_LINE_SIZE 0x0c
#define PCI_LATENCY_TIMER   0x0d
#define PCI_HEADER_TYPE     0x0e
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID    0x2e
#define PCI_INTERRUPT_LINE  0x3c
#define PCI_INTERRUPT_PIN   0x3d
#define PCI_DEVICE_SPECIFIC 0x40    /* 0x40-0xff: the device's own registers */

#define PCI_HEADER_MULTIFUNCTION 0x80

struct pci_function {
    const char *name;
    uint8_t config[PCI_CONFIG_SIZE];    /* what a read returns */
    uint8_t wmask[PCI_CONFIG_SIZE];     /* bits a write sets to the value written */
    uint8_t w1cmask[PCI_CONFIG_SIZE];   /* bits a write of 1 clears */
    /* After a write landed: reg is the first byte written, size 1, 2 or 4
     * (within one dword). NULL: the registers are plain storage. */
    void (*written)(struct pci_function *f, unsigned reg, unsigned size);
    void *opaque;                       /* the device's, for `written` */
};

/* Clears *f and gives it the IDs, class code (base class << 16 | sub-class
 * << 8 | prog-if) and revision, header type 00h, and the write masks every
 * type 00h function has, as QEMU 7.2's PCI core sets them: command bits
 * I/O, memory, bus master, SERR# enable and interrupt disable; cache line
 * size and interrupt line writable; the status error bits write-1-to-clear.
 * Everything else read-only until the device opens it in wmask. */
void pci_function_init(struct pci_function *f, const char *name, uint16_t vendor,
                       uint16_t device, uint32_t class_code, uint8_t revision);

/* Puts f at 00:device.function. Two functions at one address is a monitor
 * bug (panic). A function other than 0 is seen only while function 0 is
 * there and says multi-function in its header type (spec 6.2.1). */
void pci_register(struct pci_function *f, unsigned device, unsigned function);

/* Little-endian fields of a config space (or of a mask laid out like one). */
static inline void pci_set_byte(uint8_t *c, unsigned reg, uint8_t v)
{
    c[reg] = v;
}

static inline void pci_set_word(uint8_t *c, unsigned reg, uint16_t v)
{
    c[reg] = (uint8_t)v;
    c[reg + 1] = (uint8_t)(v >> 8);
}

static inline void pci_set_long(uint8_t *c, unsigned reg, uint32_t v)
{
    pci_set_word(c, reg, (uint16_t)v);
    pci_set_word(c, reg + 2, (uint16_t)(v >> 16));
}

static inline uint16_t pci_get_word(const uint8_t *c, unsigned reg)
{
    return (uint16_t)(c[reg] | (c[reg + 1] << 8));
}

#endif
