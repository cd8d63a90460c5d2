/* axes.c: one panel of a figure.
 *
 * Limits (data range plus 5%, sticky at histogram baselines and image
 * edges), linear, log and symlog scales, axis labels, the title and the
 * despined frame (left and bottom spines only).  Ticks live in ticks.c, the
 * legend in legend.c and the scales in scale.c; each plot draws itself
 * through the draw function its file handed to seli__axes_add. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot/plot.h"
#include "plot/svg.h"

#define FONT 10.0    /* tick labels, axis labels, legend */
#define TITLE 12.0   /* axes title */
#define TICK_LEN 3.5 /* major tick length, outward */
#define TICK_PAD 3.5 /* tick to label */
#define LINE_H 1.2   /* line height, in font sizes */

/* --- small helpers shared by the figure files --- */

double *seli__copy_floats(const float *x, long n)
{
    double *d = seli__xmalloc(SELI__FIGURE_OP, sizeof(double) * (size_t)(n > 0 ? n : 1));
    for (long i = 0; i < n; i++)
        d[i] = x ? (double)x[i] : (double)i;
    return d;
}

void seli__check_data(const char *op, const seli_tensor *t, const char *name)
{
    if (!t)
        seli_error("%s: %s is NULL; pass a tensor", op, name);
    if (!t->data || t->size < 0)
        seli_error("%s: %s has no data (was its scope ended?)", op, name);
}

static void check_axes(const char *op, const seli_axes *ax)
{
    if (!ax)
        seli_error("%s: the axes is NULL; get one with seli_subplot(fig, rows, cols, index)", op);
}

/* --- setters --- */

static void set_text(char **slot, const char *text)
{
    char *copy = seli__xstrdup(SELI__FIGURE_OP, text);
    free(*slot);
    *slot = copy;
}

void seli_title(seli_axes *ax, const char *title)
{
    check_axes("seli_title", ax);
    set_text(&ax->title, title);
}

void seli_xlabel(seli_axes *ax, const char *label)
{
    check_axes("seli_xlabel", ax);
    set_text(&ax->axis[0].label, label);
}

void seli_ylabel(seli_axes *ax, const char *label)
{
    check_axes("seli_ylabel", ax);
    set_text(&ax->axis[1].label, label);
}

static void set_lim(const char *op, seli_axes *ax, int a, double lo, double hi)
{
    check_axes(op, ax);
    if (!isfinite(lo) || !isfinite(hi) || !(lo < hi))
        seli_error("%s: the limits must be finite with lo < hi (got %g, %g)", op, lo, hi);
    if (ax->axis[a].scale == SELI_LOG && lo <= 0)
        seli_error("%s: a log axis needs positive limits (got %g, %g); use symlog for zero", op, lo,
                   hi);
    ax->axis[a].lim_set = 1;
    ax->axis[a].lim[0] = lo;
    ax->axis[a].lim[1] = hi;
}

void seli_xlim(seli_axes *ax, double lo, double hi) { set_lim("seli_xlim", ax, 0, lo, hi); }
void seli_ylim(seli_axes *ax, double lo, double hi) { set_lim("seli_ylim", ax, 1, lo, hi); }

static void set_scale(const char *op, seli_axes *ax, int a, seli_scale scale, double lt)
{
    check_axes(op, ax);
    if (scale != SELI_LINEAR && scale != SELI_LOG && scale != SELI_SYMLOG)
        seli_error("%s: unknown scale %d; use SELI_LINEAR, SELI_LOG or SELI_SYMLOG", op,
                   (int)scale);
    if (!(lt > 0) || !isfinite(lt))
        seli_error("%s: linthresh must be positive (got %g)", op, lt);
    if (scale == SELI_LOG && ax->axis[a].lim_set && ax->axis[a].lim[0] <= 0)
        seli_error("%s: the limits [%g, %g] include values <= 0, which a log axis cannot show", op,
                   ax->axis[a].lim[0], ax->axis[a].lim[1]);
    ax->axis[a].scale = scale;
    ax->axis[a].linthresh = lt;
}

