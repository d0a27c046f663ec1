/* Loading a Multiboot v1 kernel (Multiboot Specification 0.6.96) into guest
 * RAM exactly where `qemu-system-i386 -kernel` puts it, and building the
 * multiboot information QEMU 7.2 builds. Owns the file format checks and
 * the boot-time memory layout; must not touch the vCPU (the caller sets
 * EIP/EAX/EBX from struct multiboot_entry).
 *
 * The load runs as passes: find the header, plan the load (ELF program
 * headers or the a.out kludge), place the boot information, then write
 * guest RAM. Every check happens before the first write, so a bad file
 * leaves RAM untouched.
 *
 * QEMU's rules, learnt from its hw/i386/multiboot.c and its multiboot
 * option ROM, and checked with a probe guest under QEMU 7.2 (-m 2M to 3G):
 * - The header is the first 4-byte aligned magic 0x1BADB002 whose checksum
 *   is right, at an offset below 8192 - 48.
 * - Flag 16 set: the header's addresses say what to load (even in an ELF
 *   file). Otherwise the file must be an i386 ELF, loaded by its PT_LOAD
 *   program headers at p_paddr; an entry point that is a virtual address
 *   inside an executable segment whose p_vaddr != p_paddr is translated to
 *   the physical one (a higher-half kernel with e_entry 0xC010000C enters
 *   at 0x10000C).
 * - The command line is "<kernel path as typed> <-append string>" (with the
 *   space even when -append is empty), placed at the kernel's lowest
 *   address plus its size rounded up to 4 KiB; the boot loader name "qemu"
 *   follows it. mods_count is 0 and mods_addr equals the command line's
 *   address.
 * - The memory map (6 entries, 0x90 bytes) is at 0x9000 and the info
 *   structure at 0x9500; flags 0x24f (memory, boot device, cmdline, mods,
 *   mmap, loader name), boot_device 0x8000ffff.
 * - The map is SeaBIOS's e820 map: RAM below the EBDA, the EBDA, the BIOS,
 *   RAM from 1 MiB up to 128 KiB below the end of RAM (SeaBIOS keeps that
 *   for itself), that 128 KiB, and the 256 KiB BIOS flash below 4 GiB.
 *   mem_lower is 639 (KiB, from INT 12h) and mem_upper the KiB of RAM
 *   from 1 MiB to the first hole.
 * bt386 departs from QEMU in one place: a kernel loaded over 0x9000-0x9558
 * would overwrite QEMU's information (QEMU loads it anyway); bt386 then
 * puts the map and the structure after the command line instead. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/panic.h"
#include "monitor/multiboot.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the loader copies little-endian guest structures as host structures"
#endif

#define MB_HEADER_MAGIC     0x1BADB002u
#define MB_SEARCH_END       (8192 - 48)     /* QEMU's bound on the magic's offset */
#define MB_FLAG_AOUT_KLUDGE (1u << 16)

/* Multiboot information flags (spec 3.3). */
#define MBI_MEMORY       (1u << 0)
#define MBI_BOOT_DEVICE  (1u << 1)
#define MBI_CMDLINE      (1u << 2)
#define MBI_MODS         (1u << 3)
#define MBI_MMAP         (1u << 6)
#define MBI_LOADER_NAME  (1u << 9)

#define MB_BOOT_DEVICE   0x8000ffffu        /* BIOS drive 0x80, no partition */
#define MB_LOADER_NAME   "qemu"             /* QEMU's: differential tests compare output */
#define MB_MMAP_ADDR     0x9000u
#define MB_INFO_ADDR     0x9500u

/* SeaBIOS's layout of low memory and the top of RAM. */
#define EBDA_START       0x9fc00u
#define LOW_MEM_END      0xa0000u
#define BIOS_START       0xf0000u
#define HIGH_MEM_START   0x100000u
#define SEABIOS_RESERVED 0x20000u
#define BIOS_FLASH_START 0xfffc0000u
#define E820_RAM         1
#define E820_RESERVED    2
#define MB_MMAP_ENTRIES  6

