/* PCI configuration mechanism #1 (PCI Local Bus Spec 2.1, 3.7.4.1) and
 * bus 0 of QEMU's pc machine as a guest finds it after SeaBIOS: the
 * CONFIG_ADDRESS register at 0xcf8, byte lanes of CONFIG_DATA at
 * 0xcfc-0xcff, the 82441FX host bridge and the PIIX3 ISA bridge, absent
 * functions, write masks, and an enumeration of bus 0.
 *
 * Checked only where the spec and QEMU 7.2 agree: QEMU keeps CONFIG_ADDRESS
 * bits 30:24 and 1:0 (the spec reserves them, read 0), answers byte reads
 * of 0xcf8 with the register's low byte (the spec passes them to the ISA
 * bus), and reads 0 for an unaligned CONFIG_DATA access (the spec uses the
 * byte enables); none of that is looked at here.
 * QEMU has functions bt386 does not model (IDE 00:01.1, ACPI 00:01.3, VGA
 * 00:02.0, e1000 00:03.0): the enumeration skips them by ID, silently, so
 * the output is the same with or without them. */
#include "guest.h"

#define CONFIG_ADDRESS 0xcf8
#define CONFIG_DATA    0xcfc
#define PIIX_RCR       0xcf9

static uint32_t cfg_addr(unsigned bus, unsigned dev, unsigned fn, unsigned reg)
{
    return 0x80000000u | bus << 16 | dev << 11 | fn << 8 | (reg & 0xfc);
}

static uint32_t cfg_read(unsigned bus, unsigned dev, unsigned fn, unsigned reg)
{
    outl(CONFIG_ADDRESS, cfg_addr(bus, dev, fn, reg));
    return inl(CONFIG_DATA);
}

static void cfg_write(unsigned dev, unsigned fn, unsigned reg, uint32_t v)
{
    outl(CONFIG_ADDRESS, cfg_addr(0, dev, fn, reg));
    outl(CONFIG_DATA, v);
}

static void test_config_address(void)
{
    CHECK_EQ(inl(CONFIG_ADDRESS), 0x8000005c,
             "CONFIG_ADDRESS after the BIOS: SeaBIOS's last register, 00:00.0 reg 5c");

    static const uint32_t vals[] = { 0x80000000, 0x8000f8fc, 0x00000000, 0x80fffffc, 0x00abcd04 };
    int ok = 1;
    for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        outl(CONFIG_ADDRESS, vals[i]);
        ok &= inl(CONFIG_ADDRESS) == vals[i];
    }
    CHECK(ok, "CONFIG_ADDRESS: a dword write reads back (enable, bus, device, function, register)");

    outl(CONFIG_ADDRESS, 0x80001234 & ~3u);
    outb(CONFIG_ADDRESS, 0x55);
    outw(CONFIG_ADDRESS, 0x0a55);   /* 0a: what RC keeps, had the word reached it */
    outb(CONFIG_ADDRESS + 2, 0x55);
    outw(CONFIG_ADDRESS + 2, 0x5555);
    outb(CONFIG_ADDRESS + 3, 0x00);
    CHECK_EQ(inl(CONFIG_ADDRESS), 0x80001234,
             "CONFIG_ADDRESS: byte and word writes to 0xcf8-0xcfb are I/O cycles, not the register");
}

/* 0xcf9 is the PIIX3's reset control register, reached by a byte access.
 * Bit 2 (reset the CPU) is never written here: it would end the run. */
static void test_reset_control(void)
{
    CHECK_EQ(inb(PIIX_RCR), 0x00, "PIIX3 RC (0xcf9): 00 after the BIOS, word writes to 0xcf8 miss it");
    outb(PIIX_RCR, 0x02);
    CHECK_EQ(inb(PIIX_RCR), 0x02, "PIIX3 RC: SRST (bit 1, hard reset) is kept");
    outb(PIIX_RCR, 0xfb);
    CHECK_EQ(inb(PIIX_RCR), 0x02, "PIIX3 RC: reserved bits read 0");
    outb(PIIX_RCR, 0x00);
    CHECK_EQ(inl(CONFIG_ADDRESS), 0x80001234, "a byte write to 0xcf9 leaves CONFIG_ADDRESS alone");
}

static void test_host_bridge(void)
{
    CHECK_EQ(cfg_read(0, 0, 0, 0x00), 0x12378086, "00:00.0 vendor 8086 device 1237 (82441FX)");
    CHECK_EQ(cfg_read(0, 0, 0, 0x08), 0x06000002, "00:00.0 class 060000 (host bridge), revision 02");
    CHECK_EQ(cfg_read(0, 0, 0, 0x0c) & 0x00ff0000, 0, "00:00.0 header type 00, single function");
    CHECK_EQ(cfg_read(0, 0, 0, 0x04), 0x00000103,
             "00:00.0 command 0103 (I/O, memory, SERR#) as SeaBIOS leaves it, status 0000");
    CHECK_EQ(cfg_read(0, 0, 0, 0x2c), 0x11001af4, "00:00.0 subsystem 1af4:1100 (QEMU)");
    CHECK_EQ(cfg_read(0, 0, 0, 0x10), 0, "00:00.0 no BARs");
    CHECK_EQ(cfg_read(0, 0, 0, 0x3c), 0, "00:00.0 no interrupt pin");
}

