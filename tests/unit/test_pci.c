/* PCI configuration mechanism #1 and the function registry (devices/pci.c,
 * pci.h): what the guest test dev_pci cannot see because QEMU differs or
 * has no such thing. The spec's reserved CONFIG_ADDRESS bits and byte
 * enables of unaligned CONFIG_DATA accesses, a device model registered
 * through pci.h (write masks, write-1-to-clear, the `written` hook,
 * multi-function rules), the registry's panics, and the PIIX3 reset
 * control register's reset request. Each part runs in a child process:
 * devices_init runs once per process. */
#include "devices/bus.h"
#include "devices/pci.h"
#include "check.h"
#include "fake_vm.h"

#define CONFIG_ADDRESS 0xcf8
#define CONFIG_DATA 0xcfc

static uint32_t addr(unsigned dev, unsigned fn, unsigned reg)
{
    return 0x80000000u | dev << 11 | fn << 8 | reg;
}

static uint32_t cfg_read(unsigned dev, unsigned fn, unsigned reg)
{
    io_write(CONFIG_ADDRESS, 4, addr(dev, fn, reg));
    return io_read(CONFIG_DATA, 4);
}

static void cfg_write(unsigned dev, unsigned fn, unsigned reg, uint32_t v)
{
    io_write(CONFIG_ADDRESS, 4, addr(dev, fn, reg));
    io_write(CONFIG_DATA, 4, v);
}

static void init_devices(void)
{
    if (devices_init() != 0) {
        CHECK(0, "devices_init");
        exit(1);
    }
}

static void mechanism(void *unused)
{
    (void)unused;
    init_devices();
    io_write(CONFIG_ADDRESS, 4, 0xffffffff);
    CHECK_EQ(io_read(CONFIG_ADDRESS, 4), 0x80fffffc,
             "CONFIG_ADDRESS bits 30:24 and 1:0 are reserved, read 0 (QEMU keeps them)");
    io_write(CONFIG_ADDRESS, 4, addr(0, 0, 0) | 2);
    CHECK_EQ(io_read(CONFIG_DATA, 4), 0x12378086,
             "CONFIG_ADDRESS bits 1:0 do not offset CONFIG_DATA (QEMU ORs them in)");
    CHECK_EQ(io_read(CONFIG_ADDRESS, 1), 0xff,
             "inb 0xcf8 is an ISA cycle: floats (QEMU returns the register's low byte)");
    CHECK_EQ(io_read(CONFIG_ADDRESS + 2, 2), 0xffff, "inw 0xcfa floats");
    CHECK_EQ(io_read(CONFIG_ADDRESS, 2), 0xffff, "inw 0xcf8 floats: a word does not reach RC");

    io_write(CONFIG_ADDRESS, 4, addr(0, 0, 0));
    CHECK_EQ(io_read(CONFIG_DATA + 1, 2), 0x3780, "inw 0xcfd: byte enables 1-2 of the register");
    CHECK_EQ(io_read(CONFIG_DATA + 1, 4), 0xff123780,
             "inl 0xcfd: bytes 1-3, the fourth byte is past CONFIG_DATA (QEMU: 0)");
    io_write(CONFIG_ADDRESS, 4, addr(0, 0, 0x3c));
    io_write(CONFIG_DATA + 3, 4, 0x00000055);
    CHECK_EQ(cfg_read(0, 0, 0x3c), 0, "outl 0xcff: only byte 3 (read-only here) is written");
    CHECK_EQ(stop_requests, 0, "no reset requested");
}

/* A device of its own, the way pci.h says to write one. */
static struct pci_function fake, fake_fn1;
static unsigned written_reg, written_size, written_calls;

static void fake_written(struct pci_function *f, unsigned reg, unsigned size)
{
    (void)f;
    written_reg = reg;
    written_size = size;
    written_calls++;
}

