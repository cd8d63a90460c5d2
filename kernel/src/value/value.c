/* value.c: values written as C initialisers, for a cell's result and for
 * %whos: scalars (3, 0.1, true, 'a', "text"), arrays with their elements
 * ({ 3, 1, 2 }, nested for more dimensions, elided past VALUE_MAX_ELEMENTS
 * elements) and structs by their fields ({ .x = 1, .y = 2 }).
 *
 * Cells reach the value_fmt_* functions as runtime symbols (__seli_fmt_*,
 * listed by session/show.c, which also writes the code
 * that a result's type selects). */
#include "value/value.h"

#include "seli/display.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Element sizes of the kinds (value.h). */
static size_t kind_size(int kind)
{
    static const size_t sizes[] = {0,
                                   sizeof(_Bool),
                                   sizeof(char),
                                   sizeof(signed char),
                                   sizeof(unsigned char),
                                   sizeof(short),
                                   sizeof(unsigned short),
                                   sizeof(int),
                                   sizeof(unsigned),
                                   sizeof(long),
                                   sizeof(unsigned long),
                                   sizeof(long long),
                                   sizeof(unsigned long long),
                                   sizeof(float),
                                   sizeof(double),
                                   sizeof(long double),
                                   sizeof(char *),
                                   sizeof(void *)};
    return kind > 0 && kind < VALUE_KINDS ? sizes[kind] : 0;
}

/* The shortest %g that reads back as v. */
static void put_real(text_buf *b, long double v, int digits_max, int is_float)
{
    char buf[64];
    if (isnan(v) || isinf(v)) {
        text_put(b, isnan(v) ? "nan" : v < 0 ? "-inf" : "inf");
        return;
    }
    for (int d = 1; d <= digits_max; d++) {
        snprintf(buf, sizeof buf, "%.*Lg", d, v);
        long double back = strtold(buf, NULL);
        if (is_float           ? (float)back == (float)v
            : digits_max == 17 ? (double)back == (double)v
                               : back == v)
            break;
    }
    text_put(b, buf);
}

static void put_quoted(text_buf *b, const char *s, size_t max, char q)
{
    text_putn(b, &q, 1);
    for (size_t i = 0; i < max && s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n')
            text_put(b, "\\n");
        else if (c == '\t')
            text_put(b, "\\t");
        else if (c == '\\' || c == (unsigned char)q)
            text_printf(b, "\\%c", c);
        else if (c < 32 || c == 127)
            text_printf(b, "\\x%02x", c);
        else
            text_putn(b, (const char *)&c, 1);
    }
    text_putn(b, &q, 1);
}

void value_scalar(text_buf *b, int kind, const void *p)
{
    switch (kind) {
    case VALUE_BOOL:
        text_put(b, *(const _Bool *)p ? "true" : "false");
        break;
    case VALUE_CHAR: {
        char c = *(const char *)p;
        if (c)
            put_quoted(b, &c, 1, '\'');
        else
            text_put(b, "'\\0'");
        break;
    }
    case VALUE_SCHAR:
        text_printf(b, "%d", *(const signed char *)p);
        break;
    case VALUE_UCHAR:
        text_printf(b, "%u", *(const unsigned char *)p);
        break;
    case VALUE_SHORT:
        text_printf(b, "%d", *(const short *)p);
        break;
    case VALUE_USHORT:
        text_printf(b, "%u", *(const unsigned short *)p);
        break;
    case VALUE_INT:
        text_printf(b, "%d", *(const int *)p);
        break;
    case VALUE_UINT:
        text_printf(b, "%u", *(const unsigned *)p);
        break;
    case VALUE_LONG:
        text_printf(b, "%ld", *(const long *)p);
        break;
    case VALUE_ULONG:
        text_printf(b, "%lu", *(const unsigned long *)p);
        break;
    case VALUE_LLONG:
        text_printf(b, "%lld", *(const long long *)p);
        break;
    case VALUE_ULLONG:
        text_printf(b, "%llu", *(const unsigned long long *)p);
        break;
    case VALUE_FLOAT:
        put_real(b, *(const float *)p, 9, 1);
        break;
    case VALUE_DOUBLE:
        put_real(b, *(const double *)p, 17, 0);
        break;
    case VALUE_LDOUBLE:
        put_real(b, *(const long double *)p, 21, 0);
        break;
    case VALUE_STRING: {
        const char *s = *(const char *const *)p;
        if (s)
            put_quoted(b, s, 200, '"');
        else
            text_put(b, "NULL");
        break;
    }
    case VALUE_POINTER: {
        const void *q = *(const void *const *)p;
        if (q)
            text_printf(b, "%p", q);
        else
            text_put(b, "NULL");
        break;
    }
    default:
        text_put(b, "<value>");
        break;
    }
}

