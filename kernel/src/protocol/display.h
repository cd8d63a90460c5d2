/* display.h: what libseli's displays become on iopub.
 *
 * The io sink (io/sink.h) hands each display here: display_data, or
 * update_display_data with a transient display_id, or clear_output; while
 * the session shows a cell's trailing expression, the display is the
 * execute_result (and its text/plain goes to the history). */
#ifndef SELI_KERNEL_DISPLAY_H
#define SELI_KERNEL_DISPLAY_H

#include "protocol/kernel.h"

/* Install the io sink with k's displays as its target. */
void display_install(kernel *k);

#endif
