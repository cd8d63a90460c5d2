/* contour.c: filled contours and contour lines of a grid (grids: heatmap.c).
 *
 * Filled contours are drawn as one embedded PNG (libpng): they sample the
 * grid bilinearly at about 1.5 pixels per point and colour each pixel by its
 * band, so band edges are smooth whatever the grid size.  Contour lines come from marching squares
 * on a grid of at most 160 x 160, with the segments joined into polylines (points closer than 1 pt
 * to the previous one dropped): one <path> per level. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plot/plot.h"
#include "plot/svg.h"

#define MAX_LINE_GRID 160
#define MAX_IMAGE 1000

/* --- levels: nice values covering the data (or vmin..vmax) --- */

static void make_levels(seli__plot *p, int target)
{
    double lo = p->vmin, hi = p->vmax;
    if (lo == 0 && hi == 0) {
        seli__finite_range(p->z, p->nx * p->ny, &lo, &hi);
        if (!(lo <= hi)) {
            lo = 0;
            hi = 1;
        }
    }
    if (hi - lo < 1e-12 * (fabs(lo) + 1))
        hi = lo + 1;
    p->vmin = lo;
    p->vmax = hi;
    double raw = (hi - lo) / target, mag = pow(10, floor(log10(raw))), step = 10 * mag;
    static const double m[] = {1, 2, 2.5, 5, 10};
    for (int i = 0; i < 5; i++)
        if (m[i] * mag >= raw * (1 - 1e-9)) {
            step = m[i] * mag;
            break;
        }
    double first = floor(lo / step + 1e-9) * step, last = ceil(hi / step - 1e-9) * step;
    int n = (int)llround((last - first) / step) + 1;
    if (n < 2)
        n = 2;
    p->levels = seli__xmalloc(SELI__FIGURE_OP, sizeof(double) * (size_t)n);
    for (int i = 0; i < n; i++)
        p->levels[i] = first + i * step;
    p->nlevels = n;
}

static double bilinear(const seli__plot *p, double gx, double gy)
{
    long j = (long)floor(gx), i = (long)floor(gy);
    if (j >= p->nx - 1)
        j = p->nx - 2;
    if (i >= p->ny - 1)
        i = p->ny - 2;
    if (j < 0)
        j = 0;
    if (i < 0)
        i = 0;
    double fx = gx - j, fy = gy - i;
    if (p->nx == 1) {
        j = 0;
        fx = 0;
    }
    if (p->ny == 1) {
        i = 0;
        fy = 0;
    }
    long jx = p->nx > 1 ? j + 1 : j, iy = p->ny > 1 ? i + 1 : i;
    const double *z = p->z;
    double a = z[i * p->nx + j], b = z[i * p->nx + jx], c = z[iy * p->nx + j],
           d = z[iy * p->nx + jx];
    return (1 - fy) * ((1 - fx) * a + fx * b) + fy * ((1 - fx) * c + fx * d);
}

