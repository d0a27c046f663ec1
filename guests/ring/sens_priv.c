/* Privileged instructions (SDM vol. 3A 2.8, 5.9; vol. 2 per instruction;
 * vol. 1 19.5 for I/O; vol. 3A 17.2 for the debug registers):
 *   - at CPL3 each of LGDT, LIDT, LLDT, LTR, LMSW, MOV to/from CR0/2/3/4
 *     and DR0-7, CLTS, INVLPG, INVD, WBINVD, RDMSR, WRMSR, RDPMC
 *     (CR4.PCE = 0), CLI/STI (IOPL 0) and HLT raises #GP(0), with the
 *     pushed EIP at the instruction and CS at RPL 3; at CPL0 they run;
 *   - RDTSC works at CPL3 unless CR4.TSD = 1 (#GP(0)); at CPL0 always;
 *   - IN/OUT/INS/OUTS at CPL3 with IOPL < 3 consult the TSS I/O bitmap:
 *     a set bit for any byte of the access: #GP(0); all clear: allowed;
 *     the processor reads two bytes of the bitmap, so the word holding the
 *     port's bit must lie inside the TSS limit, else #GP(0) (an io_map_base
 *     past the limit denies every port); IOPL = 3 skips the bitmap, CPL0
 *     too;
 *   - at CPL0: DR0-3 keep what is written; DR7 bit 10 and DR6 bits 4-11
 *     and 16-31 read as 1; with CR4.DE = 0 DR4/DR5 are DR6/DR7, with
 *     CR4.DE = 1 they raise #UD; CR2, CR3, CR4 keep what is written;
 *     LMSW writes CR0 bits 0-3 only and cannot clear PE; CLTS clears TS;
 *     RDMSR/WRMSR of SYSENTER_CS/ESP/EIP (0x174-0x176) round-trip; TSC
 *     (0x10) and APIC_BASE (0x1b: 0xfee00000, BSP) are readable.
 * Port 0x80-0x88 are the POST and DMA page registers, harmless to touch;
 * 0xf4 is the exit port.
 * Not checked, QEMU 7.2 deviates (told to the lead): RDMSR/WRMSR of an
 * unknown MSR must #GP(0) (QEMU reads 0, ignores writes); the TSC MSR
 * (0x10) must read the TSC (QEMU reads 0); MOV CR4 with a
 * reserved bit must #GP(0) (QEMU hangs in an SVM exit); MOV CR0 with PG
 * and not PE must #GP(0) (QEMU loads it). */
#include "sens_common.h"

struct priv_row {
    sens_fn fn;
    const char *at;
    const char *text;
    uint32_t cpl0;      /* 1: also runs at CPL0, without a fault */
};
extern const struct priv_row sens_priv_table[], sens_priv_table_end[];
extern uint32_t sens_priv_cr0, sens_priv_cr3, sens_priv_cr4;
extern uint8_t sens_priv_gdtr[8], sens_priv_idtr[8];

#define SENS_PROBE(name) uint32_t sens_##name(uint32_t); extern char sens_##name##_at[]
SENS_PROBE(inb); SENS_PROBE(inw); SENS_PROBE(inl);
SENS_PROBE(outb); SENS_PROBE(outw); SENS_PROBE(outl);
SENS_PROBE(insb); SENS_PROBE(outsb);
SENS_PROBE(rdtsc); SENS_PROBE(rd_dr4); SENS_PROBE(wr_dr4);
#undef SENS_PROBE

#define CR0_PE 0x1u
#define CR0_TS 0x8u
#define CR4_TSD 0x4u
#define CR4_DE 0x8u
#define CR4_PCE 0x100u

