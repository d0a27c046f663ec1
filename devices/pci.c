/* PCI bus 0 behind configuration mechanism #1 (PCI Local Bus Spec 2.1,
 * 3.7.4.1): CONFIG_ADDRESS at 0xcf8, CONFIG_DATA at 0xcfc-0xcff, the
 * registry of functions (pci.h), and the two functions every PC of QEMU's
 * `pc` machine has on the bus: the 82441FX host bridge at 00:00.0 and the
 * 82371SB (PIIX3) PCI-to-ISA bridge at 00:01.0, whose reset control
 * register at 0xcf9 sits in the middle of CONFIG_ADDRESS's ports. Owns
 * those ports and the two functions' config spaces; the ISA devices behind
 * the bridge (PIC, PIT, RTC, 8042, UART) are files of their own.
 *
 * The mechanism, as the spec has it:
 * - Only a dword access at 0xcf8 is CONFIG_ADDRESS; a byte or word access
 *   to 0xcf8-0xcfb is an ordinary I/O cycle: a byte at 0xcf9 is the
 *   PIIX3's reset control register, the rest floats (reads all ones,
 *   writes vanish).
 * - CONFIG_ADDRESS bits 30:24 and 1:0 are reserved and read 0.
 * - With bit 31 clear, CONFIG_DATA is an ordinary I/O port: all ones.
 * - Bus 0 is the only bus (no PCI-to-PCI bridge): a type 1 cycle to any
 *   other bus, like a type 0 cycle nobody claims, ends in master abort and
 *   reads all ones (vendor ffff, the "no function here" of spec 6.2.1).
 * - A byte or word of CONFIG_DATA reaches the bytes of the dword register
 *   that its port's low two bits select (byte enables).
 *
 * Where QEMU 7.2 differs (measured with a probe guest under
 * `qemu-system-i386 -kernel`): QEMU keeps all 32 bits of CONFIG_ADDRESS and
 * ORs its bits 1:0 into the register offset; byte and word reads of
 * 0xcf8/0xcfa/0xcfb return the low bits of CONFIG_ADDRESS; an unaligned
 * CONFIG_DATA access (inw 0xcfd) reads 0. bt386 follows the spec there;
 * no guest should depend on any of these, and dev_pci checks none of them
 * (tests/unit/test_pci.c does).
 *
 * Reset state is what a guest finds after SeaBIOS under QEMU: the two
 * config spaces below are QEMU's after the BIOS (command 0103, subsystem
 * 1af4:1100, the PAM and PIRQ routing SeaBIOS programmed), and
 * CONFIG_ADDRESS holds 8000005c, the last register SeaBIOS selected. The
 * write masks are QEMU's (see pci_function_init) rather than the 82441FX
 * data sheet's PCICMD bit by bit: they are what guests see, and SeaBIOS's
 * command value 0103 is written through them.
 * Not modelled: QEMU's 00:01.1 (PIIX3 IDE, 8086:7010), 00:01.3 (PIIX4
 * ACPI, 8086:7113), 00:02.0 (VGA, 1234:1111) and 00:03.0 (e1000 NIC,
 * 8086:100e): bt386 has no IDE, ACPI, VGA or network device behind them,
 * so they are absent rather than IDs that promise hardware. The host
 * bridge's PAM and SMRAM registers are storage only (bt386's memory map
 * below 1 MiB does not follow them); QEMU's 0x57 (RAM size / 8 MiB for old
 * coreboot, not an 82441FX register) reads 0. */
#include <stdio.h>
#include <string.h>

#include "common/panic.h"
#include "common/vm.h"
#include "devices/bus.h"
#include "devices/pci.h"

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA    0xcfc
#define PCI_PORTS          8        /* 0xcf8-0xcff */
#define PIIX_RCR_PORT      0xcf9

#define CONFIG_ENABLE      0x80000000u
#define CONFIG_WRITABLE    0x80fffffcu  /* enable, bus, device, function, register */

#define RCR_SRST           0x02         /* system (hard) reset, kept */
#define RCR_RCPU           0x04         /* reset the CPU now */

static struct pci_function *bus0[PCI_DEVICES][PCI_FUNCTIONS];

static struct {
    uint32_t config_address;
    uint8_t rcr;
} pci = { .config_address = 0x8000005c };

