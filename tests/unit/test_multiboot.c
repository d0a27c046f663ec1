/* The Multiboot loader (monitor/multiboot.c) against what QEMU 7.2 gives a
 * guest. The expected values below were read by a probe guest under
 * `qemu-system-i386 -kernel probe.elf -m N` (N = 2M, 128M, 3G): the info
 * structure, the memory map, the command line and where they are. The
 * test kernels are ELF and a.out-kludge images built here in memory. */
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "monitor/multiboot.h"
#include "check.h"

#define MiB (1ull << 20)

/* Offsets in the multiboot info, from the spec (not from the loader). */
enum {
    MBI_FLAGS = 0, MBI_MEM_LOWER = 4, MBI_MEM_UPPER = 8, MBI_BOOT_DEVICE = 12,
    MBI_CMDLINE = 16, MBI_MODS_COUNT = 20, MBI_MODS_ADDR = 24, MBI_SYMS = 28,
    MBI_MMAP_LENGTH = 44, MBI_MMAP_ADDR = 48, MBI_DRIVES_LENGTH = 52,
    MBI_BOOT_LOADER_NAME = 64, MBI_SIZE = 88,
};

/* Guest RAM for the tests: reserved, not populated (a 3 GiB guest costs
 * only the pages the loader touches), filled with a pattern the loader
 * must overwrite where it writes. */
static struct physmem ram_new(uint64_t size)
{
    struct physmem pm = { .ram = NULL, .window = NULL, .size = size };
    pm.ram = mmap(NULL, size, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (pm.ram == MAP_FAILED) {
        perror("mmap");
        exit(99);
    }
    memset(pm.ram, 0xaa, size < 4 * MiB ? size : 4 * MiB);
    return pm;
}

static void ram_free(struct physmem *pm)
{
    munmap(pm->ram, pm->size);
}

static uint32_t rd32(const struct physmem *pm, uint32_t gpa)
{
    uint32_t v;
    memcpy(&v, pm->ram + gpa, 4);
    return v;
}

static uint64_t rd64(const struct physmem *pm, uint32_t gpa)
{
    uint64_t v;
    memcpy(&v, pm->ram + gpa, 8);
    return v;
}

/* ---- building kernel images ---- */

struct seg {
    uint32_t vaddr, paddr, filesz, memsz, flags;
};

struct image {
    uint8_t buf[64 << 10];
    size_t len;
};

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

/* A Multiboot header at p: magic, flags, checksum (+ the a.out fields). */
static void put_mb_header(uint8_t *p, uint32_t flags, const uint32_t aout[5])
{
    put32(p, 0x1BADB002);
    put32(p + 4, flags);
    put32(p + 8, -(0x1BADB002u + flags));
    for (int i = 0; aout && i < 5; i++)
        put32(p + 12 + 4 * i, aout[i]);
}

/* An i386 ELF: headers in the first 4 KiB, segment i's file bytes at
 * 0x1000 * (i + 1) filled with 0x11 * (i + 1); a Multiboot header with
 * mb_flags at the start of segment 0's bytes (offset 0x1000), as linkers
 * place .multiboot first in .text. */
static void make_elf(struct image *im, uint32_t entry, const struct seg *segs, int n,
                     uint32_t mb_flags)
{
    Elf32_Ehdr eh = {
        .e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS32, ELFDATA2LSB, EV_CURRENT },
        .e_type = ET_EXEC, .e_machine = EM_386, .e_version = EV_CURRENT,
        .e_entry = entry, .e_phoff = sizeof eh, .e_ehsize = sizeof eh,
        .e_phentsize = sizeof(Elf32_Phdr), .e_phnum = (uint16_t)n,
    };
    memset(im->buf, 0, sizeof im->buf);
    memcpy(im->buf, &eh, sizeof eh);
    im->len = 0x1000 + 48;         /* at least the Multiboot header */
    for (int i = 0; i < n; i++) {
        uint32_t off = 0x1000 * (uint32_t)(i + 1);
        Elf32_Phdr ph = { .p_type = PT_LOAD, .p_offset = off, .p_vaddr = segs[i].vaddr,
                          .p_paddr = segs[i].paddr, .p_filesz = segs[i].filesz,
                          .p_memsz = segs[i].memsz, .p_flags = segs[i].flags,
                          .p_align = 0x1000 };
        memcpy(im->buf + sizeof eh + (size_t)i * sizeof ph, &ph, sizeof ph);
        memset(im->buf + off, 0x11 * (i + 1), segs[i].filesz);
        if (off + segs[i].filesz > im->len)
            im->len = off + segs[i].filesz;
    }
    put_mb_header(im->buf + 0x1000, mb_flags, NULL);
}

