/* A small multitasking OS as a bt386 test guest (issue #6 item 4). It
 * boots twice:
 *
 *   boot 1  descriptor tables, the 8259A pair, the 8254, the 16550A
 *           console, paging; four tasks at CPL3, each in its own address
 *           space, preempted by the timer, using system calls (proc.c,
 *           syscall.c, user/task.c); then the kernel prints each task's
 *           log and fate in pid order and its own checks as PASS/FAIL
 *           lines, never a count or a time, so the transcript is the same
 *           wherever the timer happened to preempt. If everything passed
 *           it leaves a marker in CMOS NVRAM and resets the machine
 *           through the i8042.
 *   boot 2  finds the marker, clears it, says the reset worked and exits
 *           through isa-debug-exit (0: pass).
 *
 * The marker lives at CMOS 0x48, a byte neither QEMU nor SeaBIOS use
 * (0x34/0x35 hold the memory size above 16 MiB, which SeaBIOS reads on
 * the second boot). */
#include "defs.h"
#include "mmu.h"
#include "proc.h"
#include "syscall.h"
#include "x86.h"

#define MB_BOOT_MAGIC 0x2badb002
#define REBOOT_MARK_REG 0x48
#define REBOOT_MARK 0xa5
#define KERNEL_PROBE 0x00100000u        /* what tasks 3 and 4 touch at CPL3 */

static int failures;

static void verdict(const char *what, int ok)
{
    kprintf("%s: %s\n", what, ok ? "PASS" : "FAIL");
    if (!ok)
        failures++;
}

static void second_boot(void)
{
    cmos_write(REBOOT_MARK_REG, 0);
    kprintf("os: boot 2: reboot marker found in cmos nvram, cleared\n");
    kprintf("second boot: reboot through the i8042 worked\n");
    uart_flush();
    machine_exit(0);
}

static void print_fates(void)
{
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &procs[i];
        uart_write(p->log, p->loglen);
        if (!p->killed) {
            kprintf("task %d: exit %d\n", p->pid, p->status);
            continue;
        }
        if (p->fault_vec == 14)
            kprintf("task %d: killed by #PF, error code%s%s%s, cr2 %08x\n", p->pid,
                    p->fault_err & PF_P ? " P" : "", p->fault_err & PF_W ? " W" : "",
                    p->fault_err & PF_U ? " U" : "", p->fault_addr);
        else
            kprintf("task %d: killed by exception %u at eip %08x\n", p->pid,
                    p->fault_vec, p->fault_addr);
    }
}

/* Every task was interrupted by the timer at CPL3 at least once, and at
 * least once another task ran before it got the CPU back. */
static void check_scheduling(void)
{
    int preempted = 1, interleaved = 1;
    for (int i = 0; i < NPROC; i++) {
        preempted &= procs[i].timer_preempts > 0;
        interleaved &= procs[i].overtaken > 0;
    }
    verdict("preemption", preempted);
    verdict("interleaving", interleaved);
}

/* The address spaces: the kernel's entries are supervisor-only in every
 * directory; USER_BASE's pages and the stack page are different frames in
 * each task; the CPL3 accesses to a kernel page were #PF at that address
 * with error code P|W|U (task 3's write) and P|U (task 4's read), and
 * killed just those two tasks. */
static int killed_by_pf(const struct proc *p, uint32_t err)
{
    return p->killed && p->fault_vec == 14 && p->fault_err == err &&
           p->fault_addr == KERNEL_PROBE;
}

static void check_isolation(void)
{
    int ok = 1;
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &procs[i];
        for (uint32_t k = 0; k < (KERNEL_MAP_END >> 22); k++)
            ok &= (p->pgdir[k] & (PTE_P | PTE_U)) == PTE_P;
        for (int j = 0; j < i; j++) {
            ok &= p->pgdir != procs[j].pgdir;
            for (uint32_t off = 0; off < USER_IMG_PAGES * PGSIZE; off += PGSIZE)
                ok &= uvm_translate(p->pgdir, USER_BASE + off) !=
                      uvm_translate(procs[j].pgdir, USER_BASE + off);
            ok &= uvm_translate(p->pgdir, USER_STACK_PG) !=
                  uvm_translate(procs[j].pgdir, USER_STACK_PG);
        }
    }
    ok &= !procs[0].killed && !procs[1].killed;
    ok &= killed_by_pf(&procs[2], PF_P | PF_W | PF_U);
    ok &= killed_by_pf(&procs[3], PF_P | PF_U);
    verdict("isolation", ok);
}

/* The tasks that exit passed their own checks (exit status 0); every
 * task made its system calls (the killed ones up to their fault). */
static void check_syscalls(void)
{
    int ok = 1;
    for (int i = 0; i < NPROC; i++) {
        ok &= procs[i].syscalls >= 6;
        if (!procs[i].killed)
            ok &= procs[i].status == 0;
    }
    verdict("syscalls", ok);
}

void kmain(uint32_t magic, uint32_t info);
void kmain(uint32_t magic, uint32_t info)
{
    (void)info;
    gdt_init();
    trap_init();
    pic_init();
    pit_init();
    uart_init();
    if (magic != MB_BOOT_MAGIC)
        panic("not loaded by a multiboot loader (eax %x)", magic);
    if (cmos_read(REBOOT_MARK_REG) == REBOOT_MARK)
        second_boot();

    kprintf("os: boot 1\n");
    kprintf("os: gdt with a tss, idt with 256 gates, int 0x80 open to cpl 3\n");
    kprintf("os: 8259A pair at vectors 0x20-0x2f, 8254 channel 0 at %d Hz\n", HZ);
    kprintf("os: console on the 16550A at 0x3f8, transmit driven by irq 4\n");
    struct rtc_time boot_time;
    int rtc_ok = rtc_read(&boot_time) == 0;

    /* The boot log goes out before paging goes on: a monitor that gets
     * paging wrong still shows how far the boot went. */
    uart_flush();
    kvm_init();
    vm_enable();
    uint32_t size = (uint32_t)(user_img_end - user_img);
    for (int i = 0; i < NPROC; i++)
        proc_create(user_img, size);
    kprintf("os: paging on, %d tasks\n", NPROC);

    scheduler();

    print_fates();
    check_scheduling();
    check_isolation();
    check_syscalls();
    verdict("rtc", rtc_ok && procs[0].status == 0);
    uart_flush();
    verdict("console", uart_thre_intrs > 0 && uart_bytes_by_intr == uart_bytes_queued);

    if (failures) {
        kprintf("os: %d checks failed, no reboot\n", failures);
        uart_flush();
        machine_exit(1);
    }
    cmos_write(REBOOT_MARK_REG, REBOOT_MARK);
    kprintf("os: all checks passed, rebooting through the i8042\n");
    uart_flush();
    i8042_reboot();
}
