/* The compute benchmark as an ordinary x86-64 program (front end; the
 * kernels are in kernels.c). Takes the same option words as the guest's
 * command line, prints the same lines on stdout, and each kernel's CPU time
 * on stderr:
 *   compute-native scale=200 kernels=sieve,qsort
 * stdout: "compute scale=200", "sieve 1a2b3c4d", ...
 * stderr: "cpu sieve 0.2143", ...  (seconds of CLOCK_PROCESS_CPUTIME_ID) */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "kernels.h"

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    struct bench_options opt;

    bench_default_options(&opt);
    for (int i = 1; i < argc; i++)
        if (!strchr(argv[i], '=') || bench_parse_option(argv[i], strlen(argv[i]), &opt)) {
            fprintf(stderr, "usage: %s [scale=N] [kernels=none|all|NAME,...]\n", argv[0]);
            return 2;
        }
    printf(BENCH_HEADER_FMT, opt.scale);
    for (uint32_t k = 0; k < bench_kernel_count; k++) {
        if (!(opt.select & (1u << k)))
            continue;
        double t0 = cpu_seconds();
        uint32_t sum = bench_kernels[k].run(opt.scale);
        double t1 = cpu_seconds();
        printf(BENCH_LINE_FMT, bench_kernels[k].name, sum);
        fprintf(stderr, "cpu %s %.4f\n", bench_kernels[k].name, t1 - t0);
    }
    return 0;
}
