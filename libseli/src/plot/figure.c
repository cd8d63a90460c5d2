/* figure.c: a figure, its grid of axes and the layout.
 *
 * Each axes occupies a span of cells of a rows x cols grid.  The layout asks
 * every axes how much room its decorations need (tick labels, axis labels,
 * title, a legend below), aligns axes that share a grid edge, and places the
 * boxes; then the SVG is written and shown, saved or returned. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/interrupt.h"
#include "plot/plot.h"
#include "plot/svg.h"

#define PT_PER_INCH 72.0
#define OUTER_PAD 4.0
#define SUPTITLE 13.0

seli_figure *seli_figure_new(double width, double height)
{
    if (width == 0 && height == 0) {
        width = 6.4;
        height = 4.8;
    }
    if (!(width > 0 && height > 0 && width <= 100 && height <= 100))
        seli_error("seli_figure_new: width and height are in inches and must be in (0, 100] "
                   "(got %g x %g); 0, 0 gives 6.4 x 4.8",
                   width, height);
    seli_figure *fig = seli__xmalloc(SELI__FIGURE_OP, sizeof *fig);
    memset(fig, 0, sizeof *fig);
    fig->width = width * PT_PER_INCH;
    fig->height = height * PT_PER_INCH;
    return fig;
}

void seli_figure_free(seli_figure *fig)
{
    if (!fig)
        return;
    for (int i = 0; i < fig->naxes; i++) {
        seli__axes_destroy(fig->axes[i]);
        free(fig->axes[i]);
    }
    free(fig->axes);
    free(fig->title);
    free(fig);
}

seli_axes *seli_subplot_span(seli_figure *fig, int rows, int cols, int row, int col, int rowspan,
                             int colspan)
{
    if (!fig)
        seli_error("seli_subplot: the figure is NULL; make one with seli_figure_new(w, h)");
    if (rows < 1 || cols < 1 || rows > 64 || cols > 64)
        seli_error("seli_subplot: the grid must have 1..64 rows and columns (got %d x %d)", rows,
                   cols);
    if (row < 0 || col < 0 || rowspan < 1 || colspan < 1 || row + rowspan > rows ||
        col + colspan > cols)
        seli_error("seli_subplot: cells (%d, %d) spanning %d x %d do not fit a %d x %d grid "
                   "(rows and columns count from 0)",
                   row, col, rowspan, colspan, rows, cols);
    for (int i = 0; i < fig->naxes; i++) {
        seli_axes *a = fig->axes[i];
        if (a->rows == rows && a->cols == cols && a->row == row && a->col == col &&
            a->rowspan == rowspan && a->colspan == colspan)
            return a;
    }
    if (fig->naxes == fig->cap) {
        int cap = fig->cap ? 2 * fig->cap : 4;
        seli_axes **p = realloc(fig->axes, sizeof *p * (size_t)cap);
        if (!p)
            seli_error("seli_subplot: out of memory");
        fig->axes = p;
        fig->cap = cap;
    }
    seli_axes *ax = seli__xmalloc(SELI__FIGURE_OP, sizeof *ax);
    memset(ax, 0, sizeof *ax);
    ax->fig = fig;
    ax->rows = rows;
    ax->cols = cols;
    ax->row = row;
    ax->col = col;
    ax->rowspan = rowspan;
    ax->colspan = colspan;
    for (int a = 0; a < 2; a++) {
        ax->axis[a].nticks = -1;
        ax->axis[a].linthresh = 1;
    }
    fig->axes[fig->naxes++] = ax;
    return ax;
}

seli_axes *seli_subplot(seli_figure *fig, int rows, int cols, int index)
{
    if (rows >= 1 && cols >= 1 && (index < 0 || index >= rows * cols))
        seli_error("seli_subplot: index %d is outside the %d x %d grid (0..%d, row by row)", index,
                   rows, cols, rows * cols - 1);
    if (rows < 1 || cols < 1)
        seli_error("seli_subplot: the grid must have at least 1 row and 1 column (got %d x %d)",
                   rows, cols);
    return seli_subplot_span(fig, rows, cols, index / cols, index % cols, 1, 1);
}

void seli_suptitle(seli_figure *fig, const char *title)
{
    if (!fig)
        seli_error("seli_suptitle: the figure is NULL");
    char *copy = seli__xstrdup(SELI__FIGURE_OP, title);
    free(fig->title);
    fig->title = copy;
}

/* --- layout --- */

typedef struct cell {
    double x, y, w, h;     /* the span's rectangle on the page */
    double fl, fr, ft, fb; /* its edges as fractions of the grid */
} cell;

static int same(double a, double b) { return fabs(a - b) < 1e-9; }

