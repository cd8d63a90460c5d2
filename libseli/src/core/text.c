/* text.c: a growing string (see text.h). */
#include "core/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void reserve(seli__text *t, size_t extra)
{
    if (t->len + extra + 1 <= t->cap)
        return;
    size_t cap = t->cap ? t->cap : 256;
    while (cap < t->len + extra + 1)
        cap *= 2;
    char *p = realloc(t->data, cap);
    if (!p)
        seli_error("libseli: out of memory while writing %zu bytes of text", cap);
    t->data = p;
    t->cap = cap;
}

void seli__text_putn(seli__text *t, const char *s, size_t n)
{
    reserve(t, n);
    memcpy(t->data + t->len, s, n);
    t->len += n;
    t->data[t->len] = '\0';
}

void seli__text_put(seli__text *t, const char *s) { seli__text_putn(t, s, strlen(s)); }

void seli__text_repeat(seli__text *t, char c, int n)
{
    if (n <= 0)
        return;
    reserve(t, (size_t)n);
    memset(t->data + t->len, c, (size_t)n);
    t->len += (size_t)n;
    t->data[t->len] = '\0';
}

void seli__text_printf(seli__text *t, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(NULL, 0, format, ap);
    va_end(ap);
    if (n < 0)
        return;
    reserve(t, (size_t)n);
    va_start(ap, format);
    vsnprintf(t->data + t->len, (size_t)n + 1, format, ap);
    va_end(ap);
    t->len += (size_t)n;
}

void seli__text_putn_escaped(seli__text *t, const char *s, size_t n)
{
    const char *start = s, *end = s + n;
    for (; s < end; s++) {
        const char *rep = NULL;
        switch (*s) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&apos;";
            break;
        default:
            /* control characters are not allowed in XML 1.0 */
            if ((unsigned char)*s < 0x20 && *s != '\t')
                rep = " ";
        }
        if (rep) {
            seli__text_putn(t, start, (size_t)(s - start));
            seli__text_put(t, rep);
            start = s + 1;
        }
    }
    seli__text_putn(t, start, (size_t)(s - start));
}

void seli__text_put_escaped(seli__text *t, const char *s) { seli__text_putn_escaped(t, s, strlen(s)); }

unsigned long seli__serial(void)
{
    static unsigned long base, count;
    if (!base)
        base = (((unsigned long)time(NULL) ^ ((unsigned long)getpid() << 7)) & 0xfffff) | 1;
    return base * 4096 + (count++ % 4096);
}
