/* plot.h: the figure's model (a figure, its axes, their plots) and what the
 * figure files share about it.  Not part of the public API.
 *
 * The files of plot/ call downwards only:
 *   figure.c -> axes.c -> ticks.c, legend.c
 *   line.c, scatter.c, hist.c, fill.c, annotate.c, heatmap.c -> axes.c
 *       (only seli__axes_add and the argument checks); contour.c -> heatmap.c (grids)
 *   all of them -> style.c, scale.c -> svg.c, png.c, colormap.c
 * axes.c draws the plots without knowing their files: each plot carries its
 * draw function (seli__draw_fn), handed in when the plot is added. */
#ifndef SELI_PLOT_H
#define SELI_PLOT_H

#include <stddef.h>

#include "core/alloc.h"
#include "core/internal.h"
#include "core/text.h"
#include "plot/colormap.h"
#include "seli/figure.h"

/* What out-of-memory errors of the figure files name as the operation. */
#define SELI__FIGURE_OP "seli figure"

/* --- the figure and its axes --- */

enum seli__kind {
    SELI__IMAGE,   /* heatmap or filled contour, embedded as a PNG */
    SELI__CONTOUR, /* contour lines (marching squares) */
    SELI__FILL,    /* fill_between */
    SELI__HIST,    /* step histogram */
    SELI__SCATTER,
    SELI__LINE,
    SELI__ANNOTATE
};

/* The axes' coordinate frame: its box on the page and its data ranges. */
typedef struct seli__frame {
    double x0, y0, w, h; /* box in pt, y0 at the top */
    double lo[2], hi[2]; /* data limits per axis, in transformed space */
    seli_scale scale[2];
    double linthresh[2];
} seli__frame;

struct seli__plot;
/* Draw one plot inside the frame into s (the clip is already set). */
typedef void (*seli__draw_fn)(const struct seli__plot *p, const seli__frame *f, seli__text *s);

typedef struct seli__plot {
    enum seli__kind kind;
    seli__draw_fn draw; /* the plot type's drawing, set by its file */
    long n;             /* points; bins for a histogram */
    double *x, *y;      /* owned; histogram: x = n+1 edges, y = n heights */
    double *y2;         /* fill_between: the lower curve */
    double *c;          /* scatter: values through the colormap, or NULL */
    long nx, ny;        /* image/contour grid */
    double *z;          /* [ny * nx], row 0 at extent[2] */
    double extent[4];   /* x0, x1, y0, y1 */
    double *levels;     /* contour levels (nlevels) */
    int nlevels;
    seli__rgb color;
    int has_color; /* the style named a colour */
    double width, alpha, size, vmin, vmax;
    char dash[24], marker[4], cmap[16], align[8];
    char *label; /* legend entry or NULL */
    char *text;  /* annotation */
} seli__plot;

typedef struct seli__axisinfo {
    char *label;
    seli_scale scale;
    double linthresh;
    int lim_set;
    double lim[2];
    int nticks; /* -1: automatic; >= 0: the given ticks */
    double *ticks;
} seli__axisinfo;

struct seli_axes {
    seli_figure *fig;
    int rows, cols, row, col, rowspan, colspan;
    char *title;
    seli__axisinfo axis[2]; /* x, y */
    seli__plot *plots;
    int nplots, cap;
    int color_index; /* next colour of the tab10 cycle */
    int legend;      /* nonzero: draw a legend */
    char legend_loc[24];
    int legend_ncol;
    double box_aspect; /* 0: fill the cell; else height / width */
};

struct seli_figure {
    double width, height; /* pt */
    char *title;
    seli_axes **axes;
    int naxes, cap;
};

/* --- scale.c: data to page --- */

/* Transform a data value to the scale's linear space (log10 for SELI_LOG). */
SELI_INTERNAL double seli__scale_fwd(seli_scale scale, double linthresh, double v);
/* Page x and y of a data point; NaN if the point has no place (log of <= 0). */
SELI_INTERNAL double seli__px(const seli__frame *f, double x);
SELI_INTERNAL double seli__py(const seli__frame *f, double y);

/* --- axes.c: adding plots --- */

