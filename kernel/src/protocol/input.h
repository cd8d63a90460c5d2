/* input.h: input_request on the stdin channel, for a cell that reads stdin
 * (io/stdin.h hands its reads here). */
#ifndef SELI_KERNEL_INPUT_H
#define SELI_KERNEL_INPUT_H

/* Send an input_request for the running execution of the kernel k (a
 * kernel *) and wait for the input_reply.  Returns a malloc'd line (without
 * the newline), or NULL when interrupted, shut down or the socket failed.
 * A stdin_ask_fn. */
char *input_ask(void *k);

#endif