void seli_xscale(seli_axes *ax, seli_scale scale) { set_scale("seli_xscale", ax, 0, scale, 1); }
void seli_yscale(seli_axes *ax, seli_scale scale) { set_scale("seli_yscale", ax, 1, scale, 1); }
void seli_xscale_symlog(seli_axes *ax, double linthresh)
{
    set_scale("seli_xscale_symlog", ax, 0, SELI_SYMLOG, linthresh);
}
void seli_yscale_symlog(seli_axes *ax, double linthresh)
{
    set_scale("seli_yscale_symlog", ax, 1, SELI_SYMLOG, linthresh);
}

static void set_ticks(const char *op, seli_axes *ax, int a, int n, const double *values)
{
    check_axes(op, ax);
    if (n > SELI__MAX_TICKS)
        seli_error("%s: at most %d ticks (got %d)", op, SELI__MAX_TICKS, n);
    if (n > 0 && !values)
        seli_error("%s: values is NULL but n = %d", op, n);
    double *copy = n > 0 ? seli__xmalloc(SELI__FIGURE_OP, sizeof(double) * (size_t)n) : NULL;
    if (n > 0)
        memcpy(copy, values, sizeof(double) * (size_t)n);
    free(ax->axis[a].ticks);
    ax->axis[a].ticks = copy;
    ax->axis[a].nticks = n < 0 ? -1 : n;
}

void seli_xticks(seli_axes *ax, int n, const double *values)
{
    set_ticks("seli_xticks", ax, 0, n, values);
}
void seli_yticks(seli_axes *ax, int n, const double *values)
{
    set_ticks("seli_yticks", ax, 1, n, values);
}

void seli_box_aspect(seli_axes *ax, double ratio)
{
    check_axes("seli_box_aspect", ax);
    if (!(ratio >= 0) || !isfinite(ratio))
        seli_error("seli_box_aspect: ratio must be >= 0 (got %g)", ratio);
    ax->box_aspect = ratio;
}

static const char *const legend_locs[] = {
    "best",        "upper right",  "upper left",   "lower left",   "lower right", "right",
    "center left", "center right", "lower center", "upper center", "center",      "below",
};

void seli_legend(seli_axes *ax, const seli_legend_style *style)
{
    check_axes("seli_legend", ax);
    const char *loc = style && style->loc ? style->loc : "best";
    int ok = 0;
    for (size_t i = 0; i < sizeof legend_locs / sizeof legend_locs[0]; i++)
        ok |= strcmp(loc, legend_locs[i]) == 0;
    if (!ok)
        seli_error("seli_legend: unknown loc \"%s\"; use \"best\", \"upper right\", \"upper "
                   "left\", \"lower left\", \"lower right\", \"upper center\", \"lower center\", "
                   "\"center left\", \"center right\", \"center\" or \"below\"",
                   loc);
    if (style && (style->ncol < 0 || style->ncol > 20))
        seli_error("seli_legend: ncol must be between 0 and 20 (got %d)", style->ncol);
    ax->legend = 1;
    snprintf(ax->legend_loc, sizeof ax->legend_loc, "%s", loc);
    ax->legend_ncol = style && style->ncol > 0 ? style->ncol : 1;
}

/* --- adding plots --- */

static void copy_field(char *dst, size_t n, const char *src, const char *def, const char *what,
                       const char *op)
{
    if (!src)
        src = def;
    if (strlen(src) >= n)
        seli_error("%s: %s \"%s\" is too long", op, what, src);
    memcpy(dst, src, strlen(src) + 1);
}

