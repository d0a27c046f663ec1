/* The user program every task runs, at CPL3 in its own address space; what
 * it does depends on its pid. Everything it says goes through write() into
 * the kernel's per-task log, printed in pid order at the end, so the
 * transcript does not depend on where the timer preempted whom. The exit
 * status is the number of its own checks that failed.
 *
 *   all      compute a checksum long enough to be preempted many times;
 *            keep a value in a private data page across all of that (every
 *            task uses the same virtual address, each its own frame);
 *            yield; sleep(3 * pid ticks) and see the clock move that far
 *   pid 1    rtc_time: a valid date and time
 *   pid 2    write() of a kernel buffer: refused (-1)
 *   pid 3    an undefined system call: refused (-1); then a CPL3 write to
 *            a kernel page: #PF, the kernel kills it
 *   pid 4    a CPL3 read of a kernel page: #PF, the kernel kills it */
#include "sum.h"
#include "user.h"

static const uint32_t expected_sum[5] = { 0, 0x77e172d8, 0xfbdc6821, 0x89ddeb64, 0x0c9db7b3 };

/* In bss: the same virtual address in every task. */
static volatile uint32_t private_word;

static int cpl(void)
{
    uint16_t cs;
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    return cs & 3;
}

static int rtc_checks(int pid)
{
    struct rtc_time t;
    if (rtc_time(&t) != 0) {
        say("task %d: FAIL rtc_time returned an error\n", pid);
        return 1;
    }
    if (t.sec > 59 || t.min > 59 || t.hour > 23 || t.day < 1 || t.day > 31 ||
        t.month < 1 || t.month > 12 || t.year > 99) {
        say("task %d: FAIL rtc_time out of range\n", pid);
        return 1;
    }
    say("task %d: rtc_time gave a valid date and time\n", pid);
    return 0;
}

int main(void)
{
    int pid = getpid();
    int failed = 0;
    uint32_t mine = 0x01010101u * (uint32_t)pid;

    private_word = mine;
    say("task %d: running at cpl %d in its own address space\n", pid, cpl());

    uint32_t s = checksum((uint32_t)pid, SUM_ROUNDS);
    if (s == expected_sum[pid]) {
        say("task %d: sum ok\n", pid);
    } else {
        say("task %d: FAIL sum %x\n", pid, s);
        failed++;
    }

    if (private_word == mine) {
        say("task %d: private page kept its value\n", pid);
    } else {
        say("task %d: FAIL private page changed to %x\n", pid, private_word);
        failed++;
    }

    if (yield() != 0) {
        say("task %d: FAIL yield\n", pid);
        failed++;
    }
    uint32_t n = 3u * (uint32_t)pid, t0 = uptime();
    sleep(n);
    if (uptime() - t0 >= n) {
        say("task %d: sleep(%d) ok\n", pid, (int)n);
    } else {
        say("task %d: FAIL woke before %d ticks\n", pid, (int)n);
        failed++;
    }

    switch (pid) {
    case 1:
        failed += rtc_checks(pid);
        break;
    case 2:
        if (write((const void *)0x00100000, 16) == -1) {
            say("task %d: write from a kernel buffer refused\n", pid);
        } else {
            say("task %d: FAIL write from a kernel buffer accepted\n", pid);
            failed++;
        }
        break;
    case 3:
        if (bad_syscall() == -1) {
            say("task %d: unknown system call refused\n", pid);
        } else {
            say("task %d: FAIL unknown system call accepted\n", pid);
            failed++;
        }
        say("task %d: writing kernel memory at 0x00100000\n", pid);
        *(volatile uint32_t *)0x00100000 = 0;
        say("task %d: FAIL kernel memory writable at cpl 3\n", pid);
        failed++;
        break;
    case 4:
        say("task %d: reading kernel memory at 0x00100000\n", pid);
        (void)*(volatile uint32_t *)0x00100000;
        say("task %d: FAIL kernel memory readable at cpl 3\n", pid);
        failed++;
        break;
    }
    return failed;
}
