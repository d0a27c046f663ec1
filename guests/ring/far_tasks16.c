/* Task switches to and from a 16-bit (80286) TSS (SDM vol. 3A 7.6 and
 * figure 7-11): a JMP to a type-1 TSS loads IP, FLAGS, the eight 16-bit
 * registers, ES/CS/SS/DS and the LDT from it (FS and GS become null: the
 * format has no slots for them) and marks it busy (type 3); the JMP back
 * saves the task's IP, FLAGS, registers and selectors into it and frees it
 * again. A CALL writes the back link at offset 0 and sets NT; IRET returns
 * through it. Only the low words of the registers are checked: the SDM
 * leaves their upper halves undefined after a switch to a 16-bit TSS. */
#include "pm.h"

#define TSS16_INDEX GDT_FIRST_FREE
#define SEL_TSS16 (TSS16_INDEX * 8)

struct tss16 {
    uint16_t link, sp0, ss0, sp1, ss1, sp2, ss2;
    uint16_t ip, flags, ax, cx, dx, bx, sp, bp, si, di, es, cs, ss, ds, ldt;
} __attribute__((packed));

static struct tss16 t16;
static uint8_t stack16[1024] __attribute__((aligned(16)));
/* The task switches to a flat 32-bit stack before it pushes anything:
 * bt386 does not model 16-bit stacks (SS.B = 0) in translated PUSH/POP
 * yet (docs/next-steps.md). */
uint8_t task_stack[1024] __attribute__((aligned(16)));
__asm__(".globl task_stack_top\n.set task_stack_top, task_stack + 1024\n");
uint32_t rec[12];               /* what the task saw: ax cx dx bx bp si di flags fs gs tr link */

void task16_entry(void);
void task16_resume(void);
void task16_iret_entry(void);
__asm__(".text\n"
        "task16_entry:\n\t"
        "mov %ax, rec+0\n\t mov %cx, rec+4\n\t mov %dx, rec+8\n\t mov %bx, rec+12\n\t"
        "mov %bp, rec+16\n\t mov %si, rec+20\n\t mov %di, rec+24\n\t"
        "mov $0x10, %ax\n\t mov %ax, %ss\n\t mov $task_stack_top, %esp\n\t"   /* a flat stack */
        "pushf\n\t popl rec+28\n\t mov %fs, rec+32\n\t mov %gs, rec+36\n\t str rec+40\n\t"
        "mov $0x1111, %ax\n\t mov $0x2222, %bx\n\t"
        "ljmp $0x28, $0\n\t"             /* back to the kit's main TSS (SEL_TSS) */
        ".globl task16_resume\n"
        "task16_resume:\n\t"
        "jmp task16_resume\n"
        "task16_iret_entry:\n\t"
        "mov $0x10, %ax\n\t mov %ax, %ss\n\t mov $task_stack_top, %esp\n\t"
        "pushf\n\t popl rec+28\n\t"
        "movzwl t16, %eax\n\t mov %eax, rec+44\n\t"
        "iret\n\t"
        "jmp task16_iret_entry\n");

#define CS16_INDEX (GDT_FIRST_FREE + 1)
#define SS16_INDEX (GDT_FIRST_FREE + 2)

/* A 16-bit TSS holds 16-bit IP and SP: the task runs in a code segment
 * based 64 KiB-aligned below its code, on a 16-bit stack segment (B = 0,
 * so SP, not ESP, is used: the upper halves of the registers are
 * undefined after the switch). */
static void setup_tss16(void (*entry)(void))
{
    uint32_t code_base = (uint32_t)entry & ~0xffffu, stack_base = (uint32_t)stack16 & ~0xffffu;
    pm_gdt_set(CS16_INDEX, code_base, 0xfffff, ACC_CODE_R, FLG_4K_32);
    pm_gdt_set(SS16_INDEX, stack_base, 0xffff, ACC_DATA_W, 0);
    memset(&t16, 0, sizeof t16);
    t16.ip = (uint16_t)((uint32_t)entry - code_base);
    t16.flags = 0x2;
    t16.ax = 0xa1a1; t16.cx = 0xc1c1; t16.dx = 0xd1d1; t16.bx = 0xb1b1;
    t16.bp = 0xb2b2; t16.si = 0x5151; t16.di = 0xd2d2;
    t16.sp = (uint16_t)((uint32_t)(stack16 + sizeof stack16) - stack_base);
    t16.es = t16.ds = SEL_KDATA;
    t16.ss = SS16_INDEX * 8;
    t16.cs = CS16_INDEX * 8;
    /* Available 16-bit TSS (type 1), byte granular. */
    pm_gdt_set(TSS16_INDEX, (uint32_t)&t16, sizeof t16 - 1, 0x81, 0);
}

static uint32_t gdt_type(uint16_t sel)
{
    return (uint32_t)(pm_gdt[sel >> 3] >> 40) & 0xf;
}

int main(void)
{
    pm_init();
    uint32_t code_base = (uint32_t)task16_entry & ~0xffffu;

    setup_tss16(task16_entry);
    __asm__ volatile("ljmp $%c0, $0" :: "i"(SEL_TSS16) : "memory", "eax", "ebx", "ecx", "edx", "esi", "edi");
    static const char *const names[7] = { "ax", "cx", "dx", "bx", "bp", "si", "di" };
    static const uint16_t want[7] = { 0xa1a1, 0xc1c1, 0xd1d1, 0xb1b1, 0xb2b2, 0x5151, 0xd2d2 };
    for (int i = 0; i < 7; i++)
        CHECK_EQ(rec[i] & 0xffff, want[i], "jmp to a 16-bit TSS: %s loaded from it", names[i]);
    CHECK_EQ(rec[7] & 0xffff, 0x2, "jmp to a 16-bit TSS: FLAGS loaded, NT clear");
    CHECK(rec[8] == 0 && rec[9] == 0, "jmp to a 16-bit TSS: FS and GS null (no slots in the format)");
    CHECK_EQ(rec[10] & 0xffff, SEL_TSS16, "jmp to a 16-bit TSS: TR = its selector");
    CHECK_EQ(gdt_type(SEL_TSS16), 1, "jmp back: the 16-bit TSS available again (type 1)");
    CHECK_EQ(t16.ip, (uint16_t)((uint32_t)task16_resume - code_base),
             "jmp back: the 16-bit task's IP saved (after its jmp)");
    CHECK(t16.ax == 0x1111 && t16.bx == 0x2222, "jmp back: the 16-bit task's AX and BX saved");
    CHECK_EQ(t16.cs, CS16_INDEX * 8, "jmp back: the 16-bit task's CS saved");

    /* CALL: back link at offset 0 and NT set; IRET returns through it. */
    setup_tss16(task16_iret_entry);
    __asm__ volatile("lcall $%c0, $0" :: "i"(SEL_TSS16) : "memory", "eax", "ebx", "ecx", "edx", "esi", "edi");
    CHECK_EQ(rec[11], SEL_TSS, "call to a 16-bit TSS: back link = the caller's TSS");
    CHECK_EQ(rec[7] & 0x4000, 0x4000, "call to a 16-bit TSS: NT set in the new task");
    CHECK_EQ(gdt_type(SEL_TSS16), 1, "iret back: the 16-bit TSS available again");
    CHECK_EQ(t16.flags & 0x4000, 0, "iret back: NT cleared in the 16-bit task's saved FLAGS");
    return check_summary();
}
