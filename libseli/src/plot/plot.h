/* plot.h: what the figure files share (svg.c, colormap.c, png.c, figure.c,
 * axes.c and one file per plot type).  Not part of the public API. */
#ifndef SELI_PLOT_H
#define SELI_PLOT_H

#include <stddef.h>

#include "core/internal.h"
#include "core/text.h"
#include "seli/figure.h"

/* --- svg.c: SVG text, written into a seli__text (text.h) --- */
/* text with & < > " ' escaped (safe in element content and attributes). */
SELI_INTERNAL void seli__svg_escape(seli__text *s, const char *text);
/* A coordinate: at most 2 decimals, no trailing zeros ("12.5", "-3", "0.07"). */
SELI_INTERNAL void seli__svg_num(seli__text *s, double v);
/* The same with at most 1 decimal (dense contour lines). */
SELI_INTERNAL void seli__svg_num1(seli__text *s, double v);
/* One line of a label, escaped, with x_1, x^2, x_{ij} and $...$ rendered as
 * <tspan baseline-shift> sub/superscripts. */
SELI_INTERNAL void seli__svg_label(seli__text *s, const char *line, size_t n);
/* A <text> element at (x, y) (y is the middle of the first line when
 * valign is 'c', its baseline when 'b', its top when 't'); anchor is "start",
 * "middle" or "end"; rotate is -90 for a y label.  '\n' breaks lines. */
SELI_INTERNAL void seli__svg_text(seli__text *s, double x, double y, double size, const char *anchor,
                                  char valign, double rotate, const char *text);
/* Estimated width in pt of the widest line of text at font size `size`. */
SELI_INTERNAL double seli__text_width(const char *text, double size);
/* Number of lines in text (1 + number of '\n'). */
SELI_INTERNAL int seli__text_lines(const char *text);
/* A fresh id prefix for clip paths, unique across the figures of a page. */
SELI_INTERNAL unsigned long seli__svg_serial(void);

/* --- colormap.c --- */

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

/* --- png.c --- */

/* Encode an RGBA image (w*h*4 bytes, rows top first) as PNG and append
 * "data:image/png;base64,..." to s. */
SELI_INTERNAL void seli__svg_png(seli__text *s, const unsigned char *rgba, int w, int h);

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

typedef struct seli__plot {
    enum seli__kind kind;
    long n;           /* points; bins for a histogram */
    double *x, *y;    /* owned; histogram: x = n+1 edges, y = n heights */
    double *y2;       /* fill_between: the lower curve */
    double *c;        /* scatter: values through the colormap, or NULL */
    long nx, ny;      /* image/contour grid */
    double *z;        /* [ny * nx], row 0 at extent[2] */
    double extent[4]; /* x0, x1, y0, y1 */
    double *levels;   /* contour levels (nlevels) */
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

/* The axes' coordinate frame: its box on the page and its data ranges. */
typedef struct seli__frame {
    double x0, y0, w, h; /* box in pt, y0 at the top */
    double lo[2], hi[2]; /* data limits per axis, in transformed space */
    seli_scale scale[2];
    double linthresh[2];
} seli__frame;

/* Transform a data value to the scale's linear space (log10 for SELI_LOG). */
SELI_INTERNAL double seli__scale_fwd(seli_scale scale, double linthresh, double v);
/* Page x and y of a data point; NaN if the point has no place (log of <= 0). */
SELI_INTERNAL double seli__px(const seli__frame *f, double x);
SELI_INTERNAL double seli__py(const seli__frame *f, double y);

/* Append a new plot of the given kind to ax (zeroed, style applied: colour
 * from style or the cycle when use_cycle, width, alpha, dash, label ...). */
SELI_INTERNAL seli__plot *seli__axes_add(seli_axes *ax, enum seli__kind kind,
                                         const seli_style *style, int use_cycle, const char *op);
/* A malloc'd copy of n floats as doubles (n may be 0); NULL x gives 0..n-1. */
SELI_INTERNAL double *seli__copy_floats(const float *x, long n);
/* Check a tensor argument of a figure function (not NULL, has data). */
SELI_INTERNAL void seli__check_data(const char *op, const seli_tensor *t, const char *name);
/* malloc that never returns NULL (reports through seli_error). */
SELI_INTERNAL void *seli__xmalloc(size_t size);
SELI_INTERNAL char *seli__xstrdup(const char *s);

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
/* v formatted with the decimals that step needs, minus sign U+2212. */
SELI_INTERNAL void seli__fmt_number(char *out, size_t n, double v, double step);
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

/* Draw one plot inside the frame (clip is already set). */
SELI_INTERNAL void seli__line_draw(const seli__plot *p, const seli__frame *f, seli__text *s);
SELI_INTERNAL void seli__scatter_draw(const seli__plot *p, const seli__frame *f, seli__text *s);
SELI_INTERNAL void seli__hist_draw(const seli__plot *p, const seli__frame *f, seli__text *s);
SELI_INTERNAL void seli__fill_draw(const seli__plot *p, const seli__frame *f, seli__text *s);
SELI_INTERNAL void seli__image_draw(const seli__plot *p, const seli__frame *f, seli__text *s);
SELI_INTERNAL void seli__contour_draw(const seli__plot *p, const seli__frame *f, seli__text *s);
SELI_INTERNAL void seli__annotate_draw(const seli__plot *p, const seli__frame *f, seli__text *s);
/* A marker of the given kind ("o", "s", "^", "x", "X", "+", ".", "D", "v")
 * of diameter d at (x, y), as path data (filled markers) into s. */
SELI_INTERNAL void seli__marker_path(seli__text *s, const char *marker, double x, double y,
                                     double d);
/* Nonzero when the marker is drawn with a stroke (x, +) rather than a fill. */
SELI_INTERNAL int seli__marker_stroked(const char *marker);
/* stroke-dasharray for a dash spec ("--", ":", "-.", or numbers) scaled by
 * the line width, or "" for a solid line. */
SELI_INTERNAL void seli__dash_array(const char *dash, double width, char *out, size_t n);
/* Close a stroked, unfilled <path d="...: colour, width, the join/cap
 * attributes given, opacity and dashes of p, then "/>". */
SELI_INTERNAL void seli__stroke_end(seli__text *s, const seli__plot *p, const char *join);

#endif