void pci_function_init(struct pci_function *f, const char *name, uint16_t vendor,
                       uint16_t device, uint32_t class_code, uint8_t revision)
{
    memset(f, 0, sizeof *f);
    f->name = name;
    pci_set_word(f->config, PCI_VENDOR_ID, vendor);
    pci_set_word(f->config, PCI_DEVICE_ID, device);
    pci_set_byte(f->config, PCI_REVISION_ID, revision);
    pci_set_byte(f->config, PCI_CLASS_PROG, (uint8_t)class_code);
    pci_set_word(f->config, PCI_CLASS_PROG + 1, (uint16_t)(class_code >> 8));
    /* I/O space, memory space, bus master, SERR# enable, interrupt disable. */
    pci_set_word(f->wmask, PCI_COMMAND, 0x0507);
    /* Detected parity error, signalled SERR#, master abort received, target
     * abort received and signalled, master data parity error. */
    pci_set_word(f->w1cmask, PCI_STATUS, 0xf900);
    f->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
    f->wmask[PCI_INTERRUPT_LINE] = 0xff;
}

void pci_register(struct pci_function *f, unsigned device, unsigned function)
{
    if (device >= PCI_DEVICES || function >= PCI_FUNCTIONS)
        panic("pci_register(%s): no slot 00:%02x.%u", f->name, device, function);
    if (bus0[device][function])
        panic("pci_register(%s): 00:%02x.%u already belongs to %s", f->name, device,
              function, bus0[device][function]->name);
    bus0[device][function] = f;
}

/* The function CONFIG_ADDRESS selects, or NULL (master abort). */
static struct pci_function *selected_function(void)
{
    uint32_t a = pci.config_address;
    unsigned bus = (a >> 16) & 0xff, dev = (a >> 11) & 0x1f, fn = (a >> 8) & 7;

    if (!(a & CONFIG_ENABLE) || bus != 0)
        return NULL;
    /* Spec 6.2.1: software looks for functions 1-7 only when function 0
     * says multi-function, so a device need not decode the others. */
    if (fn != 0 && (!bus0[dev][0] ||
                    !(bus0[dev][0]->config[PCI_HEADER_TYPE] & PCI_HEADER_MULTIFUNCTION)))
        return NULL;
    return bus0[dev][fn];
}

static uint32_t config_data_read(uint16_t port, unsigned size)
{
    const struct pci_function *f = selected_function();
    unsigned reg = pci.config_address & 0xfc;
    uint32_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        unsigned lane = port - PCI_CONFIG_DATA + i;
        uint32_t b = (f && lane < 4) ? f->config[reg + lane] : 0xff;
        v |= b << (8 * i);
    }
    return v;
}

static void config_data_write(uint16_t port, unsigned size, uint32_t value)
{
    struct pci_function *f = selected_function();
    unsigned reg = pci.config_address & 0xfc;
    unsigned first = port - PCI_CONFIG_DATA, n = 0;

    if (!f)
        return;                     /* master abort: the write goes nowhere */
    for (unsigned i = 0; i < size && first + i < 4; i++, n++) {
        unsigned r = reg + first + i;
        uint8_t b = (uint8_t)(value >> (8 * i));
        f->config[r] = (uint8_t)((f->config[r] & ~f->wmask[r]) | (b & f->wmask[r]));
        f->config[r] &= (uint8_t)~(b & f->w1cmask[r]);
    }
    if (n && f->written)
        f->written(f, reg + first, n);
}

/* PIIX3 reset control register (82371SB data sheet, RC at 0xcf9): SRST
 * chooses a hard or soft reset and is kept; writing RCPU resets. bt386
 * cannot reset the machine, so it stops with status 0, which is what QEMU
 * does under -no-reboot (the test harness's setting). */
static void rcr_write(uint8_t v)
{
    if (v & RCR_RCPU) {
        fprintf(stderr, "bt386: guest requested a reset through port 0xcf9 (value %02x)\n", v);
        vm_request_reset();
        return;
    }
    pci.rcr = v & RCR_SRST;
}

/* Accesses to 0xcf8-0xcfb other than a dword at 0xcf8 are ordinary I/O
 * cycles: the reset control register answers a byte access to 0xcf9 (as
 * in QEMU; a word at 0xcf8 does not reach it), nothing else answers. */
