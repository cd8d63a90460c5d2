/* scale.c: from data to the page.
 *
 * An axis is linear, log (log10) or symlog (linear within +-linthresh,
 * logarithmic beyond, as matplotlib's with linscale 1); limits and ticks
 * live in that transformed space, and a frame maps it onto its box. */
#include <math.h>

#include "plot/plot.h"

#define SYMLOG_C (1.0 / (1.0 - 0.1)) /* linscale 1, base 10, as matplotlib */

double seli__scale_fwd(seli_scale scale, double lt, double v)
{
    if (scale == SELI_LOG)
        return v > 0 ? log10(v) : NAN;
    if (scale == SELI_SYMLOG) {
        double a = fabs(v);
        double t = a <= lt ? a / lt * SYMLOG_C : SYMLOG_C + log10(a / lt);
        return v < 0 ? -t : t;
    }
    return v;
}

/* Far outside the page, but finite and small enough for 2-decimal output. */
static double clampc(double v) { return v < -1e5 ? -1e5 : v > 1e5 ? 1e5 : v; }

double seli__px(const seli__frame *f, double x)
{
    double t = seli__scale_fwd(f->scale[0], f->linthresh[0], x);
    return clampc(f->x0 + (t - f->lo[0]) / (f->hi[0] - f->lo[0]) * f->w);
}

double seli__py(const seli__frame *f, double y)
{
    double t = seli__scale_fwd(f->scale[1], f->linthresh[1], y);
    return clampc(f->y0 + f->h - (t - f->lo[1]) / (f->hi[1] - f->lo[1]) * f->h);
}