static uint32_t read_cr0(void) { uint32_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static uint32_t read_cr4(void) { uint32_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static void write_cr4(uint32_t v) { __asm__ volatile("mov %0, %%cr4" :: "r"(v) : "memory"); }

static void test_priv_table(void)
{
    sens_priv_cr0 = read_cr0();
    __asm__ volatile("mov %%cr3, %0" : "=r"(sens_priv_cr3));
    sens_priv_cr4 = read_cr4();
    __asm__ volatile("sgdt %0\n\tsidt %1" : "=m"(sens_priv_gdtr), "=m"(sens_priv_idtr));
    CHECK_EQ(sens_priv_cr4 & CR4_PCE, 0, "CR4.PCE is 0 for the rdpmc row");
    for (const struct priv_row *p = sens_priv_table; p < sens_priv_table_end; p++)
        sens_expect(3, p->fn, 0, VEC_GP, 0, p->at, "%s at cpl3: #GP(0) at the instruction", p->text);
}

/* The same probes at CPL0, where they run (their operands are harmless). */
static void test_priv_table_cpl0(void)
{
    for (const struct priv_row *p = sens_priv_table; p < sens_priv_table_end; p++)
        if (p->cpl0)
            sens_expect(0, p->fn, 0, SENS_NONE, 0, NULL, "%s at cpl0: runs", p->text);
    __asm__ volatile("cli");    /* after the sti row */
}

static void test_rdtsc(void)
{
    sens_expect(3, sens_rdtsc, 0, SENS_NONE, 0, NULL, "rdtsc at cpl3, CR4.TSD=0: allowed");
    write_cr4(read_cr4() | CR4_TSD);
    sens_expect(3, sens_rdtsc, 0, VEC_GP, 0, sens_rdtsc_at, "rdtsc at cpl3, CR4.TSD=1: #GP(0)");
    sens_expect(0, sens_rdtsc, 0, SENS_NONE, 0, NULL, "rdtsc at cpl0, CR4.TSD=1: allowed");
    write_cr4(read_cr4() & ~CR4_TSD);
}

/* ---- The I/O permission bitmap ---- */

static void io_allow(uint32_t port, int allow)
{
    if (allow)
        pm_tss.io_bitmap[port >> 3] &= (uint8_t)~(1u << (port & 7));
    else
        pm_tss.io_bitmap[port >> 3] |= (uint8_t)(1u << (port & 7));
}

static void io_expect(sens_fn fn, const char *at, uint32_t port, uint32_t eflags, int allowed,
                      const char *text, const char *rule)
{
    struct sens_run r;
    sens_run(&r, 3, eflags, fn, port);
    if (allowed)
        sens_check_none(&r, "%s 0x%x at cpl3, %s: allowed", text, port, rule);
    else
        sens_check_fault(&r, VEC_GP, 0, (uint32_t)at, "%s 0x%x at cpl3, %s: #GP(0)", text, port, rule);
}

#define IO(name) sens_##name, sens_##name##_at
#define IOPL0 0x2u
#define IOPL3 (0x2u | FL_IOPL(3))

static void test_io_bitmap(void)
{
    io_expect(IO(inb), 0x80, IOPL0, 0, "in al, dx", "iopl0, bit set");
    io_expect(IO(outb), 0x80, IOPL0, 0, "out dx, al", "iopl0, bit set");
    io_expect(IO(insb), 0x80, IOPL0, 0, "insb", "iopl0, bit set");
    io_expect(IO(outsb), 0x80, IOPL0, 0, "outsb", "iopl0, bit set");
    sens_expect(0, sens_inb, 0x80, SENS_NONE, 0, NULL, "in al, dx 0x80 at cpl0, bit set: allowed (CPL <= IOPL)");

    io_allow(0x80, 1);
    io_expect(IO(inb), 0x80, IOPL0, 1, "in al, dx", "iopl0, bit clear");
    io_expect(IO(outb), 0x80, IOPL0, 1, "out dx, al", "iopl0, bit clear");
    io_expect(IO(insb), 0x80, IOPL0, 1, "insb", "iopl0, bit clear");
    io_expect(IO(outsb), 0x80, IOPL0, 1, "outsb", "iopl0, bit clear");
    io_expect(IO(inb), 0x81, IOPL0, 0, "in al, dx", "iopl0, the neighbour's bit set");

    /* Every byte of a wider access has its own bit. */
    io_expect(IO(inw), 0x80, IOPL0, 0, "in ax, dx", "iopl0, 0x81's bit set");
    io_expect(IO(outw), 0x80, IOPL0, 0, "out dx, ax", "iopl0, 0x81's bit set");
    io_allow(0x81, 1);
    io_expect(IO(inw), 0x80, IOPL0, 1, "in ax, dx", "iopl0, 0x80 and 0x81 clear");
    io_allow(0x82, 1);
    io_expect(IO(inl), 0x80, IOPL0, 0, "in eax, dx", "iopl0, 0x83's bit set");
    io_expect(IO(outl), 0x80, IOPL0, 0, "out dx, eax", "iopl0, 0x83's bit set");
    io_allow(0x83, 1);
    io_expect(IO(inl), 0x80, IOPL0, 1, "in eax, dx", "iopl0, 0x80-0x83 clear");
    /* 0x87 and 0x88 have their bits in two bitmap bytes. */
    io_allow(0x87, 1);
    io_expect(IO(inw), 0x87, IOPL0, 0, "in ax, dx", "iopl0, 0x88's bit (next byte) set");
    io_allow(0x88, 1);
    io_expect(IO(inw), 0x87, IOPL0, 1, "in ax, dx", "iopl0, 0x87 and 0x88 clear across a byte");

    for (uint32_t p = 0x80; p <= 0x88; p++)
        io_allow(p, 0);
    io_expect(IO(inb), 0x80, IOPL3, 1, "in al, dx", "iopl3, bit set (bitmap not consulted)");
    io_expect(IO(outw), 0x80, IOPL3, 1, "out dx, ax", "iopl3, bits set");
    io_expect(IO(outsb), 0x80, IOPL3, 1, "outsb", "iopl3, bit set");
}

/* io_map_base against the TSS limit (the kit's TSS: limit = its size - 1,
 * the last byte is the bitmap's 0xff terminator). */
static void test_io_map_base(void)
{
    const uint32_t limit = sizeof pm_tss - 1;
    const uint16_t saved = pm_tss.tss.io_map_base;
    uint8_t *tss = (uint8_t *)&pm_tss;
    io_allow(0x80, 1);

    pm_tss.tss.io_map_base = (uint16_t)(limit + 1);
    io_expect(IO(inb), 0x80, IOPL0, 0, "in al, dx", "io_map_base past the TSS limit");
    io_expect(IO(inb), 0x80, IOPL3, 1, "in al, dx", "io_map_base past the limit, iopl3");

    /* Port 0x80's bit is in bitmap byte 16. */
    pm_tss.tss.io_map_base = (uint16_t)(limit - 17);
    tss[limit - 1] = 0xfe;
    io_expect(IO(inb), 0x80, IOPL0, 1, "in al, dx", "the bitmap word ends at the TSS limit");
    tss[limit - 1] = 0xff;
    pm_tss.tss.io_map_base = (uint16_t)(limit - 16);
    tss[limit] = 0xfe;
    io_expect(IO(inb), 0x80, IOPL0, 0, "in al, dx", "the bitmap word crosses the TSS limit (bit clear)");
    tss[limit] = 0xff;

    pm_tss.tss.io_map_base = saved;
    io_expect(IO(inb), 0x80, IOPL0, 1, "in al, dx", "io_map_base restored, bit clear");
    io_allow(0x80, 0);
}

/* ---- CPL0: debug registers ---- */

#define RD_DR(n) ({ uint32_t v_; __asm__ volatile("mov %%dr" #n ", %0" : "=r"(v_)); v_; })
#define WR_DR(n, v) __asm__ volatile("mov %0, %%dr" #n :: "r"((uint32_t)(v)))

static void test_debug_registers(void)
{
    WR_DR(0, 0x12345678);
    WR_DR(1, 0x9abcdef0);
    WR_DR(2, 0x0badf00d);
    WR_DR(3, 0xfeedface);
    CHECK(RD_DR(0) == 0x12345678 && RD_DR(1) == 0x9abcdef0 && RD_DR(2) == 0x0badf00d && RD_DR(3) == 0xfeedface,
          "mov dr0-dr3 at cpl0: read back what was written");
    WR_DR(0, 0);
    WR_DR(1, 0);
    WR_DR(2, 0);
    WR_DR(3, 0);
    /* LEN0/RW0 = 11 (data write, 4 bytes), LE, GE; no breakpoint enabled. */
    WR_DR(7, 0x000f0300);
    CHECK_EQ(RD_DR(7), 0x000f0700, "mov dr7 at cpl0: keeps the fields, bit 10 reads 1");
    CHECK_EQ(RD_DR(5), 0x000f0700, "mov eax, dr5 with CR4.DE=0: reads DR7");
    WR_DR(5, 0);
    CHECK_EQ(RD_DR(7), 0x00000400, "mov dr5, eax with CR4.DE=0: writes DR7");
    WR_DR(6, 0);
    CHECK_EQ(RD_DR(6), 0xffff0ff0, "mov dr6, 0 at cpl0: bits 4-11 and 16-31 read 1");
    WR_DR(4, 0x0000000f);
    CHECK_EQ(RD_DR(6), 0xffff0fff, "mov dr4, eax with CR4.DE=0: writes DR6");
    CHECK_EQ(RD_DR(4), 0xffff0fff, "mov eax, dr4 with CR4.DE=0: reads DR6");
    WR_DR(6, 0);

    write_cr4(read_cr4() | CR4_DE);
    sens_expect(0, sens_rd_dr4, 0, VEC_UD, 0, sens_rd_dr4_at, "mov eax, dr4 with CR4.DE=1: #UD");
    sens_expect(0, sens_wr_dr4, 0, VEC_UD, 0, sens_wr_dr4_at, "mov dr4, eax with CR4.DE=1: #UD");
    write_cr4(read_cr4() & ~CR4_DE);
}

/* ---- CPL0: control registers ---- */

static void test_control_registers(void)
{
    uint32_t v, saved;
    __asm__ volatile("mov %1, %%cr2\n\tmov %%cr2, %0" : "=r"(v) : "r"(0x12345678u));
    CHECK_EQ(v, 0x12345678, "mov cr2 at cpl0: reads back");
    __asm__ volatile("mov %%cr3, %0" : "=r"(saved));
    __asm__ volatile("mov %1, %%cr3\n\tmov %%cr3, %0" : "=r"(v) : "r"(0x00345000u) : "memory");
    CHECK_EQ(v, 0x00345000, "mov cr3 at cpl0 (paging off): reads back");
    __asm__ volatile("mov %0, %%cr3" :: "r"(saved) : "memory");
    saved = read_cr4();
    write_cr4(saved | CR4_TSD | CR4_DE | CR4_PCE);
    CHECK_EQ(read_cr4(), saved | CR4_TSD | CR4_DE | CR4_PCE, "mov cr4 at cpl0: TSD, DE, PCE read back");
    write_cr4(saved);

    uint32_t cr0 = read_cr0();
    __asm__ volatile("lmsw %w0" :: "r"(cr0 & ~CR0_PE & 0xffff));
    CHECK_EQ(read_cr0(), cr0, "lmsw without PE at cpl0: PE stays 1");
    __asm__ volatile("lmsw %w0" :: "r"((cr0 | CR0_TS | 0xfff0) & 0xffff));
    CHECK_EQ(read_cr0(), cr0 | CR0_TS, "lmsw at cpl0: sets TS, bits 4-15 untouched");
    __asm__ volatile("clts");
    CHECK_EQ(read_cr0(), cr0, "clts at cpl0: clears TS");
}

/* ---- CPL0: model-specific registers ---- */

/* Run through sens_run so that a monitor's fault shows as a failed check. */
static uint32_t msr_read_low(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return lo;
}

static const struct { uint32_t msr; uint32_t value; const char *name; } msr_rt[] = {
    { 0x174, 0x0008, "SYSENTER_CS (0x174)" },
    { 0x175, 0x12345678, "SYSENTER_ESP (0x175)" },
    { 0x176, 0x9abcdef0, "SYSENTER_EIP (0x176)" },
};

/* WRMSR msr_rt[i] with EDX = 0, RDMSR it back; returns 1 if EDX:EAX match. */
static uint32_t msr_round_trip(uint32_t i)
{
    uint32_t lo, hi;
    __asm__ volatile("wrmsr" :: "c"(msr_rt[i].msr), "a"(msr_rt[i].value), "d"(0));
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr_rt[i].msr));
    __asm__ volatile("wrmsr" :: "c"(msr_rt[i].msr), "a"(0), "d"(0));
    return lo == msr_rt[i].value && hi == 0;
}

