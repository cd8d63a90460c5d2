/* contour.c: filled contours, contour lines and heatmaps of a grid.
 *
 * Filled contours and heatmaps are drawn as one embedded PNG (libpng):
 * filled contours sample the grid bilinearly at about 1.5 pixels per point
 * and colour each pixel by its band, so band edges are smooth whatever the
 * grid size; a heatmap is the grid itself, averaged down to at most 256 x 256.
 * Contour lines come from marching squares on a grid of at most 160 x 160,
 * with the segments joined into polylines (points closer than 1 pt to the
 * previous one dropped): one <path> per level. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plot/plot.h"

#define MAX_LINE_GRID 160
#define MAX_HEATMAP 256
#define MAX_IMAGE 1000

/* --- levels: nice values covering the data (or vmin..vmax) --- */

static void make_levels(seli__plot *p, int target)
{
    double lo = p->vmin, hi = p->vmax;
    if (lo == 0 && hi == 0) {
        lo = INFINITY;
        hi = -INFINITY;
        for (long i = 0; i < p->nx * p->ny; i++)
            if (isfinite(p->z[i])) {
                lo = p->z[i] < lo ? p->z[i] : lo;
                hi = p->z[i] > hi ? p->z[i] : hi;
            }
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
    p->levels = seli__xmalloc(sizeof(double) * (size_t)n);
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

static void put_image(const seli__plot *p, const seli__frame *f, seli__text *s,
                      const unsigned char *rgba, int w, int h, int pixelated)
{
    double xa = seli__px(f, p->extent[0]), xb = seli__px(f, p->extent[1]);
    double ya = seli__py(f, p->extent[3]), yb = seli__py(f, p->extent[2]);
    seli__text_put(s, "<image x=\"");
    seli__svg_num(s, xa < xb ? xa : xb);
    seli__text_put(s, "\" y=\"");
    seli__svg_num(s, ya < yb ? ya : yb);
    seli__text_put(s, "\" width=\"");
    seli__svg_num(s, fabs(xb - xa));
    seli__text_put(s, "\" height=\"");
    seli__svg_num(s, fabs(yb - ya));
    seli__text_put(s, "\" preserveAspectRatio=\"none\"");
    if (pixelated)
        seli__text_put(s, " style=\"image-rendering:pixelated\"");
    if (p->alpha < 1) {
        seli__text_put(s, " opacity=\"");
        seli__svg_num(s, p->alpha);
        seli__text_put(s, "\"");
    }
    seli__text_put(s, " xlink:href=\"");
    seli__svg_png(s, rgba, w, h);
    seli__text_put(s, "\"/>\n");
}

static void set_pixel(unsigned char *px, seli__rgb c, int opaque)
{
    px[0] = c.r;
    px[1] = c.g;
    px[2] = c.b;
    px[3] = opaque ? 255 : 0;
}

void seli__image_draw(const seli__plot *p, const seli__frame *f, seli__text *s)
{
    if (p->levels) { /* filled contours: bands sampled at the page's resolution */
        double pw = fabs(seli__px(f, p->extent[1]) - seli__px(f, p->extent[0]));
        double ph = fabs(seli__py(f, p->extent[3]) - seli__py(f, p->extent[2]));
        int w = (int)fmin(MAX_IMAGE, fmax(2, ceil(pw * 1.5)));
        int h = (int)fmin(MAX_IMAGE, fmax(2, ceil(ph * 1.5)));
        unsigned char *rgba = seli__xmalloc((size_t)w * (size_t)h * 4);
        int nb = p->nlevels - 1;
        seli__rgb *band = seli__xmalloc(sizeof(seli__rgb) * (size_t)nb);
        for (int b = 0; b < nb; b++)
            band[b] = seli__cmap(p->cmap, nb > 1 ? (b + 0.5) / nb : 0.5);
        for (int v = 0; v < h; v++)
            for (int u = 0; u < w; u++) {
                double gx = (u + 0.5) / w * (p->nx - 1), gy = (1 - (v + 0.5) / h) * (p->ny - 1);
                double z = bilinear(p, gx, gy);
                int lo = 0, hi = p->nlevels - 1; /* band: levels[lo] <= z < levels[lo + 1] */
                while (hi - lo > 1) {
                    int mid = (lo + hi) / 2;
                    if (z >= p->levels[mid])
                        lo = mid;
                    else
                        hi = mid;
                }
                set_pixel(rgba + ((size_t)v * (size_t)w + (size_t)u) * 4, band[lo], isfinite(z));
            }
        put_image(p, f, s, rgba, w, h, 0);
        free(band);
        free(rgba);
        return;
    }
    /* heatmap: the grid (block-averaged when large), row 0 at the bottom */
    int w = (int)(p->nx < MAX_HEATMAP ? p->nx : MAX_HEATMAP);
    int h = (int)(p->ny < MAX_HEATMAP ? p->ny : MAX_HEATMAP);
    unsigned char *rgba = seli__xmalloc((size_t)w * (size_t)h * 4);
    double lo = p->vmin, hi = p->vmax;
    for (int v = 0; v < h; v++)
        for (int u = 0; u < w; u++) {
            long i0 = (long)(h - 1 - v) * p->ny / h, i1 = (long)(h - v) * p->ny / h;
            long j0 = (long)u * p->nx / w, j1 = (long)(u + 1) * p->nx / w;
            double sum = 0;
            long cnt = 0;
            for (long i = i0; i < i1; i++)
                for (long j = j0; j < j1; j++)
                    if (isfinite(p->z[i * p->nx + j])) {
                        sum += p->z[i * p->nx + j];
                        cnt++;
                    }
            double t = cnt ? (sum / cnt - lo) / (hi - lo) : 0;
            set_pixel(rgba + ((size_t)v * (size_t)w + (size_t)u) * 4, seli__cmap(p->cmap, t),
                      cnt > 0);
        }
    put_image(p, f, s, rgba, w, h, p->nx <= 64 && p->ny <= 64);
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

static void level_path(const seli__plot *p, const grid *g, const seli__frame *f, double level,
                       long *nb, unsigned char *seen, seli__text *s)
{
    long nx = g->nx, ny = g->ny, nh = ny * (nx - 1), ne = nh + (ny - 1) * nx;
    for (long e = 0; e < 2 * ne; e++)
        nb[e] = -1;
    memset(seen, 0, (size_t)ne);
    for (long i = 0; i + 1 < ny; i++)
        for (long j = 0; j + 1 < nx; j++) {
            const double *z = g->z;
            double a = z[i * nx + j], b = z[i * nx + j + 1], c = z[(i + 1) * nx + j + 1],
                   d = z[(i + 1) * nx + j];
            if (!isfinite(a) || !isfinite(b) || !isfinite(c) || !isfinite(d))
                continue;
            int k = (a > level) | (b > level) << 1 | (c > level) << 2 | (d > level) << 3;
            long e0 = i * (nx - 1) + j, e2 = (i + 1) * (nx - 1) + j;
            long e3 = nh + i * nx + j, e1 = e3 + 1;
            int centre = (a + b + c + d) / 4 > level;
            switch (k) {
            case 1:
            case 14:
                link_edges(nb, e3, e0);
                break;
            case 2:
            case 13:
                link_edges(nb, e0, e1);
                break;
            case 3:
            case 12:
                link_edges(nb, e3, e1);
                break;
            case 4:
            case 11:
                link_edges(nb, e1, e2);
                break;
            case 6:
            case 9:
                link_edges(nb, e0, e2);
                break;
            case 7:
            case 8:
                link_edges(nb, e3, e2);
                break;
            case 5:
                if (centre) {
                    link_edges(nb, e0, e1);
                    link_edges(nb, e2, e3);
                } else {
                    link_edges(nb, e3, e0);
                    link_edges(nb, e1, e2);
                }
                break;
            case 10:
                if (centre) {
                    link_edges(nb, e3, e0);
                    link_edges(nb, e1, e2);
                } else {
                    link_edges(nb, e0, e1);
                    link_edges(nb, e2, e3);
                }
                break;
            default:
                break;
            }
        }
    double sx = (p->extent[1] - p->extent[0]) / (nx - 1),
           sy = (p->extent[3] - p->extent[2]) / (ny - 1);
    /* open chains first (they start at an edge with one neighbour), then loops */
    for (int pass = 0; pass < 2; pass++)
        for (long start = 0; start < ne; start++) {
            if (seen[start] || nb[2 * start] < 0 || (pass == 0 && nb[2 * start + 1] >= 0))
                continue;
            long prev = -1, e = start;
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
            if (pass == 1 && e == start)
                seli__text_put(s, "Z");
        }
}

void seli__contour_draw(const seli__plot *p, const seli__frame *f, seli__text *s)
{
    if (p->nx < 2 || p->ny < 2)
        return;
    /* subsample a large grid */
    long kx = (p->nx + MAX_LINE_GRID - 1) / MAX_LINE_GRID,
         ky = (p->ny + MAX_LINE_GRID - 1) / MAX_LINE_GRID;
    grid g = {p->z, p->nx, p->ny};
    double *sub = NULL;
    seli__plot q = *p;
    if (kx > 1 || ky > 1) {
        g.nx = (p->nx - 1) / kx + 1;
        g.ny = (p->ny - 1) / ky + 1;
        sub = seli__xmalloc(sizeof(double) * (size_t)(g.nx * g.ny));
        for (long i = 0; i < g.ny; i++)
            for (long j = 0; j < g.nx; j++)
                sub[i * g.nx + j] = p->z[(i * ky) * p->nx + j * kx];
        g.z = sub;
        /* the subsampled grid ends at the last sampled row/column */
        q.extent[1] =
            p->extent[0] + (p->extent[1] - p->extent[0]) * ((g.nx - 1) * kx) / (p->nx - 1);
        q.extent[3] =
            p->extent[2] + (p->extent[3] - p->extent[2]) * ((g.ny - 1) * ky) / (p->ny - 1);
    }
    long ne = g.ny * (g.nx - 1) + (g.ny - 1) * g.nx;
    long *nb = seli__xmalloc(sizeof(long) * (size_t)(2 * ne));
    unsigned char *seen = seli__xmalloc((size_t)ne);
    seli__text_put(s, "<g class=\"contour\" fill=\"none\" stroke-width=\"");
    seli__svg_num(s, p->width);
    seli__text_put(s, "\"");
    if (p->alpha < 1) {
        seli__text_put(s, " stroke-opacity=\"");
        seli__svg_num(s, p->alpha);
        seli__text_put(s, "\"");
    }
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

/* --- adding grids --- */

static void add_grid(seli_axes *ax, enum seli__kind kind, int filled, long ny, long nx,
                     const float *z, double x0, double x1, double y0, double y1,
                     const seli_style *style, const char *op)
{
    if (ny < 1 || nx < 1 || !z)
        seli_error("%s: z must be a non-empty [ny, nx] grid (got %ld x %ld%s)", op, ny, nx,
                   z ? "" : ", z NULL");
    if ((kind == SELI__CONTOUR || filled) && (ny < 2 || nx < 2))
        seli_error("%s: contours need a grid of at least 2 x 2 (got %ld x %ld)", op, ny, nx);
    if (nx * ny > 64L * 1024 * 1024)
        seli_error("%s: a %ld x %ld grid is too large (at most 64M values)", op, ny, nx);
    if (!(x0 != x1 && y0 != y1) || !isfinite(x0 + x1 + y0 + y1))
        seli_error("%s: the extent x0, x1, y0, y1 must be finite with x0 != x1 and y0 != y1 "
                   "(got %g, %g, %g, %g)",
                   op, x0, x1, y0, y1);
    seli__plot *p = seli__axes_add(ax, kind, style, 0, op);
    p->nx = nx;
    p->ny = ny;
    p->z = seli__copy_floats(z, nx * ny);
    p->extent[0] = x0;
    p->extent[1] = x1;
    p->extent[2] = y0;
    p->extent[3] = y1;
    if (kind == SELI__CONTOUR && !(style && style->width > 0))
        p->width = 0.8;
    if (kind == SELI__CONTOUR || filled) {
        make_levels(p, style && style->levels > 0 ? style->levels : 10);
    } else if (p->vmin == 0 && p->vmax == 0) {
        double lo = INFINITY, hi = -INFINITY;
        for (long i = 0; i < nx * ny; i++)
            if (isfinite(p->z[i])) {
                lo = p->z[i] < lo ? p->z[i] : lo;
                hi = p->z[i] > hi ? p->z[i] : hi;
            }
        p->vmin = lo <= hi ? lo : 0;
        p->vmax = lo < hi ? hi : p->vmin + 1;
    }
}

void seli_contourf_array(seli_axes *ax, long ny, long nx, const float *z, double x0, double x1,
                         double y0, double y1, const seli_style *style)
{
    add_grid(ax, SELI__IMAGE, 1, ny, nx, z, x0, x1, y0, y1, style, "seli_contourf");
}

void seli_contour_array(seli_axes *ax, long ny, long nx, const float *z, double x0, double x1,
                        double y0, double y1, const seli_style *style)
{
    add_grid(ax, SELI__CONTOUR, 0, ny, nx, z, x0, x1, y0, y1, style, "seli_contour");
}

void seli_heatmap_array(seli_axes *ax, long ny, long nx, const float *z, double x0, double x1,
                        double y0, double y1, const seli_style *style)
{
    add_grid(ax, SELI__IMAGE, 0, ny, nx, z, x0, x1, y0, y1, style, "seli_heatmap");
}

static void check_grid(const char *op, const seli_tensor *z)
{
    seli__check_data(op, z, "z");
    if (z->ndim != 2)
        seli_error("%s: z must be a 2-D grid [ny, nx] (got %d dimensions)", op, z->ndim);
}

void seli_contourf(seli_axes *ax, const seli_tensor *z, double x0, double x1, double y0, double y1,
                   const seli_style *style)
{
    check_grid("seli_contourf", z);
    seli_contourf_array(ax, z->shape[0], z->shape[1], z->data, x0, x1, y0, y1, style);
}

void seli_contour(seli_axes *ax, const seli_tensor *z, double x0, double x1, double y0, double y1,
                  const seli_style *style)
{
    check_grid("seli_contour", z);
    seli_contour_array(ax, z->shape[0], z->shape[1], z->data, x0, x1, y0, y1, style);
}

void seli_heatmap(seli_axes *ax, const seli_tensor *z, double x0, double x1, double y0, double y1,
                  const seli_style *style)
{
    check_grid("seli_heatmap", z);
    seli_heatmap_array(ax, z->shape[0], z->shape[1], z->data, x0, x1, y0, y1, style);
}
