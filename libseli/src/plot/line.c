/* line.c: line plots.
 *
 * One <path> per series.  A long series with increasing x (a loss curve of
 * 10^4 steps) is reduced to the first, lowest, highest and last point of
 * each half-point column, which looks the same and stays small. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plot/plot.h"
#include "plot/style.h"
#include "plot/svg.h"

static void put_point(seli__text *s, double x, double y, int *pen)
{
    seli__svg_xy(s, *pen ? " " : "M", x, y);
    (*pen)++; /* pairs after the first continue as an implicit lineto */
}

static int increasing(const double *x, long n)
{
    for (long i = 1; i < n; i++)
        if (!(x[i] >= x[i - 1]))
            return 0;
    return 1;
}

static void line_draw(const seli__plot *p, const seli__frame *f, seli__text *s)
{
    seli__text_put(s, "<path class=\"line\" d=\"");
    int pen = 0;
    if (p->n > 4 * f->w && increasing(p->x, p->n)) {
        long i = 0;
        while (i < p->n) {
            double cx = seli__px(f, p->x[i]);
            if (!isfinite(cx) || !isfinite(seli__py(f, p->y[i]))) {
                pen = 0;
                i++;
                continue;
            }
            long col = (long)floor(cx * 2), j = i, lo = i, hi = i;
            double ylo = seli__py(f, p->y[i]), yhi = ylo;
            while (j + 1 < p->n && (long)floor(seli__px(f, p->x[j + 1]) * 2) == col &&
                   isfinite(seli__py(f, p->y[j + 1]))) {
                j++;
                double y = seli__py(f, p->y[j]);
                if (y < ylo) {
                    ylo = y;
                    lo = j;
                }
                if (y > yhi) {
                    yhi = y;
                    hi = j;
                }
            }
            long pts[4] = {i, lo < hi ? lo : hi, lo < hi ? hi : lo, j};
            for (int k = 0; k < 4; k++)
                if (k == 0 || pts[k] != pts[k - 1])
                    put_point(s, seli__px(f, p->x[pts[k]]), seli__py(f, p->y[pts[k]]), &pen);
            i = j + 1;
        }
    } else {
        for (long i = 0; i < p->n; i++) {
            double x = seli__px(f, p->x[i]), y = seli__py(f, p->y[i]);
            if (!isfinite(x) || !isfinite(y) || !isfinite(p->y[i])) {
                pen = 0;
                continue;
            }
            put_point(s, x, y, &pen);
        }
    }
    seli__stroke_end(s, p, "stroke-linejoin=\"round\" stroke-linecap=\"round\"");
    if (p->marker[0]) {
        char hex[8];
        seli__rgb_hex(p->color, hex);
        double d = p->size > 0 ? p->size : 6;
        seli__text_put(s, "<path d=\"");
        for (long i = 0; i < p->n; i++) {
            double x = seli__px(f, p->x[i]), y = seli__py(f, p->y[i]);
            if (isfinite(x) && isfinite(y))
                seli__marker_path(s, p->marker, x, y, d);
        }
        seli__marker_end(s, p->marker, hex, NULL, 1);
    }
}

static void add_line(seli_axes *ax, long n, const float *x, const float *y, const seli_style *style,
                     const char *op)
{
    if (n < 0)
        seli_error("%s: n must be >= 0 (got %ld)", op, n);
    if (n > 0 && !y)
        seli_error("%s: y is NULL", op);
    seli__plot *p = seli__axes_add(ax, SELI__LINE, line_draw, style, 1, op);
    p->n = n;
    p->x = seli__copy_floats(x, n);
    p->y = seli__copy_floats(y, n);
}

void seli_line_array(seli_axes *ax, long n, const float *x, const float *y, const seli_style *style)
{
    add_line(ax, n, x, y, style, "seli_line_array");
}

void seli_line(seli_axes *ax, const seli_tensor *x, const seli_tensor *y, const seli_style *style)
{
    seli__check_data("seli_line", y, "y");
    if (x) {
        seli__check_data("seli_line", x, "x");
        if (x->size != y->size)
            seli_error("seli_line: x has %ld elements but y has %ld; they must match", x->size,
                       y->size);
    }
    add_line(ax, y->size, x ? x->data : NULL, y->data, style, "seli_line");
}
