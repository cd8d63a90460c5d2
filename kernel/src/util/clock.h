/* clock.h: milliseconds on the monotonic clock, for timing and timeouts. */
#ifndef SELI_KERNEL_CLOCK_H
#define SELI_KERNEL_CLOCK_H

#include <time.h>

/* CLOCK_MONOTONIC in milliseconds (an arbitrary origin: use differences). */
static inline double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec * 1e-6;
}

#endif
