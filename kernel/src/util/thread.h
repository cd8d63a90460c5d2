/* thread.h: what the kernel's helper threads (watchers, checkers, readers)
 * do first and wait on. */
#ifndef SELI_KERNEL_THREAD_H
#define SELI_KERNEL_THREAD_H

#include <errno.h>
#include <semaphore.h>
#include <signal.h>

/* Block every signal in the calling thread: asynchronous signals (SIGINT,
 * the guard's interrupt) are for the main thread. */
static inline void thread_block_signals(void)
{
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
}

/* sem_wait, resumed when a signal interrupts it. */
static inline void thread_sem_wait(sem_t *s)
{
    while (sem_wait(s) < 0 && errno == EINTR)
        ;
}

#endif
