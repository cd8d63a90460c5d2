/* visible.h: the names a cell declares before a point of its text and that
 * are in scope at that point, for completion.
 *
 * The cell front end (cell_parse) reads the text before the point: the
 * cell's own top-level declarations (variables, functions, prototypes,
 * typedef names, enumerators, macros), then, inside each block that is
 * still open at the point, the declarations of that block, and the
 * parameters of the function (or the declaration of the for loop) that
 * owns the block.  Struct and union members are no names of their own,
 * and the declarations of blocks already closed are out of scope. */
#ifndef SELI_KERNEL_VISIBLE_H
#define SELI_KERNEL_VISIBLE_H

#include "frontend/cell.h"
#include "util/text.h"

#include <stddef.h>

/* Add to out (duplicates possible) the names that code[0..end) declares and
 * that are in scope at code[end].  is_type (may be NULL) and ctx tell the
 * front end which other identifiers name types (see cell_parse). */
KERNEL_INTERNAL void visible_names(const char *code, size_t end, cell_is_type_fn is_type, void *ctx,
                                   strlist *out);

#endif
