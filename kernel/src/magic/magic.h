/* magic.h: magics, the lines of a cell that start with '%' (which C never
 * has): %timeit, %time, %whos, %reset, %link, %args, %lsmagic, and the
 * cell magics %%timeit and %%time.  The protocol hands every cell here;
 * what is not a magic goes to the session unchanged.
 *
 * The room sits between protocol/ and session/: it calls the session (and
 * its internals, as introspection/ does) and nothing above it. */
#ifndef SELI_KERNEL_MAGIC_H
#define SELI_KERNEL_MAGIC_H

#include "session/session.h"

/* Run one cell: a cell that starts with "%%name" is a cell magic; in any
 * other cell, each line that starts with '%' and a letter is a line magic,
 * run in order with the C between them (which keeps its line numbers).  The
 * first error ends the cell; an unknown magic is an error that lists the
 * known ones. */
void magic_execute(session *s, const char *code, exec_result *out);

#endif
