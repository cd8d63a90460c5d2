/* hist.c: step histograms.
 *
 * The bins are counted when the histogram is added (only bins+1 edges and
 * bins heights are kept, so 32768 samples cost nothing in the SVG); the
 * outline is one <path> from the baseline up, along the steps, and down. */
#include <math.h>
#include <stdlib.h>

#include "plot/plot.h"
#include "plot/style.h"
#include "plot/svg.h"

static void hist_draw(const seli__plot *p, const seli__frame *f, seli__text *s)
{
    double base = seli__py(f, 0);
    if (!isfinite(base) || base > f->y0 + f->h)
        base = f->y0 + f->h + 1; /* log axis: the baseline is under the box */
    seli__text_put(s, "<path class=\"hist\" d=\"");
    seli__svg_xy(s, "M", seli__px(f, p->x[0]), base);
    for (long i = 0; i < p->n; i++) {
        double y = seli__py(f, p->y[i]);
        if (!isfinite(y) || y > base)
            y = base;
        seli__text_put(s, "V");
        seli__svg_num(s, y);
        seli__text_put(s, "H");
        seli__svg_num(s, seli__px(f, p->x[i + 1]));
    }
    seli__text_put(s, "V");
    seli__svg_num(s, base);
    seli__stroke_end(s, p, "stroke-linejoin=\"miter\"");
}

void seli_hist_array(seli_axes *ax, long n, const float *x, const seli_style *style)
{
    const char *op = "seli_hist";
    if (n < 1 || !x)
        seli_error("%s: give at least one sample (got n = %ld%s)", op, n, x ? "" : ", x NULL");
    int bins = style && style->bins > 0 ? style->bins : 50;
    if (style && style->bins > 100000)
        seli_error("%s: %d bins is too many (at most 100000)", op, style->bins);
    double lo, hi;
    if (style && (style->lo != 0 || style->hi != 0)) {
        lo = style->lo;
        hi = style->hi;
        if (!(lo < hi) || !isfinite(lo) || !isfinite(hi))
            seli_error("%s: the bin range must have lo < hi (got %g, %g)", op, lo, hi);
    } else if (ax && ax->axis[0].lim_set && ax->axis[0].scale == SELI_LINEAR) {
        lo = ax->axis[0].lim[0];
        hi = ax->axis[0].lim[1];
    } else {
        lo = INFINITY;
        hi = -INFINITY;
        for (long i = 0; i < n; i++)
            if (isfinite(x[i])) {
                lo = x[i] < lo ? x[i] : lo;
                hi = x[i] > hi ? x[i] : hi;
            }
        if (!(lo <= hi))
            seli_error("%s: none of the %ld samples is finite (NaN or inf everywhere?)", op, n);
        if (hi == lo) {
            lo -= 0.5;
            hi += 0.5;
        }
    }
    seli__plot *p = seli__axes_add(ax, SELI__HIST, hist_draw, style, 1, op);
    p->n = bins;
    p->x = seli__xmalloc(SELI__FIGURE_OP, sizeof(double) * (size_t)(bins + 1));
    p->y = seli__xmalloc(SELI__FIGURE_OP, sizeof(double) * (size_t)bins);
    for (int b = 0; b <= bins; b++)
        p->x[b] = lo + (hi - lo) * b / bins;
    for (int b = 0; b < bins; b++)
        p->y[b] = 0;
    double total = 0;
    for (long i = 0; i < n; i++) {
        double v = x[i];
        if (!(v >= lo && v <= hi))
            continue;
        long b = (long)((v - lo) / (hi - lo) * bins);
        if (b >= bins)
            b = bins - 1;
        p->y[b] += 1;
        total += 1;
    }
    if (style && style->density && total > 0)
        for (int b = 0; b < bins; b++)
            p->y[b] /= total * (hi - lo) / bins;
}

void seli_hist(seli_axes *ax, const seli_tensor *x, const seli_style *style)
{
    seli__check_data("seli_hist", x, "x");
    seli_hist_array(ax, x->size, x->data, style);
}