static void test_isa_bridge(void)
{
    CHECK_EQ(cfg_read(0, 1, 0, 0x00), 0x70008086, "00:01.0 vendor 8086 device 7000 (PIIX3)");
    CHECK_EQ(cfg_read(0, 1, 0, 0x08), 0x06010000, "00:01.0 class 060100 (ISA bridge), revision 00");
    CHECK_EQ(cfg_read(0, 1, 0, 0x0c), 0x00800000, "00:01.0 header type 80: multi-function");
    CHECK_EQ(cfg_read(0, 1, 0, 0x04), 0x02000103, "00:01.0 command 0103, status 0200 (DEVSEL medium)");
    CHECK_EQ(cfg_read(0, 1, 0, 0x60), 0x0b0b0a0a, "00:01.0 PIRQRC: PIRQA-D routed to IRQ 10 10 11 11");
    CHECK_EQ(cfg_read(0, 1, 0, 0x4c), 0x0003004d, "00:01.0 IORT 4d, XBCS 03");
}

static void test_absent(void)
{
    CHECK_EQ(cfg_read(0, 0x1f, 0, 0), 0xffffffff, "00:1f.0 absent: master abort reads ffffffff");
    CHECK_EQ(cfg_read(0, 5, 0, 0x08), 0xffffffff, "00:05.0 absent: every register ffffffff");
    CHECK_EQ(cfg_read(0, 0, 2, 0), 0xffffffff, "00:00.2: function 2 of a single-function device");
    CHECK_EQ(cfg_read(1, 0, 0, 0), 0xffffffff, "bus 1: no bridge, a type 1 cycle reads ffffffff");
    CHECK_EQ(cfg_read(0xff, 0, 0, 0), 0xffffffff, "bus 255 reads ffffffff");

    outl(CONFIG_ADDRESS, cfg_addr(0, 5, 0, 0));
    CHECK(inw(CONFIG_DATA + 2) == 0xffff && inb(CONFIG_DATA + 1) == 0xff,
          "absent function: word and byte reads all ones too");
    outl(CONFIG_DATA, 0x12345678);
    CHECK_EQ(cfg_read(0, 5, 0, 0), 0xffffffff, "a write to an absent function goes nowhere");

    outl(CONFIG_ADDRESS, cfg_addr(0, 0, 0, 0) & ~0x80000000u);
    CHECK_EQ(inl(CONFIG_DATA), 0xffffffff, "enable bit clear: CONFIG_DATA is a plain port, all ones");
    CHECK(inw(CONFIG_DATA) == 0xffff && inb(CONFIG_DATA + 3) == 0xff,
          "enable bit clear: word and byte reads all ones");
}

static void test_byte_lanes(void)
{
    outl(CONFIG_ADDRESS, cfg_addr(0, 0, 0, 0x00));
    CHECK(inb(0xcfc) == 0x86 && inb(0xcfd) == 0x80 && inb(0xcfe) == 0x37 && inb(0xcff) == 0x12,
          "inb 0xcfc-0xcff: bytes 0-3 of the dword register");
    CHECK(inw(0xcfc) == 0x8086 && inw(0xcfe) == 0x1237, "inw 0xcfc, 0xcfe: words 0 and 1");
    outl(CONFIG_ADDRESS, cfg_addr(0, 0, 0, 0x08));
    CHECK(inb(0xcfc) == 0x02 && inb(0xcfd) == 0x00 && inb(0xcfe) == 0x00 && inb(0xcff) == 0x06,
          "inb of register 08: revision, prog-if, sub-class, base class");
    outl(CONFIG_ADDRESS, cfg_addr(0, 1, 0, 0x0c));
    CHECK_EQ(inb(0xcfe), 0x80, "inb 0xcfe of register 0c: the header type byte");

    /* Interrupt line (3c) is read/write, interrupt pin (3d) read-only. */
    outl(CONFIG_ADDRESS, cfg_addr(0, 0, 0, 0x3c));
    outb(0xcfc, 0x5a);
    outb(0xcfd, 0x77);
    CHECK_EQ(cfg_read(0, 0, 0, 0x3c), 0x0000005a,
             "outb 0xcfc/0xcfd: interrupt line written, interrupt pin read-only");
    outl(CONFIG_ADDRESS, cfg_addr(0, 0, 0, 0x3c));
    outw(0xcfc, 0x0000);
    CHECK_EQ(cfg_read(0, 0, 0, 0x3c), 0, "outw 0xcfc: interrupt line back to 0");

    /* Cache line size (0c) is read/write, latency timer (0d), header type
     * (0e) and BIST (0f) are read-only here. */
    outl(CONFIG_ADDRESS, cfg_addr(0, 1, 0, 0x0c));
    outw(0xcfc, 0x7708);
    outw(0xcfe, 0x0000);
    CHECK_EQ(cfg_read(0, 1, 0, 0x0c), 0x00800008,
             "outw to register 0c: cache line size written, latency and header type read-only");
    outl(CONFIG_ADDRESS, cfg_addr(0, 1, 0, 0x0c));
    outb(0xcfc, 0x00);
    CHECK_EQ(cfg_read(0, 1, 0, 0x0c), 0x00800000, "outb 0xcfc: cache line size back to 0");

    outl(CONFIG_ADDRESS, cfg_addr(0, 0, 0, 0x00));
    outw(0xcfc, 0x1234);
    outw(0xcfe, 0x5678);
    CHECK_EQ(cfg_read(0, 0, 0, 0), 0x12378086, "vendor and device IDs are read-only");
    cfg_write(0, 0, 0x08, 0);
    CHECK_EQ(cfg_read(0, 0, 0, 0x08), 0x06000002, "revision and class code are read-only");
}

