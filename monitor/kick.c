/* The kicker thread (see kick.h). It never touches guest or device state:
 * it waits for one deadline and sends one signal; the vCPU thread does the
 * rest. A kick is repeated every millisecond until the run loop has
 * acknowledged it, so one that lands where it can do nothing (the vCPU
 * between TC entries) is not lost. */
#define _GNU_SOURCE
#include "monitor/kick.h"
#include "codecache/tc.h"
#include "devices/clock.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/prctl.h>
#include <time.h>

static pthread_t vcpu_thread;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t moved = PTHREAD_COND_INITIALIZER;    /* the deadline moved earlier */
static uint64_t next_deadline = UINT64_MAX;                 /* under lock */
static _Atomic uint64_t acks;           /* bumped by every kick_ack */

static struct timespec abs_time(uint64_t ns)
{
    /* clock_ns() is CLOCK_MONOTONIC; the condition variable uses it too. */
    return (struct timespec){ .tv_sec = (time_t)(ns / 1000000000u), .tv_nsec = (long)(ns % 1000000000u) };
}

static void *kicker(void *arg)
{
    (void)arg;
    prctl(PR_SET_TIMERSLACK, 1UL);  /* wake at the deadline, not up to 50 µs later */
    pthread_mutex_lock(&lock);
    for (;;) {
        uint64_t d = next_deadline, now = clock_ns();
        if (d > now) {
            struct timespec until = abs_time(d == UINT64_MAX ? now + 1000000000u : d);
            pthread_cond_timedwait(&moved, &lock, &until);
            continue;
        }
        uint64_t seen = atomic_load(&acks);
        pthread_mutex_unlock(&lock);
        pthread_kill(vcpu_thread, SIGUSR1);
        /* Again every millisecond until the run loop has taken it. */
        for (int i = 0; i < 100 && atomic_load(&acks) == seen; i++) {
            struct timespec ts = { 0, 10000 };
            nanosleep(&ts, NULL);
        }
        pthread_mutex_lock(&lock);
    }
    return NULL;
}

int kick_start(struct vcpu *v)
{
    (void)v;
    vcpu_thread = pthread_self();
    tc_ibtc_always_miss();          /* mapped now, not in the signal handler */
    prctl(PR_SET_TIMERSLACK, 1UL);  /* the run loop's idle sleep too */
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&moved, &ca);
    pthread_t t;
    sigset_t all, old;
    /* The kicker takes no signals: they are the vCPU thread's. */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int r = pthread_create(&t, NULL, kicker, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (r != 0)
        return -1;
    pthread_detach(t);
    return 0;
}

void kick_set_deadline(uint64_t deadline)
{
    pthread_mutex_lock(&lock);
    bool earlier = deadline < next_deadline;
    next_deadline = deadline;
    if (earlier)
        pthread_cond_signal(&moved);
    pthread_mutex_unlock(&lock);
}

void kick_ack(void)
{
    atomic_fetch_add(&acks, 1);
}

void tc_kick_callout(struct vcpu *v)
{
    kick_unchain(v, (const void *)(uintptr_t)v->callout_ret);
}

void kick_unchain(struct vcpu *v, const void *host)
{
    struct tc_block *b = tc_block_at(host);
    if (b)
        tc_unchain_exits(b);
    v->ibtc_table = (uint64_t)(uintptr_t)tc_ibtc_always_miss();
}
