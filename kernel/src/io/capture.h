/* capture.h: stdout and stderr of the kernel process become stream messages.
 *
 * fd 1 and fd 2 are redirected to pipes; a reader thread per pipe publishes
 * what arrives (partial lines included) under the current iopub parent, at
 * once if the stream was quiet, else merged into at most one message per
 * stream every 50 ms (and at most 64 KB per message), so a cell that floods
 * output cannot flood the client.  Before a cell reports idle, and before
 * each display, capture_flush moves everything still buffered or in the
 * pipes onto the iopub queue, in order. */
#ifndef SELI_KERNEL_CAPTURE_H
#define SELI_KERNEL_CAPTURE_H

#include <stddef.h>

/* Where captured output goes: main hands in the iopub publisher
 * (iopub_stream and iopub_wait_below), so io needs nothing of protocol. */
typedef struct capture_outlet {
    /* Publish len bytes of UTF-8 text as stream name ("stdout", "stderr"). */
    void (*stream)(const char *name, const char *text, size_t len);
    /* Wait up to timeout_ms for fewer than max_items queued messages: 1 if
     * there are, 0 on timeout.  A slow client slows the readers down. */
    int (*wait_below)(int max_items, int timeout_ms);
} capture_outlet;

/* Redirect fd 1 and 2 and start the readers, which publish to out (copied);
 * stdout becomes unbuffered so partial lines stream.  0, or -1 (logged). */
int capture_start(const capture_outlet *out);
/* fflush(stdout) and fflush(stderr), then publish all pending output. */
void capture_flush(void);
/* Publish what is left and stop the readers (fds stay redirected). */
void capture_stop(void);

#endif
