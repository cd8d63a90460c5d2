/* text.h: a growing, NUL-terminated string, for everything libseli writes
 * as text: tensors and modules as text or HTML, SVG figures, progress bars
 * (private).  {0} is empty; data is malloc'd and belongs to the caller once
 * the text is complete.  Out of memory is a seli_error. */
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

#endif
