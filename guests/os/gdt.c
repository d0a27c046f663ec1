/* The GDT and the one TSS (SDM vol. 3 3.4.5, 7.2). Flat 4 GiB code and
 * data segments for CPL0 and CPL3; paging alone separates the tasks. The
 * TSS is only where the CPU finds the kernel stack (SS0:ESP0) when an
 * interrupt or INT 0x80 arrives at CPL3; proc.c points ESP0 at the running
 * task's kernel stack before every switch. No I/O bitmap: the I/O map base
 * is past the TSS limit, so IN/OUT at CPL3 (IOPL 0) raise #GP. */
#include "defs.h"
#include "mmu.h"
#include "x86.h"

struct segdesc {
    uint16_t limit_lo, base_lo;
    uint8_t base_mid, access, flags_limit_hi, base_hi;
} __attribute__((packed));

struct tss {
    uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2;
    uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint32_t es, cs, ss, ds, fs, gs, ldt;
    uint16_t trap, iomap_base;
} __attribute__((packed));

static struct segdesc gdt[6];
static struct tss tss;

static struct segdesc seg(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
    struct segdesc d = {
        (uint16_t)limit, (uint16_t)base, (uint8_t)(base >> 16), access,
        (uint8_t)((flags << 4) | ((limit >> 16) & 0xf)), (uint8_t)(base >> 24),
    };
    return d;
}

void tss_set_kstack(uint32_t esp0)
{
    tss.esp0 = esp0;
}

void gdt_init(void)
{
    /* access: P, DPL, S=1, type (0xa execute/read, 0x2 read/write);
     * flags: G = 1 (4 KiB units), D/B = 1 (32-bit). */
    gdt[KCODE_SEL >> 3] = seg(0, 0xfffff, 0x9a, 0xc);
    gdt[KDATA_SEL >> 3] = seg(0, 0xfffff, 0x92, 0xc);
    gdt[UCODE_SEL >> 3] = seg(0, 0xfffff, 0xfa, 0xc);
    gdt[UDATA_SEL >> 3] = seg(0, 0xfffff, 0xf2, 0xc);
    tss.ss0 = KDATA_SEL;
    tss.iomap_base = sizeof(tss);
    /* Available 32-bit TSS (type 9), DPL 0, byte granular. */
    gdt[TSS_SEL >> 3] = seg((uint32_t)&tss, sizeof(tss) - 1, 0x89, 0x0);

    lgdt(gdt, sizeof(gdt));
    __asm__ volatile(
        "ljmp %0, $1f\n"
        "1: movw %w1, %%ax\n"
        "movw %%ax, %%ds\n movw %%ax, %%es\n movw %%ax, %%fs\n"
        "movw %%ax, %%gs\n movw %%ax, %%ss\n"
        :: "i"(KCODE_SEL), "r"((uint32_t)KDATA_SEL) : "eax", "memory");
    ltr(TSS_SEL);
}