static int load(struct physmem *pm, const struct image *im, const char *name,
                const char *cmdline, struct multiboot_entry *e, char *err)
{
    err[0] = 0;
    memset(e, 0, sizeof *e);
    return multiboot_load_image(pm, im->buf, im->len, name, cmdline, e, err, 256);
}

/* The info structure and map QEMU 7.2 builds for `ram` bytes of RAM, with
 * the command line and loader name at cmdline_addr. */
static void check_qemu_info(const struct physmem *pm, uint32_t info, uint32_t cmdline_addr,
                            const char *cmdline, uint32_t mmap_addr)
{
    uint64_t ram = pm->size;

    CHECK_EQ(rd32(pm, info + MBI_FLAGS), 0x24f, "flags: mem, boot device, cmdline, mods, mmap, loader");
    CHECK_EQ(rd32(pm, info + MBI_MEM_LOWER), 639, "mem_lower 639 KiB (INT 12h)");
    CHECK_EQ(rd32(pm, info + MBI_MEM_UPPER), (ram - 0x120000) >> 10, "mem_upper");
    CHECK_EQ(rd32(pm, info + MBI_BOOT_DEVICE), 0x8000ffff, "boot_device");
    CHECK_EQ(rd32(pm, info + MBI_CMDLINE), cmdline_addr, "cmdline address");
    CHECK_EQ(rd32(pm, info + MBI_MODS_COUNT), 0, "mods_count");
    CHECK_EQ(rd32(pm, info + MBI_MODS_ADDR), cmdline_addr, "mods_addr (QEMU: = cmdline)");
    for (int i = 0; i < 4; i++)
        CHECK_EQ(rd32(pm, info + MBI_SYMS + 4 * i), 0, "syms[%d]", i);
    CHECK_EQ(rd32(pm, info + MBI_MMAP_LENGTH), 0x90, "mmap_length: 6 entries");
    CHECK_EQ(rd32(pm, info + MBI_MMAP_ADDR), mmap_addr, "mmap_addr");
    for (int off = MBI_DRIVES_LENGTH; off < MBI_BOOT_LOADER_NAME; off += 4)
        CHECK_EQ(rd32(pm, info + off), 0, "info word at %d", off);
    uint32_t name = rd32(pm, info + MBI_BOOT_LOADER_NAME);
    CHECK_EQ(name, cmdline_addr + strlen(cmdline) + 1, "loader name follows the cmdline");
    for (int off = MBI_BOOT_LOADER_NAME + 4; off < MBI_SIZE; off += 4)
        CHECK_EQ(rd32(pm, info + off), 0, "info word at %d (apm, vbe)", off);
    CHECK_STR((const char *)pm->ram + cmdline_addr, cmdline, "command line string");
    CHECK_STR((const char *)pm->ram + name, "qemu", "boot loader name");

    static const struct { uint64_t base, len; uint32_t type; } qemu_map[6] = {
        { 0, 0x9fc00, 1 }, { 0x9fc00, 0x400, 2 }, { 0xf0000, 0x10000, 2 },
        { 0x100000, 0, 1 }, { 0, 0x20000, 2 }, { 0xfffc0000, 0x40000, 2 },
    };
    for (int i = 0; i < 6; i++) {
        uint32_t e = mmap_addr + 24 * (uint32_t)i;
        uint64_t base = qemu_map[i].base, len = qemu_map[i].len;
        if (i == 3)
            len = ram - 0x20000 - 0x100000;
        if (i == 4)
            base = ram - 0x20000;
        CHECK(rd32(pm, e) == 20 && rd64(pm, e + 4) == base && rd64(pm, e + 12) == len &&
              rd32(pm, e + 20) == qemu_map[i].type,
              "mmap[%d] = size 20 base 0x%llx len 0x%llx type %u", i,
              (unsigned long long)base, (unsigned long long)len, qemu_map[i].type);
    }
}

