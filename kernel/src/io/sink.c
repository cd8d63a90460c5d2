/* sink.c: display_data / update_display_data / clear_output / execute_result. */
#include "io/sink.h"

#include "io/capture.h"
#include "protocol/iopub.h"

#include <seli/display.h>
#include <seli/error.h>
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

static void wait_for_room(void)
{
    while (!iopub_wait_below(QUEUE_MAX_ITEMS, QUEUE_WAIT_MS))
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
    kernel *k = user_data;
    capture_flush(); /* what the cell printed before comes first */
    sigset_t old;
    block_signals(&old);
    wait_for_room();
    json_t *bundle = sink_bundle(n, mimes, data);
    if (!update && k->sess && session_in_result(k->sess)) {
        if (k->silent) {
            json_decref(bundle);
        } else {
            const char *text = json_string_value(json_object_get(bundle, "text/plain"));
            if (text && !k->result_text)
                k->result_text = strdup(text);
            iopub_send("execute_result",
                       json_pack("{s:i, s:o, s:{}}", "execution_count", k->execution_count,
                                 "data", bundle, "metadata"),
                       NULL);
        }
    } else {
        json_t *content = json_pack("{s:o, s:{}}", "data", bundle, "metadata");
        if (display_id)
            json_object_set_new(content, "transient",
                                json_pack("{s:s}", "display_id", display_id));
        iopub_send(update && display_id ? "update_display_data" : "display_data", content, NULL);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static void clear_output(void *user_data, int wait)
{
    (void)user_data;
    capture_flush();
    sigset_t old;
    block_signals(&old);
    wait_for_room();
    iopub_send("clear_output", json_pack("{s:b}", "wait", wait), NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void sink_install(kernel *k)
{
    seli_sink s = {.display = display, .clear_output = clear_output, .user_data = k};
    seli_set_sink(&s);
}