static uint32_t pci_io_read(void *opaque, uint16_t port, unsigned size)
{
    (void)opaque;

    if (port >= PCI_CONFIG_DATA)
        return config_data_read(port, size);
    if (port == PCI_CONFIG_ADDRESS && size == 4)
        return pci.config_address;
    if (port == PIIX_RCR_PORT && size == 1)
        return pci.rcr;
    return 0xffffffff;
}

static void pci_io_write(void *opaque, uint16_t port, unsigned size, uint32_t value)
{
    (void)opaque;

    if (port >= PCI_CONFIG_DATA) {
        config_data_write(port, size, value);
    } else if (port == PCI_CONFIG_ADDRESS && size == 4) {
        pci.config_address = value & CONFIG_WRITABLE;
    } else if (port == PIIX_RCR_PORT && size == 1) {
        rcr_write((uint8_t)value);
    }
}

/* ---- the two functions of QEMU's pc machine that bt386 has ---- */

static struct pci_function host_bridge, isa_bridge;

/* QEMU's subsystem IDs (Red Hat, Inc., QEMU), set on every function. */
static void set_qemu_subsystem(struct pci_function *f)
{
    pci_set_word(f->config, PCI_SUBSYSTEM_VENDOR_ID, 0x1af4);
    pci_set_word(f->config, PCI_SUBSYSTEM_ID, 0x1100);
}

/* 82441FX PMC (Intel 290549), revision 02 as in QEMU. */
static void host_bridge_init(void)
{
    static const uint8_t pam[7] = { 0x10, 0x11, 0x11, 0x11, 0x11, 0x11, 0x33 };
    struct pci_function *f = &host_bridge;

    pci_function_init(f, "i440fx host bridge", 0x8086, 0x1237, 0x060000, 0x02);
    pci_set_word(f->config, PCI_COMMAND, 0x0103);
    set_qemu_subsystem(f);
    /* PAM0-PAM6 as SeaBIOS leaves them (BIOS area read-only from RAM). */
    memcpy(&f->config[0x59], pam, sizeof pam);
    f->config[0x72] = 0x0a;         /* SMRAM: G_SMRAME, C_BASE_SEG 010 */
    memset(&f->wmask[PCI_DEVICE_SPECIFIC], 0xff, PCI_CONFIG_SIZE - PCI_DEVICE_SPECIFIC);
    pci_register(f, 0, 0);
}

/* 82371SB PIIX3 function 0 (Intel 290550): multi-function (IDE at .1 in
 * the real part), reset values of QEMU's piix3 plus SeaBIOS's PIRQ
 * routing (PIRQA-D -> IRQ 10, 10, 11, 11). */
static void isa_bridge_init(void)
{
    struct pci_function *f = &isa_bridge;

    pci_function_init(f, "piix3 isa bridge", 0x8086, 0x7000, 0x060100, 0x00);
    pci_set_word(f->config, PCI_COMMAND, 0x0103);
    pci_set_word(f->config, PCI_STATUS, 0x0200);        /* DEVSEL# medium */
    f->config[PCI_HEADER_TYPE] = PCI_HEADER_MULTIFUNCTION;
    set_qemu_subsystem(f);
    f->config[0x4c] = 0x4d;         /* IORT: ISA I/O recovery timer */
    f->config[0x4e] = 0x03;         /* XBCS: RTC, keyboard controller decode */
    pci_set_long(f->config, 0x60, 0x0b0b0a0a);          /* PIRQRC[A-D] */
    f->config[0x69] = 0x02;         /* TOM: top of memory */
    f->config[0x70] = 0x80;         /* MBIRQ0: disabled */
    f->config[0x76] = 0x0c;         /* MBDMA0-1: disabled */
    f->config[0x77] = 0x0c;
    f->config[0x78] = 0x02;         /* PCSC: PCS# decode */
    f->config[0xa0] = 0x08;         /* SMICNTL */
    f->config[0xa8] = 0x0f;         /* FTMR: fast-off timer */
    memset(&f->wmask[PCI_DEVICE_SPECIFIC], 0xff, PCI_CONFIG_SIZE - PCI_DEVICE_SPECIFIC);
    pci_register(f, 1, 0);
}

static int pci_init(void)
{
    host_bridge_init();
    isa_bridge_init();
    io_register(PCI_CONFIG_ADDRESS, PCI_PORTS, pci_io_read, pci_io_write, NULL, "pci config");
    return 0;
}
DEVICE_INIT(pci_init);
