/* Asynchronous events reach a running guest through a kick: a helper
 * thread sleeps until the next device timer is due and then signals the
 * vCPU thread (SIGUSR1), whose handler unchains the running block so that
 * the translated code leaves the TC at its next block exit — no polling in
 * the translated code (docs/decisions.md, "Interrupts"). The run loop runs
 * the due timers and publishes the next deadline.
 *
 *   kick_start(v);                            once, from the vCPU thread
 *   kick_set_deadline(timers_next());         whenever it changes
 *   timers_run(clock_ns()); kick_ack();       in the run loop
 */
#ifndef BT386_KICK_H
#define BT386_KICK_H

#include "ring-compression/vcpu.h"

#include <stdint.h>

int kick_start(struct vcpu *v);
/* The earliest device deadline (clock_ns time, UINT64_MAX for none). */
void kick_set_deadline(uint64_t deadline);
/* The run loop has run the timers due: the kicks so far are taken. */
void kick_ack(void);
/* The SIGUSR1 handler's work (signals.c), and the trampolines' when the
 * kick arrived during a callout: make the block at `host` leave soon. */
void kick_unchain(struct vcpu *v, const void *host);
/* For the trampolines: kick_unchain of the block that made the callout. */
void tc_kick_callout(struct vcpu *v);

#endif
