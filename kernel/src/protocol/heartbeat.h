/* heartbeat.h: the heartbeat channel, echoed by a thread of its own so the
 * client sees the kernel alive even while a cell runs. */
#ifndef SELI_KERNEL_HEARTBEAT_H
#define SELI_KERNEL_HEARTBEAT_H

#include "protocol/kernel.h"

/* Bind the REP socket at k->endpoint[CHANNEL_HB] and start echoing.  0 or -1
 * (logged).  The thread ends when the ZeroMQ context is shut down. */
int heartbeat_start(kernel *k);

#endif
