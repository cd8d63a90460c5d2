/* text.h: growing strings and lists of strings, for the cell side of the
 * kernel (the front end and the session).
 *
 * libseli has its own growing string, seli__text (libseli/src/core/text.h),
 * and text_buf keeps its field names (data, len, cap) and verbs (put, putn,
 * printf).  They stay two because they fail differently: libseli reports
 * out of memory as a seli_error that unwinds the caller, while the kernel
 * cannot go on without memory and aborts (xrealloc), and libseli never
 * includes anything of the kernel. */
#ifndef SELI_KERNEL_TEXT_H
#define SELI_KERNEL_TEXT_H

#include <stddef.h>

/* Internal to the kernel: not exported to cells (the kernel is linked with
 * -rdynamic), so a cell's own function of the same name is not shadowed. */
#define KERNEL_INTERNAL __attribute__((visibility("hidden")))

/* realloc, strdup and strndup that never return NULL: out of memory aborts
 * (the x prefix is C's usual name for that, as in git and gnulib). */
KERNEL_INTERNAL void *xrealloc(void *p, size_t n);
KERNEL_INTERNAL char *xstrdup(const char *s);
KERNEL_INTERNAL char *xstrndup(const char *s, size_t n);
/* Make room for element n of the array *v (a pointer to the array pointer)
 * of elements of size bytes that holds n: it doubles when n is a power of
 * two, so an array filled one element at a time costs linear time. */
KERNEL_INTERNAL void array_grow(void *v, int n, size_t size);
/* Free the n malloc'd strings of v, then v (NULL is nothing). */
KERNEL_INTERNAL void strings_free(char **v, int n);

/* A growing string; {0} is empty. */
typedef struct text_buf {
    char *data; /* NUL-terminated once anything was added */
    size_t len, cap;
} text_buf;

KERNEL_INTERNAL void text_putn(text_buf *t, const char *s, size_t n);
KERNEL_INTERNAL void text_put(text_buf *t, const char *s);
KERNEL_INTERNAL void text_printf(text_buf *t, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
/* The text (malloc'd; "" when nothing was added).  The caller owns it, and
 * t is empty again. */
KERNEL_INTERNAL char *text_take(text_buf *t);

/* A list of malloc'd strings; {0} is empty. */
typedef struct strlist {
    char **v;
    int n;
} strlist;

KERNEL_INTERNAL void strlist_add(strlist *l, const char *s);
KERNEL_INTERNAL int strlist_has(const strlist *l, const char *s);
KERNEL_INTERNAL void strlist_free(strlist *l);

#endif
