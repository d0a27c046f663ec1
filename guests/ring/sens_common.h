/* What the guests of the sensitive and privileged instructions (sens_*.c)
 * share: run a function at CPL0 or CPL3 inside pm_try, and check the fault
 * it raised (or that it raised none) in one named line.
 *
 *   struct sens_run r;
 *   sens_run(&r, 3, 0x2, sens_priv_hlt, 0);            fn(arg) at CPL3, IOPL 0
 *   sens_check_fault(&r, 13, 0, (uint32_t)sens_priv_hlt, "hlt at cpl3: #GP(0)");
 *   sens_check_none(&r, "sgdt at cpl3: no fault");
 *   sens_expect(0, sens_ltr, sel, VEC_GP, sel, sens_ltr_at, "ltr of a busy TSS: #GP(sel)");
 *
 * A function run at CPL3 must not print (serial output is port I/O, denied
 * at CPL3): it leaves its results in memory or in its return value. */
#ifndef SENS_COMMON_H
#define SENS_COMMON_H

#include "pm.h"

#define SENS_NONE   0xffffffffu     /* the "vector" of a run that did not fault */
#define SENS_ANY    0xffffffffu     /* sens_check_fault: do not check this field */

#define VEC_UD 6
#define VEC_NP 11
#define VEC_SS 12
#define VEC_GP 13

/* EFLAGS images for pm_run_user_flags. */
#define FL_IF       0x00000200u
#define FL_IOPL(n)  ((uint32_t)(n) << 12)
#define FL_IOPL_MASK 0x00003000u
#define FL_AC       0x00040000u
#define FL_ID       0x00200000u

struct sens_run {
    int cpl;                    /* where fn ran */
    uint32_t vector;            /* SENS_NONE if fn returned */
    uint32_t ret;               /* fn's value when it returned */
    struct pm_fault f;          /* the fault's frame otherwise */
};

typedef uint32_t (*sens_fn)(uint32_t);

/* Runs fn(arg) at CPL0 (a plain call) or CPL3 (pm_run_user_flags with
 * user_eflags) inside pm_try and records how it ended. */
void sens_run(struct sens_run *r, int cpl, uint32_t user_eflags, sens_fn fn, uint32_t arg);

/* One check line: the run faulted with this vector and error code, the
 * pushed EIP is `eip` and the pushed CS has the RPL of the CPL it ran at.
 * err or eip SENS_ANY: not checked. */
void sens_check_fault(const struct sens_run *r, uint32_t vector, uint32_t err, uint32_t eip,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* One check line: the run returned without a fault. */
void sens_check_none(const struct sens_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Both in one: runs fn(arg) at cpl (user EFLAGS 0x2: IOPL 0, IF 0) and
 * checks the fault (vector, err, eip as above), or with vector SENS_NONE
 * that it returned. Returns fn's value (0 after a fault). */
uint32_t sens_expect(int cpl, sens_fn fn, uint32_t arg, uint32_t vector, uint32_t err, const char *eip,
                     const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* Masks both PICs: tests that run with IF = 1 must never see an IRQ. */
void sens_mask_pics(void);

#endif
