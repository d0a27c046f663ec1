/* See gdt_extra.h. The copy lives in .bss and is loaded with LGDT on the
 * first call; later calls append to it and reload. */
#include "gdt_extra.h"

#define GDT_MAX 64

struct gdt_ptr {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));

static uint64_t gdt_copy[GDT_MAX] __attribute__((aligned(8)));
static int gdt_used;

/* SDM vol. 3A, 3.4.5: base 31:24 | G D/B 0 AVL limit 19:16 | P DPL S type |
 * base 23:0 | limit 15:0. Access 0x92 = present, DPL0, data, read/write. */
static uint64_t data_descriptor(uint32_t base)
{
    return 0xffffull | ((uint64_t)(base & 0xffffff) << 16) | (0x92ull << 40) |
           (0xcfull << 48) | ((uint64_t)(base >> 24) << 56);
}

uint16_t gdt_add_data_segment(uint32_t base)
{
    struct gdt_ptr p;
    if (!gdt_used) {
        __asm__ volatile("sgdt %0" : "=m"(p));
        gdt_used = (p.limit + 1) / 8;
        memcpy(gdt_copy, (const void *)p.base, (size_t)gdt_used * 8);
    }
    if (gdt_used >= GDT_MAX) {
        printf("FAIL gdt_extra: table full\n");
        guest_exit(2);
    }
    gdt_copy[gdt_used] = data_descriptor(base);
    uint16_t sel = (uint16_t)(gdt_used * 8);
    gdt_used++;
    p.base = (uint32_t)gdt_copy;
    p.limit = (uint16_t)(gdt_used * 8 - 1);
    __asm__ volatile("lgdt %0" :: "m"(p) : "memory");
    return sel;
}