/* QEMU's mask of writable command bits: I/O, memory, bus master, SERR#
 * enable, interrupt disable. The 82441FX hardwires memory and bus master
 * to 1; both agree that SERR# enable is read/write and bits 15:11 are 0. */
static void test_command_status(void)
{
    cfg_write(0, 0, 0x04, 0xffffffff);
    uint32_t ones = cfg_read(0, 0, 0, 0x04);
    CHECK_EQ(ones & 0xf800, 0, "command bits 15:11 reserved: read 0");
    CHECK(ones & 0x0100, "command: SERR# enable is read/write (set)");
    CHECK_EQ(ones >> 16, 0, "status: writing 1s clears error bits, and none were set");
    CHECK_EQ(ones & 0xffff, 0x0507, "command after writing ffff: QEMU's writable bits 0507");
    cfg_write(0, 0, 0x04, 0x00000000);
    CHECK_EQ(cfg_read(0, 0, 0, 0x04) & 0x0100, 0, "command: SERR# enable is read/write (cleared)");
    cfg_write(0, 0, 0x04, 0x00000103);
    CHECK_EQ(cfg_read(0, 0, 0, 0x04), 0x00000103, "command restored to 0103");

    /* Device-specific registers of the ISA bridge are read/write. */
    uint32_t pirq = cfg_read(0, 1, 0, 0x60);
    cfg_write(1, 0, 0x60, 0x8005800b);
    CHECK_EQ(cfg_read(0, 1, 0, 0x60), 0x8005800b, "PIIX3 PIRQRC is read/write");
    cfg_write(1, 0, 0x60, pirq);
}

/* The functions bt386 has, which every enumeration must find. */
static const struct { unsigned dev, fn; uint32_t id, class_rev; } modelled[] = {
    { 0, 0, 0x12378086, 0x06000002 },
    { 1, 0, 0x70008086, 0x06010000 },
};

/* QEMU's functions that bt386 does not model (see the file comment). */
static int qemu_only(uint32_t id)
{
    return id == 0x70108086 || id == 0x71138086 || id == 0x11111234 || id == 0x100e8086;
}

static void test_enumeration(void)
{
    unsigned found = 0, unknown = 0;

    for (unsigned dev = 0; dev < 32; dev++) {
        for (unsigned fn = 0; fn < 8; fn++) {
            uint32_t id = cfg_read(0, dev, fn, 0);
            if (id == 0xffffffff) {
                if (fn == 0)
                    break;          /* no function 0: no device */
                continue;
            }
            int known = 0;
            for (unsigned i = 0; i < sizeof modelled / sizeof modelled[0]; i++)
                if (modelled[i].dev == dev && modelled[i].fn == fn && modelled[i].id == id) {
                    printf("     00:%02x.%u %04x:%04x class %06x\n", dev, fn, id & 0xffff,
                           id >> 16, cfg_read(0, dev, fn, 0x08) >> 8);
                    found |= 1u << i;
                    known = 1;
                }
            if (!known && !qemu_only(id)) {
                printf("     unexpected 00:%02x.%u %08x\n", dev, fn, id);
                unknown++;
            }
            if (fn == 0 && !(cfg_read(0, dev, 0, 0x0c) & 0x00800000))
                break;              /* single-function: functions 1-7 not probed */
        }
    }
    CHECK_EQ(found, 3, "bus 0 enumeration finds 00:00.0 and 00:01.0");
    CHECK_EQ(unknown, 0, "bus 0 enumeration: nothing else but QEMU's IDE, ACPI, VGA, NIC");
}

int main(void)
{
    test_config_address();
    test_reset_control();
    test_host_bridge();
    test_isa_bridge();
    test_absent();
    test_byte_lanes();
    test_command_status();
    test_enumeration();
    return check_summary();
}
