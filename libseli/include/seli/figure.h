/* seli/figure.h: publication-like figures as SVG.
 *
 * A figure holds a grid of axes; each axes holds plots (lines, scatter,
 * step histograms, fill-between bands, filled contours, heatmaps,
 * annotations), axis labels, a title and a legend.  The look follows the
 * figures of the paper seli's notebooks teach, "Inferring Probabilistic
 * Sampling Procedures from Observational Data using General Function
 * Approximation": tab10 colours, no top or right spine, frameless legends.
 *
 *     seli_figure *fig = seli_figure_new(4, 3);
 *     seli_axes *ax = seli_subplot(fig, 1, 1, 0);
 *     seli_line(ax, x, y, &(seli_style){.color = "C1", .label = "model"});
 *     seli_yscale(ax, SELI_LOG);
 *     seli_legend(ax, NULL);
 *     seli_figure_show(fig);
 *     seli_figure_free(fig);
 *
 * Plot functions copy their data: the tensors may die afterwards.  Every
 * style argument may be NULL (defaults); a zero field means "default".
 * Text may use x_1, x^2, x_{ij} (a one-letter name followed by _ or ^), or
 * $...$ for italic math with sub/superscripts; "\n" breaks a line. */
#ifndef SELI_FIGURE_H
#define SELI_FIGURE_H

typedef struct seli_tensor seli_tensor;
typedef struct seli_figure seli_figure;
typedef struct seli_axes seli_axes;

typedef enum seli_scale { SELI_LINEAR, SELI_LOG, SELI_SYMLOG } seli_scale;

/* How a plot looks.  Pass &(seli_style){.color = "C1", .width = 2} or NULL. */
typedef struct seli_style {
    const char *color;  /* "C0".."C9" (tab10), "#1f77b4", "red", "k"; NULL: next cycle colour */
    const char *label;  /* legend entry; NULL: none */
    double width;       /* line width in pt (0: 1.5) */
    const char *dash;   /* "-" (solid, default), "--", ":", "-." */
    double alpha;       /* opacity in (0, 1] (0: 1, or 0.25 for fill_between) */
    const char *marker; /* "o", "s", "^", "v", "D", "x", "X", "+", "." (scatter: "o") */
    double size;        /* marker diameter in pt (0: 6 for scatter, 7 for annotate) */
    const char *cmap;   /* colormap: "viridis" (default), "turbo", "bwr", "gray" */
    double vmin, vmax;  /* colormap range (both 0: the data's min and max) */
    int bins;           /* histogram: number of bins (0: 50) */
    int density;        /* histogram: nonzero scales to unit area */
    double lo, hi;      /* histogram: bin range (both 0: x limits if set, else the data's) */
    int levels;         /* contours: about this many levels (0: 10) */
    const char
        *align; /* annotate: text "left" of the marker (default), "right", "above", "below" */
} seli_style;

/* How a legend looks.  Pass &(seli_legend_style){.loc = "below", .ncol = 3} or NULL. */
typedef struct seli_legend_style {
    const char *loc; /* "best" (default), "upper right", "upper left", "lower left",
                        "lower right", "upper center", "lower center", "center left",
                        "center right", "center", or "below" (under the axes) */
    int ncol;        /* columns (0: 1) */
} seli_legend_style;

/* --- the figure --- */

/* A new empty figure of width x height inches (0, 0: 6.4 x 4.8).  The caller
 * owns it and frees it with seli_figure_free. */
seli_figure *seli_figure_new(double width, double height);
/* Free a figure and all its axes (NULL is ignored). */
void seli_figure_free(seli_figure *fig);
/* The axes in cell `index` (0-based, row by row) of a rows x cols grid;
 * the same cell returns the same axes.  Owned by the figure. */
seli_axes *seli_subplot(seli_figure *fig, int rows, int cols, int index);
/* Axes spanning rowspan x colspan cells of a rows x cols grid from (row, col),
 * e.g. seli_subplot_span(fig, 2, 4, 1, 0, 1, 4) is a wide panel under four. */
seli_axes *seli_subplot_span(seli_figure *fig, int rows, int cols, int row, int col, int rowspan,
                             int colspan);
/* The figure's title, centred above all axes. */
void seli_suptitle(seli_figure *fig, const char *title);
/* The figure as an SVG document; a malloc'd string the caller frees. */
char *seli_figure_svg(const seli_figure *fig);
/* Write the figure as SVG to path (errors if the file cannot be written). */
void seli_figure_save(const seli_figure *fig, const char *path);
/* Show the figure through the display sink (image/svg+xml and text/plain):
 * inline in the notebook, or a numbered .svg file in a plain program. */
void seli_figure_show(const seli_figure *fig);

/* --- axes decorations --- */

