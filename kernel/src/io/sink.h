/* sink.h: the kernel's display sink for libseli.
 *
 * libseli hands figures, rich values and progress bars to the current sink
 * (seli/display.h).  In the kernel they become display_data,
 * update_display_data (with a transient display_id) and clear_output; while
 * the session shows a cell's trailing expression they become the
 * execute_result. */
#ifndef SELI_KERNEL_SINK_H
#define SELI_KERNEL_SINK_H

#include "kernel.h"

#include <jansson.h>

/* Install the sink (user data k) as libseli's current sink. */
void sink_install(kernel *k);
/* The "data" object of a display bundle: JSON mime types (application/json,
 * *+json) are embedded as JSON when they parse, the rest as strings.  New
 * reference. */
json_t *sink_bundle(int n, const char *const *mimes, const char *const *data);

#endif