/* The probe guest's own layout: three segments ending at 0x113048, so QEMU
 * put the command line at 0x114000 and "qemu" at 0x11400b. */
static void test_like_qemu_probe(void)
{
    static const struct seg segs[] = {
        { 0x100000, 0x100000, 0xe62, 0xe62, PF_R | PF_X },
        { 0x101000, 0x101000, 0x250, 0x250, PF_R },
        { 0x102000, 0x102000, 0x8, 0x11048, PF_R | PF_W },
    };
    static const uint64_t sizes[] = { 2 * MiB, 128 * MiB, 3ull << 30 };
    static struct image im;
    struct multiboot_entry e;
    char err[256];

    make_elf(&im, 0x10037e, segs, 3, 3);
    for (int i = 0; i < 3; i++) {
        struct physmem pm = ram_new(sizes[i]);
        fprintf(check_out(), "-- %llu MiB of RAM\n", (unsigned long long)(sizes[i] >> 20));
        CHECK_EQ(load(&pm, &im, "probe.elf", "", &e, err), 0, "loads: %s", err);
        CHECK_EQ(e.eip, 0x10037e, "entry point");
        CHECK_EQ(e.eax, 0x2BADB002, "EAX magic");
        CHECK_EQ(e.ebx, 0x9500, "EBX: info at 0x9500 as in QEMU");
        check_qemu_info(&pm, 0x9500, 0x114000, "probe.elf ", 0x9000);
        CHECK(pm.ram[0x100000 + 12] == 0x11 && pm.ram[0x100e61] == 0x11, "segment 0 bytes");
        CHECK(pm.ram[0x101000] == 0x22 && pm.ram[0x10124f] == 0x22, "segment 1 bytes");
        CHECK(pm.ram[0x102007] == 0x33 && pm.ram[0x102008] == 0 && pm.ram[0x113047] == 0,
              "segment 2 bytes, then its bss zeroed");
        ram_free(&pm);
    }
}

static void test_cmdline(void)
{
    static const struct seg seg = { 0x100000, 0x100000, 0x800, 0x3000, PF_R | PF_X };
    static struct image im;
    struct physmem pm = ram_new(128 * MiB);
    struct multiboot_entry e;
    char err[256];

    make_elf(&im, 0x100010, &seg, 1, 0);
    CHECK_EQ(load(&pm, &im, "/tmp/probe/probe.elf", "console=ttyS0 a  b", &e, err), 0,
             "loads: %s", err);
    /* QEMU: "[/tmp/probe/probe.elf console=ttyS0 a  b] @00114000". */
    CHECK_STR((char *)pm.ram + 0x103000, "/tmp/probe/probe.elf console=ttyS0 a  b",
              "cmdline is the path as typed, a space, the -append string");
    check_qemu_info(&pm, 0x9500, 0x103000, "/tmp/probe/probe.elf console=ttyS0 a  b", 0x9000);
    ram_free(&pm);
}

/* e_entry is a virtual address in an executable segment linked high and
 * loaded low: QEMU 7.2 enters at the physical address (measured: a kernel
 * with e_entry 0xc010000c ran from 0x10000c). */
static void test_higher_half_entry(void)
{
    static struct image im;
    struct physmem pm = ram_new(16 * MiB);
    struct multiboot_entry e;
    char err[256];

    struct seg x = { 0xc0100000, 0x100000, 0x100, 0x100, PF_R | PF_X };
    make_elf(&im, 0xc010000c, &x, 1, 0);
    CHECK_EQ(load(&pm, &im, "hh", "", &e, err), 0, "higher-half kernel loads: %s", err);
    CHECK_EQ(e.eip, 0x10000c, "virtual entry translated to physical");

    struct seg data = { 0xc0100000, 0x100000, 0x100, 0x100, PF_R | PF_W };
    make_elf(&im, 0xc010000c, &data, 1, 0);
    CHECK_EQ(load(&pm, &im, "hh", "", &e, err), 0, "loads: %s", err);
    CHECK_EQ(e.eip, 0xc010000c, "no translation through a non-executable segment");
    ram_free(&pm);
}

/* Flag 16: a flat binary with the header at offset 0x20 giving the
 * addresses. */
