/* sink.h: the kernel's display sink for libseli.
 *
 * libseli hands figures, rich values and progress bars to the current sink
 * (seli/display.h).  The sink keeps the order (what the cell printed goes
 * first), the pace (it waits while the publisher's queue is full) and the
 * signal safety (no interrupt unwinds the cell while a message is being
 * queued); what a display becomes on the wire (display_data,
 * update_display_data, clear_output, or the execute_result of a trailing
 * expression) is the target's business, handed in by protocol/display.c. */
#ifndef SELI_KERNEL_SINK_H
#define SELI_KERNEL_SINK_H

#include <jansson.h>

/* Where the sink's displays go. */
typedef struct sink_target {
    /* One display: bundle (stolen) maps mime types to data; display_id is
     * NULL or its transient id; update: replace the display of that id. */
    void (*display)(void *ctx, json_t *bundle, const char *display_id, int update);
    /* Clear the cell's output (wait: when the next output comes). */
    void (*clear_output)(void *ctx, int wait);
    /* Wait up to timeout_ms for fewer than max_items queued messages: 1 if
     * there are, 0 on timeout. */
    int (*wait_below)(int max_items, int timeout_ms);
    void *ctx;
} sink_target;

/* Install the sink, sending to target (copied), as libseli's current sink. */
void sink_install(const sink_target *target);
/* The "data" object of a display bundle: JSON mime types (application/json,
 * *+json) are embedded as JSON when they parse, the rest as strings.  New
 * reference. */
json_t *sink_bundle(int n, const char *const *mimes, const char *const *data);

#endif
