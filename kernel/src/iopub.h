/* iopub.h: the one publisher of the iopub channel.
 *
 * ZeroMQ sockets are not thread-safe, so every thread hands its iopub
 * messages to a queue; one thread owns the PUB socket and drains the queue
 * in order. */
#ifndef SELI_KERNEL_IOPUB_H
#define SELI_KERNEL_IOPUB_H

#include "message.h"

/* Start the publisher thread; it binds a PUB socket at endpoint.  Returns 0,
 * or -1 (logged) if the bind failed.  w must outlive the publisher. */
int iopub_start(void *zmq_context, const char *endpoint, const wire *w);
/* Send everything queued, then stop the thread and close the socket. */
void iopub_stop(void);

/* Publish msg_type with content (stolen) and parent_header (borrowed; NULL
 * means the current parent, see iopub_set_parent).  Thread-safe. */
void iopub_send(const char *msg_type, json_t *content, const json_t *parent_header);
/* status message: state is "busy", "idle" or "starting". */
void iopub_status(const char *state, const json_t *parent_header);
/* A stream message ("stdout" / "stderr") with len bytes of UTF-8 text,
 * under the current parent. */
void iopub_stream(const char *name, const char *text, size_t len);
/* The header that output without an explicit parent (streams, displays)
 * answers to; NULL clears it.  Thread-safe (the header is copied). */
void iopub_set_parent(const json_t *parent_header);
/* Block until the queue is empty and everything was handed to ZeroMQ. */
void iopub_drain(void);

#endif