static void test_msrs(void)
{
    struct sens_run r;
    for (uint32_t i = 0; i < sizeof msr_rt / sizeof msr_rt[0]; i++) {
        sens_run(&r, 0, 0, msr_round_trip, i);
        CHECK(r.vector == SENS_NONE && r.ret == 1, "wrmsr/rdmsr %s at cpl0: round trip", msr_rt[i].name);
    }
    /* QEMU 7.2 reads 0 from this MSR (the SDM: the TSC): only "no fault". */
    sens_expect(0, msr_read_low, 0x10, SENS_NONE, 0, NULL, "rdmsr TSC (0x10) at cpl0: readable");
    uint32_t apic = sens_expect(0, msr_read_low, 0x1b, SENS_NONE, 0, NULL, "rdmsr APIC_BASE (0x1b) at cpl0: readable");
    CHECK_EQ(apic & 0xfffff100, 0xfee00100, "rdmsr APIC_BASE (0x1b) at cpl0: base 0xfee00000, BSP");
}

int main(void)
{
    pm_init();
    sens_mask_pics();
    test_debug_registers();
    test_control_registers();
    test_msrs();
    test_rdtsc();
    test_io_bitmap();
    test_io_map_base();
    test_priv_table();
    test_priv_table_cpl0();
    return check_summary();
}