/* The title above the axes. */
void seli_title(seli_axes *ax, const char *title);
/* The x (horizontal) axis label, e.g. "x_1" or "Iteration". */
void seli_xlabel(seli_axes *ax, const char *label);
/* The y (vertical) axis label. */
void seli_ylabel(seli_axes *ax, const char *label);
/* Fix the x range to [lo, hi] (default: the data range plus 5%). */
void seli_xlim(seli_axes *ax, double lo, double hi);
/* Fix the y range to [lo, hi]. */
void seli_ylim(seli_axes *ax, double lo, double hi);
/* Linear (default), log or symlog x axis (symlog: linear within +-1). */
void seli_xscale(seli_axes *ax, seli_scale scale);
/* Linear (default), log or symlog y axis. */
void seli_yscale(seli_axes *ax, seli_scale scale);
/* Symlog x axis, linear within +-linthresh and logarithmic beyond it. */
void seli_xscale_symlog(seli_axes *ax, double linthresh);
/* Symlog y axis, linear within +-linthresh. */
void seli_yscale_symlog(seli_axes *ax, double linthresh);
/* Put x ticks at the n given values (n = 0: no ticks, n < 0: automatic again). */
void seli_xticks(seli_axes *ax, int n, const double *values);
/* Put y ticks at the n given values (n = 0: no ticks, n < 0: automatic again). */
void seli_yticks(seli_axes *ax, int n, const double *values);
/* Make the axes box height / width = ratio (1: square panel; 0: fill the cell). */
void seli_box_aspect(seli_axes *ax, double ratio);
/* Draw a legend of the labelled plots (style may be NULL: best place, one column). */
void seli_legend(seli_axes *ax, const seli_legend_style *style);

/* --- plots (tensors: x and y are 1-D of the same size; x may be NULL: 0, 1, ...) --- */

/* A line through the points (x[i], y[i]). */
void seli_line(seli_axes *ax, const seli_tensor *x, const seli_tensor *y, const seli_style *style);
/* A line through n points from float arrays (x may be NULL: 0, 1, ...). */
void seli_line_array(seli_axes *ax, long n, const float *x, const float *y,
                     const seli_style *style);
/* Markers at the points (x[i], y[i]), in one colour. */
void seli_scatter(seli_axes *ax, const seli_tensor *x, const seli_tensor *y,
                  const seli_style *style);
/* Markers coloured by the values c[i] through style->cmap (vmin/vmax). */
void seli_scatter_c(seli_axes *ax, const seli_tensor *x, const seli_tensor *y, const seli_tensor *c,
                    const seli_style *style);
/* Markers at n points from float arrays; c (may be NULL) colours them. */
void seli_scatter_array(seli_axes *ax, long n, const float *x, const float *y, const float *c,
                        const seli_style *style);
/* A step histogram of the samples x (any shape, all elements); style sets
 * bins, density, lo/hi.  Call it again for several series. */
void seli_hist(seli_axes *ax, const seli_tensor *x, const seli_style *style);
/* A step histogram of n float samples. */
void seli_hist_array(seli_axes *ax, long n, const float *x, const seli_style *style);
/* A band between the curves y1 and y2 over x (alpha 0.25 by default). */
void seli_fill_between(seli_axes *ax, const seli_tensor *x, const seli_tensor *y1,
                       const seli_tensor *y2, const seli_style *style);
/* A band between two curves of n float points. */
void seli_fill_between_array(seli_axes *ax, long n, const float *x, const float *y1,
                             const float *y2, const seli_style *style);
/* Filled contours of z: [ny, nx] sampled on a regular grid over
 * [x0, x1] x [y0, y1] (z[i][j] at x = x0 + j*dx, y = y0 + i*dy), style->levels
 * bands coloured by style->cmap.  Large grids are fine (embedded as a PNG). */
void seli_contourf(seli_axes *ax, const seli_tensor *z, double x0, double x1, double y0, double y1,
                   const seli_style *style);
/* Filled contours of ny x nx floats (row-major, row 0 at y0). */
void seli_contourf_array(seli_axes *ax, long ny, long nx, const float *z, double x0, double x1,
                         double y0, double y1, const seli_style *style);
/* Contour lines of z: [ny, nx] over [x0, x1] x [y0, y1]; one colour if
 * style->color is set, else coloured by style->cmap. */
void seli_contour(seli_axes *ax, const seli_tensor *z, double x0, double x1, double y0, double y1,
                  const seli_style *style);
/* Contour lines of ny x nx floats (row-major, row 0 at y0). */
void seli_contour_array(seli_axes *ax, long ny, long nx, const float *z, double x0, double x1,
                        double y0, double y1, const seli_style *style);
/* A heatmap of z: [ny, nx] over [x0, x1] x [y0, y1] through style->cmap. */
void seli_heatmap(seli_axes *ax, const seli_tensor *z, double x0, double x1, double y0, double y1,
                  const seli_style *style);
/* A heatmap of ny x nx floats (row-major, row 0 at y0). */
void seli_heatmap_array(seli_axes *ax, long ny, long nx, const float *z, double x0, double x1,
                        double y0, double y1, const seli_style *style);
/* A marker at (x, y) with a text beside it, e.g. "Start" (style: marker,
 * color (black), size, align). */
void seli_annotate(seli_axes *ax, double x, double y, const char *text, const seli_style *style);

#endif