/* The band of z: levels[lo] <= z < levels[lo + 1]. */
static int band_of(const seli__plot *p, double z)
{
    int lo = 0, hi = p->nlevels - 1;
    while (hi - lo > 1) {
        int mid = (lo + hi) / 2;
        if (z >= p->levels[mid])
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Filled contours: bands sampled at the page's resolution. */
static void contourf_draw(const seli__plot *p, const seli__frame *f, seli__text *s)
{
    double pw = fabs(seli__px(f, p->extent[1]) - seli__px(f, p->extent[0]));
    double ph = fabs(seli__py(f, p->extent[3]) - seli__py(f, p->extent[2]));
    int w = (int)fmin(MAX_IMAGE, fmax(2, ceil(pw * 1.5)));
    int h = (int)fmin(MAX_IMAGE, fmax(2, ceil(ph * 1.5)));
    unsigned char *rgba = seli__xmalloc(SELI__FIGURE_OP, (size_t)w * (size_t)h * 4);
    int nb = p->nlevels - 1;
    seli__rgb *band = seli__xmalloc(SELI__FIGURE_OP, sizeof(seli__rgb) * (size_t)nb);
    for (int b = 0; b < nb; b++)
        band[b] = seli__cmap(p->cmap, nb > 1 ? (b + 0.5) / nb : 0.5);
    for (int v = 0; v < h; v++)
        for (int u = 0; u < w; u++) {
            double gx = (u + 0.5) / w * (p->nx - 1), gy = (1 - (v + 0.5) / h) * (p->ny - 1);
            double z = bilinear(p, gx, gy);
            seli__rgba_pixel(rgba + ((size_t)v * (size_t)w + (size_t)u) * 4, band[band_of(p, z)],
                             isfinite(z));
        }
    seli__grid_image(p, f, s, rgba, w, h, 0);
    free(band);
    free(rgba);
}

/* --- contour lines: marching squares --- */

typedef struct grid {
    const double *z;
    long nx, ny;
} grid;

/* Edge ids: horizontal edge (i, j)-(i, j+1) is i*(nx-1)+j; vertical edge
 * (i, j)-(i+1, j) is NH + i*nx + j. */
static void edge_point(const grid *g, long nh, long e, double level, double *gx, double *gy)
{
    long i, j;
    double a, b;
    if (e < nh) {
        i = e / (g->nx - 1);
        j = e % (g->nx - 1);
        a = g->z[i * g->nx + j];
        b = g->z[i * g->nx + j + 1];
        *gx = j + (level - a) / (b - a);
        *gy = (double)i;
    } else {
        e -= nh;
        i = e / g->nx;
        j = e % g->nx;
        a = g->z[i * g->nx + j];
        b = g->z[(i + 1) * g->nx + j];
        *gx = (double)j;
        *gy = i + (level - a) / (b - a);
    }
}

static void link_edges(long *nb, long p, long q)
{
    if (nb[2 * p] < 0)
        nb[2 * p] = q;
    else
        nb[2 * p + 1] = q;
    if (nb[2 * q] < 0)
        nb[2 * q] = p;
    else
        nb[2 * q + 1] = p;
}

/* The edges a level crosses in each of the 16 cases of a cell (corners a, b,
 * c, d above the level give bits 0..3), linked as pairs of edge numbers
 * 0 (bottom), 1 (right), 2 (top), 3 (left); -1 ends the list.  The saddles
 * 5 and 10 are resolved by the cell's centre (link_cell). */
static const signed char cell_links[16][4] = {
    {-1},       {3, 0, -1}, {0, 1, -1}, {3, 1, -1}, {1, 2, -1}, {-1},       {0, 2, -1}, {3, 2, -1},
    {3, 2, -1}, {0, 2, -1}, {-1},       {1, 2, -1}, {3, 1, -1}, {0, 1, -1}, {3, 0, -1}, {-1},
};
static const signed char saddle_high[4] = {0, 1, 2, 3}; /* bottom-right, top-left */
static const signed char saddle_low[4] = {3, 0, 1, 2};  /* left-bottom, right-top */

/* Link the level's crossings in cell (i, j) into the neighbour lists nb. */
static void link_cell(const grid *g, long nh, double level, long i, long j, long *nb)
{
    long nx = g->nx;
    const double *z = g->z;
    double a = z[i * nx + j], b = z[i * nx + j + 1], c = z[(i + 1) * nx + j + 1],
           d = z[(i + 1) * nx + j];
    if (!isfinite(a) || !isfinite(b) || !isfinite(c) || !isfinite(d))
        return;
    int k = (a > level) | (b > level) << 1 | (c > level) << 2 | (d > level) << 3;
    long e[4] = {i * (nx - 1) + j, nh + i * nx + j + 1, (i + 1) * (nx - 1) + j, nh + i * nx + j};
    const signed char *links = cell_links[k];
    if (k == 5 || k == 10) {
        int centre = (a + b + c + d) / 4 > level;
        links = (k == 5) == centre ? saddle_high : saddle_low;
        link_edges(nb, e[links[0]], e[links[1]]);
        link_edges(nb, e[links[2]], e[links[3]]);
        return;
    }
    if (links[0] >= 0)
        link_edges(nb, e[links[0]], e[links[1]]);
}

/* Follow the chain of linked edges from `start`, writing its points (those
 * closer than 1 pt to the previous one dropped); returns the edge it ended
 * at (-1 or an edge already seen: start itself for a loop). */
static long trace_chain(const seli__plot *p, const grid *g, const seli__frame *f, double level,
                        const long *nb, unsigned char *seen, long start, seli__text *s)
{
    long nh = g->ny * (g->nx - 1), prev = -1, e = start;
    double sx = (p->extent[1] - p->extent[0]) / (g->nx - 1),
           sy = (p->extent[3] - p->extent[2]) / (g->ny - 1);
    int count = 0;
    double lx = 0, ly = 0;
    while (e >= 0 && !seen[e]) {
        seen[e] = 1;
        double gx, gy;
        edge_point(g, nh, e, level, &gx, &gy);
        double x = seli__px(f, p->extent[0] + gx * sx);
        double y = seli__py(f, p->extent[2] + gy * sy);
        long next = nb[2 * e] != prev ? nb[2 * e] : nb[2 * e + 1];
        int last = next < 0 || seen[next];
        if (count == 0 || last || fabs(x - lx) + fabs(y - ly) >= 1.0) {
            seli__text_put(s, count == 0 ? "M" : count == 1 ? "L" : " ");
            seli__svg_num1(s, x);
            seli__text_put(s, " ");
            seli__svg_num1(s, y);
            lx = x;
            ly = y;
            count++;
        }
        prev = e;
        e = next;
    }
    return e;
}

/* The path data of one level: marching squares over the grid, then the
 * chains, open ones first (they start at an edge with one neighbour), then
 * loops.  nb (2 per edge) and seen (1 per edge) are scratch. */
static void level_path(const seli__plot *p, const grid *g, const seli__frame *f, double level,
                       long *nb, unsigned char *seen, seli__text *s)
{
    long nx = g->nx, ny = g->ny, nh = ny * (nx - 1), ne = nh + (ny - 1) * nx;
    for (long e = 0; e < 2 * ne; e++)
        nb[e] = -1;
    memset(seen, 0, (size_t)ne);
    for (long i = 0; i + 1 < ny; i++)
        for (long j = 0; j + 1 < nx; j++)
            link_cell(g, nh, level, i, j, nb);
    for (int pass = 0; pass < 2; pass++)
        for (long start = 0; start < ne; start++) {
            if (seen[start] || nb[2 * start] < 0 || (pass == 0 && nb[2 * start + 1] >= 0))
                continue;
            long end = trace_chain(p, g, f, level, nb, seen, start, s);
            if (pass == 1 && end == start)
                seli__text_put(s, "Z");
        }
}

/* A grid of at most MAX_LINE_GRID x MAX_LINE_GRID: p's own, or every k-th
 * value of a larger one in *sub (malloc'd; the caller frees), with q's
 * extent ending at the last sampled row and column. */
static grid line_grid(const seli__plot *p, seli__plot *q, double **sub)
{
    long kx = (p->nx + MAX_LINE_GRID - 1) / MAX_LINE_GRID,
         ky = (p->ny + MAX_LINE_GRID - 1) / MAX_LINE_GRID;
    grid g = {p->z, p->nx, p->ny};
    *q = *p;
    *sub = NULL;
    if (kx == 1 && ky == 1)
        return g;
    g.nx = (p->nx - 1) / kx + 1;
    g.ny = (p->ny - 1) / ky + 1;
    double *z = seli__xmalloc(SELI__FIGURE_OP, sizeof(double) * (size_t)(g.nx * g.ny));
    for (long i = 0; i < g.ny; i++)
        for (long j = 0; j < g.nx; j++)
            z[i * g.nx + j] = p->z[(i * ky) * p->nx + j * kx];
    g.z = *sub = z;
    q->extent[1] = p->extent[0] + (p->extent[1] - p->extent[0]) * ((g.nx - 1) * kx) / (p->nx - 1);
    q->extent[3] = p->extent[2] + (p->extent[3] - p->extent[2]) * ((g.ny - 1) * ky) / (p->ny - 1);
    return g;
}

static void contour_draw(const seli__plot *p, const seli__frame *f, seli__text *s)
{
    if (p->nx < 2 || p->ny < 2)
        return;
    seli__plot q;
    double *sub;
    grid g = line_grid(p, &q, &sub);
    long ne = g.ny * (g.nx - 1) + (g.ny - 1) * g.nx;
    long *nb = seli__xmalloc(SELI__FIGURE_OP, sizeof(long) * (size_t)(2 * ne));
    unsigned char *seen = seli__xmalloc(SELI__FIGURE_OP, (size_t)ne);
    seli__text_put(s, "<g class=\"contour\" fill=\"none\" stroke-width=\"");
    seli__svg_num(s, p->width);
    seli__text_put(s, "\"");
    seli__svg_alpha(s, "stroke-opacity", p->alpha);
    seli__text_put(s, ">\n");
    for (int l = 0; l < p->nlevels; l++) {
        size_t mark = s->len;
        seli__text_put(s, "<path d=\"");
        size_t body = s->len;
        level_path(&q, &g, f, p->levels[l], nb, seen, s);
        if (s->len == body) {
            s->len = mark;
            s->data[mark] = '\0';
            continue;
        }
        char hex[8];
        double t = p->nlevels > 1 ? (double)l / (p->nlevels - 1) : 0.5;
        seli__rgb_hex(p->has_color ? p->color : seli__cmap(p->cmap, t), hex);
        seli__text_printf(s, "\" stroke=\"%s\"/>\n", hex);
    }
    seli__text_put(s, "</g>\n");
    free(nb);
    free(seen);
    free(sub);
}

/* --- adding contours --- */

void seli_contourf_array(seli_axes *ax, long ny, long nx, const float *z, double x0, double x1,
                         double y0, double y1, const seli_style *style)
{
    seli__plot *p = seli__grid_add(ax, SELI__IMAGE, contourf_draw, 2, ny, nx, z, x0, x1, y0, y1,
                                   style, "seli_contourf");
    make_levels(p, style && style->levels > 0 ? style->levels : 10);
}

void seli_contour_array(seli_axes *ax, long ny, long nx, const float *z, double x0, double x1,
                        double y0, double y1, const seli_style *style)
{
    seli__plot *p = seli__grid_add(ax, SELI__CONTOUR, contour_draw, 2, ny, nx, z, x0, x1, y0, y1,
                                   style, "seli_contour");
    if (!(style && style->width > 0))
        p->width = 0.8;
    make_levels(p, style && style->levels > 0 ? style->levels : 10);
}

void seli_contourf(seli_axes *ax, const seli_tensor *z, double x0, double x1, double y0, double y1,
                   const seli_style *style)
{
    seli__check_grid("seli_contourf", z);
    seli_contourf_array(ax, z->shape[0], z->shape[1], z->data, x0, x1, y0, y1, style);
}

void seli_contour(seli_axes *ax, const seli_tensor *z, double x0, double x1, double y0, double y1,
                  const seli_style *style)
{
    seli__check_grid("seli_contour", z);
    seli_contour_array(ax, z->shape[0], z->shape[1], z->data, x0, x1, y0, y1, style);
}
