/* fill.c: fill_between, a band between two curves (e.g. a 90% interval). */
#include <math.h>

#include "plot/plot.h"
#include "plot/style.h"
#include "plot/svg.h"

static void fill_draw(const seli__plot *p, const seli__frame *f, seli__text *s)
{
    seli__text_put(s, "<path class=\"fill\" d=\"");
    long emitted = 0;
    for (int pass = 0; pass < 2; pass++)
        for (long k = 0; k < p->n; k++) {
            long i = pass ? p->n - 1 - k : k;
            double x = seli__px(f, p->x[i]), y = seli__py(f, pass ? p->y2[i] : p->y[i]);
            if (!isfinite(x) || !isfinite(y))
                continue;
            seli__svg_xy(s, emitted == 0 ? "M" : emitted == 1 ? "L" : " ", x, y);
            emitted++;
        }
    seli__text_put(s, "Z\"");
    seli__band_attrs(s, p->color, p->alpha);
    seli__text_put(s, "/>\n");
}

void seli_fill_between_array(seli_axes *ax, long n, const float *x, const float *y1,
                             const float *y2, const seli_style *style)
{
    if (n < 0)
        seli_error("seli_fill_between: n must be >= 0 (got %ld)", n);
    if (n > 0 && (!y1 || !y2))
        seli_error("seli_fill_between: y1 and y2 must not be NULL");
    seli__plot *p = seli__axes_add(ax, SELI__FILL, fill_draw, style, 1, "seli_fill_between");
    if (!(style && style->alpha > 0))
        p->alpha = 0.25;
    p->n = n;
    p->x = seli__copy_floats(x, n);
    p->y = seli__copy_floats(y1, n);
    p->y2 = seli__copy_floats(y2, n);
}

void seli_fill_between(seli_axes *ax, const seli_tensor *x, const seli_tensor *y1,
                       const seli_tensor *y2, const seli_style *style)
{
    seli__check_data("seli_fill_between", y1, "y1");
    seli__check_data("seli_fill_between", y2, "y2");
    if (y1->size != y2->size)
        seli_error("seli_fill_between: y1 has %ld elements but y2 has %ld; they must match",
                   y1->size, y2->size);
    if (x) {
        seli__check_data("seli_fill_between", x, "x");
        if (x->size != y1->size)
            seli_error("seli_fill_between: x has %ld elements but y1 has %ld; they must match",
                       x->size, y1->size);
    }
    seli_fill_between_array(ax, y1->size, x ? x->data : NULL, y1->data, y2->data, style);
}
