/* traceback.h: where a plain program was when libseli reported an error. */
#ifndef SELI_CORE_TRACEBACK_H
#define SELI_CORE_TRACEBACK_H

#include <stdio.h>

#include "core/internal.h"

/* Print to out the frames of the calling thread's stack in the program's
 * own code, innermost first, after one line naming the libseli function
 * that the program called: "  in seli_matmul", then
 * "  prog.c:12, in train_step:   h = seli_matmul(x, w);".  Lines come from
 * binutils' addr2line when it is installed and the program has debugging
 * information (-g); otherwise functions only, where the dynamic symbol table
 * names them.  For the default error handler, just before the program
 * exits; SELI_TRACEBACK=0 turns it off. */
SELI_INTERNAL void seli__print_traceback(FILE *out);

#endif
