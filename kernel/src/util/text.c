/* text.c: growing strings and lists of strings (see text.h). */
#include "util/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("seli-kernel: out of memory\n", stderr);
        abort();
    }
    return q;
}

char *xstrndup(const char *s, size_t n)
{
    char *r = xrealloc(NULL, n + 1);
    memcpy(r, s, n);
    r[n] = 0;
    return r;
}

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

void text_putn(text_buf *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->data = xrealloc(t->data, t->cap);
    }
    memcpy(t->data + t->len, s, n);
    t->len += n;
    t->data[t->len] = 0;
}

void text_put(text_buf *t, const char *s) { text_putn(t, s, strlen(s)); }

void text_printf(text_buf *t, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if (n >= (int)sizeof buf) {
        char *big = xrealloc(NULL, (size_t)n + 1);
        va_start(ap, fmt);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        va_end(ap);
        text_putn(t, big, (size_t)n);
        free(big);
    } else {
        text_putn(t, buf, (size_t)n);
    }
}

char *text_take(text_buf *t)
{
    char *s = t->data ? t->data : xstrdup("");
    *t = (text_buf){0};
    return s;
}

/* Room for n + 1 elements of size bytes in *v, holding n: the array doubles
 * when n reaches a power of two, so filling it costs linear time. */
void array_grow(void *v, int n, size_t size)
{
    if (n == 0 || (n & (n - 1)) == 0) {
        void **p = v;
        *p = xrealloc(*p, (size_t)(n ? 2 * n : 1) * size);
    }
}

void strlist_add(strlist *l, const char *s)
{
    array_grow(&l->v, l->n, sizeof *l->v);
    l->v[l->n++] = xstrdup(s);
}

int strlist_has(const strlist *l, const char *s)
{
    for (int i = 0; i < l->n; i++)
        if (!strcmp(l->v[i], s))
            return 1;
    return 0;
}

void strings_free(char **v, int n)
{
    for (int i = 0; i < n && v; i++)
        free(v[i]);
    free(v);
}

void strlist_free(strlist *l)
{
    strings_free(l->v, l->n);
    l->v = NULL;
    l->n = 0;
}
