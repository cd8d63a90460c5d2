/* colormap.h: colours and colormaps of the figure files (colormap.c).  Not
 * part of the public API. */
#ifndef SELI_PLOT_COLORMAP_H
#define SELI_PLOT_COLORMAP_H

#include "core/internal.h"

typedef struct seli__rgb {
    unsigned char r, g, b;
} seli__rgb;

/* Parse "C0".."C9", "#rrggbb", "#rgb", "tab:blue", or a name ("red", "k").
 * Returns 0 if the colour is unknown. */
SELI_INTERNAL int seli__parse_color(const char *spec, seli__rgb *out);
/* Colour i of the tab10 cycle. */
SELI_INTERNAL seli__rgb seli__tab10(int i);
/* Nonzero if name is a known colormap (viridis, turbo, bwr, ...). */
SELI_INTERNAL int seli__cmap_known(const char *name);
/* The colormap at t in [0, 1] (clamped); NULL name means viridis. */
SELI_INTERNAL seli__rgb seli__cmap(const char *name, double t);
/* "#rrggbb" into out[8]. */
SELI_INTERNAL void seli__rgb_hex(seli__rgb c, char out[8]);
/* The least and greatest finite of v[0..n-1], the range a colormap spans
 * (no finite value: *lo = +inf, *hi = -inf). */
SELI_INTERNAL void seli__finite_range(const double *v, long n, double *lo, double *hi);

#endif