static void test_aout_kludge(void)
{
    static struct image im;
    struct physmem pm = ram_new(16 * MiB);
    struct multiboot_entry e;
    char err[256];

    memset(im.buf, 0x5c, 0x3000);
    im.len = 0x3000;
    uint32_t aout[5] = { 0x100020, 0x100000, 0, 0x105000, 0x100040 };
    put_mb_header(im.buf + 0x20, 0x10003, aout);
    CHECK_EQ(load(&pm, &im, "flat.bin", "x", &e, err), 0, "a.out kludge loads: %s", err);
    CHECK_EQ(e.eip, 0x100040, "entry_addr");
    CHECK(pm.ram[0x100000] == 0x5c && pm.ram[0x102fff] == 0x5c, "load_end 0: the whole file");
    CHECK_EQ(rd32(&pm, 0x100020), 0x1BADB002, "the header lands at header_addr");
    CHECK(pm.ram[0x103000] == 0 && pm.ram[0x104fff] == 0, "bss up to bss_end_addr zeroed");
    check_qemu_info(&pm, 0x9500, 0x105000, "flat.bin x", 0x9000);

    /* The same fields in an ELF file win over its program headers. */
    static const struct seg seg = { 0x200000, 0x200000, 0x100, 0x100, PF_R | PF_X };
    make_elf(&im, 0x200000, &seg, 1, 0);
    uint32_t aout2[5] = { 0x300000, 0x2ff000, 0x300100, 0, 0x300010 };
    put_mb_header(im.buf + 0x1000, 0x10000, aout2);
    CHECK_EQ(load(&pm, &im, "k", "", &e, err), 0, "a.out kludge in an ELF file: %s", err);
    CHECK_EQ(e.eip, 0x300010, "entry from the header, not e_entry");
    CHECK_EQ(rd32(&pm, 0x2ff000), 0x464c457f, "load_addr gets the file from offset 0 (ELF magic)");
    CHECK_EQ(rd32(&pm, 0x300100), 0xaaaaaaaa, "nothing written past load_end_addr...");
    CHECK_STR((char *)pm.ram + 0x301000, "k ", "...but the cmdline after the aligned end");
    ram_free(&pm);
}

/* A kernel over QEMU's info area (0x9000-0x9558): bt386 moves the map and
 * the structure after the strings instead of letting the kernel overwrite
 * them. */
static void test_info_moves_off_kernel(void)
{
    static const struct seg seg = { 0x8000, 0x8000, 0x2000, 0x2000, PF_R | PF_X };
    static struct image im;
    struct physmem pm = ram_new(16 * MiB);
    struct multiboot_entry e;
    char err[256];

    make_elf(&im, 0x8000, &seg, 1, 0);
    CHECK_EQ(load(&pm, &im, "low", "", &e, err), 0, "low kernel loads: %s", err);
    CHECK(e.ebx >= 0xa000 && e.ebx % 4 == 0, "info moved above the kernel (0x%x)", e.ebx);
    CHECK_EQ(pm.ram[0x9000], 0x11, "the kernel's bytes at 0x9000 are intact");
    check_qemu_info(&pm, e.ebx, 0xa000, "low ", rd32(&pm, e.ebx + MBI_MMAP_ADDR));
    CHECK(rd32(&pm, e.ebx + MBI_MMAP_ADDR) >= 0xa000 + 4 + 5, "map after the strings");
    ram_free(&pm);
}

struct bad_case {
    const char *what;
    const char *message;        /* expected error, after "kernel 'k': " */
};

static void expect_error(struct physmem *pm, const struct image *im, const struct bad_case *c)
{
    struct multiboot_entry e;
    char err[256], want[256];

    memset(pm->ram, 0xaa, pm->size);
    snprintf(want, sizeof want, "kernel 'k': %s", c->message);
    CHECK_EQ(load(pm, im, "k", "", &e, err), (uint64_t)-1, "%s: refused", c->what);
    CHECK_STR(err, want, "%s: message", c->what);
    CHECK(pm->ram[0x100000] == 0xaa && pm->ram[0x9500] == 0xaa, "%s: RAM untouched", c->what);
}

