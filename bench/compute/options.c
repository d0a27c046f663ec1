/* Option parsing shared by both front ends: native.c gets one token per
 * argv element, guest.c splits the Multiboot command line on spaces. Same
 * syntax on both sides, so the runner passes the same words to each.
 * Freestanding, like the kernels. */
#include "kernels.h"

static int bytes_equal(const char *s, size_t len, const char *word)
{
    size_t i = 0;
    for (; i < len && word[i]; i++)
        if (s[i] != word[i])
            return 0;
    return i == len && !word[i];
}

static int parse_u32(const char *s, size_t len, uint32_t *out)
{
    uint32_t v = 0;
    if (len == 0 || len > 9)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (uint32_t)(s[i] - '0');
    }
    *out = v;
    return 0;
}

/* "none", "all", or names from bench_kernels separated by commas. */
static int parse_kernel_list(const char *s, size_t len, uint32_t *select)
{
    uint32_t mask = 0;
    if (bytes_equal(s, len, "none")) {
        *select = 0;
        return 0;
    }
    if (bytes_equal(s, len, "all")) {
        *select = (1u << bench_kernel_count) - 1;
        return 0;
    }
    while (len) {
        size_t n = 0;
        while (n < len && s[n] != ',')
            n++;
        uint32_t k = 0;
        while (k < bench_kernel_count && !bytes_equal(s, n, bench_kernels[k].name))
            k++;
        if (k == bench_kernel_count)
            return -1;
        mask |= 1u << k;
        s += n;
        len -= n;
        if (len) {          /* skip the comma; a trailing one is an error */
            s++;
            if (--len == 0)
                return -1;
        }
    }
    if (!mask)
        return -1;
    *select = mask;
    return 0;
}

void bench_default_options(struct bench_options *opt)
{
    opt->scale = BENCH_DEFAULT_SCALE;
    opt->select = (1u << bench_kernel_count) - 1;
}

int bench_parse_option(const char *tok, size_t len, struct bench_options *opt)
{
    size_t eq = 0;
    while (eq < len && tok[eq] != '=')
        eq++;
    if (eq == len)
        return 0;
    const char *val = tok + eq + 1;
    size_t vlen = len - eq - 1;
    if (bytes_equal(tok, eq, "scale")) {
        uint32_t scale;
        if (parse_u32(val, vlen, &scale) || scale == 0 || scale > BENCH_MAX_SCALE)
            return -1;
        opt->scale = scale;
        return 0;
    }
    if (bytes_equal(tok, eq, "kernels"))
        return parse_kernel_list(val, vlen, &opt->select);
    return -1;
}
