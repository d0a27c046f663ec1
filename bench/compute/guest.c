/* The compute benchmark as a Multiboot guest (front end; the kernels are in
 * kernels.c). Reads its options from the Multiboot command line, e.g.
 * "scale=200 kernels=sieve,crc32" (QEMU -append, bt386 --append); without
 * one it runs every kernel at BENCH_DEFAULT_SCALE, which is what the ctest
 * correctness test does. Prints the checksums only: CPU time is measured from
 * outside, by run.sh, because the guest has no trustworthy clock. */
#include "guest.h"
#include "kernels.h"

/* Multiboot v1 information structure, the fields up to the command line. */
struct multiboot_info {
    uint32_t flags;
    uint32_t mem_lower, mem_upper;
    uint32_t boot_device;
    uint32_t cmdline;             /* physical address of a C string */
};
#define MULTIBOOT_INFO_CMDLINE (1u << 2)

#define CR0_MP (1u << 1)
#define CR0_EM (1u << 2)
#define CR0_TS (1u << 3)
#define CR0_NE (1u << 5)
#define CR4_OSFXSR (1u << 9)
#define CR4_OSXMMEXCPT (1u << 10)
#define MXCSR_DEFAULT 0x1f80u     /* all exceptions masked, round to nearest */

/* Multiboot leaves the FPU as the firmware left it. x87 needs CR0.EM clear
 * and a FNINIT (the RESET control word, 0x0040, selects single precision and
 * unmasks exceptions; SDM Vol. 1 Table 9-1); SSE needs CR4.OSFXSR or its
 * instructions raise #UD (SDM Vol. 3A 2.5). */
static void fpu_enable(void)
{
    uint32_t cr0, cr4, mxcsr = MXCSR_DEFAULT;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    cr0 = (cr0 & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE;
    __asm__ volatile("mov %0, %%cr0" :: "r"(cr0));
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
    __asm__ volatile("mov %0, %%cr4" :: "r"(cr4));
    __asm__ volatile("fninit; ldmxcsr %0" :: "m"(mxcsr));
}

/* Applies every space-separated word of the command line; words without
 * '=' (QEMU puts the kernel's path first) are skipped by the parser. */
static int parse_cmdline(const char *s, struct bench_options *opt)
{
    while (*s) {
        size_t n = 0;
        while (s[n] && s[n] != ' ')
            n++;
        if (n && bench_parse_option(s, n, opt))
            return -1;
        s += n;
        while (*s == ' ')
            s++;
    }
    return 0;
}

int main(void)
{
    const struct multiboot_info *mbi = (const struct multiboot_info *)(uintptr_t)mb_info;
    struct bench_options opt;

    bench_default_options(&opt);
    if (mbi->flags & MULTIBOOT_INFO_CMDLINE) {
        const char *cmdline = (const char *)(uintptr_t)mbi->cmdline;
        if (parse_cmdline(cmdline, &opt)) {
            printf("compute: bad command line '%s' (want scale=N kernels=a,b,...)\n", cmdline);
            return 2;
        }
    }
    fpu_enable();
    printf(BENCH_HEADER_FMT, opt.scale);
    for (uint32_t k = 0; k < bench_kernel_count; k++)
        if (opt.select & (1u << k))
            printf(BENCH_LINE_FMT, bench_kernels[k].name, bench_kernels[k].run(opt.scale));
    return 0;
}
