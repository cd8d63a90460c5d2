/* legend.c: the frameless legend of an axes.
 *
 * Entries are the labelled plots, filled column by column into ncol
 * columns; each has a handle (a line, an outlined or filled box, or a
 * marker) and its label.  "best" puts the legend where it covers the fewest
 * data points; "below" puts it under the axes' x label. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plot/plot.h"
#include "plot/style.h"
#include "plot/svg.h"

#define FONT 10.0
#define LINE_H 1.2

typedef struct entry {
    const seli__plot *p;
    double h; /* row height */
} entry;

static int legend_entries(const seli_axes *ax, entry *out, int max)
{
    int n = 0;
    for (int i = 0; i < ax->nplots && n < max; i++)
        if (ax->plots[i].label && ax->plots[i].kind != SELI__ANNOTATE) {
            out[n].p = &ax->plots[i];
            out[n].h = seli__text_lines(ax->plots[i].label) * FONT * LINE_H;
            n++;
        }
    return n;
}

#define HANDLE_W 20.0
#define HANDLE_PAD 8.0
#define COL_GAP 20.0
#define ROW_GAP 5.0
#define LEGEND_PAD 4.0

void seli__legend_size(const seli_axes *ax, double *w, double *h)
{
    entry e[64];
    int n = legend_entries(ax, e, 64);
    *w = *h = 0;
    if (!ax->legend || n == 0)
        return;
    int ncol = ax->legend_ncol, rows = (n + ncol - 1) / ncol;
    for (int c = 0; c < ncol; c++) {
        double cw = 0, ch = 0;
        for (int r = 0; r < rows && c * rows + r < n; r++) {
            double lw = seli__text_width(e[c * rows + r].p->label, FONT);
            if (lw > cw)
                cw = lw;
            ch += e[c * rows + r].h + (r ? ROW_GAP : 0);
        }
        if (cw == 0 && ch == 0)
            continue;
        *w += (c ? COL_GAP : 0) + HANDLE_W + HANDLE_PAD + cw;
        if (ch > *h)
            *h = ch;
    }
    *w += 2 * LEGEND_PAD;
    *h += 2 * LEGEND_PAD;
}

static void legend_handle(seli__text *s, const seli__plot *p, double x, double y)
{
    char hex[8];
    seli__rgb_hex(p->color, hex);
    switch (p->kind) {
    case SELI__HIST:
    case SELI__FILL:
        seli__text_put(s, "<rect x=\"");
        seli__svg_num(s, x);
        seli__text_put(s, "\" y=\"");
        seli__svg_num(s, y - 3.5);
        seli__text_put(s, "\" width=\"20\" height=\"7\"");
        if (p->kind == SELI__HIST) {
            seli__stroke_attrs(s, p->color, p->width, p->alpha, p->dash, NULL);
        } else {
            seli__band_attrs(s, p->color, p->alpha);
        }
        seli__text_put(s, "/>\n");
        break;
    case SELI__SCATTER:
    case SELI__ANNOTATE: {
        seli__rgb c = p->c ? seli__cmap(p->cmap, 0.85) : p->color;
        seli__rgb_hex(c, hex);
        double d = p->size > 0 ? p->size : 6;
        if (d > 9)
            d = 9;
        seli__text_put(s, "<path d=\"");
        seli__marker_path(s, p->marker[0] ? p->marker : "o", x + HANDLE_W / 2, y, d);
        seli__marker_end(s, p->marker, hex, "1.5", p->alpha);
        break;
    }
    default: {
        seli__rgb c =
            p->kind == SELI__CONTOUR && !p->has_color ? seli__cmap(p->cmap, 0.85) : p->color;
        seli__text_put(s, "<path d=\"");
        seli__svg_xy(s, "M", x, y);
        seli__text_put(s, "h20\"");
        seli__stroke_attrs(s, c, p->width, p->alpha, p->dash, NULL);
        seli__text_put(s, "/>\n");
        if (p->kind == SELI__LINE && p->marker[0]) {
            seli__text_put(s, "<path d=\"");
            seli__marker_path(s, p->marker, x + 10, y, p->size > 0 ? p->size : 6);
            seli__text_printf(s, "\" fill=\"%s\"/>\n", hex); /* filled, whatever the marker */
        }
    }
    }
}

