/* print.c: tensors as text (like numpy and torch) and as an HTML table.
 *
 * Text:  tensor([[ 1.0, -2.5],
 *                [ 3.0,  4.0]])
 * All the numbers shown share one format, chosen from the values shown:
 *   - all integers:           "3."  (scientific from 1e8 up),
 *   - otherwise fixed point:  "0.25" with as few decimals as show every value
 *     to 4 decimals, or scientific "1.5e-05" when the magnitudes span more
 *     than 1e3, or reach 1e8, or go below 1e-4 (numpy's rule);
 * and they are right-aligned to the widest.  A tensor of more than THRESHOLD
 * elements is summarised: each long dimension shows EDGE items at each end
 * around "..." (numpy's threshold and edgeitems).  Rows wrap at LINEWIDTH columns.
 *
 * HTML:  a <table> with the shape as caption, one row per index of the
 * leading dimensions, columns for the last one; more than HTML_MAX rows or
 * columns show HTML_EDGE at each end around an ellipsis. */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "core/interrupt.h"
#include "core/text.h"

#define THRESHOLD 1000
#define EDGE 3
#define LINEWIDTH 80
#define HTML_MAX 12
#define HTML_EDGE 5
#define DECIMALS 4

/* --- one number format for all the numbers shown --- */

typedef struct {
    int all_int;    /* every finite value is an integer */
    double max_abs; /* over finite values */
    double min_abs; /* over finite nonzero values (INFINITY if none) */
    int sci;        /* scientific notation */
    int decimals;   /* digits after the point (or of the mantissa) */
    int width;      /* widest formatted value */
} number_format;

static void nf_init(number_format *f)
{
    f->all_int = 1;
    f->max_abs = 0;
    f->min_abs = INFINITY;
    f->sci = 0;
    f->decimals = 0;
    f->width = 1;
}

/* Pass 1: the magnitudes. */
static void nf_scan(number_format *f, float v)
{
    if (!isfinite(v))
        return;
    double a = fabs((double)v);
    if (v != floorf(v))
        f->all_int = 0;
    if (a > f->max_abs)
        f->max_abs = a;
    if (a > 0 && a < f->min_abs)
        f->min_abs = a;
}

static void nf_choose_notation(number_format *f)
{
    if (f->all_int)
        f->sci = f->max_abs >= 1e8;
    else
        f->sci = f->max_abs >= 1e8 || f->min_abs < 1e-4 ||
                 (isfinite(f->min_abs) && f->max_abs / f->min_abs > 1e3);
    f->decimals = f->all_int && !f->sci ? 0 : 1;
}

/* Pass 2: how many decimals (at most DECIMALS) the value needs. */
static void nf_measure(number_format *f, float v)
{
    if (!isfinite(v) || (f->all_int && !f->sci))
        return;
    char buf[64];
    snprintf(buf, sizeof buf, f->sci ? "%.*e" : "%.*f", DECIMALS, (double)v);
    char *point = strchr(buf, '.');
    if (!point)
        return;
    int last = 0; /* position of the last nonzero decimal */
    for (int i = 1; i <= DECIMALS && point[i] >= '0' && point[i] <= '9'; i++)
        if (point[i] != '0')
            last = i;
    if (last > f->decimals)
        f->decimals = last;
}

/* Write v in format f (no padding) into buf; returns its length. */
static int nf_format(const number_format *f, float v, char *buf, size_t n)
{
    if (isnan(v))
        return snprintf(buf, n, "nan");
    if (isinf(v))
        return snprintf(buf, n, v < 0 ? "-inf" : "inf");
    if (f->sci)
        return snprintf(buf, n, "%.*e", f->decimals, (double)v);
    if (f->decimals == 0)
        return snprintf(buf, n, "%.0f.", (double)v);
    return snprintf(buf, n, "%.*f", f->decimals, (double)v);
}

/* Pass 3: the widest value. */
static void nf_width(number_format *f, float v)
{
    char buf[64];
    int w = nf_format(f, v, buf, sizeof buf);
    if (w > f->width)
        f->width = w;
}

/* --- which elements are shown --- */

typedef struct {
    const seli_tensor *t;
    long stride[SELI_MAX_DIMS];
    int summarise;
} view;

static void view_init(view *v, const seli_tensor *t, int summarise)
{
    v->t = t;
    v->summarise = summarise;
    long s = 1;
    for (int d = t->ndim - 1; d >= 0; d--) {
        v->stride[d] = s;
        s *= t->shape[d];
    }
}