/* Append a new plot of the given kind, drawn by draw, to ax (zeroed, style
 * applied: colour from style or the cycle when use_cycle, width, alpha, dash,
 * label ...). */
SELI_INTERNAL seli__plot *seli__axes_add(seli_axes *ax, enum seli__kind kind, seli__draw_fn draw,
                                         const seli_style *style, int use_cycle, const char *op);
/* A malloc'd copy of n floats as doubles (n may be 0); NULL x gives 0..n-1. */
SELI_INTERNAL double *seli__copy_floats(const float *x, long n);
/* Check a tensor argument of a figure function (not NULL, has data). */
SELI_INTERNAL void seli__check_data(const char *op, const seli_tensor *t, const char *name);

/* --- heatmap.c: grids over an extent, shared with contour.c --- */

/* Check the grid arguments (at least min x min values, a finite extent) and
 * add a plot holding a copy of z and the extent. */
SELI_INTERNAL seli__plot *seli__grid_add(seli_axes *ax, enum seli__kind kind, seli__draw_fn draw,
                                         long min, long ny, long nx, const float *z, double x0,
                                         double x1, double y0, double y1, const seli_style *style,
                                         const char *op);
/* Check a tensor grid argument: live, and 2-D [ny, nx]. */
SELI_INTERNAL void seli__check_grid(const char *op, const seli_tensor *z);
/* Pixel px (4 bytes) of an RGBA image: colour c, opaque or transparent. */
SELI_INTERNAL void seli__rgba_pixel(unsigned char *px, seli__rgb c, int opaque);
/* An <image> of the w x h RGBA pixels over the plot's extent (pixelated:
 * no smoothing), with the plot's opacity. */
SELI_INTERNAL void seli__grid_image(const seli__plot *p, const seli__frame *f, seli__text *s,
                                    const unsigned char *rgba, int w, int h, int pixelated);

/* --- layout (axes.c computes, figure.c places, axes.c renders) --- */

#define SELI__MAX_TICKS 48

typedef struct seli__ticks {
    int n, nminor;
    double v[SELI__MAX_TICKS]; /* transformed positions */
    char label[SELI__MAX_TICKS][32];
    char power[SELI__MAX_TICKS][16]; /* exponent of "10^k" labels, or "" */
    double minor[SELI__MAX_TICKS * 4];
} seli__ticks;

typedef struct seli__layout {
    seli__frame f;                   /* limits and scales; box set by figure.c */
    seli__ticks t[2];                /* x, y */
    double left, right, top, bottom; /* room the decorations need around the box */
    double legend_w, legend_h;       /* legend size (0 if none) */
    double legend_below;             /* "below" legends start this far under the box */
} seli__layout;

/* ticks.c: the ticks of axis a (0 x, 1 y) over [lo, hi] (transformed) for an
 * axis about len pt long. */
SELI_INTERNAL void seli__make_ticks(const seli_axes *ax, int a, double lo, double hi, double len,
                                    seli__ticks *T);
/* Width in pt of tick label i (with its exponent). */
SELI_INTERNAL double seli__tick_label_width(const seli__ticks *T, int i);
/* Nonzero if some label has an exponent (10^k): the labels are taller. */
SELI_INTERNAL int seli__ticks_have_power(const seli__ticks *T);
/* Tick label i as a <text> at (x, y). */
SELI_INTERNAL void seli__render_tick_label(seli__text *s, double x, double y, const char *anchor,
                                           char valign, const seli__ticks *T, int i);
/* legend.c: the legend's size (0 x 0 if none) and drawing it. */
SELI_INTERNAL void seli__legend_size(const seli_axes *ax, double *w, double *h);
SELI_INTERNAL void seli__legend_render(const seli_axes *ax, const seli__layout *L, seli__text *s);

/* Limits, ticks and the room around the box, for a box of about w x h pt. */
SELI_INTERNAL void seli__axes_prepare(const seli_axes *ax, double w, double h, seli__layout *L);
/* Draw the axes into s (L->f holds the final box); id makes clip ids unique. */
SELI_INTERNAL void seli__axes_render(const seli_axes *ax, const seli__layout *L, seli__text *s,
                                     const char *id);
/* Free what an axes owns (not the struct). */
SELI_INTERNAL void seli__axes_destroy(seli_axes *ax);

#endif
