/* traceback.h: where in the user's cells an error happened.
 *
 * The session records every compiled cell in a book: the number Jupyter
 * gave it (In [7]), its text, its translation unit and where its code lies.
 * When a cell fails, the guard has kept the frames in cell code
 * (runtime/backtrace.h); the book turns each into the cell, the line, the
 * function and the source line, reading a cell's lines only then
 * (runtime/debuginfo.h).  Calls out of cell code collapse to the function
 * the cell called ("in seli_matmul"); the kernel's frames never show; a long
 * run of one function (a deep recursion) shows its first and last frames
 * with a count between.  KERNEL_INTERNAL: the session's only. */
#ifndef SELI_KERNEL_TRACEBACK_H
#define SELI_KERNEL_TRACEBACK_H

#include "runtime/backtrace.h"
#include "session/session.h"
#include "runtime/jit.h"
#include "util/text.h"

typedef struct traceback_book traceback_book;

KERNEL_INTERNAL traceback_book *traceback_book_new(void);
KERNEL_INTERNAL void traceback_book_free(traceback_book *b);
/* The cells compiled from now on are In [number] (0: not numbered). */
KERNEL_INTERNAL void traceback_book_number(traceback_book *b, int number);
/* A cell compiled: its text (copied), its unit after the implicit headers
 * (the book takes it; headers_emit with whole gives the unit again; whole
 * -1: it is the whole unit), its code, and the address of its
 * __seli_cell_main in that code. */
KERNEL_INTERNAL void traceback_book_add(traceback_book *b, const char *code, char *unit, int whole,
                                        const jit_code *jc, const void *cell_main);
/* The whole translation unit of s's i-th cell recorded (i < 0: from the
 * last), malloc'd, or NULL (for measurements). */
KERNEL_INTERNAL char *traceback_book_unit(const struct session *s, int i);
/* Append to lines the frames of bt in the user's code of s's cells (its
 * book), innermost first, coloured as ipykernel colours a traceback. */
KERNEL_INTERNAL void traceback_format(struct session *s, const backtrace *bt, strlist *lines);

/* ANSI colours, as ipykernel uses them. */
#define TB_RED "\x1b[0;31m"
#define TB_GREEN "\x1b[0;32m"
#define TB_CYAN "\x1b[0;36m"
#define TB_RESET "\x1b[0m"

#endif
