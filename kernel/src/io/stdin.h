/* stdin.h: reading stdin in a cell asks the client (input_request).
 *
 * The C library's stdin becomes a stream whose reads call the ask function
 * handed in (protocol/input.c: an input_request on the stdin channel, then
 * the input_reply), so fgets, scanf and getchar work in a notebook.  When
 * the client does not allow stdin, a read ends the cell with an error that
 * says so. */
#ifndef SELI_KERNEL_STDIN_H
#define SELI_KERNEL_STDIN_H

/* Ask for one line of input: a malloc'd line without its newline, or NULL
 * when interrupted (see stdin_interrupted) or the channel failed. */
typedef char *(*stdin_ask_fn)(void *ctx);

/* Replace stdin (and fd 0, with /dev/null); reads call ask(ctx).  0 or -1. */
int stdin_install(stdin_ask_fn ask, void *ctx);
/* Before a cell runs: allow is its request's allow_stdin. */
void stdin_begin(int allow);
/* After the cell: no more reads are expected. */
void stdin_end(void);
/* Make a read that is waiting for input give up (async-signal-safe). */
void stdin_interrupt(void);
/* Nonzero once stdin_interrupt was called during this cell: the ask
 * function polls it and gives up. */
int stdin_interrupted(void);

#endif
