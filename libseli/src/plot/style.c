/* style.c: dashes, strokes and marker shapes (see style.h).
 *
 * Markers are path data, so that many of them share one <path>: squares,
 * triangles and diamonds as closed polygons, circles as two arcs, x and + as
 * two strokes, X as a filled 12-vertex outline. */
#include <stdio.h>
#include <string.h>

#include "plot/style.h"
#include "plot/svg.h"

/* --- strokes --- */

/* stroke-dasharray for a dash spec ("--", ":", "-.", or numbers) scaled by
 * the line width, or "" for a solid line. */
static void dash_array(const char *dash, double width, char *out, size_t n)
{
    static const struct {
        const char *name;
        double d[4];
        int k;
    } styles[] = {{"--", {3.7, 1.6}, 2}, {":", {1, 1.65}, 2}, {"-.", {6.4, 1.6, 1, 1.6}, 4}};
    out[0] = '\0';
    if (!dash || !*dash || strcmp(dash, "-") == 0)
        return;
    for (size_t i = 0; i < sizeof styles / sizeof styles[0]; i++)
        if (strcmp(dash, styles[i].name) == 0) {
            size_t len = 0;
            for (int j = 0; j < styles[i].k && len < n; j++)
                len += (size_t)snprintf(out + len, n - len, "%s%.2g", j ? "," : "",
                                        styles[i].d[j] * (width > 1 ? width : 1));
            return;
        }
    /* numbers such as "4,2": checked to hold only digits, dots, commas, spaces */
    if (strspn(dash, "0123456789., ") == strlen(dash))
        snprintf(out, n, "%s", dash);
}

void seli__stroke_attrs(seli__text *s, seli__rgb color, double width, double alpha,
                        const char *dash, const char *join)
{
    char hex[8], da[64];
    seli__rgb_hex(color, hex);
    seli__text_printf(s, " fill=\"none\" stroke=\"%s\" stroke-width=\"", hex);
    seli__svg_num(s, width);
    seli__text_put(s, "\"");
    if (join)
        seli__text_printf(s, " %s", join);
    seli__svg_alpha(s, "stroke-opacity", alpha);
    dash_array(dash, width, da, sizeof da);
    if (da[0])
        seli__text_printf(s, " stroke-dasharray=\"%s\"", da);
}

void seli__stroke_end(seli__text *s, const seli__plot *p, const char *join)
{
    seli__text_put(s, "\"");
    seli__stroke_attrs(s, p->color, p->width, p->alpha, p->dash, join);
    seli__text_put(s, "/>\n");
}

void seli__band_attrs(seli__text *s, seli__rgb color, double alpha)
{
    char hex[8];
    seli__rgb_hex(color, hex);
    seli__text_printf(s, " fill=\"%s\" fill-opacity=\"", hex);
    seli__svg_num(s, alpha);
    seli__text_printf(s, "\" stroke=\"%s\" stroke-opacity=\"", hex);
    seli__svg_num(s, alpha);
    seli__text_put(s, "\" stroke-width=\"0.8\"");
}

/* --- markers --- */

/* A closed polygon from (x, y) through the relative steps (dx[i], dy[i]). */
static void polygon(seli__text *s, double x, double y, int n, const double *dx, const double *dy)
{
    seli__svg_xy(s, "M", x, y);
    for (int i = 0; i < n; i++)
        seli__svg_xy(s, "l", dx[i], dy[i]);
    seli__text_put(s, "z");
}

/* A triangle of half-width r pointing up (dir -1) or down (dir 1). */
static void triangle(seli__text *s, double x, double y, double r, int dir)
{
    seli__svg_xy(s, "M", x, y + dir * r);
    seli__svg_xy(s, "l", r, -dir * 1.5 * r);
    seli__text_put(s, "h");
    seli__svg_num(s, -2 * r);
    seli__text_put(s, "z");
}

static void square(seli__text *s, double x, double y, double d)
{
    double r = d / 2;
    seli__svg_xy(s, "M", x - r, y - r);
    seli__text_put(s, "h");
    seli__svg_num(s, d);
    seli__text_put(s, "v");
    seli__svg_num(s, d);
    seli__text_put(s, "h");
    seli__svg_num(s, -d);
    seli__text_put(s, "z");
}

/* x (diagonal) or + (upright): two strokes of length d through (x, y). */
static void cross(seli__text *s, int diagonal, double x, double y, double d)
{
    double r = d / 2;
    if (diagonal) {
        seli__svg_xy(s, "M", x - r, y - r);
        seli__svg_xy(s, "l", d, d);
        seli__svg_xy(s, "M", x - r, y + r);
        seli__svg_xy(s, "l", d, -d);
    } else {
        seli__svg_xy(s, "M", x - r, y);
        seli__svg_xy(s, "l", d, 0);
        seli__svg_xy(s, "M", x, y - r);
        seli__svg_xy(s, "l", 0, d);
    }
}

/* A filled, thick x: 12 outline vertices. */
static void thick_x(seli__text *s, double x, double y, double r)
{
    double a = r * 0.36, b = r;
    double vx[12] = {x - b + a, x, x + b - a, x + b, x + a, x + b,
                     x + b - a, x, x - b + a, x - b, x - a, x - b};
    double vy[12] = {y - b, y - a, y - b, y - b + a, y, y + b - a,
                     y + b, y + a, y + b, y + b - a, y, y - b + a};
    for (int i = 0; i < 12; i++)
        seli__svg_xy(s, i ? "L" : "M", vx[i], vy[i]);
    seli__text_put(s, "z");
}

/* A circle of radius r as two arcs. */
static void circle(seli__text *s, double x, double y, double r)
{
    seli__svg_xy(s, "M", x - r, y);
    for (int half = 0; half < 2; half++) {
        seli__svg_xy(s, half ? " 0a" : "a", r, r);
        seli__text_put(s, " 0 1 0 ");
        seli__svg_num(s, half ? -2 * r : 2 * r);
    }
    seli__text_put(s, " 0z");
}

void seli__marker_path(seli__text *s, const char *marker, double x, double y, double d)
{
    double r = d / 2;
    switch (marker[0]) {
    case 's':
        square(s, x, y, d);
        break;
    case '^':
    case 'v':
        triangle(s, x, y, r, marker[0] == '^' ? -1 : 1);
        break;
    case 'D': {
        const double dx[3] = {r, -r, -r}, dy[3] = {r, r, -r};
        polygon(s, x, y - r, 3, dx, dy);
        break;
    }
    case 'x':
    case '+':
        cross(s, marker[0] == 'x', x, y, d);
        break;
    case 'X':
        thick_x(s, x, y, r);
        break;
    default: /* "o" and ".": a circle, "." of half the size */
        circle(s, x, y, marker[0] == '.' ? r * 0.5 : r);
    }
}

void seli__marker_end(seli__text *s, const char *marker, const char *hex, const char *stroke_width,
                      double alpha)
{
    if (marker[0] == 'x' || marker[0] == '+') {
        seli__text_printf(s, "\" fill=\"none\" stroke=\"%s\"", hex);
        if (stroke_width)
            seli__text_printf(s, " stroke-width=\"%s\"", stroke_width);
    } else {
        seli__text_printf(s, "\" fill=\"%s\"", hex);
    }
    seli__svg_alpha(s, "opacity", alpha);
    seli__text_put(s, "/>\n");
}
