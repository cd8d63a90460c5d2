/* text.h: a growing, NUL-terminated string, for everything libseli writes
 * as text: tensors and modules as text or HTML, SVG figures, progress bars
 * (private).  {0} is empty; data is malloc'd and belongs to the caller once
 * the text is complete.  Out of memory is a seli_error.
 *
 * The kernel has a string builder of its own, text_buf (kernel/src/util/text.h),
 * and keeps it on purpose: the kernel aborts when memory runs out, while
 * libseli must raise a seli_error that the kernel's handler unwinds, and
 * libseli never includes anything of the kernel.  The two share the field
 * names data, len and cap. */
#ifndef SELI_TEXT_H
#define SELI_TEXT_H

#include <stddef.h>

#include "core/internal.h"

typedef struct seli__text {
    char *data; /* NUL-terminated once anything was added */
    size_t len, cap;
} seli__text;

SELI_INTERNAL void seli__text_putn(seli__text *t, const char *s, size_t n);
SELI_INTERNAL void seli__text_put(seli__text *t, const char *s);
/* n copies of c (nothing when n <= 0). */
SELI_INTERNAL void seli__text_repeat(seli__text *t, char c, int n);
SELI_INTERNAL void seli__text_printf(seli__text *t, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
/* s with & < > " ' escaped and control characters (but tab) as spaces: safe
 * in XML and HTML element content and attribute values (SVG, HTML tables,
 * the progress bar). */
SELI_INTERNAL void seli__text_put_escaped(seli__text *t, const char *s);
/* The same for the n bytes at s. */
SELI_INTERNAL void seli__text_putn_escaped(seli__text *t, const char *s, size_t n);
/* A number for ids unique across the displays of a page (clip paths of
 * figures, progress bars): random per process, counting up. */
SELI_INTERNAL unsigned long seli__serial(void);

#endif