static void registry(void *unused)
{
    (void)unused;
    pci_function_init(&fake, "fake", 0x1234, 0x5678, 0x020000, 0x07);
    pci_set_long(fake.wmask, 0x10, 0xfffff000);         /* BAR0: 4 KiB of memory */
    pci_set_word(fake.config, PCI_STATUS, 0x2100);      /* master abort, data parity */
    fake.written = fake_written;
    pci_register(&fake, 5, 0);
    pci_function_init(&fake_fn1, "fake fn1", 0x1234, 0x5679, 0x020000, 0x07);
    pci_register(&fake_fn1, 5, 1);
    init_devices();

    CHECK_EQ(cfg_read(5, 0, 0), 0x56781234, "a function registered through pci.h answers");
    CHECK_EQ(cfg_read(5, 0, 8), 0x02000007, "class code and revision from pci_function_init");
    CHECK_EQ(cfg_read(5, 1, 0), 0xffffffff,
             "function 1 is not seen while function 0 is single-function");
    fake.config[PCI_HEADER_TYPE] = PCI_HEADER_MULTIFUNCTION;
    CHECK_EQ(cfg_read(5, 1, 0), 0x56791234, "...and is once function 0 says multi-function");

    cfg_write(5, 0, 0x10, 0xffffffff);
    CHECK_EQ(cfg_read(5, 0, 0x10), 0xfffff000, "BAR sizing: all ones read back the size mask");
    CHECK(written_calls == 1 && written_reg == 0x10 && written_size == 4,
          "the written hook sees the register and width");
    io_write(CONFIG_ADDRESS, 4, addr(5, 0, 0x04));
    io_write(CONFIG_DATA + 2, 2, 0x2000);
    CHECK_EQ(cfg_read(5, 0, 0x04) >> 16, 0x0100,
             "status: a 1 clears received master abort, a 0 leaves data parity error");
    CHECK(written_calls == 2 && written_reg == 0x06 && written_size == 2,
          "the hook sees a word write at offset 2 as register 06");
    cfg_write(5, 0, 0x04, 0xffffffff);
    CHECK_EQ(cfg_read(5, 0, 0x04), 0x00000507, "command: I/O, memory, master, SERR#, INTx disable");
    cfg_write(5, 0, 0x00, 0);
    CHECK_EQ(cfg_read(5, 0, 0), 0x56781234, "IDs read-only");
    cfg_write(5, 0, 0x40, 0xffffffff);
    CHECK_EQ(cfg_read(5, 0, 0x40), 0, "device-specific registers read-only until wmask opens them");
}

static void duplicate(void *unused)
{
    (void)unused;
    pci_function_init(&fake, "second host bridge", 0x8086, 0x1237, 0x060000, 0x02);
    pci_register(&fake, 0, 0);
    init_devices();
}

static void reset(void *unused)
{
    (void)unused;
    init_devices();
    io_write(0xcf9, 1, 0x02);
    CHECK_EQ(io_read(0xcf9, 1), 0x02, "RC keeps SRST");
    CHECK_EQ(stop_requests, 0, "SRST alone does not reset");
    io_write(0xcf9, 1, 0x06);
    CHECK(stop_requests == 1 && last_stop_status == 0,
          "RCPU: a machine reset is requested");
}

int main(void)
{
    struct child_result r;

    child_run(mechanism, NULL, &r);
    CHECK_EQ(r.status, 0, "configuration mechanism #1 (child)");
    child_run(registry, NULL, &r);
    CHECK_EQ(r.status, 0, "a function registered through pci.h (child)");
    child_run(duplicate, NULL, &r);
    CHECK_EQ(r.status, 70, "two functions at one address panic");
    CHECK(contains(r.err, "pci_register(i440fx host bridge): 00:00.0 already belongs to "
                          "second host bridge"), "the panic names both functions");
    child_run(reset, NULL, &r);
    CHECK_EQ(r.status, 0, "reset control (child)");
    CHECK(contains(r.err, "bt386: guest requested a reset through port 0xcf9"), "the reset is reported");
    CHECK_STR(r.out, "", "nothing on stdout");
    return check_summary();
}
