/* iopub.h: the one publisher of the iopub channel.
 *
 * ZeroMQ sockets are not thread-safe, so every thread hands its iopub
 * messages to a queue; one thread owns the PUB socket and drains the queue
 * in order.
 *
 * Nothing is dropped silently: the socket does not drop at its high-water
 * mark (ZMQ_XPUB_NODROP); the publisher waits for a slow subscriber instead,
 * up to 5 s per message.  A subscriber that reads nothing for that
 * long is taken as stuck: the message is dropped with a line in the log,
 * and until a send succeeds again the publisher waits only briefly for
 * status, error and execute_result, and not at all for the rest.  (A client
 * that is gone is no subscriber: ZeroMQ drops its connection.)
 *
 * The socket is an XPUB: each new subscription is answered at once with an
 * iopub_welcome message (JEP 65) whose content names the subscription. */
#ifndef SELI_KERNEL_IOPUB_H
#define SELI_KERNEL_IOPUB_H

#include "protocol/message.h"

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
/* Wait up to timeout_ms for the queue to hold fewer than max_items
 * messages; 1 if it does (or the publisher is not running), 0 on timeout.
 * Producers of bulk output (capture) call it so that a slow client slows
 * them down instead of the queue growing without bound. */
int iopub_wait_below(int max_items, int timeout_ms);

#endif
