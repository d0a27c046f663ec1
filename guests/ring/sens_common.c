/* See sens_common.h. */
#include "sens_common.h"

void sens_run(struct sens_run *r, int cpl, uint32_t user_eflags, sens_fn fn, uint32_t arg)
{
    r->cpl = cpl;
    r->vector = SENS_NONE;
    r->ret = 0;
    if (pm_try(&r->f)) {
        r->ret = cpl ? pm_run_user_flags(fn, arg, user_eflags) : fn(arg);
        pm_try_end();
    } else {
        r->vector = r->f.vector;
    }
}

static void print_run(const struct sens_run *r)
{
    if (r->vector == SENS_NONE)
        printf("     got no fault (returned %08x)\n", r->ret);
    else
        printf("     got vector %u error %x eip %08x cs %x\n", r->vector, r->f.error_code, r->f.eip, r->f.cs);
}

static void vcheck_fault(const struct sens_run *r, uint32_t vector, uint32_t err, uint32_t eip,
                         const char *fmt, va_list ap)
{
    char buf[200];
    int ok = r->vector == vector &&
             (err == SENS_ANY || r->f.error_code == err) &&
             (eip == SENS_ANY || r->f.eip == eip) &&
             (r->f.cs & 3) == (uint32_t)r->cpl;
    vsnprintf(buf, sizeof buf, fmt, ap);
    check_result(ok, "%s", buf);
    if (!ok) {
        print_run(r);
        printf("     want vector %u error %x eip %08x cpl %d\n", vector, err, eip, r->cpl);
    }
}

static void vcheck_none(const struct sens_run *r, const char *fmt, va_list ap)
{
    char buf[200];
    vsnprintf(buf, sizeof buf, fmt, ap);
    check_result(r->vector == SENS_NONE, "%s", buf);
    if (r->vector != SENS_NONE)
        print_run(r);
}

void sens_check_fault(const struct sens_run *r, uint32_t vector, uint32_t err, uint32_t eip,
                      const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vcheck_fault(r, vector, err, eip, fmt, ap);
    va_end(ap);
}

void sens_check_none(const struct sens_run *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vcheck_none(r, fmt, ap);
    va_end(ap);
}

uint32_t sens_expect(int cpl, sens_fn fn, uint32_t arg, uint32_t vector, uint32_t err, const char *eip,
                     const char *fmt, ...)
{
    struct sens_run r;
    va_list ap;
    sens_run(&r, cpl, 0x2, fn, arg);
    va_start(ap, fmt);
    if (vector == SENS_NONE)
        vcheck_none(&r, fmt, ap);
    else
        vcheck_fault(&r, vector, err, (uint32_t)eip, fmt, ap);
    va_end(ap);
    return r.ret;
}

void sens_mask_pics(void)
{
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
}
