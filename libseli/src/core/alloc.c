/* alloc.c: malloc that never returns NULL (see alloc.h). */
#include "core/alloc.h"

#include <stdlib.h>
#include <string.h>

void *seli__xmalloc(const char *op, size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        seli_error("%s: out of memory (%zu bytes)", op, size);
    return p;
}

char *seli__xstrdup(const char *op, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    return memcpy(seli__xmalloc(op, n), s, n);
}