struct multiboot_info {
    uint32_t flags;
    uint32_t mem_lower, mem_upper;      /* KiB below 640 KiB / above 1 MiB */
    uint32_t boot_device;
    uint32_t cmdline;
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
    uint32_t drives_length, drives_addr;
    uint32_t config_table;
    uint32_t boot_loader_name;
    uint32_t apm_table;
    uint32_t vbe_control_info, vbe_mode_info;
    uint16_t vbe_mode, vbe_interface_seg, vbe_interface_off, vbe_interface_len;
};
_Static_assert(sizeof(struct multiboot_info) == 88, "Multiboot info layout");
_Static_assert(offsetof(struct multiboot_info, mmap_length) == 44, "Multiboot info layout");
_Static_assert(offsetof(struct multiboot_info, boot_loader_name) == 64, "Multiboot info layout");

/* `size` counts the bytes after itself (20), as the spec's mmap demands. */
struct multiboot_mmap_entry {
    uint32_t size;
    uint64_t base, length;
    uint32_t type;
} __attribute__((packed));
_Static_assert(sizeof(struct multiboot_mmap_entry) == 24, "Multiboot mmap layout");

#define MB_INFO_AREA_SIZE (MB_INFO_ADDR - MB_MMAP_ADDR + sizeof(struct multiboot_info))

/* What the planning passes decide, before anything is written. */
struct load_plan {
    const uint8_t *img;
    size_t len;
    uint32_t header_off;
    uint32_t header_flags;
    bool aout;                  /* a.out kludge: one block from the file */
    uint32_t aout_file_off, aout_load_size;
    uint64_t low, high;         /* guest physical range of the kernel with bss */
    uint32_t entry;
    uint64_t cmdline_addr, loader_name_addr, strings_end;
    uint64_t mmap_addr, info_addr;
};

struct loader {
    struct physmem *pm;
    const char *name;
    char *err;
    size_t errsz;
};