seli__plot *seli__axes_add(seli_axes *ax, enum seli__kind kind, seli__draw_fn draw,
                           const seli_style *style, int use_cycle, const char *op)
{
    check_axes(op, ax);
    seli_style none;
    memset(&none, 0, sizeof none);
    const seli_style *st = style ? style : &none;
    seli__rgb color = {0, 0, 0};
    if (st->color && !seli__parse_color(st->color, &color))
        seli_error("%s: unknown colour \"%s\"; use \"C0\"..\"C9\", \"#rrggbb\" or a name such "
                   "as \"red\"",
                   op, st->color);
    if (st->cmap && !seli__cmap_known(st->cmap))
        seli_error("%s: unknown colormap \"%s\"; use \"viridis\", \"turbo\", \"bwr\", "
                   "\"coolwarm\" or \"gray\"",
                   op, st->cmap);
    if (st->alpha < 0 || st->alpha > 1 || st->width < 0 || st->size < 0 || st->bins < 0 ||
        st->levels < 0)
        seli_error("%s: alpha must be in [0, 1] and width, size, bins, levels >= 0", op);
    if (st->marker && !strchr("os^vDxX+.", st->marker[0]))
        seli_error("%s: unknown marker \"%s\"; use o s ^ v D x X + or .", op, st->marker);
    if (st->dash && !(strchr("-:", st->dash[0]) || (st->dash[0] >= '0' && st->dash[0] <= '9')))
        seli_error("%s: unknown dash \"%s\"; use \"-\", \"--\", \":\", \"-.\" or \"4,2\"", op,
                   st->dash);
    if (st->align && strcmp(st->align, "left") && strcmp(st->align, "right") &&
        strcmp(st->align, "above") && strcmp(st->align, "below"))
        seli_error("%s: align must be \"left\", \"right\", \"above\" or \"below\"", op);
    if (ax->nplots == ax->cap) {
        int cap = ax->cap ? ax->cap * 2 : 8;
        seli__plot *p = realloc(ax->plots, sizeof(seli__plot) * (size_t)cap);
        if (!p)
            seli_error("%s: out of memory", op);
        ax->plots = p;
        ax->cap = cap;
    }
    seli__plot *p = &ax->plots[ax->nplots++];
    memset(p, 0, sizeof *p);
    p->kind = kind;
    p->draw = draw;
    if (st->color) {
        p->color = color;
        p->has_color = 1;
    } else if (use_cycle)
        p->color = seli__tab10(ax->color_index++);
    p->width = st->width > 0 ? st->width : 1.5;
    p->alpha = st->alpha > 0 ? st->alpha : 1;
    p->size = st->size;
    p->vmin = st->vmin;
    p->vmax = st->vmax;
    copy_field(p->dash, sizeof p->dash, st->dash, "-", "dash", op);
    copy_field(p->marker, sizeof p->marker, st->marker, "", "marker", op);
    copy_field(p->cmap, sizeof p->cmap, st->cmap, "viridis", "cmap", op);
    copy_field(p->align, sizeof p->align, st->align, "left", "align", op);
    p->label = seli__xstrdup(SELI__FIGURE_OP, st->label);
    return p;
}

void seli__axes_destroy(seli_axes *ax)
{
    for (int i = 0; i < ax->nplots; i++) {
        seli__plot *p = &ax->plots[i];
        free(p->x);
        free(p->y);
        free(p->y2);
        free(p->c);
        free(p->z);
        free(p->levels);
        free(p->label);
        free(p->text);
    }
    free(ax->plots);
    free(ax->title);
    for (int a = 0; a < 2; a++) {
        free(ax->axis[a].label);
        free(ax->axis[a].ticks);
    }
}

/* --- limits --- */

typedef struct range {
    double lo, hi;    /* transformed data range */
    double sticky[4]; /* transformed values the margin must not cross */
    int nsticky;
} range;

static void extend(range *r, double t)
{
    if (!isfinite(t))
        return;
    if (t < r->lo)
        r->lo = t;
    if (t > r->hi)
        r->hi = t;
}

