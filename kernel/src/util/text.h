/* text.h: growing strings and lists of strings, for the cell side of the
 * kernel (the front end and the session).  Allocation failure aborts. */
#ifndef SELI_KERNEL_TEXT_H
#define SELI_KERNEL_TEXT_H

#include <stddef.h>

/* Internal to the kernel: not exported to cells (the kernel is linked with
 * -rdynamic), so a cell's own function of the same name is not shadowed. */
#define SX_INTERNAL __attribute__((visibility("hidden")))

SX_INTERNAL void *sx_realloc(void *p, size_t n);
SX_INTERNAL char *sx_strdup(const char *s);
SX_INTERNAL char *sx_strndup(const char *s, size_t n);
/* Make room for element n of the array *v (a pointer to the array pointer)
 * of elements of size bytes that holds n: it doubles when n is a power of
 * two, so an array filled one element at a time costs linear time. */
SX_INTERNAL void sx_grow(void *v, int n, size_t size);

/* A growing string; {0} is empty.  s is NUL-terminated once anything was added. */
typedef struct sbuf {
    char *s;
    size_t n, cap;
} sbuf;

SX_INTERNAL void sb_add(sbuf *b, const char *s, size_t n);
SX_INTERNAL void sb_str(sbuf *b, const char *s);
SX_INTERNAL void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The text (malloc'd; "" when nothing was added).  The caller owns it. */
SX_INTERNAL char *sb_take(sbuf *b);

/* A list of malloc'd strings; {0} is empty. */
typedef struct strlist {
    char **v;
    int n;
} strlist;

SX_INTERNAL void sl_add(strlist *l, const char *s);
SX_INTERNAL int sl_has(const strlist *l, const char *s);
SX_INTERNAL void sl_free(strlist *l);

#endif
