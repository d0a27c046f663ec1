/* CPL3 fuzzing (issue #4, item 7): random byte sequences run at CPL3,
 * single-stepped, and each ends in an exception; the guest prints how many
 * ended in each vector. tests/cli/fuzz_cpl3.py runs it under bt386 and
 * checks that the monitor survives and issues no host system call on the
 * guest's behalf.
 *
 * Command line (Multiboot; bt386 --append "seed=N count=M"): seed (default
 * 1) and count (default 1000) of sequences; verbose=1 prints each
 * sequence's end (to compare two runs sequence by sequence).
 *
 * Each sequence: 64 random bytes at offset 0 of a code page whose other
 * bytes are INT3 (0xcc), run through a DPL3 code segment of base = that
 * page and limit 0xfff, with DS = ES = FS = GS = SS = a DPL3 data segment
 * over a zeroed 4 KiB data page (limit 0xfff) (the two pages: the last
 * two of RAM, from the Multiboot memory information), the same register values
 * every time (fuzz_cpl3_asm.S), a freshly initialised x87, EFLAGS = TF | 2.
 *   - TF = 1: every instruction traps to #DB (SDM vol. 3A 17.3.1.4); the
 *     guest's #DB handler counts them and abandons the sequence after 64
 *     steps, which bounds loops. To keep TF set, the generator replaces
 *     0x9d (POPF) and 0xcf (IRET) by 0x90 (NOP): nothing else a CPL3
 *     sequence can run clears TF.
 *   - Any other exception ends the sequence: its vector is counted
 *     (#GP split into error code 0 and others). INT3 at or past offset 64
 *     (the sequence ran or jumped off its end) has a line of its own.
 *   - Isolation, so that the random code cannot reach the guest's own
 *     memory or memory outside RAM: the sequence's segments cover only its
 *     two pages, and the kit's flat DPL3 segments (SEL_UCODE, SEL_UDATA)
 *     are marked not present while the fuzz runs (#NP if loaded). The
 *     DPL0 segments and the TSS are out of reach at CPL3. CR4.TSD = 1
 *     makes RDTSC fault, so no outcome depends on time.
 * QEMU 7.2 checks neither data-segment limits nor null-segment accesses,
 * and it executes some encodings real CPUs reject; its histogram may
 * differ slightly from bt386's, and its guest may even be hit by a stray
 * store of the random code: compare the two for small counts only. */
#include "pm.h"

#define SEQ_LEN 64
#define MAX_STEPS 64

void fz_enter(void) __attribute__((noreturn));
extern uint32_t fz_code_sel, fz_data_sel;

/* The sequence's two pages: the last two of RAM, far from the guest's own
 * memory (see the QEMU note above: what a CPU that checks no limits lets
 * through lands in free RAM or beyond RAM, rarely in the guest). */
static uint8_t *code_page, *data_page;

static uint32_t steps, total_steps;

static int on_step(struct pm_fault *f)
{
    (void)f;
    total_steps++;
    return ++steps < MAX_STEPS;     /* 0: the sequence ends in pm_try */
}

/* "seed=N count=M" from the Multiboot command line (flag bit 2). */
static uint32_t cmdline_value(const char *key, uint32_t dflt)
{
    const uint32_t *mbi = (const uint32_t *)mb_info;
    const char *cmd = (mbi[0] & 4) ? (const char *)mbi[4] : "";
    size_t n = strlen(key);
    for (const char *p = cmd; *p; p++) {
        if ((p == cmd || p[-1] == ' ') && !memcmp(p, key, n) && p[n] == '=') {
            uint32_t v = 0;
            for (p += n + 1; *p >= '0' && *p <= '9'; p++)
                v = v * 10 + (uint32_t)(*p - '0');
            return v;
        }
    }
    return dflt;
}

static uint32_t xorshift(uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

static const char *const vector_names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "", "#TS", "#NP", "#SS", "#GP",
    "#PF", "", "#MF", "#AC", "#MC", "#XM",
};

static uint32_t hist[256], gp_zero, step_limit, off_end;