static void add_sticky(range *r, double t)
{
    if (isfinite(t) && r->nsticky < 4)
        r->sticky[r->nsticky++] = t;
}

static void data_range(const seli_axes *ax, int a, range *r)
{
    seli_scale sc = ax->axis[a].scale;
    double lt = ax->axis[a].linthresh;
    r->lo = INFINITY;
    r->hi = -INFINITY;
    r->nsticky = 0;
    for (int k = 0; k < ax->nplots; k++) {
        const seli__plot *p = &ax->plots[k];
        switch (p->kind) {
        case SELI__LINE:
        case SELI__SCATTER:
        case SELI__FILL:
            for (long i = 0; i < p->n; i++) {
                extend(r, seli__scale_fwd(sc, lt, a ? p->y[i] : p->x[i]));
                if (a && p->y2)
                    extend(r, seli__scale_fwd(sc, lt, p->y2[i]));
            }
            break;
        case SELI__HIST:
            if (a == 0) {
                extend(r, seli__scale_fwd(sc, lt, p->x[0]));
                extend(r, seli__scale_fwd(sc, lt, p->x[p->n]));
            } else {
                for (long i = 0; i < p->n; i++)
                    extend(r, seli__scale_fwd(sc, lt, p->y[i]));
                if (sc != SELI_LOG) {
                    extend(r, 0);
                    add_sticky(r, 0);
                }
            }
            break;
        case SELI__IMAGE:
        case SELI__CONTOUR:
            for (int e = 0; e < 2; e++) {
                double t = seli__scale_fwd(sc, lt, p->extent[2 * a + e]);
                extend(r, t);
                add_sticky(r, t);
            }
            break;
        case SELI__ANNOTATE:
            extend(r, seli__scale_fwd(sc, lt, a ? p->y[0] : p->x[0]));
            break;
        }
    }
}

static void limits(const seli_axes *ax, int a, double *lo, double *hi)
{
    const seli__axisinfo *A = &ax->axis[a];
    if (A->lim_set) {
        *lo = seli__scale_fwd(A->scale, A->linthresh, A->lim[0]);
        *hi = seli__scale_fwd(A->scale, A->linthresh, A->lim[1]);
        return;
    }
    range r;
    data_range(ax, a, &r);
    if (!(r.lo <= r.hi)) { /* no data */
        r.lo = A->scale == SELI_LOG ? 0 : 0;
        r.hi = 1;
    }
    if (r.hi - r.lo < 1e-12 * (fabs(r.lo) + 1)) {
        double d = A->scale == SELI_LOG ? 0.5 : fabs(r.lo) > 0 ? 0.05 * fabs(r.lo) : 0.5;
        r.lo -= d;
        r.hi += d;
    }
    double m = 0.05 * (r.hi - r.lo);
    double l = r.lo - m, h = r.hi + m;
    for (int i = 0; i < r.nsticky; i++) {
        if (r.sticky[i] < r.lo + 1e-12 && r.sticky[i] > l && r.sticky[i] >= r.lo - 1e-12)
            l = r.sticky[i];
        if (r.sticky[i] > r.hi - 1e-12 && r.sticky[i] < h && r.sticky[i] <= r.hi + 1e-12)
            h = r.sticky[i];
    }
    *lo = l;
    *hi = h;
}

/* --- prepare: limits, ticks and the room the decorations need --- */

/* The room under the box that the x ticks and their labels take. */
static double xtick_room(const seli__ticks *T)
{
    if (!T->n)
        return 0;
    return TICK_LEN + TICK_PAD + FONT * (seli__ticks_have_power(T) ? 1.3 : 1.0);
}

