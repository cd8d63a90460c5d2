/* svg.c: writing SVG text (into a seli__text, text.h).
 *
 * Compact numbers (escaping is core/text.c's), labels with simple sub- and
 * superscripts (x_1, x^2, x_{ij}, $...$), multi-line <text> elements and an
 * estimate of text width (DejaVu Sans metrics) for the layout. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot/svg.h"

static void put_num(seli__text *s, double v, int decimals)
{
    if (!isfinite(v))
        v = 0;
    char buf[32], *p = buf + sizeof buf;
    int scale = decimals == 2 ? 100 : 10;
    long long r = llround(fabs(v) * scale);
    *--p = '\0';
    int frac = (int)(r % scale);
    long long whole = r / scale;
    if (decimals == 1 && frac) {
        *--p = (char)('0' + frac);
        *--p = '.';
    } else if (frac) {
        if (frac % 10) {
            *--p = (char)('0' + frac % 10);
            *--p = (char)('0' + frac / 10);
        } else {
            *--p = (char)('0' + frac / 10);
        }
        *--p = '.';
    }
    do {
        *--p = (char)('0' + whole % 10);
        whole /= 10;
    } while (whole);
    if (v < 0 && r != 0)
        *--p = '-';
    seli__text_put(s, p);
}

void seli__svg_num(seli__text *s, double v) { put_num(s, v, 2); }

void seli__svg_num1(seli__text *s, double v) { put_num(s, v, 1); }

void seli__svg_xy(seli__text *s, const char *cmd, double x, double y)
{
    seli__text_put(s, cmd);
    seli__svg_num(s, x);
    seli__text_put(s, " ");
    seli__svg_num(s, y);
}

void seli__svg_alpha(seli__text *s, const char *name, double alpha)
{
    if (!(alpha < 1))
        return;
    seli__text_printf(s, " %s=\"", name);
    seli__svg_num(s, alpha);
    seli__text_put(s, "\"");
}

/* --- labels: runs of text, each at a baseline shift (-1 sub, 0, +1 super) --- */

typedef void (*run_fn)(void *ctx, const char *text, size_t n, int shift, int italic);

static const struct {
    const char *name, *utf8;
} symbols[] = {
    {"alpha", "\xce\xb1"},     {"beta", "\xce\xb2"},  {"gamma", "\xce\xb3"}, {"delta", "\xce\xb4"},
    {"epsilon", "\xce\xb5"},   {"eta", "\xce\xb7"},   {"theta", "\xce\xb8"}, {"lambda", "\xce\xbb"},
    {"mu", "\xce\xbc"},        {"pi", "\xcf\x80"},    {"rho", "\xcf\x81"},   {"sigma", "\xcf\x83"},
    {"tau", "\xcf\x84"},       {"phi", "\xcf\x86"},   {"psi", "\xcf\x88"},   {"omega", "\xcf\x89"},
    {"nabla", "\xe2\x88\x87"}, {"sim", "~"},          {"times", "\xc3\x97"}, {"cdot", "\xc2\xb7"},
    {"infty", "\xe2\x88\x9e"}, {"Delta", "\xce\x94"}, {"Sigma", "\xce\xa3"},
};