static int load_error(const struct loader *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int load_error(const struct loader *l, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(l->err, l->errsz, "kernel '%s': ", l->name);

    if (n < 0 || (size_t)n >= l->errsz)
        return -1;
    va_start(ap, fmt);
    vsnprintf(l->err + n, l->errsz - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

static uint32_t read32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static uint64_t page_align_up(uint64_t x)
{
    return (x + GUEST_PAGE_SIZE - 1) & ~(uint64_t)(GUEST_PAGE_SIZE - 1);
}

static bool ranges_overlap(uint64_t a, uint64_t a_end, uint64_t b, uint64_t b_end)
{
    return a < b_end && b < a_end;
}

/* Pass 1: the header. */
static int find_header(const struct loader *l, struct load_plan *p)
{
    int64_t bad_checksum_at = -1;

    for (size_t off = 0; off < MB_SEARCH_END && off + 12 <= p->len; off += 4) {
        if (read32(p->img + off) != MB_HEADER_MAGIC)
            continue;
        uint32_t flags = read32(p->img + off + 4);
        if (MB_HEADER_MAGIC + flags + read32(p->img + off + 8) == 0) {
            p->header_off = (uint32_t)off;
            p->header_flags = flags;
            return 0;
        }
        if (bad_checksum_at < 0)
            bad_checksum_at = (int64_t)off;
    }
    if (bad_checksum_at >= 0)
        return load_error(l, "the Multiboot header at offset 0x%llx has a bad checksum",
                          (unsigned long long)bad_checksum_at);
    return load_error(l, "not a Multiboot kernel (no Multiboot header in its first "
                      "8192 bytes)");
}

static int check_in_ram(const struct loader *l, const char *what, uint64_t start,
                        uint64_t end)
{
    if (end > l->pm->size)
        return load_error(l, "%s at 0x%llx-0x%llx does not fit in %llu MiB of guest RAM "
                          "(try a larger -m)", what, (unsigned long long)start,
                          (unsigned long long)end, (unsigned long long)(l->pm->size >> 20));
    return 0;
}

/* Pass 2a: flag 16, the a.out kludge. The header says where its own first
 * byte goes (header_addr) and where loading starts (load_addr), which
 * gives the file offset of load_addr. */
static int plan_aout(const struct loader *l, struct load_plan *p)
{
    const uint8_t *h = p->img + p->header_off;

    if (p->header_off + 32 > p->len)
        return load_error(l, "file ends inside its Multiboot header");
    uint32_t header_addr = read32(h + 12), load_addr = read32(h + 16);
    uint32_t load_end = read32(h + 20), bss_end = read32(h + 24);

    if (header_addr < load_addr || header_addr - load_addr > p->header_off)
        return load_error(l, "Multiboot header_addr 0x%x and load_addr 0x%x do not match "
                          "the header's offset 0x%x in the file", header_addr, load_addr,
                          p->header_off);
    p->aout_file_off = p->header_off - (header_addr - load_addr);
    if (load_end) {
        if (load_end < load_addr)
            return load_error(l, "Multiboot load_end_addr 0x%x is below load_addr 0x%x",
                              load_end, load_addr);
        p->aout_load_size = load_end - load_addr;
        if ((uint64_t)p->aout_file_off + p->aout_load_size > p->len)
            return load_error(l, "truncated: load_end_addr needs 0x%llx bytes of file, "
                              "it has 0x%zx", (unsigned long long)p->aout_file_off +
                              p->aout_load_size, p->len);
    } else {
        p->aout_load_size = (uint32_t)(p->len - p->aout_file_off);
    }
    uint64_t end = (uint64_t)load_addr + p->aout_load_size;
    if (bss_end) {
        if (bss_end < end)
            return load_error(l, "Multiboot bss_end_addr 0x%x is below the end of the "
                              "loaded image 0x%llx", bss_end, (unsigned long long)end);
        end = bss_end;
    }
    p->aout = true;
    p->low = load_addr;
    p->high = end;
    p->entry = read32(h + 28);
    return check_in_ram(l, "the kernel", p->low, p->high);
}

static Elf32_Phdr read_phdr(const struct load_plan *p, const Elf32_Ehdr *eh, unsigned i)
{
    Elf32_Phdr ph;
    memcpy(&ph, p->img + eh->e_phoff + (size_t)i * sizeof ph, sizeof ph);
    return ph;
}

/* Pass 2b: an ELF kernel, by its program headers. */
static int plan_elf(const struct loader *l, struct load_plan *p)
{
    Elf32_Ehdr eh;

    if (p->len < EI_NIDENT || memcmp(p->img, ELFMAG, SELFMAG) != 0)
        return load_error(l, "neither an ELF file nor a Multiboot a.out kludge kernel "
                          "(header flag 16)");
    if (p->img[EI_CLASS] == ELFCLASS64) {
        uint16_t machine = 0;
        if (p->len >= sizeof(Elf64_Ehdr))
            memcpy(&machine, p->img + offsetof(Elf64_Ehdr, e_machine), sizeof machine);
        if (machine == EM_X86_64)
            return load_error(l, "an x86-64 ELF file; bt386 runs 32-bit (i386) kernels");
        return load_error(l, "a 64-bit ELF file; bt386 runs 32-bit (i386) kernels");
    }
    if (p->img[EI_CLASS] != ELFCLASS32 || p->img[EI_DATA] != ELFDATA2LSB)
        return load_error(l, "not a 32-bit little-endian ELF file");
    if (p->len < sizeof eh)
        return load_error(l, "truncated ELF header");
    memcpy(&eh, p->img, sizeof eh);
    if (eh.e_machine != EM_386)
        return load_error(l, "an ELF file for machine %u, not i386 (%u)", eh.e_machine,
                          EM_386);
    if (eh.e_phnum && eh.e_phentsize != sizeof(Elf32_Phdr))
        return load_error(l, "ELF program headers of %u bytes (want %zu)", eh.e_phentsize,
                          sizeof(Elf32_Phdr));
    if ((uint64_t)eh.e_phoff + (uint64_t)eh.e_phnum * sizeof(Elf32_Phdr) > p->len)
        return load_error(l, "truncated: the ELF program headers run past the end of the "
                          "file");

    p->low = UINT64_MAX;
    p->high = 0;
    p->entry = eh.e_entry;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf32_Phdr ph = read_phdr(p, &eh, i);
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        if (ph.p_filesz > ph.p_memsz)
            return load_error(l, "ELF segment %u has a file size above its memory size", i);
        if ((uint64_t)ph.p_offset + ph.p_filesz > p->len)
            return load_error(l, "truncated: ELF segment %u needs file bytes up to 0x%llx, "
                              "the file has 0x%zx", i,
                              (unsigned long long)ph.p_offset + ph.p_filesz, p->len);
        uint64_t start = ph.p_paddr, end = start + ph.p_memsz;
        char what[32];
        snprintf(what, sizeof what, "ELF segment %u", i);
        if (check_in_ram(l, what, start, end) < 0)
            return -1;
        if (start < p->low)
            p->low = start;
        if (end > p->high)
            p->high = end;
        if (ph.p_vaddr != ph.p_paddr && (ph.p_flags & PF_X) && eh.e_entry >= ph.p_vaddr &&
            eh.e_entry - ph.p_vaddr < ph.p_filesz)
            p->entry = eh.e_entry - ph.p_vaddr + ph.p_paddr;
    }
    if (p->high == 0)
        return load_error(l, "no loadable ELF segment");
    return 0;
}

/* Pass 3: where the command line, the loader name, the memory map and the
 * info structure go. */
static int place_boot_info(const struct loader *l, struct load_plan *p, const char *cmdline)
{
    uint64_t cmdline_len = strlen(l->name) + 1 + strlen(cmdline) + 1;

    p->cmdline_addr = p->low + page_align_up(p->high - p->low);
    p->loader_name_addr = p->cmdline_addr + cmdline_len;
    p->strings_end = p->loader_name_addr + sizeof MB_LOADER_NAME;
    if (check_in_ram(l, "the command line after the kernel", p->cmdline_addr,
                     p->strings_end) < 0)
        return -1;

    p->mmap_addr = MB_MMAP_ADDR;
    p->info_addr = MB_INFO_ADDR;
    if (ranges_overlap(p->low, p->strings_end, MB_MMAP_ADDR, MB_MMAP_ADDR + MB_INFO_AREA_SIZE)) {
        p->mmap_addr = (p->strings_end + 7) & ~7ull;
        p->info_addr = p->mmap_addr + MB_MMAP_ENTRIES * sizeof(struct multiboot_mmap_entry);
        if (check_in_ram(l, "the multiboot information after the kernel", p->mmap_addr,
                         p->info_addr + sizeof(struct multiboot_info)) < 0)
            return -1;
    }
    return 0;
}

static void put_mmap_entry(struct multiboot_mmap_entry *e, uint64_t base, uint64_t end,
                           uint32_t type)
{
    *e = (struct multiboot_mmap_entry){ .size = sizeof *e - sizeof e->size, .base = base,
                                        .length = end - base, .type = type };
}

/* SeaBIOS's e820 map for `ram` bytes of RAM (at least 2 MiB, all below
 * the PCI hole), as a Multiboot mmap. */
static void build_mmap(struct multiboot_mmap_entry *map, uint64_t ram)
{
    put_mmap_entry(&map[0], 0, EBDA_START, E820_RAM);
    put_mmap_entry(&map[1], EBDA_START, LOW_MEM_END, E820_RESERVED);
    put_mmap_entry(&map[2], BIOS_START, HIGH_MEM_START, E820_RESERVED);
    put_mmap_entry(&map[3], HIGH_MEM_START, ram - SEABIOS_RESERVED, E820_RAM);
    put_mmap_entry(&map[4], ram - SEABIOS_RESERVED, ram, E820_RESERVED);
    put_mmap_entry(&map[5], BIOS_FLASH_START, 1ull << 32, E820_RESERVED);
}

static void *guest(const struct loader *l, uint64_t gpa, uint64_t len)
{
    uint8_t *p = gpa >> 32 ? NULL : physmem_ptr(l->pm, (gpa_t)gpa, len);

    if (!p)
        panic("multiboot: 0x%llx+0x%llx escaped the RAM checks", (unsigned long long)gpa,
              (unsigned long long)len);
    return p;
}

static void copy_segment(const struct loader *l, uint64_t gpa, const uint8_t *src,
                         uint64_t filesz, uint64_t memsz)
{
    uint8_t *dst = guest(l, gpa, memsz);
    memcpy(dst, src, filesz);
    memset(dst + filesz, 0, memsz - filesz);
}

/* Pass 4: write guest RAM. Everything was checked by the passes above. */
static void write_kernel(const struct loader *l, const struct load_plan *p)
{
    if (p->aout) {
        copy_segment(l, p->low, p->img + p->aout_file_off, p->aout_load_size,
                     p->high - p->low);
        return;
    }
    Elf32_Ehdr eh;
    memcpy(&eh, p->img, sizeof eh);
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf32_Phdr ph = read_phdr(p, &eh, i);
        if (ph.p_type == PT_LOAD && ph.p_memsz)
            copy_segment(l, ph.p_paddr, p->img + ph.p_offset, ph.p_filesz, ph.p_memsz);
    }
}

static void write_boot_info(const struct loader *l, const struct load_plan *p,
                            const char *cmdline)
{
    char *s = guest(l, p->cmdline_addr, p->strings_end - p->cmdline_addr);
    s += sprintf(s, "%s %s", l->name, cmdline) + 1;
    memcpy(s, MB_LOADER_NAME, sizeof MB_LOADER_NAME);

    struct multiboot_mmap_entry map[MB_MMAP_ENTRIES];
    build_mmap(map, l->pm->size);
    memcpy(guest(l, p->mmap_addr, sizeof map), map, sizeof map);

    struct multiboot_info mbi = {
        .flags = MBI_MEMORY | MBI_BOOT_DEVICE | MBI_CMDLINE | MBI_MODS | MBI_MMAP |
                 MBI_LOADER_NAME,
        .mem_lower = EBDA_START >> 10,
        .mem_upper = (uint32_t)((l->pm->size - SEABIOS_RESERVED - HIGH_MEM_START) >> 10),
        .boot_device = MB_BOOT_DEVICE,
        .cmdline = (uint32_t)p->cmdline_addr,
        .mods_count = 0,
        .mods_addr = (uint32_t)p->cmdline_addr,
        .mmap_length = sizeof map,
        .mmap_addr = (uint32_t)p->mmap_addr,
        .boot_loader_name = (uint32_t)p->loader_name_addr,
    };
    memcpy(guest(l, p->info_addr, sizeof mbi), &mbi, sizeof mbi);
}

int multiboot_load_image(struct physmem *pm, const uint8_t *img, size_t len,
                         const char *name, const char *cmdline,
                         struct multiboot_entry *out, char *err, size_t errsz)
{
    struct loader l = { pm, name, err, errsz };
    struct load_plan p = { .img = img, .len = len };

    /* The info layout and the e820 map assume RAM from 0 to past 1 MiB,
     * below the PCI hole: options.c keeps RAM within 2 MiB..3 GiB. */
    if (pm->size < 2 * HIGH_MEM_START || pm->size > BIOS_FLASH_START)
        panic("multiboot: %llu bytes of guest RAM", (unsigned long long)pm->size);

    if (find_header(&l, &p) < 0)
        return -1;
    if ((p.header_flags & MB_FLAG_AOUT_KLUDGE ? plan_aout(&l, &p) : plan_elf(&l, &p)) < 0)
        return -1;
    if (place_boot_info(&l, &p, cmdline) < 0)
        return -1;
    /* Flag 2 (video mode) is ignored, as QEMU does (it only warns). */
    write_kernel(&l, &p);
    write_boot_info(&l, &p, cmdline);

    *out = (struct multiboot_entry){ .eip = p.entry, .eax = MULTIBOOT_BOOTLOADER_MAGIC,
                                     .ebx = (uint32_t)p.info_addr };
    return 0;
}

/* The whole file in malloc'ed memory: kernels are a few MiB at most. */
static uint8_t *read_file(const struct loader *l, const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    uint8_t *buf = NULL;
    size_t size, got = 0;

    if (fd < 0) {
        load_error(l, "cannot open: %s", strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        load_error(l, "not a regular file");
        goto out;
    }
    if ((uint64_t)st.st_size >= (1ull << 32)) {
        load_error(l, "larger than 4 GiB");
        goto out;
    }
    size = (size_t)st.st_size;
    buf = malloc(size ? size : 1);
    if (!buf) {
        load_error(l, "out of memory reading it");
        goto out;
    }
    while (got < size) {
        ssize_t n = read(fd, buf + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            load_error(l, "cannot read: %s", n < 0 ? strerror(errno) : "file shrank");
            free(buf);
            buf = NULL;
            goto out;
        }
        got += (size_t)n;
    }
    *len = got;
out:
    close(fd);
    return buf;
}

int multiboot_load_file(struct physmem *pm, const char *path, const char *cmdline,
                        struct multiboot_entry *out, char *err, size_t errsz)
{
    struct loader l = { pm, path, err, errsz };
    size_t len;
    uint8_t *img = read_file(&l, path, &len);

    if (!img)
        return -1;
    int r = multiboot_load_image(pm, img, len, path, cmdline, out, err, errsz);
    free(img);
    return r;
}

int multiboot_load(struct physmem *pm, const char *path, const char *cmdline,
                   struct multiboot_entry *out)
{
    char err[512];

    if (multiboot_load_file(pm, path, cmdline, out, err, sizeof err) < 0)
        fatal_user("%s", err);
    return 0;
}
