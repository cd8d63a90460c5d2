/* deadline.h: the absolute time some milliseconds from now, for the timed
 * waits of pthread_cond_timedwait (CLOCK_REALTIME) and sem_clockwait. */
#ifndef SELI_KERNEL_DEADLINE_H
#define SELI_KERNEL_DEADLINE_H

#include <time.h>

static inline struct timespec deadline_after(clockid_t clock, int ms)
{
    struct timespec t;
    clock_gettime(clock, &t);
    t.tv_sec += ms / 1000;
    t.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

#endif