void seli__axes_prepare(const seli_axes *ax, double w, double h, seli__layout *L)
{
    memset(L, 0, sizeof *L);
    for (int a = 0; a < 2; a++) {
        limits(ax, a, &L->f.lo[a], &L->f.hi[a]);
        L->f.scale[a] = ax->axis[a].scale;
        L->f.linthresh[a] = ax->axis[a].linthresh > 0 ? ax->axis[a].linthresh : 1;
    }
    seli__make_ticks(ax, 0, L->f.lo[0], L->f.hi[0], w - 50, &L->t[0]);
    seli__make_ticks(ax, 1, L->f.lo[1], L->f.hi[1], h - 40, &L->t[1]);

    double ylw = 0;
    for (int i = 0; i < L->t[1].n; i++)
        if (seli__tick_label_width(&L->t[1], i) > ylw)
            ylw = seli__tick_label_width(&L->t[1], i);
    L->left = 2 + (L->t[1].n ? TICK_LEN + TICK_PAD + ylw : 0);
    if (ax->axis[1].label)
        L->left += 4 + seli__text_lines(ax->axis[1].label) * FONT * LINE_H;
    L->bottom = 2 + xtick_room(&L->t[0]);
    if (ax->axis[0].label)
        L->bottom += 5 + seli__text_lines(ax->axis[0].label) * FONT * LINE_H;
    seli__legend_size(ax, &L->legend_w, &L->legend_h);
    L->legend_below = L->bottom;
    if (L->legend_h > 0 && strcmp(ax->legend_loc, "below") == 0)
        L->bottom += 4 + L->legend_h;
    L->top = ax->title ? 6 + seli__text_lines(ax->title) * TITLE * LINE_H : 6;
    /* the last x tick label may hang over the right edge */
    L->right = 10;
    if (L->t[0].n) {
        int i = L->t[0].n - 1;
        double frac = (L->t[0].v[i] - L->f.lo[0]) / (L->f.hi[0] - L->f.lo[0]);
        double over = seli__tick_label_width(&L->t[0], i) / 2 - (1 - frac) * (w - 50);
        if (over + 4 > L->right)
            L->right = over + 4;
    }
}

/* --- render --- */

static int zorder(enum seli__kind k)
{
    switch (k) {
    case SELI__IMAGE:
        return 0;
    case SELI__LINE:
        return 2;
    case SELI__ANNOTATE:
        return 3;
    default:
        return 1;
    }
}

/* The clip rectangle and every plot inside it, images first, lines on top;
 * then the annotations, which may reach outside the box. */
static void render_plots(const seli_axes *ax, const seli__frame *f, seli__text *s, const char *id)
{
    seli__text_printf(s, "<g class=\"axes\">\n<defs><clipPath id=\"%s\"><rect x=\"", id);
    seli__svg_num(s, f->x0);
    seli__text_put(s, "\" y=\"");
    seli__svg_num(s, f->y0);
    seli__text_put(s, "\" width=\"");
    seli__svg_num(s, f->w);
    seli__text_put(s, "\" height=\"");
    seli__svg_num(s, f->h);
    seli__text_printf(s, "\"/></clipPath></defs>\n<g clip-path=\"url(#%s)\">\n", id);
    for (int z = 0; z <= 2; z++)
        for (int i = 0; i < ax->nplots; i++) {
            const seli__plot *p = &ax->plots[i];
            if (zorder(p->kind) == z && p->kind != SELI__ANNOTATE)
                p->draw(p, f, s);
        }
    seli__text_put(s, "</g>\n");
    for (int i = 0; i < ax->nplots; i++)
        if (ax->plots[i].kind == SELI__ANNOTATE)
            ax->plots[i].draw(&ax->plots[i], f, s);
}

/* The spines: left and bottom only. */
static void render_spines(const seli__frame *f, seli__text *s)
{
    seli__text_put(s, "<path d=\"");
    seli__svg_xy(s, "M", f->x0, f->y0);
    seli__text_put(s, "V");
    seli__svg_num(s, f->y0 + f->h);
    seli__text_put(s, "H");
    seli__svg_num(s, f->x0 + f->w);
    seli__text_put(s, "\" fill=\"none\" stroke=\"#000\" stroke-width=\"0.8\" "
                      "stroke-linecap=\"square\"/>\n");
}