/* The k-th shown index of n, or -1 for the ellipsis slot: all n when n <= limit,
 * else `edge` at each end around the ellipsis; *count gets how many slots there
 * are.  The text and the HTML table differ only in limit and edge. */
static long slot(long n, long limit, long edge, long k, long *count)
{
    if (n <= limit) {
        *count = n;
        return k;
    }
    *count = 2 * edge + 1;
    if (k < edge)
        return k;
    if (k == edge)
        return -1;
    return n - (2 * edge + 1 - k);
}

/* The k-th shown index along dim d, or -1 for the "..." slot. */
static long shown_index(const view *v, int d, long k, long *count)
{
    return slot(v->t->shape[d], v->summarise ? 2 * EDGE : LONG_MAX, EDGE, k, count);
}

typedef void (*visit_fn)(number_format *f, float v);

static void visit_shown(const view *v, int d, long offset, number_format *f, visit_fn fn)
{
    if (d == v->t->ndim) {
        fn(f, v->t->data[offset]);
        return;
    }
    long count;
    shown_index(v, d, 0, &count);
    for (long k = 0; k < count; k++) {
        long i = shown_index(v, d, k, &count);
        if (i >= 0)
            visit_shown(v, d + 1, offset + i * v->stride[d], f, fn);
    }
}

static void choose_format(const view *v, number_format *f)
{
    nf_init(f);
    visit_shown(v, 0, 0, f, nf_scan);
    nf_choose_notation(f);
    visit_shown(v, 0, 0, f, nf_measure);
    visit_shown(v, 0, 0, f, nf_width);
}

/* --- text --- */

static void put_padded(seli__text *b, const number_format *f, const char *s)
{
    seli__text_repeat(b, ' ', f->width - (int)strlen(s));
    seli__text_put(b, s);
}

/* The bracketed block of dimension d at `offset`; its elements start at
 * column `indent`. */
static void emit(seli__text *b, const view *v, const number_format *f, int d, long offset,
                 int indent)
{
    const seli_tensor *t = v->t;
    long count;
    shown_index(v, d, 0, &count);
    seli__text_put(b, "[");
    if (d == t->ndim - 1) {
        int per_line = (LINEWIDTH - indent) / (f->width + 2);
        if (per_line < 1)
            per_line = 1;
        for (long k = 0; k < count; k++) {
            if (k > 0) {
                if (k % per_line == 0) {
                    seli__text_put(b, ",\n");
                    seli__text_repeat(b, ' ', indent);
                } else {
                    seli__text_put(b, ", ");
                }
            }
            long i = shown_index(v, d, k, &count);
            char num[64];
            if (i < 0)
                seli__text_put(b,
                               "..."); /* unpadded, as numpy: every row has it in the same place */
            else {
                nf_format(f, t->data[offset + i * v->stride[d]], num, sizeof num);
                put_padded(b, f, num);
            }
        }
    } else {
        for (long k = 0; k < count; k++) {
            if (k > 0) {
                seli__text_put(b, ",");
                seli__text_repeat(b, '\n', t->ndim - d - 1);
                seli__text_repeat(b, ' ', indent);
            }
            long i = shown_index(v, d, k, &count);
            if (i < 0)
                seli__text_put(b, "...");
            else
                emit(b, v, f, d + 1, offset + i * v->stride[d], indent + 1);
        }
    }
    seli__text_put(b, "]");
}

char *seli_tensor_str(const seli_tensor *t)
{
    seli__check("seli_tensor_str", t, "t");
    seli__text b = {0};
    seli__text_put(&b, "tensor(");
    view v;
    view_init(&v, t, t->size > THRESHOLD);
    number_format f;
    choose_format(&v, &f);
    if (t->ndim == 0) {
        char num[64];
        nf_format(&f, t->data[0], num, sizeof num);
        seli__text_put(&b, num);
    } else if (t->size == 0) {
        seli__text_put(&b, "[]");
        if (t->ndim > 1) {
            char shape[256];
            seli__text_printf(&b, ", shape=%s", seli_shape_str(t, shape, sizeof shape));
        }
    } else {
        emit(&b, &v, &f, 0, 0, (int)strlen("tensor(["));
    }
    seli__text_put(&b, ")");
    return b.data;
}

void seli_print(const seli_tensor *t)
{
    seli__check("seli_print", t, "t");
    char *s = seli_tensor_str(t);
    fputs(s, stdout);
    fputc('\n', stdout);
    free(s);
}

/* --- HTML --- */

/* Rows are the flat index over the leading dimensions, columns the last one. */
static long html_slot(long n, long k, long *count)
{
    return slot(n, HTML_MAX, HTML_EDGE, k, count);
}

