/* The monotonic clock and the device timers (see clock.h): a list sorted by
 * deadline, run by the monitor's loop. A handful of timers exist at most
 * (PIT, RTC, UART), so a list beats anything cleverer. */
#include "devices/clock.h"

#include <time.h>

static struct dev_timer *timers;     /* armed, earliest first */
static void (*notify)(uint64_t earliest);

void clock_set_notify(void (*fn)(uint64_t earliest))
{
    notify = fn;
}

uint64_t clock_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void timer_cancel(struct dev_timer *t)
{
    if (!t->armed)
        return;
    for (struct dev_timer **pp = &timers; *pp; pp = &(*pp)->next)
        if (*pp == t) {
            *pp = t->next;
            break;
        }
    t->armed = false;
    t->next = NULL;
}

void timer_arm(struct dev_timer *t, uint64_t deadline)
{
    timer_cancel(t);
    t->deadline = deadline;
    t->armed = true;
    struct dev_timer **pp = &timers;
    while (*pp && (*pp)->deadline <= deadline)
        pp = &(*pp)->next;
    t->next = *pp;
    *pp = t;
    if (timers == t && notify)
        notify(deadline);
}

uint64_t timers_next(void)
{
    return timers ? timers->deadline : UINT64_MAX;
}

uint64_t timers_run(uint64_t now)
{
    while (timers && timers->deadline <= now) {
        struct dev_timer *t = timers;
        timers = t->next;
        t->armed = false;
        t->next = NULL;
        t->fn(t->opaque);           /* may re-arm t */
    }
    return timers_next();
}
