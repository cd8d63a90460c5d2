/* scatter.c: scatter plots (the marker shapes are in style.c).
 *
 * Round and square markers of one colour are one <path> of zero-length
 * segments with round or square caps (about 14 bytes a point); values
 * through a colormap are grouped into 64 colour bins, one path each. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plot/plot.h"
#include "plot/style.h"
#include "plot/svg.h"

#define CMAP_BINS 64

/* Points of one colour: round or square dots as zero-length capped segments. */
static void dots(const seli__plot *p, const seli__frame *f, seli__text *s, seli__rgb color, int bin,
                 const unsigned char *bins)
{
    char hex[8];
    seli__rgb_hex(color, hex);
    const char *m = p->marker[0] ? p->marker : "o";
    double d = p->size > 0 ? p->size : 6;
    int capped = m[0] == 'o' || m[0] == 's' || m[0] == '.';
    if (m[0] == '.')
        d *= 0.5;
    size_t start = s->len;
    seli__text_put(s, "<path d=\"");
    size_t body = s->len;
    for (long i = 0; i < p->n; i++) {
        if (bins && bins[i] != bin)
            continue;
        double x = seli__px(f, p->x[i]), y = seli__py(f, p->y[i]);
        if (!isfinite(x) || !isfinite(y) || !isfinite(p->y[i]) || !isfinite(p->x[i]))
            continue;
        if (x < f->x0 - d || x > f->x0 + f->w + d || y < f->y0 - d || y > f->y0 + f->h + d)
            continue; /* outside the box: clipped anyway */
        if (capped) {
            seli__svg_xy(s, "M", x, y);
            seli__text_put(s, "h0");
        } else {
            seli__marker_path(s, m, x, y, d);
        }
    }
    if (s->len == body) { /* nothing in this colour */
        s->len = start;
        s->data[start] = '\0';
        return;
    }
    if (!capped) {
        seli__marker_end(s, m, hex, "1.5", p->alpha);
        return;
    }
    seli__text_printf(s, "\" fill=\"none\" stroke=\"%s\" stroke-linecap=\"%s\" stroke-width=\"",
                      hex, m[0] == 's' ? "square" : "round");
    seli__svg_num(s, m[0] == 's' ? d * 0.886 : d); /* a square of the circle's area */
    seli__text_put(s, "\"");
    seli__svg_alpha(s, "opacity", p->alpha);
    seli__text_put(s, "/>\n");
}

static void scatter_draw(const seli__plot *p, const seli__frame *f, seli__text *s)
{
    seli__text_put(s, "<g class=\"scatter\">\n");
    if (!p->c) {
        dots(p, f, s, p->color, 0, NULL);
    } else {
        double lo = p->vmin, hi = p->vmax;
        if (lo == 0 && hi == 0)
            seli__finite_range(p->c, p->n, &lo, &hi);
        if (!(hi > lo))
            hi = lo + 1;
        unsigned char *bins = seli__xmalloc(SELI__FIGURE_OP, (size_t)(p->n > 0 ? p->n : 1));
        for (long i = 0; i < p->n; i++) {
            double t = (p->c[i] - lo) / (hi - lo);
            int b = (int)floor((t > 0 ? t : 0) * CMAP_BINS);
            bins[i] = (unsigned char)(b >= CMAP_BINS ? CMAP_BINS - 1 : b);
        }
        for (int b = 0; b < CMAP_BINS; b++)
            dots(p, f, s, seli__cmap(p->cmap, (b + 0.5) / CMAP_BINS), b, bins);
        free(bins);
    }
    seli__text_put(s, "</g>\n");
}

void seli_scatter_array(seli_axes *ax, long n, const float *x, const float *y, const float *c,
                        const seli_style *style)
{
    if (n < 0)
        seli_error("seli_scatter: n must be >= 0 (got %ld)", n);
    if (n > 0 && (!x || !y))
        seli_error("seli_scatter: x and y must not be NULL");
    seli__plot *p = seli__axes_add(ax, SELI__SCATTER, scatter_draw, style, !c, "seli_scatter");
    p->n = n;
    p->x = seli__copy_floats(x, n);
    p->y = seli__copy_floats(y, n);
    p->c = c ? seli__copy_floats(c, n) : NULL;
    if (!p->marker[0])
        strcpy(p->marker, "o");
}

void seli_scatter(seli_axes *ax, const seli_tensor *x, const seli_tensor *y,
                  const seli_style *style)
{
    seli_scatter_c(ax, x, y, NULL, style);
}

void seli_scatter_c(seli_axes *ax, const seli_tensor *x, const seli_tensor *y, const seli_tensor *c,
                    const seli_style *style)
{
    const char *op = c ? "seli_scatter_c" : "seli_scatter";
    seli__check_data(op, x, "x");
    seli__check_data(op, y, "y");
    if (x->size != y->size)
        seli_error("%s: x has %ld elements but y has %ld; they must match", op, x->size, y->size);
    if (c) {
        seli__check_data(op, c, "c");
        if (c->size != x->size)
            seli_error("%s: c has %ld elements but x has %ld; give one value per point", op,
                       c->size, x->size);
    }
    seli_scatter_array(ax, x->size, x->data, y->data, c ? c->data : NULL, style);
}
