/* Extra GDT entries for tests that need segments with a non-zero base.
 * The guest keeps running on the loader's code and data selectors: the
 * current GDT is copied (so every selector in use stays valid) and the new
 * descriptors are appended after it. Must run at CPL0.
 *
 *   uint16_t sel = gdt_add_data_segment(0x1000);   base 0x1000, limit 4 GiB
 *   __asm__ volatile("mov %0, %%fs" :: "r"(sel));   fs:[x] is linear x + 0x1000
 */
#ifndef GDT_EXTRA_H
#define GDT_EXTRA_H

#include "guest.h"

/* Appends a present, writable, 32-bit, DPL0 data segment with this base
 * and a 4 GiB limit (G = 1, limit 0xfffff); returns its selector. */
uint16_t gdt_add_data_segment(uint32_t base);

#endif
