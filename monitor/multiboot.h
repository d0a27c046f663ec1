/* The Multiboot v1 loader: puts a kernel file into guest RAM the way
 * `qemu-system-i386 -kernel FILE -append CMDLINE` does, with the same
 * multiboot information (addresses, memory map, command line), so a guest
 * prints the same under both.
 *
 *   struct multiboot_entry e;
 *   multiboot_load(&pm, o.kernel, o.cmdline, &e);    exits 2 on a bad kernel
 *   vcpu: EIP = e.eip, EAX = e.eax, EBX = e.ebx
 *
 * The rest of the entry state is the vCPU's job. For reference, QEMU 7.2
 * (its multiboot option ROM, measured with a probe guest) enters with
 * CR0 = 0x11 (PE, ET; no paging), CR4 = 0, EFLAGS = 0x06 (IF = 0, DF = 0),
 * CS = 0x08 and DS = ES = FS = GS = SS = 0x10, all flat 4 GiB segments,
 * GDTR = {limit 0x27, base in the option ROM}, IDTR = {0x3ff, 0} (the real
 * mode IVT), LDTR = TR = 0, ECX = the entry point, EDX = 0x10511,
 * ESI = EBP = 0, EDI = 0x1000, ESP = 0x6f08 (the Multiboot spec leaves
 * ESP and the descriptor tables undefined). */
#ifndef BT386_MULTIBOOT_H
#define BT386_MULTIBOOT_H

#include <stddef.h>
#include <stdint.h>

#include "common/types.h"
#include "shadow-mmu/physmem.h"

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002u

struct multiboot_entry {
    uint32_t eip;       /* the kernel's entry point (a physical address) */
    uint32_t eax;       /* MULTIBOOT_BOOTLOADER_MAGIC */
    uint32_t ebx;       /* guest physical address of the multiboot info */
};

/* Loads the kernel at path with the command line cmdline (-append; "" if
 * none). On any problem with the file prints one line and exits 2. */
int multiboot_load(struct physmem *pm, const char *path, const char *cmdline,
                   struct multiboot_entry *out);

/* The same, returning 0, or -1 with a one-line message in err (no
 * "bt386: " prefix, no newline). */
int multiboot_load_file(struct physmem *pm, const char *path, const char *cmdline,
                        struct multiboot_entry *out, char *err, size_t errsz);

/* The loader proper, on a file already in memory: img[0..len) is the file,
 * name its path as typed (QEMU passes it to the kernel as the first word
 * of the command line). Writes guest RAM only when it returns 0. */
int multiboot_load_image(struct physmem *pm, const uint8_t *img, size_t len,
                         const char *name, const char *cmdline,
                         struct multiboot_entry *out, char *err, size_t errsz);

#endif
