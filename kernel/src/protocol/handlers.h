/* handlers.h: one function per request type, and the table that maps a
 * msg_type to its function.
 *
 * Adding a message type touches one row of the table in handlers.c and one
 * function. */
#ifndef SELI_KERNEL_HANDLERS_H
#define SELI_KERNEL_HANDLERS_H

#include "protocol/kernel.h"

/* Handle request m that arrived on socket, which is channel ch (shell or
 * control), bracketed by status busy / idle on iopub.  Unknown or
 * misdirected types are logged and ignored. */
void handlers_dispatch(kernel *k, void *socket, channel_id ch, const jmsg *m);
/* The content of kernel_info_reply.  New reference. */
json_t *kernel_info_content(void);

#endif
