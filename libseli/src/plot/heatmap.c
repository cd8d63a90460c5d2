/* heatmap.c: heatmaps, and the grids that heatmaps and contours share.
 *
 * A grid is ny x nx values over the extent [x0, x1] x [y0, y1], row 0 at y0.
 * A heatmap is drawn as one embedded PNG (libpng) of the grid itself,
 * averaged down to at most 256 x 256; small grids (up to 64 x 64) are shown
 * pixelated, as blocks. */
#include <math.h>
#include <stdlib.h>

#include "plot/plot.h"
#include "plot/svg.h"

#define MAX_HEATMAP 256

/* --- grids --- */

seli__plot *seli__grid_add(seli_axes *ax, enum seli__kind kind, seli__draw_fn draw, long min,
                           long ny, long nx, const float *z, double x0, double x1, double y0,
                           double y1, const seli_style *style, const char *op)
{
    if (ny < 1 || nx < 1 || !z)
        seli_error("%s: z must be a non-empty [ny, nx] grid (got %ld x %ld%s)", op, ny, nx,
                   z ? "" : ", z NULL");
    if (ny < min || nx < min)
        seli_error("%s: contours need a grid of at least 2 x 2 (got %ld x %ld)", op, ny, nx);
    if (nx * ny > 64L * 1024 * 1024)
        seli_error("%s: a %ld x %ld grid is too large (at most 64M values)", op, ny, nx);
    if (!(x0 != x1 && y0 != y1) || !isfinite(x0 + x1 + y0 + y1))
        seli_error("%s: the extent x0, x1, y0, y1 must be finite with x0 != x1 and y0 != y1 "
                   "(got %g, %g, %g, %g)",
                   op, x0, x1, y0, y1);
    seli__plot *p = seli__axes_add(ax, kind, draw, style, 0, op);
    p->nx = nx;
    p->ny = ny;
    p->z = seli__copy_floats(z, nx * ny);
    p->extent[0] = x0;
    p->extent[1] = x1;
    p->extent[2] = y0;
    p->extent[3] = y1;
    return p;
}

void seli__check_grid(const char *op, const seli_tensor *z)
{
    seli__check_data(op, z, "z");
    if (z->ndim != 2)
        seli_error("%s: z must be a 2-D grid [ny, nx] (got %d dimensions)", op, z->ndim);
}

void seli__rgba_pixel(unsigned char *px, seli__rgb c, int opaque)
{
    px[0] = c.r;
    px[1] = c.g;
    px[2] = c.b;
    px[3] = opaque ? 255 : 0;
}

void seli__grid_image(const seli__plot *p, const seli__frame *f, seli__text *s,
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
    seli__svg_alpha(s, "opacity", p->alpha);
    seli__text_put(s, " xlink:href=\"");
    seli__svg_png(s, rgba, w, h);
    seli__text_put(s, "\"/>\n");
}

/* --- heatmaps --- */

/* The mean of the finite values in rows i0..i1-1 and columns j0..j1-1 of the
 * grid, through the colormap, into one pixel (transparent if none is finite). */
static void block_pixel(const seli__plot *p, long i0, long i1, long j0, long j1, unsigned char *px)
{
    double sum = 0;
    long cnt = 0;
    for (long i = i0; i < i1; i++)
        for (long j = j0; j < j1; j++)
            if (isfinite(p->z[i * p->nx + j])) {
                sum += p->z[i * p->nx + j];
                cnt++;
            }
    double t = cnt ? (sum / cnt - p->vmin) / (p->vmax - p->vmin) : 0;
    seli__rgba_pixel(px, seli__cmap(p->cmap, t), cnt > 0);
}

/* The grid (block-averaged when large), row 0 at the bottom. */
static void heatmap_draw(const seli__plot *p, const seli__frame *f, seli__text *s)
{
    int w = (int)(p->nx < MAX_HEATMAP ? p->nx : MAX_HEATMAP);
    int h = (int)(p->ny < MAX_HEATMAP ? p->ny : MAX_HEATMAP);
    unsigned char *rgba = seli__xmalloc(SELI__FIGURE_OP, (size_t)w * (size_t)h * 4);
    for (int v = 0; v < h; v++)
        for (int u = 0; u < w; u++) {
            long i0 = (long)(h - 1 - v) * p->ny / h, i1 = (long)(h - v) * p->ny / h;
            long j0 = (long)u * p->nx / w, j1 = (long)(u + 1) * p->nx / w;
            block_pixel(p, i0, i1, j0, j1, rgba + ((size_t)v * (size_t)w + (size_t)u) * 4);
        }
    seli__grid_image(p, f, s, rgba, w, h, p->nx <= 64 && p->ny <= 64);
    free(rgba);
}

void seli_heatmap_array(seli_axes *ax, long ny, long nx, const float *z, double x0, double x1,
                        double y0, double y1, const seli_style *style)
{
    seli__plot *p = seli__grid_add(ax, SELI__IMAGE, heatmap_draw, 1, ny, nx, z, x0, x1, y0, y1,
                                   style, "seli_heatmap");
    if (p->vmin == 0 && p->vmax == 0) {
        double lo, hi;
        seli__finite_range(p->z, nx * ny, &lo, &hi);
        p->vmin = lo <= hi ? lo : 0;
        p->vmax = lo < hi ? hi : p->vmin + 1;
    }
}

void seli_heatmap(seli_axes *ax, const seli_tensor *z, double x0, double x1, double y0, double y1,
                  const seli_style *style)
{
    seli__check_grid("seli_heatmap", z);
    seli_heatmap_array(ax, z->shape[0], z->shape[1], z->data, x0, x1, y0, y1, style);
}
