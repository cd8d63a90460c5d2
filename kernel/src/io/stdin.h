/* stdin.h: reading stdin in a cell asks the client (input_request).
 *
 * The C library's stdin becomes a stream whose reads send an input_request
 * on the stdin channel and wait for the input_reply, so fgets, scanf and
 * getchar work in a notebook.  When the client does not allow stdin, a read
 * ends the cell with an error that says so. */
#ifndef SELI_KERNEL_STDIN_H
#define SELI_KERNEL_STDIN_H

#include "kernel.h"

/* Replace stdin (and fd 0, with /dev/null).  0 or -1. */
int stdin_install(kernel *k);
/* Before a cell runs: reads answer to k->request; allow is its allow_stdin. */
void stdin_begin(kernel *k, int allow);
/* After the cell: no more reads are expected. */
void stdin_end(kernel *k);
/* Make a read that is waiting for input give up (async-signal-safe). */
void stdin_interrupt(void);

#endif
