/* alloc.h: malloc that never returns NULL (private).
 *
 * For memory libseli owns outside any scope (figures, progress bars,
 * modules): running out of memory is reported through seli_error, with `op`
 * naming the caller, so callers need no NULL checks. */
#ifndef SELI_ALLOC_H
#define SELI_ALLOC_H

#include <stddef.h>

#include "core/internal.h"

/* size bytes (at least 1) from malloc; never NULL: out of memory is the
 * error "op: out of memory (size bytes)".  The caller frees. */
SELI_INTERNAL void *seli__xmalloc(const char *op, size_t size);
/* A malloc'd copy of s (NULL gives NULL), with the same error. */
SELI_INTERNAL char *seli__xstrdup(const char *op, const char *s);

#endif