static void test_bad_images(void)
{
    static struct image im;
    struct physmem pm = ram_new(2 * MiB);
    struct seg seg = { 0x100000, 0x100000, 0x100, 0x1000, PF_R | PF_X };

    im.len = 0;
    expect_error(&pm, &im, &(struct bad_case){ "empty file",
                 "not a Multiboot kernel (no Multiboot header in its first 8192 bytes)" });

    strcpy((char *)im.buf, "#!/bin/sh\necho this is not a kernel\n");
    im.len = strlen((char *)im.buf);
    expect_error(&pm, &im, &(struct bad_case){ "text file",
                 "not a Multiboot kernel (no Multiboot header in its first 8192 bytes)" });

    make_elf(&im, 0x100000, &seg, 1, 0);
    put32(im.buf + 0x1000, 0);
    put_mb_header(im.buf + 0x2000 + 8192, 0, NULL);
    im.len = 0x2000 + 8192 + 12;
    expect_error(&pm, &im, &(struct bad_case){ "header past 8 KiB",
                 "not a Multiboot kernel (no Multiboot header in its first 8192 bytes)" });

    make_elf(&im, 0x100000, &seg, 1, 0);
    put32(im.buf + 0x1008, 0x12345678);
    expect_error(&pm, &im, &(struct bad_case){ "bad checksum",
                 "the Multiboot header at offset 0x1000 has a bad checksum" });

    make_elf(&im, 0x100000, &seg, 1, 0);
    im.buf[EI_CLASS] = ELFCLASS64;
    put32(im.buf + 16, EM_X86_64 << 16 | ET_EXEC);   /* Elf64 e_type, e_machine */
    expect_error(&pm, &im, &(struct bad_case){ "x86-64 ELF",
                 "an x86-64 ELF file; bt386 runs 32-bit (i386) kernels" });

    make_elf(&im, 0x100000, &seg, 1, 0);
    im.buf[18] = EM_ARM;
    expect_error(&pm, &im, &(struct bad_case){ "ARM ELF",
                 "an ELF file for machine 40, not i386 (3)" });

    memset(im.buf, 0x90, 0x100);
    put_mb_header(im.buf + 0x40, 0, NULL);
    im.len = 0x100;
    expect_error(&pm, &im, &(struct bad_case){ "not ELF, no flag 16",
                 "neither an ELF file nor a Multiboot a.out kludge kernel (header flag 16)" });

    struct seg big = { 0x100000, 0x100000, 0x100, 0x100001, PF_R | PF_X };
    make_elf(&im, 0x100000, &big, 1, 0);
    expect_error(&pm, &im, &(struct bad_case){ "segment past the end of RAM",
                 "ELF segment 0 at 0x100000-0x200001 does not fit in 2 MiB of guest RAM "
                 "(try a larger -m)" });

    struct seg high = { 0xfffff000, 0xfffff000, 0x100, 0x2000, PF_R | PF_X };
    make_elf(&im, 0x100000, &high, 1, 0);
    expect_error(&pm, &im, &(struct bad_case){ "segment wrapping past 4 GiB",
                 "ELF segment 0 at 0xfffff000-0x100001000 does not fit in 2 MiB of guest "
                 "RAM (try a larger -m)" });

    struct seg full = { 0x100000, 0x100000, 0x100, 0x100000, PF_R | PF_X };
    make_elf(&im, 0x100000, &full, 1, 0);
    expect_error(&pm, &im, &(struct bad_case){ "no room for the command line",
                 "the command line after the kernel at 0x200000-0x200008 does not fit in "
                 "2 MiB of guest RAM (try a larger -m)" });

    make_elf(&im, 0x100000, &seg, 1, 0);
    im.len = 0x1080;
    expect_error(&pm, &im, &(struct bad_case){ "truncated segment",
                 "truncated: ELF segment 0 needs file bytes up to 0x1100, the file has 0x1080" });

    make_elf(&im, 0x100000, &seg, 1, 0);
    ((Elf32_Ehdr *)im.buf)->e_phnum = 200;
    expect_error(&pm, &im, &(struct bad_case){ "program headers past the end",
                 "truncated: the ELF program headers run past the end of the file" });

    struct seg none = { 0x100000, 0x100000, 0, 0, PF_R };
    make_elf(&im, 0x100000, &none, 1, 0);
    expect_error(&pm, &im, &(struct bad_case){ "nothing to load", "no loadable ELF segment" });

    struct seg fat = { 0x100000, 0x100000, 0x200, 0x100, PF_R };
    make_elf(&im, 0x100000, &fat, 1, 0);
    expect_error(&pm, &im, &(struct bad_case){ "filesz > memsz",
                 "ELF segment 0 has a file size above its memory size" });

    memset(im.buf, 0, 0x1000);
    im.len = 0x1000;
    uint32_t below[5] = { 0x100000, 0x100020, 0, 0, 0x100000 };
    put_mb_header(im.buf, 0x10000, below);
    expect_error(&pm, &im, &(struct bad_case){ "header_addr below load_addr",
                 "Multiboot header_addr 0x100000 and load_addr 0x100020 do not match the "
                 "header's offset 0x0 in the file" });

    uint32_t end_below[5] = { 0x100000, 0x100000, 0xff000, 0, 0x100000 };
    put_mb_header(im.buf, 0x10000, end_below);
    expect_error(&pm, &im, &(struct bad_case){ "load_end_addr below load_addr",
                 "Multiboot load_end_addr 0xff000 is below load_addr 0x100000" });

    uint32_t long_load[5] = { 0x100000, 0x100000, 0x102000, 0, 0x100000 };
    put_mb_header(im.buf, 0x10000, long_load);
    expect_error(&pm, &im, &(struct bad_case){ "load_end_addr past the file",
                 "truncated: load_end_addr needs 0x2000 bytes of file, it has 0x1000" });

    uint32_t bss_below[5] = { 0x100000, 0x100000, 0, 0x100800, 0x100000 };
    put_mb_header(im.buf, 0x10000, bss_below);
    expect_error(&pm, &im, &(struct bad_case){ "bss_end_addr inside the image",
                 "Multiboot bss_end_addr 0x100800 is below the end of the loaded image "
                 "0x101000" });

    im.len = 0x18;
    put_mb_header(im.buf, 0x10000, NULL);
    expect_error(&pm, &im, &(struct bad_case){ "file ends in the header",
                 "file ends inside its Multiboot header" });
    ram_free(&pm);
}