/* How many data points fall inside the box (x, y, w, h) (page coordinates). */
static long crowding(const seli_axes *ax, const seli__frame *f, double x, double y, double w,
                     double h)
{
    long count = 0;
    for (int k = 0; k < ax->nplots; k++) {
        const seli__plot *p = &ax->plots[k];
        long n = p->kind == SELI__HIST ? p->n : p->n;
        if (p->kind == SELI__IMAGE || p->kind == SELI__CONTOUR || !p->x || !p->y)
            continue;
        long stride = n > 2000 ? n / 2000 : 1;
        for (long i = 0; i < n; i += stride) {
            double px =
                seli__px(f, p->kind == SELI__HIST ? 0.5 * (p->x[i] + p->x[i + 1]) : p->x[i]);
            double py = seli__py(f, p->y[i]);
            count += px >= x && px <= x + w && py >= y && py <= y + h;
            if (p->y2) {
                py = seli__py(f, p->y2[i]);
                count += px >= x && px <= x + w && py >= y && py <= y + h;
            }
        }
    }
    return count;
}

static void legend_place(const seli_axes *ax, const seli__layout *L, const char *loc, double *x,
                         double *y)
{
    const seli__frame *f = &L->f;
    double pad = 5, w = L->legend_w, h = L->legend_h;
    double left = f->x0 + pad, right = f->x0 + f->w - pad - w, cx = f->x0 + (f->w - w) / 2;
    double top = f->y0 + pad, bottom = f->y0 + f->h - pad - h, cy = f->y0 + (f->h - h) / 2;
    if (strcmp(loc, "below") == 0) {
        *x = cx;
        if (*x + w > ax->fig->width - 2) /* keep a wide legend on the page */
            *x = ax->fig->width - 2 - w;
        if (*x < 2)
            *x = 2;
        *y = f->y0 + f->h + L->legend_below + 2;
        return;
    }
    static const char *const order[] = {
        "upper right", "upper left",   "lower left",   "lower right",  "right",
        "center left", "center right", "lower center", "upper center", "center"};
    const double xs[] = {right, left, left, right, right, left, right, cx, cx, cx};
    const double ys[] = {top, top, bottom, bottom, cy, cy, cy, bottom, top, cy};
    int best = 0;
    if (strcmp(loc, "best") == 0) {
        long least = -1;
        for (int i = 0; i < 10; i++) {
            long c = crowding(ax, f, xs[i], ys[i], w, h);
            if (least < 0 || c < least) {
                least = c;
                best = i;
            }
        }
    } else {
        for (int i = 0; i < 10; i++)
            if (strcmp(loc, order[i]) == 0)
                best = i;
    }
    *x = xs[best];
    *y = ys[best];
}

void seli__legend_render(const seli_axes *ax, const seli__layout *L, seli__text *s)
{
    entry e[64];
    int n = legend_entries(ax, e, 64);
    if (!ax->legend || n == 0)
        return;
    double x0, y0;
    legend_place(ax, L, ax->legend_loc, &x0, &y0);
    int ncol = ax->legend_ncol, rows = (n + ncol - 1) / ncol;
    seli__text_put(s, "<g class=\"legend\">\n");
    double x = x0 + LEGEND_PAD;
    for (int c = 0; c < ncol; c++) {
        double y = y0 + LEGEND_PAD, cw = 0;
        for (int r = 0; r < rows && c * rows + r < n; r++) {
            const entry *en = &e[c * rows + r];
            double mid = y + en->h / 2;
            legend_handle(s, en->p, x, mid);
            seli__svg_text(s, x + HANDLE_W + HANDLE_PAD, mid, FONT, "start", 'c', 0, en->p->label);
            double lw = seli__text_width(en->p->label, FONT);
            if (lw > cw)
                cw = lw;
            y += en->h + ROW_GAP;
        }
        x += HANDLE_W + HANDLE_PAD + cw + COL_GAP;
    }
    seli__text_put(s, "</g>\n");
}