static int is_word_byte(unsigned char c)
{
    return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Outside $...$, '_' or '^' at i starts a script when it follows a one-letter
 * (one code point) name: "x_1", "p_θ", but not "learning_rate". */
static int script_here(const char *s, size_t n, size_t i)
{
    if (i == 0 || i + 1 >= n || s[i + 1] == ' ')
        return 0;
    size_t p = i - 1;
    while (p > 0 && ((unsigned char)s[p] & 0xC0) == 0x80)
        p--;
    if (!is_word_byte((unsigned char)s[p]))
        return 0;
    return p == 0 || !is_word_byte((unsigned char)s[p - 1]) || s[p - 1] == '}';
}

static size_t utf8_len(unsigned char c) { return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4; }

static void walk(const char *s, size_t n, run_fn fn, void *ctx)
{
    size_t i = 0, start = 0;
    int math = 0;
    while (i < n) {
        char c = s[i];
        if (c == '$' && (math || memchr(s + i + 1, '$', n - i - 1))) {
            if (i > start)
                fn(ctx, s + start, i - start, 0, math);
            math = !math;
            start = ++i;
            continue;
        }
        if (math && c == '\\') {
            size_t j = i + 1;
            while (j < n && ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z')))
                j++;
            for (size_t k = 0; k < sizeof symbols / sizeof symbols[0]; k++)
                if (strlen(symbols[k].name) == j - i - 1 &&
                    memcmp(symbols[k].name, s + i + 1, j - i - 1) == 0) {
                    if (i > start)
                        fn(ctx, s + start, i - start, 0, math);
                    fn(ctx, symbols[k].utf8, strlen(symbols[k].utf8), 0, 0);
                    start = i = j;
                    break;
                }
            if (i != j)
                i++;
            continue;
        }
        if ((c == '_' || c == '^') && i + 1 < n && (math || script_here(s, n, i))) {
            if (i > start)
                fn(ctx, s + start, i - start, 0, math);
            int shift = c == '^' ? 1 : -1;
            i++;
            if (s[i] == '{') {
                size_t j = i + 1;
                while (j < n && s[j] != '}')
                    j++;
                fn(ctx, s + i + 1, j - i - 1, shift, math);
                i = j < n ? j + 1 : j;
            } else {
                size_t len = utf8_len((unsigned char)s[i]);
                if (len > n - i)
                    len = n - i;
                fn(ctx, s + i, len, shift, math);
                i += len;
            }
            start = i;
            continue;
        }
        i++;
    }
    if (n > start)
        fn(ctx, s + start, n - start, 0, math);
}

static void render_run(void *ctx, const char *text, size_t n, int shift, int italic)
{
    seli__text *s = ctx;
    if (shift || italic) {
        seli__text_put(s, "<tspan");
        if (shift)
            seli__text_put(s, shift > 0 ? " baseline-shift=\"super\" font-size=\"70%\""
                                        : " baseline-shift=\"sub\" font-size=\"70%\"");
        if (italic)
            seli__text_put(s, " font-style=\"italic\"");
        seli__text_put(s, ">");
    }
    seli__text_putn_escaped(s, text, n);
    if (shift || italic)
        seli__text_put(s, "</tspan>");
}

/* One line of a label, escaped, with x_1, x^2, x_{ij} and $...$ rendered as
 * <tspan baseline-shift> sub/superscripts. */
static void svg_label(seli__text *s, const char *line, size_t n) { walk(line, n, render_run, s); }

/* DejaVu Sans advance widths, in 1/2048 em, for ASCII 32..126. */
static const unsigned short advance[95] = {
    651,  821,  942,  1716, 1303, 1946, 1597, 563,  799,  799,  1024, 1716, 651,  739,  651,  690,
    1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 690,  690,  1716, 1716, 1716, 1087,
    2048, 1401, 1405, 1430, 1577, 1294, 1178, 1587, 1540, 604,  604,  1343, 1141, 1767, 1532, 1612,
    1235, 1612, 1423, 1300, 1251, 1499, 1401, 2025, 1403, 1251, 1405, 799,  690,  799,  1716, 1024,
    1024, 1255, 1300, 1126, 1300, 1260, 721,  1300, 1298, 569,  569,  1186, 569,  1995, 1298, 1253,
    1300, 1300, 842,  1067, 803,  1298, 1212, 1675, 1212, 1212, 1075, 1303, 690,  1303, 1716,
};

static void measure_run(void *ctx, const char *text, size_t n, int shift, int italic)
{
    (void)italic;
    double w = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)text[i];
        if (c >= 32 && c < 127) {
            w += advance[c - 32] / 2048.0;
            i++;
        } else {
            w += 0.75; /* Greek letters, the minus sign, ... */
            i += utf8_len(c);
        }
    }
    *(double *)ctx += shift ? 0.7 * w : w;
}

double seli__text_width(const char *text, double size)
{
    double best = 0;
    if (!text)
        return 0;
    const char *p = text;
    for (;;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        double w = 0;
        walk(p, n, measure_run, &w);
        if (w > best)
            best = w;
        if (!e)
            break;
        p = e + 1;
    }
    return best * size;
}

int seli__text_lines(const char *text)
{
    int n = 1;
    for (const char *p = text; p && *p; p++)
        n += *p == '\n';
    return n;
}

void seli__svg_text(seli__text *s, double x, double y, double size, const char *anchor, char valign,
                    double rotate, const char *text)
{
    int lines = seli__text_lines(text);
    double lh = 1.2 * size;
    double base; /* baseline of the first line, relative to y */
    if (valign == 'b')
        base = -(lines - 1) * lh;
    else if (valign == 't')
        base = 0.76 * size;
    else
        base = 0.36 * size - (lines - 1) * lh / 2;
    seli__text_put(s, "<text x=\"");
    seli__svg_num(s, x);
    seli__text_put(s, "\" y=\"");
    seli__svg_num(s, y + base);
    seli__text_put(s, "\"");
    if (size != 10) {
        seli__text_put(s, " font-size=\"");
        seli__svg_num(s, size);
        seli__text_put(s, "\"");
    }
    if (anchor && strcmp(anchor, "start") != 0)
        seli__text_printf(s, " text-anchor=\"%s\"", anchor);
    if (rotate != 0) {
        seli__text_put(s, " transform=\"rotate(");
        seli__svg_num(s, rotate);
        seli__text_put(s, " ");
        seli__svg_num(s, x);
        seli__text_put(s, " ");
        seli__svg_num(s, y);
        seli__text_put(s, ")\"");
    }
    seli__text_put(s, ">");
    const char *p = text;
    for (int k = 0;; k++) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (lines > 1) {
            seli__text_put(s, "<tspan x=\"");
            seli__svg_num(s, x);
            seli__text_put(s, "\"");
            if (k > 0) {
                seli__text_put(s, " dy=\"");
                seli__svg_num(s, lh);
                seli__text_put(s, "\"");
            }
            seli__text_put(s, ">");
        }
        svg_label(s, p, n);
        if (lines > 1)
            seli__text_put(s, "</tspan>");
        if (!e)
            break;
        p = e + 1;
    }
    seli__text_put(s, "</text>\n");
}
