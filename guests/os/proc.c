/* Tasks and the scheduler (xv6's shape). Each task has a kernel stack, an
 * address space (vm.c) and a state. The scheduler runs on the boot stack
 * with the kernel's page directory; it picks the next RUNNABLE task after
 * the last one it ran (round robin), points TSS.ESP0 at that task's kernel
 * stack, loads its CR3 and swtch()es to it. A task comes back to the
 * scheduler through sched(): preempted by the timer (trap.c), yield,
 * sleep, exit, or killed for a fault. With nothing runnable the scheduler
 * waits with STI; HLT for the next interrupt. */
#include "defs.h"
#include "proc.h"
#include "x86.h"

struct proc procs[NPROC];
struct proc *cur;
static struct context *sched_ctx;
static struct proc *last_run;

/* A new task starts by "returning" from a trap: its kernel stack holds a
 * trap frame for IRET to CPL3 at USER_BASE with IF = 1, and below it a
 * context whose return address is trapret. */
void proc_create(const uint8_t *img, uint32_t size)
{
    struct proc *p = 0;
    for (int i = 0; i < NPROC; i++)
        if (procs[i].state == UNUSED) {
            p = &procs[i];
            p->pid = i + 1;
            break;
        }
    if (!p)
        panic("proc_create: no free slot");
    if (size > USER_IMG_PAGES * PGSIZE)
        panic("proc_create: user image of %u bytes", size);

    p->pgdir = uvm_create();
    for (uint32_t off = 0; off < USER_IMG_PAGES * PGSIZE; off += PGSIZE) {
        uint8_t *frame = kalloc();
        if (off < size)
            memcpy(frame, img + off, size - off < PGSIZE ? size - off : PGSIZE);
        uvm_map(p->pgdir, USER_BASE + off, (uint32_t)frame);
    }
    uvm_map(p->pgdir, USER_STACK_PG, (uint32_t)kalloc());

    p->kstack = kalloc();
    uint8_t *sp = p->kstack + PGSIZE;
    sp -= sizeof(struct trapframe);
    p->tf = (struct trapframe *)sp;
    p->tf->cs = UCODE_SEL;
    p->tf->ds = p->tf->es = p->tf->fs = p->tf->gs = p->tf->ss = UDATA_SEL;
    p->tf->eflags = FL_IF;
    p->tf->eip = USER_BASE;
    p->tf->esp = USER_STACK_TOP;
    sp -= sizeof(struct context);
    p->ctx = (struct context *)sp;
    p->ctx->eip = (uint32_t)trapret;
    p->state = RUNNABLE;
}

/* Back to the scheduler; the caller has set cur->state. */
static void sched(void)
{
    swtch(&cur->ctx, sched_ctx);
}

void yield(void)
{
    cur->state = RUNNABLE;
    sched();
}

void sleep_ticks(uint32_t n)
{
    cur->wake_tick = ticks + n;
    cur->state = SLEEPING;
    sched();
}

/* From the timer interrupt: sleepers whose time has come. */
void proc_wakeup(void)
{
    for (int i = 0; i < NPROC; i++)
        if (procs[i].state == SLEEPING && (int32_t)(ticks - procs[i].wake_tick) >= 0)
            procs[i].state = RUNNABLE;
}

void proc_exit(int status)
{
    cur->status = status;
    cur->state = ZOMBIE;
    sched();
    panic("zombie %d ran", cur->pid);
}

/* An exception at CPL3 ends just that task; the kernel notes why. */
void proc_kill(struct trapframe *tf)
{
    cur->killed = 1;
    cur->fault_vec = tf->trapno;
    cur->fault_err = tf->err;
    cur->fault_addr = tf->trapno == 14 ? rcr2() : tf->eip;
    proc_exit(-1);
}

void proc_log(struct proc *p, const char *s, uint32_t n)
{
    for (uint32_t i = 0; i < n && p->loglen < LOGSZ; i++)
        p->log[p->loglen++] = s[i];
}

/* Runs tasks until all of them are ZOMBIEs, then returns. */
void scheduler(void)
{
    for (;;) {
        struct proc *next = 0;
        int live = 0;
        int start = last_run ? last_run - procs + 1 : 0;
        for (int i = 0; i < NPROC; i++) {
            struct proc *p = &procs[(start + i) % NPROC];
            if (p->state == RUNNABLE && !next)
                next = p;
            if (p->state == RUNNABLE || p->state == SLEEPING)
                live = 1;
        }
        if (!live)
            return;
        if (!next) {
            sti_hlt_cli();
            continue;
        }
        if (last_run && last_run != next && last_run->state == RUNNABLE)
            last_run->overtaken++;
        tss_set_kstack((uint32_t)next->kstack + PGSIZE);
        lcr3((uint32_t)next->pgdir);
        next->state = RUNNING;
        cur = next;
        swtch(&sched_ctx, next->ctx);
        vm_switch_kernel();
        last_run = cur;
        cur = 0;
    }
}
