/* The protected-mode state a Multiboot loader leaves behind. Multiboot says
 * GDTR may be invalid, but guests written for QEMU reload CS from it (a far
 * jump to "the current CS"), so bt386 provides a GDT with the same layout as
 * QEMU's loader: 0x08 flat 32-bit code, 0x10 flat 32-bit data, 0x18 16-bit
 * code, 0x20 16-bit data. It lives at 0xf0000, in the BIOS area that the
 * memory map reports reserved. */
#include "monitor/boot_gdt.h"

#include <string.h>

#define BOOT_GDT_ADDR 0xf0000u

void boot_gdt_install(struct physmem *pm, struct vcpu *v)
{
    /* Descriptor bytes: limit 15..0, base 15..0, base 23..16, access,
     * flags|limit 19..16, base 31..24 (SDM vol. 3, 3.4.5). */
    static const uint8_t gdt[5][8] = {
        { 0 },
        { 0xff, 0xff, 0, 0, 0, 0x9b, 0xcf, 0 },   /* 0x08 code: exec/read, 32-bit, 4 KiB */
        { 0xff, 0xff, 0, 0, 0, 0x93, 0xcf, 0 },   /* 0x10 data: read/write, 32-bit, 4 KiB */
        { 0xff, 0xff, 0, 0, 0, 0x9f, 0x00, 0 },   /* 0x18 code: 16-bit, conforming */
        { 0xff, 0xff, 0, 0, 0, 0x93, 0x00, 0 },   /* 0x20 data: 16-bit */
    };
    uint8_t *p = physmem_ptr(pm, BOOT_GDT_ADDR, sizeof gdt);
    if (!p)
        return;
    memcpy(p, gdt, sizeof gdt);
    v->gdtr_base = BOOT_GDT_ADDR;
    v->gdtr_limit = sizeof gdt - 1;
    v->idtr_base = 0;
    v->idtr_limit = 0x3ff;
}
