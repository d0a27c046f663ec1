/* The C half of the protected-mode kit (see pm.h): the GDT, TSS and IDT,
 * descriptor builders, and pm_dispatch, where every vector's stub
 * (pm_asm.S) ends up: a registered handler, else the innermost pm_try,
 * else "FAIL unexpected exception". INT 0x81 from CPL3 is the way back of
 * pm_run_user_flags. */
#include "pm.h"

#define PM_USER_RET 0x81

struct dt_ptr {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));

/* SDM vol. 3A, 3.4.5: flat 4 GiB segments (G = 1, D/B = 1, limit 0xfffff). */
uint64_t pm_gdt[GDT_ENTRIES] __attribute__((aligned(8))) = {
    [1] = 0x00cf9a000000ffffull,        /* SEL_KCODE */
    [2] = 0x00cf92000000ffffull,        /* SEL_KDATA */
    [3] = 0x00cffa000000ffffull,        /* SEL_UCODE: DPL3 */
    [4] = 0x00cff2000000ffffull,        /* SEL_UDATA: DPL3 */
    /* [5] SEL_TSS: built by pm_init, it needs pm_tss's address */
};
uint64_t pm_idt[256] __attribute__((aligned(8)));
struct pm_tss pm_tss __attribute__((aligned(16)));
uint32_t pm_frame_esp;

/* pm_asm.S */
extern char pm_stubs[], pm_kstack_top[];
void pm_load_segments(void);
void pm_resume(const uint32_t *ctx, uint32_t eax, uint32_t eflags) __attribute__((noreturn));

/* The saved CPL0 context of pm_run_user_flags (written by pm_asm.S). */
uint32_t pm_user_ctx[6], pm_user_eflags, pm_user_active;

static pm_handler handlers[256];

/* Open pm_try calls, innermost last; each remembers the EFLAGS of its
 * caller and whether a pm_run_user was in progress, both restored when a
 * fault comes back to it. */
#define MAX_TRIES 16
static struct {
    struct pm_fault *f;
    uint32_t eflags, user_active;
} tries[MAX_TRIES];
static int ntries;

/* What pm_common leaves on the stack (see pm_asm.S). */
struct pm_frame {
    uint32_t gs, fs, es, ds;
    uint32_t edi, esi, ebp, esp_pusha, ebx, edx, ecx, eax;
    uint32_t vector, error_code;
    uint32_t eip, cs, eflags;
    uint32_t esp, ss;           /* pushed only on a change to CPL0 */
};

static uint64_t descriptor(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
    return (limit & 0xffff) | ((uint64_t)(base & 0xffffff) << 16) | ((uint64_t)access << 40) |
           ((uint64_t)((limit >> 16) & 0xf) << 48) | ((uint64_t)(flags & 0xf) << 52) |
           ((uint64_t)(base >> 24) << 56);
}

static void check_index(int index, int n, const char *what)
{
    if (index <= 0 || index >= n) {
        printf("FAIL %s: index %d out of range\n", what, index);
        guest_exit(2);
    }
}

uint16_t pm_gdt_set(int index, uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
    check_index(index, GDT_ENTRIES, "pm_gdt_set");
    pm_gdt[index] = descriptor(base, limit, access, flags);
    return (uint16_t)(index * 8);
}

/* SDM vol. 3A, 5.8.3: offset 15:0 | selector | P DPL 0 type(0xc) | 000 count | offset 31:16. */
uint16_t pm_gdt_call_gate(int index, uint16_t sel, uint32_t offset, int dpl, int param_count)
{
    check_index(index, GDT_ENTRIES, "pm_gdt_call_gate");
    pm_gdt[index] = (offset & 0xffff) | ((uint64_t)sel << 16) | ((uint64_t)(param_count & 0x1f) << 32) |
                    ((uint64_t)(0x80 | (dpl & 3) << 5 | 0xc) << 40) | ((uint64_t)(offset >> 16) << 48);
    return (uint16_t)(index * 8);
}

/* SDM vol. 3A, 6.11: the same layout for interrupt, trap and task gates
 * (a task gate's offset is unused). */
void pm_idt_set(int vector, uint16_t sel, uint32_t handler, int type, int dpl)
{
    uint32_t off = type == 0x5 ? 0 : handler;
    pm_idt[vector & 0xff] = (off & 0xffff) | ((uint64_t)sel << 16) |
                            ((uint64_t)(0x80 | (dpl & 3) << 5 | (type & 0xf)) << 40) |
                            ((uint64_t)(off >> 16) << 48);
}