static void record(const struct pm_fault *f)
{
    if (f->vector == 1 && steps >= MAX_STEPS)
        step_limit++;
    else if (f->vector == 3 && f->cs == fz_code_sel && f->eip - 1 >= SEQ_LEN && f->eip - 1 < 4096)
        off_end++;
    else
        hist[f->vector & 0xff]++;
    if (f->vector == 13 && f->error_code == 0)
        gp_zero++;
}

int main(void)
{
    uint32_t seed = cmdline_value("seed", 1), count = cmdline_value("count", 1000);
    uint32_t verbose = cmdline_value("verbose", 0);
    const uint32_t *mbi = (const uint32_t *)mb_info;
    if (!(mbi[0] & 1)) {
        printf("FAIL no Multiboot memory information\n");
        return 1;
    }
    uint32_t ram_top = 0x100000 + mbi[2] * 1024;     /* mem_upper, in KiB above 1 MiB */
    data_page = (uint8_t *)((ram_top & ~0xfffu) - 0x2000);
    code_page = data_page + 0x1000;
    pm_init();
    pm_set_handler(1, on_step);
    fz_code_sel = pm_gdt_set(GDT_FIRST_FREE, (uint32_t)code_page, 0xfff, ACC_CODE_R | ACC_DPL(3), FLG_BYTE_32) | 3;
    fz_data_sel = pm_gdt_set(GDT_FIRST_FREE + 1, (uint32_t)data_page, 0xfff, ACC_DATA_W | ACC_DPL(3), FLG_BYTE_32) | 3;
    uint64_t ucode = pm_gdt[SEL_UCODE >> 3], udata = pm_gdt[SEL_UDATA >> 3];
    pm_gdt[SEL_UCODE >> 3] &= ~(1ull << 47);
    pm_gdt[SEL_UDATA >> 3] &= ~(1ull << 47);
    uint32_t cr4;
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    __asm__ volatile("mov %0, %%cr4" :: "r"(cr4 | 4));     /* TSD */

    uint32_t x = seed * 2654435761u + 1;
    for (uint32_t i = 0; i < count; i++) {
        memset(code_page, 0xcc, 4096);
        for (int b = 0; b < SEQ_LEN; b += 4) {
            uint32_t w = xorshift(&x);
            for (int k = 0; k < 4; k++) {
                uint8_t c = (uint8_t)(w >> 8 * k);
                code_page[b + k] = c == 0x9d || c == 0xcf ? 0x90 : c;
            }
        }
        memset(data_page, 0, 4096);
        __asm__ volatile("fninit");
        steps = 0;
        struct pm_fault f;
        if (pm_try(&f))
            fz_enter();
        record(&f);
        if (verbose)
            printf("sequence %u: vector %u error %x eip %x steps %u\n", i, f.vector, f.error_code, f.eip, steps);
    }

    __asm__ volatile("mov %0, %%cr4" :: "r"(cr4));
    pm_gdt[SEL_UCODE >> 3] = ucode;
    pm_gdt[SEL_UDATA >> 3] = udata;
    printf("fuzz_cpl3: seed %u, %u sequences of %d random bytes at cpl3, TF = 1, at most %d steps each\n",
           seed, count, SEQ_LEN, MAX_STEPS);
    printf("single steps: %u\n", total_steps);
    for (int v = 0; v < 256; v++) {
        if (!hist[v])
            continue;
        const char *name = v < 20 && vector_names[v][0] ? vector_names[v] : v < 32 ? "?" : "int";
        printf("vector %3d %s: %u", v, name, hist[v]);
        if (v == 13)
            printf(" (error code 0: %u)", gp_zero);
        printf("\n");
    }
    printf("ran past byte %d into the INT3 fill: %u\n", SEQ_LEN - 1, off_end);
    printf("abandoned after %d steps: %u\n", MAX_STEPS, step_limit);
    uint32_t sum = step_limit + off_end;
    for (int v = 0; v < 256; v++)
        sum += hist[v];
    CHECK_EQ(sum, count, "every sequence ended in an exception and was counted once");
    return check_summary();
}
