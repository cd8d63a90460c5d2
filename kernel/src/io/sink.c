/* sink.c: libseli's displays, in order and at the client's pace (see sink.h). */
#include "io/sink.h"

#include "io/capture.h"

#include <seli/display.h>
#include <seli/error.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

/* A cell that shows figures in a tight loop must not queue them faster than
 * the client reads: the sink waits while iopub holds this many messages, as
 * the stdout/stderr readers do (capture.c), unless an interrupt is pending. */
#define QUEUE_MAX_ITEMS 64
#define QUEUE_WAIT_MS 10

/* Asynchronous signals stay blocked while the sink holds iopub's lock or
 * waits on it: an interrupt that unwound the cell there would leave the lock
 * held forever.  A blocked signal is delivered when the sink returns.  Faults
 * stay deliverable: the cell's data may be a bad pointer, and the guard turns
 * that into an error. */
static void block_signals(sigset_t *old)
{
    sigset_t set;
    sigfillset(&set);
    static const int faults[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS};
    for (size_t i = 0; i < sizeof faults / sizeof *faults; i++)
        sigdelset(&set, faults[i]);
    pthread_sigmask(SIG_BLOCK, &set, old);
}

static sink_target target;

static void wait_for_room(void)
{
    while (!target.wait_below(QUEUE_MAX_ITEMS, QUEUE_WAIT_MS))
        if (seli_interrupt_pending())
            return;
}

static int is_json_mime(const char *mime)
{
    size_t n = strlen(mime);
    return strcmp(mime, "application/json") == 0 || (n > 5 && strcmp(mime + n - 5, "+json") == 0);
}

json_t *sink_bundle(int n, const char *const *mimes, const char *const *data)
{
    json_t *bundle = json_object();
    for (int i = 0; i < n; i++) {
        if (!mimes[i] || !data[i])
            continue;
        json_t *v = NULL;
        if (is_json_mime(mimes[i]))
            v = json_loads(data[i], JSON_DECODE_ANY, NULL);
        if (!v)
            v = json_string(data[i]);
        if (!v) /* not UTF-8: keep the bundle valid, say what happened */
            v = json_string("(display data that is not UTF-8 was dropped)");
        json_object_set_new(bundle, mimes[i], v);
    }
    return bundle;
}

static void display(void *user_data, int n, const char *const *mimes, const char *const *data,
                    const char *display_id, int update)
{
    (void)user_data;
    capture_flush(); /* what the cell printed before comes first */
    sigset_t old;
    block_signals(&old);
    wait_for_room();
    target.display(target.ctx, sink_bundle(n, mimes, data), display_id, update);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static void clear_output(void *user_data, int wait)
{
    (void)user_data;
    capture_flush();
    sigset_t old;
    block_signals(&old);
    wait_for_room();
    target.clear_output(target.ctx, wait);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void sink_install(const sink_target *t)
{
    target = *t;
    seli_sink s = {.display = display, .clear_output = clear_output, .user_data = NULL};
    seli_set_sink(&s);
}