void pm_idt_reset(int vector)
{
    vector &= 0xff;
    /* INT3, INTO, INT 0x80 (tests' system calls) and INT 0x81 (the way
     * back from pm_run_user) must be allowed from CPL3. */
    int dpl = vector == 3 || vector == 4 || vector == 0x80 || vector == PM_USER_RET ? 3 : 0;
    pm_idt_set(vector, SEL_KCODE, (uint32_t)(pm_stubs + 16 * vector), 0xe, dpl);
}

void pm_set_handler(int vector, pm_handler h)
{
    handlers[vector & 0xff] = h;
}

void pm_init(void)
{
    memset(&pm_tss, 0, sizeof pm_tss);
    pm_tss.tss.esp0 = (uint32_t)pm_kstack_top;
    pm_tss.tss.ss0 = SEL_KDATA;
    pm_tss.tss.io_map_base = (uint16_t)offsetof(struct pm_tss, io_bitmap);
    /* All ports denied; the byte after the map must be 0xff too (SDM vol. 1, 19.5.2). */
    memset(pm_tss.io_bitmap, 0xff, sizeof pm_tss.io_bitmap);
    /* Available 32-bit TSS (type 9), byte granular; rewritten on every
     * call so a second pm_init finds it not busy. */
    pm_gdt[5] = descriptor((uint32_t)&pm_tss, sizeof pm_tss - 1, 0x89, 0);

    struct dt_ptr g = { sizeof pm_gdt - 1, (uint32_t)pm_gdt };
    __asm__ volatile("lgdt %0" :: "m"(g) : "memory");
    pm_load_segments();
    __asm__ volatile("ltr %w0" :: "r"(SEL_TSS) : "memory");

    for (int v = 0; v < 256; v++)
        pm_idt_reset(v);
    struct dt_ptr i = { sizeof pm_idt - 1, (uint32_t)pm_idt };
    __asm__ volatile("lidt %0" :: "m"(i) : "memory");
    ntries = 0;
    pm_user_active = 0;
}

/* Called by pm_try (pm_asm.S) with the caller's EFLAGS. */
void pm_try_push(struct pm_fault *f, uint32_t eflags);
void pm_try_push(struct pm_fault *f, uint32_t eflags)
{
    if (ntries == MAX_TRIES) {
        printf("FAIL pm_try: more than %d nested\n", MAX_TRIES);
        guest_exit(2);
    }
    tries[ntries].f = f;
    tries[ntries].eflags = eflags;
    tries[ntries].user_active = pm_user_active;
    ntries++;
}

void pm_try_end(void)
{
    if (ntries > 0)
        ntries--;
}

static int has_error_code(uint32_t v)
{
    return v == 8 || (v >= 10 && v <= 14) || v == 17;
}

void pm_dispatch(struct pm_frame *fr);
void pm_dispatch(struct pm_frame *fr)
{
    uint32_t v = fr->vector;
    int outer = (fr->cs & 3) != 0;      /* the CPU pushed SS:ESP too */
    pm_frame_esp = (uint32_t)(has_error_code(v) ? &fr->error_code : &fr->eip);

    if (v == PM_USER_RET && outer && pm_user_active) {
        pm_user_active = 0;
        pm_resume(pm_user_ctx, fr->eax, pm_user_eflags);
    }

    struct pm_fault f;
    f.vector = v;
    f.error_code = fr->error_code;
    f.eip = fr->eip;
    /* The upper halves of pushed selectors are not defined: keep 15:0. */
    f.cs = fr->cs & 0xffff;
    f.eflags = fr->eflags;
    if (outer) {
        f.esp = fr->esp;
        f.ss = fr->ss & 0xffff;
    } else {
        uint32_t ss;
        __asm__ volatile("mov %%ss, %0" : "=r"(ss));
        f.esp = (uint32_t)&fr->esp;     /* the ESP before the CPU's pushes */
        f.ss = ss & 0xffff;
    }
    f.cr2 = 0;
    if (v == 14)
        __asm__ volatile("mov %%cr2, %0" : "=r"(f.cr2));

    if (handlers[v] && handlers[v](&f)) {
        fr->eip = f.eip;
        fr->cs = f.cs;
        fr->eflags = f.eflags;
        if (outer) {
            fr->esp = f.esp;
            fr->ss = f.ss;
        }
        return;
    }
    if (ntries > 0) {
        ntries--;
        struct pm_fault *t = tries[ntries].f;
        memcpy(t, &f, offsetof(struct pm_fault, ctx));
        pm_user_active = tries[ntries].user_active;
        pm_resume(t->ctx, 0, tries[ntries].eflags);
    }
    printf("FAIL unexpected exception %u at %08x (error %x cs %x)\n", v, f.eip, f.error_code, f.cs);
    guest_exit(2);
}
