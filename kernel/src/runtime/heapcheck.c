/* heapcheck.c: is the C heap still usable? (see heapcheck.h) */
#include "runtime/heapcheck.h"

#include "util/deadline.h"
#include "util/thread.h"

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <time.h>

static sem_t ask, answer;
static int ready;

static void *checker(void *arg)
{
    (void)arg;
    thread_block_signals();
    for (;;) {
        thread_sem_wait(&ask);
        /* Takes and releases the lock of every arena in turn. */
        struct mallinfo2 info = mallinfo2();
        (void)info;
        sem_post(&answer);
    }
    return NULL;
}

int heapcheck_init(void)
{
    if (ready)
        return 0;
    if (sem_init(&ask, 0, 0) < 0 || sem_init(&answer, 0, 0) < 0)
        return -1;
    pthread_t th;
    if (pthread_create(&th, NULL, checker, NULL) != 0)
        return -1;
    pthread_detach(th);
    ready = 1;
    return 0;
}

int heapcheck_usable(int timeout_ms)
{
    if (!ready)
        return 1;
    sem_post(&ask);
    struct timespec until = deadline_after(CLOCK_MONOTONIC, timeout_ms);
    int rc;
    while ((rc = sem_clockwait(&answer, CLOCK_MONOTONIC, &until)) < 0 && errno == EINTR)
        ;
    return rc == 0;
}