static void test_files(void)
{
    static struct image im;
    static const struct seg seg = { 0x100000, 0x100000, 0x100, 0x100, PF_R | PF_X };
    struct physmem pm = ram_new(16 * MiB);
    struct multiboot_entry e;
    char err[256], path[] = "/tmp/bt386-test-kernel-XXXXXX";

    CHECK_EQ(multiboot_load_file(&pm, "/nonexistent/kernel", "", &e, err, sizeof err),
             (uint64_t)-1, "missing file refused");
    CHECK_STR(err, "kernel '/nonexistent/kernel': cannot open: No such file or directory",
              "missing file message");
    CHECK_EQ(multiboot_load_file(&pm, "/tmp", "", &e, err, sizeof err), (uint64_t)-1,
             "directory refused");
    CHECK_STR(err, "kernel '/tmp': not a regular file", "directory message");

    make_elf(&im, 0x100004, &seg, 1, 0);
    int fd = mkstemp(path);
    CHECK(fd >= 0 && write(fd, im.buf, im.len) == (ssize_t)im.len, "temp kernel written");
    close(fd);
    CHECK_EQ(multiboot_load_file(&pm, path, "a", &e, err, sizeof err), 0, "file loads: %s", err);
    CHECK_EQ(e.eip, 0x100004, "entry from the file");
    char want[64];
    snprintf(want, sizeof want, "%s a", path);
    CHECK_STR((char *)pm.ram + 0x101000, want, "the path as given starts the cmdline");
    unlink(path);
    ram_free(&pm);
}

static void load_missing(void *arg)
{
    struct physmem *pm = arg;
    struct multiboot_entry e;
    multiboot_load(pm, "/nonexistent/kernel", "", &e);
}

static void test_fatal(void)
{
    struct physmem pm = ram_new(16 * MiB);
    struct child_result r;

    child_run(load_missing, &pm, &r);
    CHECK_EQ(r.status, 2, "multiboot_load exits 2 on a bad kernel");
    CHECK_STR(r.err, "bt386: kernel '/nonexistent/kernel': cannot open: No such file or "
              "directory\n", "one line on stderr");
    ram_free(&pm);
}

int main(void)
{
    test_like_qemu_probe();
    test_cmdline();
    test_higher_half_entry();
    test_aout_kludge();
    test_info_moves_off_kernel();
    test_bad_images();
    test_files();
    test_fatal();
    return check_summary();
}