static void html_row_label(seli__text *b, const seli_tensor *t, long row)
{
    long idx[SELI_MAX_DIMS];
    int lead = t->ndim - 1;
    for (int d = lead - 1; d >= 0; d--) {
        idx[d] = row % t->shape[d];
        row /= t->shape[d];
    }
    seli__text_put(b, "<th>");
    for (int d = 0; d < lead; d++)
        seli__text_printf(b, d ? ", %ld" : "%ld", idx[d]);
    seli__text_put(b, "</th>");
}

/* The number format of the shown cells (rows x cols, the last dimension as
 * columns): the three passes of choose_format over the table's cells. */
static void html_format(const seli_tensor *t, long rows, long cols, number_format *f)
{
    static const visit_fn passes[3] = {nf_scan, nf_measure, nf_width};
    long nrows, ncols;
    html_slot(rows, 0, &nrows);
    html_slot(cols, 0, &ncols);
    nf_init(f);
    for (int pass = 0; pass < 3; pass++) {
        if (pass == 1)
            nf_choose_notation(f);
        for (long r = 0; r < nrows; r++) {
            long i = html_slot(rows, r, &nrows);
            for (long c = 0; i >= 0 && c < ncols; c++) {
                long j = html_slot(cols, c, &ncols);
                if (j >= 0)
                    passes[pass](f, t->data[i * cols + j]);
            }
        }
    }
}

/* The header row of column indices (with an empty corner when labelled). */
static void html_header(seli__text *b, long cols, int labelled)
{
    long ncols;
    html_slot(cols, 0, &ncols);
    seli__text_put(b, "<tr>");
    if (labelled)
        seli__text_put(b, "<th></th>");
    for (long c = 0; c < ncols; c++) {
        long j = html_slot(cols, c, &ncols);
        if (j < 0)
            seli__text_put(b, "<th>&hellip;</th>");
        else
            seli__text_printf(b, "<th>%ld</th>", j);
    }
    seli__text_put(b, "</tr>\n");
}

/* Row i of the table (i < 0: the vertical ellipsis row). */
static void html_row(seli__text *b, const seli_tensor *t, const number_format *f, long i, long cols,
                     int labelled)
{
    long ncols;
    html_slot(cols, 0, &ncols);
    seli__text_put(b, "<tr>");
    if (i < 0) {
        if (labelled)
            seli__text_put(b, "<th>&vellip;</th>");
        for (long c = 0; c < ncols; c++)
            seli__text_put(b, "<td>&vellip;</td>");
        seli__text_put(b, "</tr>\n");
        return;
    }
    if (labelled)
        html_row_label(b, t, i);
    for (long c = 0; c < ncols; c++) {
        long j = html_slot(cols, c, &ncols);
        char num[64];
        if (j < 0)
            seli__text_put(b, "<td>&hellip;</td>");
        else {
            nf_format(f, t->data[i * cols + j], num, sizeof num);
            seli__text_printf(b, "<td>%s</td>", num);
        }
    }
    seli__text_put(b, "</tr>\n");
}

char *seli_tensor_html(const seli_tensor *t)
{
    seli__check("seli_tensor_html", t, "t");
    long cols = t->ndim > 0 ? t->shape[t->ndim - 1] : 1;
    long rows = cols > 0 ? t->size / cols : 0;
    if (t->ndim > 1 && cols == 0) {
        rows = 1;
        for (int d = 0; d < t->ndim - 1; d++)
            rows *= t->shape[d];
    }
    number_format f;
    html_format(t, rows, cols, &f);

    seli__text b = {0};
    char shape[256];
    seli__text_printf(&b,
                      "<table class=\"seli-tensor\" style=\"border-collapse:collapse;"
                      "font-family:monospace;text-align:right\">\n<caption>tensor %s</caption>\n",
                      seli_shape_str(t, shape, sizeof shape));
    int labelled = t->ndim > 1;
    long nrows, ncols;
    html_slot(rows, 0, &nrows);
    html_slot(cols, 0, &ncols);
    if (t->ndim > 0 && ncols > 0)
        html_header(&b, cols, labelled);
    for (long r = 0; r < nrows; r++)
        html_row(&b, t, &f, html_slot(rows, r, &nrows), cols, labelled);
    seli__text_put(&b, "</table>");
    return b.data;
}

void seli_tensor_show(const seli_tensor *t)
{
    seli__check("seli_tensor_show", t, "t");
    seli__poll_interrupt("seli_tensor_show"); /* before anything is allocated */
    seli__display_html_text(seli_tensor_html(t), seli_tensor_str(t));
}
