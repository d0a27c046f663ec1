/* The GDT and IDTR a Multiboot kernel finds at entry (see boot_gdt.c). */
#ifndef BT386_BOOT_GDT_H
#define BT386_BOOT_GDT_H

#include "ring-compression/vcpu.h"
#include "shadow-mmu/physmem.h"

void boot_gdt_install(struct physmem *pm, struct vcpu *v);

#endif
