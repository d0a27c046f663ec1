/* The protected-mode kit of the test guests: a GDT with ring-0 and ring-3
 * segments, a TSS, an IDT whose 256 vectors all reach C, and a way to run
 * code at CPL3 or to expect a fault. For the tests of the privileged
 * architecture (ring compression): they run identically under QEMU and
 * bt386. Link guests/lib/pm.c and guests/lib/pm_asm.S (CMake: bt386_add_guest
 * with ${GUEST_PM_SOURCES}).
 *
 *   pm_init();                              GDT/TSS/IDT installed, still CPL0
 *   struct pm_fault f;
 *   if (pm_try(&f)) { __asm__ volatile("ud2"); pm_try_end(); }
 *   CHECK_EQ(f.vector, 6, "ud2 raises #UD");
 *
 *   pm_run_user(user_fn, arg)              user_fn(arg) runs at CPL3; returns its
 *                                          value (it ends with a normal return)
 *   if (pm_try(&f)) pm_run_user(...)       a fault at CPL3 lands in f too, with
 *                                          f.cs & 3 == 3 and the user ESP/SS
 *
 * pm_try works like setjmp: it returns 1 at once; if any exception or
 * interrupt vector that has no handler of its own (pm_set_handler) arrives
 * before pm_try_end(), it returns 0 a second time with f filled in (the
 * fault's frame as the CPU pushed it), at CPL0 on the kernel stack, with the
 * segment registers of pm_init restored. */
#ifndef GUEST_PM_H
#define GUEST_PM_H

#include "guest.h"

/* Selectors set up by pm_init. */
#define SEL_KCODE   0x08        /* DPL0 code, flat 4 GiB */
#define SEL_KDATA   0x10        /* DPL0 data, flat */
#define SEL_UCODE   0x1b        /* DPL3 code, flat (RPL 3) */
#define SEL_UDATA   0x23        /* DPL3 data, flat (RPL 3) */
#define SEL_TSS     0x28        /* the 32-bit TSS (pm_tss) */
#define GDT_FIRST_FREE 6        /* entries 6..GDT_ENTRIES-1 are the tests' own */
#define GDT_ENTRIES 64

/* Descriptor access bytes (P DPL S type) for pm_gdt_set. */
#define ACC_CODE_R   0x9a       /* present, DPL0, code, readable */
#define ACC_DATA_W   0x92       /* present, DPL0, data, writable */
#define ACC_DPL(d)   ((d) << 5)
/* Flags nibble: G and D/B. */
#define FLG_4K_32    0xc        /* G = 1, D/B = 1 */
#define FLG_BYTE_32  0x4        /* G = 0, D/B = 1 */

/* The TSS (SDM vol. 3A, 7.2.1), followed by an I/O permission bitmap of
 * 8 KiB + 1 byte whose bits are all set (every port denied at CPL > IOPL)
 * until a test clears some; io_map_base points at it. */
struct tss32 {
    uint16_t link, r0;
    uint32_t esp0; uint16_t ss0, r1;
    uint32_t esp1; uint16_t ss1, r2;
    uint32_t esp2; uint16_t ss2, r3;
    uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint16_t es, r4, cs, r5, ss, r6, ds, r7, fs, r8, gs, r9, ldt, r10;
    uint16_t trap, io_map_base;
} __attribute__((packed));
struct pm_tss {
    struct tss32 tss;
    uint8_t io_bitmap[8192 + 1];
} __attribute__((packed));
extern struct pm_tss pm_tss;
extern uint64_t pm_gdt[GDT_ENTRIES];
/* The IDT (256 gates); pm_idt_set/pm_idt_reset write it, a test may also
 * write an entry directly (e.g. a not-present gate). */
extern uint64_t pm_idt[256];
/* ESP right after the CPU's pushes of the latest vector that reached the
 * kit's stubs: the address of its error code, or of EIP when the vector
 * has none. From CPL3 it is pm_tss.tss.esp0 - 20 (- 24 with an error code). */
extern uint32_t pm_frame_esp;

/* What an exception or interrupt pushed, and where it came from. */
struct pm_fault {
    uint32_t vector;
    uint32_t error_code;        /* 0 for vectors without one */
    uint32_t eip, cs, eflags;   /* the frame the CPU pushed */
    uint32_t esp, ss;           /* only meaningful when cs & 3 != 0 */
    uint32_t cr2;               /* read in the handler (vector 14) */
    /* --- private: the pm_try context --- */
    uint32_t ctx[6];            /* ebx esi edi ebp esp eip */
};

void pm_init(void);

/* Sets GDT entry `index` (not 0..5) and returns its selector (RPL 0).
 * limit is the 20-bit field (scaled by G in flags). */
uint16_t pm_gdt_set(int index, uint32_t base, uint32_t limit, uint8_t access, uint8_t flags);
/* A call gate (type 0xc) in GDT entry `index`: target sel:offset, its DPL,
 * and the dword count to copy. */
uint16_t pm_gdt_call_gate(int index, uint16_t sel, uint32_t offset, int dpl, int param_count);
/* IDT entry: type 0xe interrupt gate, 0xf trap gate, 0x5 task gate (sel
 * is then a TSS selector and handler unused). Replaces the kit's stub. */
void pm_idt_set(int vector, uint16_t sel, uint32_t handler, int type, int dpl);
/* Restores the kit's own entry for `vector` (an interrupt gate, DPL0,
 * except 3, 4, 0x80 and 0x81: DPL3, so INT3/INTO/INT 0x80 work from CPL3;
 * 0x81 is pm_run_user's way back). The kit's stubs expect the CPU's error
 * code on vectors 8, 10-14 and 17 and push a 0 on the others: an INT n to
 * one of those six vectors (no error code pushed) needs a gate of its own. */
void pm_idt_reset(int vector);

/* A C handler for a vector, called by the kit's stub at CPL0 with the
 * frame; it may change f->eip etc. (written back before IRET). Return 1 to
 * IRET to f's frame, 0 to treat the vector as unexpected (pm_try / FAIL). */
typedef int (*pm_handler)(struct pm_fault *f);
void pm_set_handler(int vector, pm_handler h);

int pm_try(struct pm_fault *f) __attribute__((returns_twice));
void pm_try_end(void);

/* Runs fn(arg) at CPL3 on a user stack (SEL_UCODE/SEL_UDATA, flat) with
 * EFLAGS = user_eflags (IF, IOPL… as the test wants; bit 1 forced); back at
 * CPL0 when fn returns (through INT 0x81, a DPL3 gate of the kit).
 * fn must not print (port I/O faults at CPL3 with IOPL < 3). Not
 * reentrant: don't call it from a handler of a CPL3 fault. */
uint32_t pm_run_user_flags(uint32_t (*fn)(uint32_t), uint32_t arg, uint32_t user_eflags);
static inline uint32_t pm_run_user(uint32_t (*fn)(uint32_t), uint32_t arg)
{
    return pm_run_user_flags(fn, arg, 0x2);
}

/* Current privilege level (CS & 3) and a few system reads. */
static inline uint32_t pm_cpl(void)
{
    uint32_t cs;
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    return cs & 3;
}

#endif
