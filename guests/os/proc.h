/* The task table and the register frames a task leaves on its kernel
 * stack: the trap frame (trapasm.S builds it, iret consumes it) and the
 * callee-saved context swtch.S saves and restores. */
#ifndef OS_PROC_H
#define OS_PROC_H

#include <stdint.h>
#include "mmu.h"

struct trapframe {
    uint32_t edi, esi, ebp, oesp, ebx, edx, ecx, eax;  /* PUSHAL */
    uint32_t gs, fs, es, ds;
    uint32_t trapno, err;
    uint32_t eip, cs, eflags;
    uint32_t esp, ss;           /* pushed only when the trap came from CPL3 */
};

struct context {
    uint32_t edi, esi, ebx, ebp, eip;
};

enum procstate { UNUSED, RUNNABLE, RUNNING, SLEEPING, ZOMBIE };

#define NPROC 4
#define LOGSZ 512

struct proc {
    int pid;
    enum procstate state;
    uint32_t *pgdir;
    uint8_t *kstack;            /* one page; the trap frame sits at its top */
    struct context *ctx;
    struct trapframe *tf;
    uint32_t wake_tick;
    int status;
    /* Why the kernel killed it (0: it exited): the fault's vector, error
     * code and CR2. */
    int killed;
    uint32_t fault_vec, fault_err, fault_addr;
    /* Scheduler bookkeeping for the self-check. */
    uint32_t timer_preempts;    /* timer interrupts taken at CPL3 */
    uint32_t overtaken;         /* preempted, then another task ran first */
    uint32_t syscalls;
    /* write() output, printed in pid order once every task is done. */
    char log[LOGSZ];
    uint32_t loglen;
};

extern struct proc procs[NPROC];

void swtch(struct context **old, struct context *new);
extern char trapret[];

#endif
