/* The vCPU run loop: find or translate the block for (EIP, mode), enter the
 * TC, and handle whatever made it come back (../shared/design/ARCHITECTURE.md,
 * "The run loop").
 *
 *   int status = run_guest(v, &opts);     exit status for bt386
 */
#ifndef BT386_RUN_H
#define BT386_RUN_H

#include "ring-compression/vcpu.h"

#include <stdio.h>

struct run_options {
    bool chain;
    bool no_reboot;             /* a machine reset ends the run (status 0) */
};

/* Exit statuses of a run that did not stop through isa-debug-exit. */
#define RUN_STATUS_GUEST_FAULT 3
/* Not an exit status: the guest reset the machine; boot it again. */
#define RUN_STATUS_RESET (-1)

int run_guest(struct vcpu *v, const struct run_options *o);
/* Prints the guest state (registers, segments, the instruction at EIP). */
void run_dump_guest(FILE *f, const struct vcpu *v);
struct vcpu *run_current_vcpu(void);

/* monitor/tc_entry.S */
uint32_t tc_enter(struct vcpu *v, const void *host_code);
void tc_exit_to_monitor(void);
void tc_callout(void);
void tc_callout_light(void);
/* For the trampolines: where a callout that asked to leave may continue
 * in the TC instead (a host address), or 0. */
uint64_t tc_continue_target(struct vcpu *v);

#endif