static void layout(const seli_figure *fig, seli__layout *L)
{
    double top = OUTER_PAD;
    if (fig->title)
        top += 4 + seli__text_lines(fig->title) * SUPTITLE * 1.2;
    double W = fig->width - 2 * OUTER_PAD, H = fig->height - top - OUTER_PAD;
    int n = fig->naxes;
    cell *c = seli__xmalloc(SELI__FIGURE_OP, sizeof *c * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) {
        const seli_axes *a = fig->axes[i];
        c[i].fl = (double)a->col / a->cols;
        c[i].fr = (double)(a->col + a->colspan) / a->cols;
        c[i].ft = (double)a->row / a->rows;
        c[i].fb = (double)(a->row + a->rowspan) / a->rows;
        c[i].x = OUTER_PAD + c[i].fl * W;
        c[i].w = (c[i].fr - c[i].fl) * W;
        c[i].y = top + c[i].ft * H;
        c[i].h = (c[i].fb - c[i].ft) * H;
        seli__axes_prepare(a, c[i].w, c[i].h, &L[i]);
    }
    /* axes whose cells share an edge get the same inset there, so they align */
    for (int i = 0; i < n; i++) {
        double l = 0, r = 0, t = 0, b = 0;
        for (int j = 0; j < n; j++) {
            if (same(c[i].fl, c[j].fl) && L[j].left > l)
                l = L[j].left;
            if (same(c[i].fr, c[j].fr) && L[j].right > r)
                r = L[j].right;
            if (same(c[i].ft, c[j].ft) && L[j].top > t)
                t = L[j].top;
            if (same(c[i].fb, c[j].fb) && L[j].bottom > b)
                b = L[j].bottom;
        }
        seli__frame *f = &L[i].f;
        f->x0 = c[i].x + l;
        f->y0 = c[i].y + t;
        f->w = c[i].w - l - r;
        f->h = c[i].h - t - b;
        if (f->w < 10)
            f->w = 10;
        if (f->h < 10)
            f->h = 10;
        double ratio = fig->axes[i]->box_aspect;
        if (ratio > 0) {
            if (f->h > ratio * f->w) {
                f->y0 += (f->h - ratio * f->w) / 2;
                f->h = ratio * f->w;
            } else {
                f->x0 += (f->w - f->h / ratio) / 2;
                f->w = f->h / ratio;
            }
        }
    }
    free(c);
}

char *seli_figure_svg(const seli_figure *fig)
{
    if (!fig)
        seli_error("seli_figure_svg: the figure is NULL");
    seli__layout *L =
        seli__xmalloc(SELI__FIGURE_OP, sizeof *L * (size_t)(fig->naxes ? fig->naxes : 1));
    layout(fig, L);
    seli__text s = {NULL, 0, 0};
    /* No <?xml ...?> declaration: SVG is UTF-8 by default, and nbconvert's
     * HTML export rejects inline SVG that declares its encoding. */
    seli__text_put(&s, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
                       "xmlns:xlink=\"http://www.w3.org/1999/xlink\" version=\"1.1\" width=\"");
    seli__svg_num(&s, fig->width);
    seli__text_put(&s, "pt\" height=\"");
    seli__svg_num(&s, fig->height);
    seli__text_put(&s, "pt\" viewBox=\"0 0 ");
    seli__svg_num(&s, fig->width);
    seli__text_put(&s, " ");
    seli__svg_num(&s, fig->height);
    seli__text_put(&s, "\">\n<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n"
                       "<g font-family=\"DejaVu Sans, Bitstream Vera Sans, Arial, Helvetica, "
                       "sans-serif\" font-size=\"10\" fill=\"#000\">\n");
    if (fig->title)
        seli__svg_text(&s, fig->width / 2, OUTER_PAD + 2, SUPTITLE, "middle", 't', 0, fig->title);
    unsigned long serial = seli__serial();
    for (int i = 0; i < fig->naxes; i++) {
        char id[40];
        snprintf(id, sizeof id, "seli%lx-%d", serial, i);
        seli__axes_render(fig->axes[i], &L[i], &s, id);
    }
    seli__text_put(&s, "</g>\n</svg>\n");
    free(L);
    return s.data;
}

void seli_figure_save(const seli_figure *fig, const char *path)
{
    if (!fig)
        seli_error("seli_figure_save: the figure is NULL");
    if (!path || !*path)
        seli_error("seli_figure_save: give a file path, e.g. \"figure.svg\"");
    char *svg = seli_figure_svg(fig);
    FILE *f = fopen(path, "w");
    if (!f) {
        int err = errno;
        free(svg);
        seli_error("seli_figure_save: cannot write %s: %s", path, strerror(err));
    }
    size_t n = strlen(svg);
    int ok = fwrite(svg, 1, n, f) == n;
    ok &= fclose(f) == 0;
    free(svg);
    if (!ok)
        seli_error("seli_figure_save: writing %s failed (disk full?)", path);
}

void seli_figure_show(const seli_figure *fig)
{
    if (!fig)
        seli_error("seli_figure_show: the figure is NULL");
    seli__poll_interrupt("seli_figure_show"); /* before anything is allocated */
    char *svg = seli_figure_svg(fig);
    char text[200];
    int k = snprintf(text, sizeof text, "<seli_figure %.1fx%.1f in, %d axes", fig->width / 72,
                     fig->height / 72, fig->naxes);
    if (fig->title && k > 0 && (size_t)k < sizeof text)
        k += snprintf(text + k, sizeof text - (size_t)k, ": %.80s", fig->title);
    if (k > 0 && (size_t)k < sizeof text - 1)
        snprintf(text + k, sizeof text - (size_t)k, ">");
    const char *mimes[2] = {"image/svg+xml", "text/plain"};
    const char *data[2] = {svg, text};
    seli__display_bundle(2, mimes, data, NULL, 0);
    free(svg);
}
