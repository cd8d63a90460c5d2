/* magic_internal.h: what the files of magic/ share.  Each magic is a
 * function that takes the session, its arguments (the rest of the line) and,
 * for a cell magic, the cell's body; it fills out as session_execute does. */
#ifndef SELI_KERNEL_MAGIC_INTERNAL_H
#define SELI_KERNEL_MAGIC_INTERNAL_H

#include "magic/magic.h"
#include "session/session_internal.h"

/* A magic: args is the text after its name; body the cell's other lines
 * (cell magics) or NULL (line magics); line the cell line of the magic. */
typedef void (*magic_fn)(session *s, const char *args, const char *body, int line,
                         exec_result *out);

/* Fill out with an error: ename, and a one-line message (printf format). */
KERNEL_INTERNAL void magic_error(exec_result *out, const char *ename, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
/* Split args into words (spaces separate; '...' and "..." quote); malloc'd
 * strings in *words.  Returns the count. */
KERNEL_INTERNAL int magic_words(const char *args, strlist *words);

/* magic_time.c */
KERNEL_INTERNAL void magic_time(session *s, const char *args, const char *body, int line,
                                exec_result *out);
KERNEL_INTERNAL void magic_timeit(session *s, const char *args, const char *body, int line,
                                  exec_result *out);
/* magic_whos.c */
KERNEL_INTERNAL void magic_whos(session *s, const char *args, const char *body, int line,
                                exec_result *out);
/* magic_session.c: %reset, %link, %args */
KERNEL_INTERNAL void magic_reset(session *s, const char *args, const char *body, int line,
                                 exec_result *out);
KERNEL_INTERNAL void magic_link(session *s, const char *args, const char *body, int line,
                                exec_result *out);
KERNEL_INTERNAL void magic_args(session *s, const char *args, const char *body, int line,
                                exec_result *out);

#endif
