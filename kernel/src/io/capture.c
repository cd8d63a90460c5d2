/* capture.c: stream fd 1 and fd 2 to iopub through pipes and reader threads.
 *
 * Each reader waits for its pipe to become readable, then for at least
 * COALESCE_MS to have passed since it last published, and publishes all the
 * pipe holds in messages of at most CHUNK bytes.  A cell that prints now and
 * then is shown at once; a cell that floods output makes one message per
 * stream every COALESCE_MS (or per CHUNK bytes), not one per write(). */
#include "io/capture.h"

#include "util/log.h"
#include "util/utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define CHUNK 65536          /* the most text one stream message carries */
#define COALESCE_MS 50       /* the least time between two messages of one stream */
#define QUEUE_MAX_ITEMS 64   /* readers wait while iopub holds more (slow clients) */
#define QUEUE_MAX_WAIT_MS 10 /* one wait for the queue; the reader then looks again */

typedef struct pipe_reader {
    const char *name; /* "stdout" / "stderr" */
    int fd;           /* the fd being captured */
    int read_end;
    pthread_t thread;
    pthread_mutex_t lock; /* held while reading and publishing */
    struct timespec last; /* CLOCK_MONOTONIC of the last publication */
    char pending[4];      /* an incomplete UTF-8 sequence from the last read */
    size_t npending;
    char raw[CHUNK + 4];
    char text[3 * (CHUNK + 4)];
} pipe_reader;

static pipe_reader readers[2] = {
    {.name = "stdout", .fd = 1, .read_end = -1, .lock = PTHREAD_MUTEX_INITIALIZER},
    {.name = "stderr", .fd = 2, .read_end = -1, .lock = PTHREAD_MUTEX_INITIALIZER},
};
static capture_outlet outlet;
static atomic_int stopping;
static int started;
static int wake_fd = -1; /* an eventfd the readers poll: capture_stop writes it */

/* Read all that is in the pipe now and publish it in messages of at most
 * CHUNK bytes; caller holds r->lock.  final: do not hold back an incomplete
 * UTF-8 sequence. */
static void drain_locked(pipe_reader *r, int final)
{
    for (;;) {
        memcpy(r->raw, r->pending, r->npending);
        size_t have = r->npending;
        ssize_t got = 0;
        while (have < CHUNK) {
            got = read(r->read_end, r->raw + have, CHUNK - have);
            if (got > 0)
                have += (size_t)got;
            else if (got < 0 && errno == EINTR)
                continue;
            else
                break;
        }
        int more = have == CHUNK; /* the pipe may hold more */
        size_t used = 0;
        size_t n = utf8_sanitize(r->raw, have, r->text, !final || more, &used);
        r->npending = have - used;
        memcpy(r->pending, r->raw + used, r->npending);
        if (n) {
            outlet.stream(r->name, r->text, n);
            clock_gettime(CLOCK_MONOTONIC, &r->last);
        }
        if (!more)
            return;
    }
}

/* Sleep until COALESCE_MS after r's last publication (no lock held: a flush
 * may publish meanwhile, which only moves the deadline on). */
static void await_turn(pipe_reader *r)
{
    pthread_mutex_lock(&r->lock);
    struct timespec until = r->last;
    pthread_mutex_unlock(&r->lock);
    until.tv_nsec += COALESCE_MS * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == EINTR)
        ;
}

static void *reader_main(void *arg)
{
    pipe_reader *r = arg;
    struct pollfd ps[2] = {{.fd = r->read_end, .events = POLLIN},
                           {.fd = wake_fd, .events = POLLIN}};
    struct pollfd p = ps[0];
    while (!atomic_load(&stopping)) {
        int rc = poll(ps, wake_fd >= 0 ? 2 : 1, 200);
        p = ps[0];
        if (rc > 0 && !(p.revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)))
            continue; /* woken to stop */
        if (rc < 0 && errno != EINTR)
            break;
        if (rc > 0) {
            if (p.revents & (POLLERR | POLLNVAL))
                break;
            await_turn(r);
            /* A client that reads slowly slows the cell down (the pipe fills)
             * instead of the queue growing without bound. */
            while (!atomic_load(&stopping) &&
                   !outlet.wait_below(QUEUE_MAX_ITEMS, QUEUE_MAX_WAIT_MS))
                ;
            pthread_mutex_lock(&r->lock);
            drain_locked(r, 0);
            pthread_mutex_unlock(&r->lock);
            if ((p.revents & POLLHUP) && !(p.revents & POLLIN))
                break;
        }
    }
    return NULL;
}

int capture_start(const capture_outlet *out)
{
    outlet = *out;
    setvbuf(stdout, NULL, _IONBF, 0);
    setvbuf(stderr, NULL, _IONBF, 0);
    if (wake_fd < 0)
        wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    for (int i = 0; i < 2; i++) {
        pipe_reader *r = &readers[i];
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0) {
            kernel_log("capture: pipe: %s", strerror(errno));
            return -1;
        }
        fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
        /* Room for COALESCE_MS of a flood without stalling the cell. */
        fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
        if (dup2(p[1], r->fd) < 0) {
            kernel_log("capture: dup2: %s", strerror(errno));
            close(p[0]);
            close(p[1]);
            return -1;
        }
        close(p[1]);
        r->read_end = p[0];
        clock_gettime(CLOCK_MONOTONIC, &r->last);
        r->last.tv_sec -= 1; /* the first output goes out at once */
        if (pthread_create(&r->thread, NULL, reader_main, r) != 0) {
            kernel_log("capture: cannot start the %s reader", r->name);
            return -1;
        }
    }
    started = 1;
    return 0;
}

void capture_flush(void)
{
    fflush(stdout);
    fflush(stderr);
    if (!started)
        return;
    /* An interrupt that unwound the cell while we hold a lock would leave the
     * reader threads stuck forever: keep asynchronous signals out. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    for (int i = 0; i < 2; i++) {
        pthread_mutex_lock(&readers[i].lock);
        drain_locked(&readers[i], 1);
        pthread_mutex_unlock(&readers[i].lock);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void capture_stop(void)
{
    if (!started)
        return;
    capture_flush();
    atomic_store(&stopping, 1);
    if (wake_fd >= 0) {
        uint64_t one = 1;
        ssize_t w = write(wake_fd, &one, sizeof one);
        (void)w;
    }
    for (int i = 0; i < 2; i++)
        pthread_join(readers[i].thread, NULL);
    started = 0;
}
