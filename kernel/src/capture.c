/* capture.c: stream fd 1 and fd 2 to iopub through pipes and reader threads. */
#include "capture.h"

#include "iopub.h"
#include "log.h"
#include "utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK 65536

typedef struct pipe_reader {
    const char *name; /* "stdout" / "stderr" */
    int fd;           /* the fd being captured */
    int read_end;
    pthread_t thread;
    pthread_mutex_t lock; /* held while reading and publishing */
    char pending[4];      /* an incomplete UTF-8 sequence from the last read */
    size_t npending;
    char raw[CHUNK + 4];
    char text[3 * (CHUNK + 4)];
} pipe_reader;

static pipe_reader readers[2] = {
    {.name = "stdout", .fd = 1, .read_end = -1, .lock = PTHREAD_MUTEX_INITIALIZER},
    {.name = "stderr", .fd = 2, .read_end = -1, .lock = PTHREAD_MUTEX_INITIALIZER},
};
static atomic_int stopping;
static int started;

/* Read all that is in the pipe now and publish it; caller holds r->lock.
 * final: do not hold back an incomplete UTF-8 sequence. */
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
        if (n)
            iopub_stream(r->name, r->text, n);
        if (!more)
            return;
    }
}

static void *reader_main(void *arg)
{
    pipe_reader *r = arg;
    struct pollfd p = {.fd = r->read_end, .events = POLLIN};
    while (!atomic_load(&stopping)) {
        int rc = poll(&p, 1, 200);
        if (rc < 0 && errno != EINTR)
            break;
        if (rc > 0) {
            if (p.revents & (POLLERR | POLLNVAL))
                break;
            pthread_mutex_lock(&r->lock);
            drain_locked(r, 0);
            pthread_mutex_unlock(&r->lock);
            if ((p.revents & POLLHUP) && !(p.revents & POLLIN))
                break;
        }
    }
    return NULL;
}

int capture_start(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    setvbuf(stderr, NULL, _IONBF, 0);
    for (int i = 0; i < 2; i++) {
        pipe_reader *r = &readers[i];
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0) {
            kernel_log("capture: pipe: %s", strerror(errno));
            return -1;
        }
        fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
        fcntl(p[1], F_SETPIPE_SZ, 1 << 20); /* fewer stalls for chatty cells */
        if (dup2(p[1], r->fd) < 0) {
            kernel_log("capture: dup2: %s", strerror(errno));
            close(p[0]);
            close(p[1]);
            return -1;
        }
        close(p[1]);
        r->read_end = p[0];
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
    for (int i = 0; i < 2; i++)
        pthread_join(readers[i].thread, NULL);
    started = 0;
}
