/* Time for device models: the host's monotonic clock, and one-shot timers
 * that the monitor runs from its loop (never from a signal or another
 * thread, so callbacks may touch device state freely). A device that needs
 * to act at a time (the PIT's next IRQ 0 edge, the RTC's periodic or update
 * interrupt, the UART's character timeout) arms a timer for it; the monitor
 * guarantees the callback runs at or after the deadline and makes a running
 * guest leave the translation cache for it.
 *
 *   static struct dev_timer t = { .fn = pit_expired, .opaque = &pit };
 *   timer_arm(&t, clock_ns() + period_ns);
 */
#ifndef BT386_DEVICES_CLOCK_H
#define BT386_DEVICES_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

/* Nanoseconds of the host's CLOCK_MONOTONIC. */
uint64_t clock_ns(void);

struct dev_timer {
    void (*fn)(void *opaque);       /* called once per arming, deadline passed */
    void *opaque;
    /* --- owned by clock.c --- */
    uint64_t deadline;
    bool armed;
    struct dev_timer *next;
};

/* (Re)arms t for `deadline` (clock_ns() time); an armed timer is moved. */
void timer_arm(struct dev_timer *t, uint64_t deadline);
void timer_cancel(struct dev_timer *t);

/* For the monitor: runs the callbacks of every timer whose deadline has
 * passed; returns the earliest deadline still armed, or UINT64_MAX. */
uint64_t timers_run(uint64_t now);
/* The earliest armed deadline, or UINT64_MAX. */
uint64_t timers_next(void);
/* For the monitor: fn(deadline) whenever a timer becomes the earliest. */
void clock_set_notify(void (*fn)(uint64_t earliest));

#endif