/* Where transformed value t falls along axis a of the frame, 0..1 inside. */
static double axis_fraction(const seli__frame *f, int a, double t)
{
    return (t - f->lo[a]) / (f->hi[a] - f->lo[a]);
}

static int outside(double frac) { return frac < -1e-9 || frac > 1 + 1e-9; }

/* The tick marks of axis a, major or minor, as one path. */
static void render_tick_marks(const seli__frame *f, const seli__ticks *T, int a, int minor,
                              seli__text *s)
{
    int n = minor ? T->nminor : T->n;
    if (n == 0)
        return;
    double len = minor ? 2 : TICK_LEN;
    seli__text_put(s, "<path d=\"");
    for (int i = 0; i < n; i++) {
        double frac = axis_fraction(f, a, minor ? T->minor[i] : T->v[i]);
        if (outside(frac))
            continue;
        if (a == 0) {
            seli__svg_xy(s, "M", f->x0 + frac * f->w, f->y0 + f->h);
            seli__text_put(s, "v");
            seli__svg_num(s, len);
        } else {
            seli__svg_xy(s, "M", f->x0, f->y0 + (1 - frac) * f->h);
            seli__text_put(s, "h");
            seli__svg_num(s, -len);
        }
    }
    seli__text_printf(s, "\" stroke=\"#000\" stroke-width=\"%s\"/>\n", minor ? "0.6" : "0.8");
}

/* The ticks of axis a: major and minor marks, then the labels. */
static void render_ticks(const seli__frame *f, const seli__ticks *T, int a, seli__text *s)
{
    render_tick_marks(f, T, a, 0, s);
    render_tick_marks(f, T, a, 1, s);
    seli__text_printf(s, "<g class=\"%s\">\n", a == 0 ? "xticks" : "yticks");
    for (int i = 0; i < T->n; i++) {
        double frac = axis_fraction(f, a, T->v[i]);
        if (outside(frac))
            continue;
        if (a == 0)
            seli__render_tick_label(s, f->x0 + frac * f->w, f->y0 + f->h + TICK_LEN + TICK_PAD,
                                    "middle", 't', T, i);
        else
            seli__render_tick_label(s, f->x0 - TICK_LEN - TICK_PAD, f->y0 + (1 - frac) * f->h,
                                    "end", 'c', T, i);
    }
    seli__text_put(s, "</g>\n");
}

/* The axis labels and the title. */
static void render_labels(const seli_axes *ax, const seli__layout *L, seli__text *s)
{
    const seli__frame *f = &L->f;
    if (ax->axis[0].label) {
        double y = f->y0 + f->h + xtick_room(&L->t[0]) + 5;
        seli__svg_text(s, f->x0 + f->w / 2, y, FONT, "middle", 't', 0, ax->axis[0].label);
    }
    if (ax->axis[1].label) {
        int lines = seli__text_lines(ax->axis[1].label);
        double x = f->x0 - L->left + 2 + lines * FONT * LINE_H / 2;
        seli__svg_text(s, x, f->y0 + f->h / 2, FONT, "middle", 'c', -90, ax->axis[1].label);
    }
    if (ax->title)
        seli__svg_text(s, f->x0 + f->w / 2, f->y0 - 6, TITLE, "middle", 'b', 0, ax->title);
}

void seli__axes_render(const seli_axes *ax, const seli__layout *L, seli__text *s, const char *id)
{
    render_plots(ax, &L->f, s, id);
    render_spines(&L->f, s);
    for (int a = 0; a < 2; a++)
        render_ticks(&L->f, &L->t[a], a, s);
    render_labels(ax, L, s);
    seli__legend_render(ax, L, s);
    seli__text_put(s, "</g>\n");
}
