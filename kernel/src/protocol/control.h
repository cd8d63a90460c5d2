/* control.h: the control channel, served by a thread of its own so that
 * interrupt_request and shutdown_request work while a cell runs. */
#ifndef SELI_KERNEL_CONTROL_H
#define SELI_KERNEL_CONTROL_H

#include "protocol/kernel.h"

/* Bind the ROUTER socket at k->endpoint[CHANNEL_CONTROL] and start serving
 * it.  0 or -1 (logged).  The thread ends when the ZeroMQ context is shut
 * down. */
int control_start(kernel *k);
/* Tell the control thread that the main thread finished its shell loop. */
void control_main_done(void);

#endif
