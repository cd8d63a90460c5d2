/* timing.h: the clocks and the comparison every benchmark here takes its
 * medians with (header only; each benchmark is one .c file). */
#ifndef BENCH_TIMING_H
#define BENCH_TIMING_H

#include <time.h>

/* Milliseconds on a clock: CLOCK_MONOTONIC for wall time,
 * CLOCK_PROCESS_CPUTIME_ID for the CPU time of every thread. */
static inline double bench_ms_on(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return 1e3 * (double)t.tv_sec + 1e-6 * (double)t.tv_nsec;
}

/* Wall time in milliseconds, microseconds and nanoseconds. */
static inline double bench_ms(void) { return bench_ms_on(CLOCK_MONOTONIC); }
static inline double bench_us(void) { return 1e3 * bench_ms(); }
static inline double bench_ns(void) { return 1e6 * bench_ms(); }

/* qsort's comparison for doubles, smallest first. */
static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#endif
