/* show.c: seli_show's functions, one per basic type (see seli/show.h). */
#include "seli/show.h"

#include "seli/display.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void show_text(const char *text) { seli_display("text/plain", text); }

static void show_fmt(const char *fmt, long long v)
{
    char buf[64];
    snprintf(buf, sizeof buf, fmt, v);
    show_text(buf);
}

void seli_show_bool(_Bool v) { show_text(v ? "true" : "false"); }
void seli_show_short(short v) { show_fmt("%lld", v); }
void seli_show_ushort(unsigned short v) { show_fmt("%lld", v); }
void seli_show_int(int v) { show_fmt("%lld", v); }
void seli_show_uint(unsigned int v) { show_fmt("%lld", (long long)v); }
void seli_show_long(long v) { show_fmt("%lld", v); }
void seli_show_llong(long long v) { show_fmt("%lld", v); }
void seli_show_schar(signed char v) { show_fmt("%lld", v); }
void seli_show_uchar(unsigned char v) { show_fmt("%lld", v); }

void seli_show_ulong(unsigned long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lu", v);
    show_text(buf);
}

void seli_show_ullong(unsigned long long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%llu", v);
    show_text(buf);
}

/* Append c to out as it would be written inside a C literal quoted by q. */
static size_t escape(char *out, unsigned char c, char q)
{
    switch (c) {
    case '\n':
        return (size_t)sprintf(out, "\\n");
    case '\t':
        return (size_t)sprintf(out, "\\t");
    case '\r':
        return (size_t)sprintf(out, "\\r");
    case '\\':
        return (size_t)sprintf(out, "\\\\");
    case '\0':
        return (size_t)sprintf(out, "\\0");
    default:
        if (c == (unsigned char)q)
            return (size_t)sprintf(out, "\\%c", q);
        if (c < 32 || c == 127)
            return (size_t)sprintf(out, "\\x%02x", c);
        out[0] = (char)c;
        return 1;
    }
}

void seli_show_char(char v)
{
    char buf[32];
    size_t n = 0;
    buf[n++] = '\'';
    n += escape(buf + n, (unsigned char)v, '\'');
    snprintf(buf + n, sizeof buf - n, "' (%d)", (int)v);
    show_text(buf);
}

/* The shortest %g form that reads back as v. */
static void show_real(double v, int max_digits, int is_float)
{
    char buf[64];
    if (isnan(v)) {
        show_text("nan");
        return;
    }
    if (isinf(v)) {
        show_text(v > 0 ? "inf" : "-inf");
        return;
    }
    int p = 1;
    for (; p <= max_digits; p++) {
        snprintf(buf, sizeof buf, "%.*g", p, v);
        double back = strtod(buf, NULL);
        if (is_float ? (float)back == (float)v : back == v)
            break;
    }
    /* Whole digits below 1e16 are written out (300, not 3e+02), as a reader expects. */
    double mag = fabs(v);
    if (mag >= 1 && mag < 1e16) {
        int digits = (int)floor(log10(mag)) + 1;
        if (p < digits) {
            snprintf(buf, sizeof buf, "%.*g", digits, v);
        }
    }
    show_text(buf);
}

void seli_show_float(float v) { show_real(v, 9, 1); }
void seli_show_double(double v) { show_real(v, 17, 0); }

void seli_show_ldouble(long double v)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.21Lg", v);
    show_text(buf);
}

void seli_show_string(const char *s)
{
    if (!s) {
        show_text("NULL");
        return;
    }
    size_t n = strlen(s);
    char *buf = malloc(4 * n + 3);
    if (!buf) {
        show_text("<string>");
        return;
    }
    size_t o = 0;
    buf[o++] = '"';
    for (size_t i = 0; i < n; i++)
        o += escape(buf + o, (unsigned char)s[i], '"');
    buf[o++] = '"';
    buf[o] = 0;
    show_text(buf);
    free(buf);
}

void seli_show_pointer(const void *p)
{
    char buf[32];
    if (!p)
        snprintf(buf, sizeof buf, "NULL");
    else
        snprintf(buf, sizeof buf, "%p", p);
    show_text(buf);
}

void seli_show_value(void) { show_text("<value>"); }
