/* Fakes of what the monitor gives a device model: the clock, dev_timers,
 * ISA interrupt lines and port registration. A device model's unit test
 * #includes the model's .c file (devices/pit8254.c, devices/cmos_rtc.c) so
 * it can reach its static state, and is linked against these definitions
 * instead of the monitor, which makes time and interrupts observable:
 *
 *   clock_ns()           returns fake_now, a variable the test sets; its
 *                        first value is FAKE_NOW_START, which the test
 *                        defines before including this file
 *   timer_arm/_cancel    only record the deadline and armed flag; the test
 *                        runs t->fn itself when it moves fake_now past it
 *   irq_set              records each line's level in fake_irq_level[] and
 *                        counts its rising edges in fake_irq_rises[]
 *   io_register          records the callbacks per port in port_owner[],
 *                        through which the test reads and writes the ports
 *
 *   #define FAKE_NOW_START 5000000000u
 *   #include "fake_devices.h"
 *   ... fake_now = t; CHECK(fake_irq_rises[PIT_IRQ] == 1, ...);
 */
#ifndef BT386_TESTS_UNIT_FAKE_DEVICES_H
#define BT386_TESTS_UNIT_FAKE_DEVICES_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/bus.h"
#include "devices/clock.h"
#include "devices/irq.h"

#ifndef FAKE_NOW_START
#error "define FAKE_NOW_START (the first clock_ns() value) before including fake_devices.h"
#endif

static uint64_t fake_now = FAKE_NOW_START;

uint64_t clock_ns(void)
{
    return fake_now;
}

void timer_arm(struct dev_timer *t, uint64_t deadline)
{
    t->deadline = deadline;
    t->armed = true;
}

void timer_cancel(struct dev_timer *t)
{
    t->armed = false;
}

static int fake_irq_level[IRQ_LINES], fake_irq_rises[IRQ_LINES];

void irq_set(int line, int level)
{
    if (line < 0 || line >= IRQ_LINES)
        return;
    if (level && !fake_irq_level[line])
        fake_irq_rises[line]++;
    fake_irq_level[line] = level;
}

static struct {
    io_read_fn rd;
    io_write_fn wr;
    void *opaque;
} port_owner[0x10000];

void io_register(uint16_t base, uint16_t count, io_read_fn rd, io_write_fn wr,
                 void *opaque, const char *name)
{
    (void)name;
    for (unsigned p = base; p < (unsigned)base + count; p++) {
        port_owner[p].rd = rd;
        port_owner[p].wr = wr;
        port_owner[p].opaque = opaque;
    }
}

#endif