/* Should element i of n be written (1), replaced by "..." (2, once) or
 * skipped (0)?  Past VALUE_MAX_ELEMENTS elements in all, each dimension
 * shows its first and last VALUE_EDGE elements. */
static int shown(size_t i, size_t n, int elide)
{
    if (!elide || n <= 2 * VALUE_EDGE)
        return 1;
    if (i < VALUE_EDGE || i >= n - VALUE_EDGE)
        return 1;
    return i == VALUE_EDGE ? 2 : 0;
}

static void put_array(text_buf *b, const value_array *a, const char *data, int dim, int elide)
{
    size_t n = a->dims[dim], stride = a->esize;
    for (int d = dim + 1; d < a->ndim; d++)
        stride *= a->dims[d];
    if (dim == a->ndim - 1 && a->kind == VALUE_CHAR) {
        /* A char array is a string (stopping at its first NUL). */
        put_quoted(b, data, n, '"');
        return;
    }
    text_put(b, "{ ");
    int first = 1;
    for (size_t i = 0; i < n; i++) {
        int s = shown(i, n, elide);
        if (!s)
            continue;
        text_put(b, first ? "" : ", ");
        first = 0;
        if (s == 2) {
            text_put(b, "...");
            continue;
        }
        const char *p = data + i * stride;
        if (dim + 1 < a->ndim)
            put_array(b, a, p, dim + 1, elide);
        else if (a->elem)
            a->elem(b, p);
        else
            value_scalar(b, a->kind, p);
    }
    text_put(b, first ? "}" : " }");
}

void value_array_put(text_buf *b, const value_array *a)
{
    if (a->ndim == 0) {
        if (a->elem)
            a->elem(b, a->data);
        else
            value_scalar(b, a->kind, a->data);
        return;
    }
    size_t total = 1;
    for (int d = 0; d < a->ndim; d++)
        total *= a->dims[d];
    put_array(b, a, a->data, 0, total > VALUE_MAX_ELEMENTS);
}

int value_kind_of(const char *type)
{
    static const char *const names[][3] = {{"", "", ""},
                                           {"_Bool", "bool", ""},
                                           {"char", "", ""},
                                           {"signed char", "", ""},
                                           {"unsigned char", "uint8_t", ""},
                                           {"short", "short int", "int16_t"},
                                           {"unsigned short", "unsigned short int", "uint16_t"},
                                           {"int", "signed", "int32_t"},
                                           {"unsigned", "unsigned int", "uint32_t"},
                                           {"long", "long int", "int64_t"},
                                           {"unsigned long", "size_t", "uint64_t"},
                                           {"long long", "long long int", "ptrdiff_t"},
                                           {"unsigned long long", "unsigned long long int", ""},
                                           {"float", "", ""},
                                           {"double", "", ""},
                                           {"long double", "", ""},
                                           {"char *", "const char *", ""},
                                           {"void *", "const void *", ""}};
    if (!strncmp(type, "static ", 7))
        type += 7;
    for (int k = 1; k < VALUE_KINDS; k++)
        for (int j = 0; j < 3; j++)
            if (names[k][j][0] && !strcmp(type, names[k][j]))
                return k;
    if (!strcmp(type, "int8_t") || !strcmp(type, "signed char"))
        return VALUE_SCHAR;
    return VALUE_UNKNOWN;
}

size_t value_kind_size(int kind) { return kind_size(kind); }

/* ------------------------------------------------ what cells call (show.c) */

void value_fmt_field(void *b, int kind, unsigned long esize, const void *data, int ndim,
                      const unsigned long *dims, value_elem_fn elem)
{
    value_array a = {kind, esize, data, 0, {0}, elem};
    for (int d = 0; d < ndim && d < VALUE_MAX_DIMS; d++)
        a.dims[a.ndim++] = dims[d];
    if (!a.esize)
        a.esize = value_kind_size(kind);
    value_array_put(b, &a);
}

void value_fmt_text(void *b, const char *s) { text_put(b, s); }

/* Show the text as the cell's result. */
static void fmt_show(text_buf *b)
{
    seli_display("text/plain", b->data ? b->data : "");
    free(b->data);
}

void value_fmt_array(int kind, unsigned long esize, const void *data, int ndim,
                      const unsigned long *dims, value_elem_fn elem)
{
    text_buf b = {0};
    value_fmt_field(&b, kind, esize, data, ndim, dims, elem);
    fmt_show(&b);
}

void value_fmt_struct(value_elem_fn fn, const void *p)
{
    text_buf b = {0};
    fn(&b, p);
    fmt_show(&b);
}
