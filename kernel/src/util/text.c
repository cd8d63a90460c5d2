/* text.c: growing strings and lists of strings (see text.h). */
#include "util/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *sx_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("seli-kernel: out of memory\n", stderr);
        abort();
    }
    return q;
}

char *sx_strndup(const char *s, size_t n)
{
    char *r = sx_realloc(NULL, n + 1);
    memcpy(r, s, n);
    r[n] = 0;
    return r;
}

char *sx_strdup(const char *s) { return sx_strndup(s, strlen(s)); }

void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        b->s = sx_realloc(b->s, b->cap);
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = 0;
}

void sb_str(sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

void sb_printf(sbuf *b, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if (n >= (int)sizeof buf) {
        char *big = sx_realloc(NULL, (size_t)n + 1);
        va_start(ap, fmt);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        va_end(ap);
        sb_add(b, big, (size_t)n);
        free(big);
    } else {
        sb_add(b, buf, (size_t)n);
    }
}

char *sb_take(sbuf *b)
{
    char *s = b->s ? b->s : sx_strdup("");
    *b = (sbuf){0};
    return s;
}

/* Room for n + 1 elements of size bytes in *v, holding n: the array doubles
 * when n reaches a power of two, so filling it costs linear time. */
void sx_grow(void *v, int n, size_t size)
{
    if (n == 0 || (n & (n - 1)) == 0) {
        void **p = v;
        *p = sx_realloc(*p, (size_t)(n ? 2 * n : 1) * size);
    }
}

void sl_add(strlist *l, const char *s)
{
    sx_grow(&l->v, l->n, sizeof *l->v);
    l->v[l->n++] = sx_strdup(s);
}

int sl_has(const strlist *l, const char *s)
{
    for (int i = 0; i < l->n; i++)
        if (!strcmp(l->v[i], s))
            return 1;
    return 0;
}

void sl_free(strlist *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}
