/* figure_gallery.h: one figure of every kind, modelled on the paper's figures,
 * with deterministic synthetic data.  Used by test_figure.c (checks) and by
 * `test_figure --gallery DIR` (writes every figure for test_svg_wellformed.py
 * and for looking at them). */
#ifndef FIGURE_GALLERY_H
#define FIGURE_GALLERY_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "seli.h"

static uint64_t gallery_state = 0x9E3779B97F4A7C15ull;

static void gallery_seed(uint64_t s) { gallery_state = s * 0x9E3779B97F4A7C15ull + 1; }

static double gallery_uniform(void)
{
    gallery_state ^= gallery_state << 13;
    gallery_state ^= gallery_state >> 7;
    gallery_state ^= gallery_state << 17;
    return ((gallery_state >> 11) + 0.5) / 9007199254740992.0;
}

static double gallery_normal(void)
{
    double u = gallery_uniform(), v = gallery_uniform();
    return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

/* Two Gaussians at -1 and +1 with sd 0.5 (the paper's 1-D data). */
static double gallery_mixture_pdf(double x)
{
    double a = (x + 1) / 0.5, b = (x - 1) / 0.5;
    return 0.5 * (exp(-0.5 * a * a) + exp(-0.5 * b * b)) / (0.5 * sqrt(6.283185307179586));
}

static float gallery_mixture_sample(double shift)
{
    return (float)((gallery_uniform() < 0.5 ? -1 : 1) + shift + 0.5 * gallery_normal());
}

/* The two-moons classification figure: four panels on top, a loss below. */
static seli_figure *gallery_two_moons(void)
{
    gallery_seed(1);
    enum { N = 100, G = 80 };
    float px[N], py[N], qx[N], qy[N];
    for (int i = 0; i < N; i++) {
        double t = 3.14159265 * gallery_uniform();
        if (i % 2 == 0) {
            px[i / 2] = (float)(cos(t) - 0.5 + 0.1 * gallery_normal());
            py[i / 2] = (float)(sin(t) - 0.25 + 0.1 * gallery_normal());
        } else {
            qx[i / 2] = (float)(0.5 - cos(t) + 0.1 * gallery_normal());
            qy[i / 2] = (float)(0.25 - sin(t) + 0.1 * gallery_normal());
        }
    }
    seli_figure *fig = seli_figure_new(10.4, 5.2);
    seli_suptitle(fig, "2D Classification");
    static const char *const titles[4] = {"10 iterations", "100 iterations", "1k iterations",
                                          "10k iterations"};
    static float z[G * G];
    for (int k = 0; k < 4; k++) {
        seli_axes *ax = seli_subplot(fig, 2, 4, k);
        double sharp = 0.6 * pow(3.0, k);
        for (int i = 0; i < G; i++)
            for (int j = 0; j < G; j++) {
                double x = -2 + 4.0 * j / (G - 1), y = -2 + 4.0 * i / (G - 1);
                double d = y - 0.6 * sin(2.2 * x) + 0.1 * x;
                z[i * G + j] = (float)(1 / (1 + exp(sharp * d)));
            }
        seli_contourf_array(ax, G, G, z, -2, 2, -2, 2,
                            &(seli_style){.cmap = "bwr", .levels = 40, .alpha = 0.5});
        seli_contour_array(ax, G, G, z, -2, 2, -2, 2,
                           &(seli_style){.color = "k", .levels = 20, .width = 0.3, .alpha = 0.4});
        seli_scatter_array(ax, N / 2, px, py, NULL, &(seli_style){.color = "red", .size = 7});
        seli_scatter_array(ax, N / 2, qx, qy, NULL, &(seli_style){.color = "blue", .size = 7});
        seli_title(ax, titles[k]);
        seli_xlabel(ax, "x_1");
        seli_xlim(ax, -2, 2);
        seli_ylim(ax, -2, 2);
        seli_box_aspect(ax, 1);
        if (k == 0)
            seli_ylabel(ax, "x_2");
        else
            seli_yticks(ax, 0, NULL);
    }
    seli_axes *loss = seli_subplot_span(fig, 2, 4, 1, 0, 1, 4);
    static float it[10000], l[10000];
    for (int i = 0; i < 10000; i++) {
        it[i] = (float)(i + 1);
        l[i] = (float)(0.69 / (1 + pow((i + 1) / 400.0, 2.2)) * (1 + 0.02 * sin(i * 0.01)));
    }
    seli_line_array(loss, 10000, it, l, NULL);
    seli_xscale(loss, SELI_LOG);
    seli_yscale(loss, SELI_LOG);
    seli_xlabel(loss, "Iteration");
    seli_ylabel(loss, "Loss");
    return fig;
}

static double rosen(double x, double y)
{
    return (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x);
}

/* The Rosenbrock figure: filled contours, optimizer paths, Start and Optimum. */
static seli_figure *gallery_rosenbrock(void)
{
    enum { G = 200, S = 300 };
    static float z[G * G];
    for (int i = 0; i < G; i++)
        for (int j = 0; j < G; j++) {
            double x = -1.1 + 2.2 * j / (G - 1), y = -0.25 + 1.43 * i / (G - 1);
            z[i * G + j] = (float)log(rosen(x, y) + 0.05);
        }
    seli_figure *fig = seli_figure_new(4.3, 4.4);
    seli_axes *ax = seli_subplot(fig, 1, 1, 0);
    seli_contourf_array(ax, G, G, z, -1.1, 1.1, -0.25, 1.18,
                        &(seli_style){.cmap = "turbo", .levels = 20, .alpha = 0.5});
    static const char *const names[6] = {"SGD",     "Momentum", "RMSProp",
                                         "Adagrad", "Nesterov", "Adam"};
    static const double lr[6] = {0.0008, 0.0015, 0.01, 0.3, 0.0012, 0.05};
    for (int k = 0; k < 6; k++) {
        static float xs[S], ys[S];
        double x = -0.5, y = 1.0, vx = 0, vy = 0;
        for (int t = 0; t < S; t++) {
            xs[t] = (float)x;
            ys[t] = (float)y;
            double gx = -2 * (1 - x) - 400 * x * (y - x * x), gy = 200 * (y - x * x);
            double n = sqrt(gx * gx + gy * gy) + 1e-9;
            if (k == 2 || k == 3 || k == 5) { /* normalised steps */
                gx /= n;
                gy /= n;
            }
            vx = (k == 1 || k == 4 ? 0.9 : 0) * vx - lr[k] * gx;
            vy = (k == 1 || k == 4 ? 0.9 : 0) * vy - lr[k] * gy;
            x += vx;
            y += vy;
        }
        seli_line_array(ax, S, xs, ys, &(seli_style){.label = names[k]});
    }
    seli_annotate(ax, -0.5, 1.0, "Start", &(seli_style){.color = "k", .size = 6});
    seli_annotate(ax, 1.0, 1.0, "Optimum", &(seli_style){.color = "k", .marker = "X", .size = 8});
    seli_xlim(ax, -1.1, 1.1);
    seli_ylim(ax, -0.25, 1.18);
    seli_title(ax, "Optimizing the Rosenbrock function");
    seli_legend(ax, &(seli_legend_style){.loc = "below", .ncol = 3});
    return fig;
}

/* The normalizing-flow figure: a noisy loss (symlog x, log y) and density
 * histograms with the true and the model density on top. */
static seli_figure *gallery_flow(void)
{
    gallery_seed(2);
    enum { STEPS = 10000, M = 32768, P = 400 };
    static float loss[STEPS], data[M], model[M], gx[P], gt[P], gm[P];
    for (int i = 0; i < STEPS; i++)
        loss[i] = (float)(1.3 + 0.3 / (1 + i / 300.0) + 0.05 * fabs(gallery_normal()));
    for (int i = 0; i < M; i++) {
        data[i] = gallery_mixture_sample(0);
        model[i] = gallery_mixture_sample(0.02);
    }
    for (int i = 0; i < P; i++) {
        gx[i] = (float)(-3 + 6.0 * i / (P - 1));
        gt[i] = (float)gallery_mixture_pdf(gx[i]);
        gm[i] = (float)(0.97 * gallery_mixture_pdf(gx[i] - 0.02));
    }
    seli_figure *fig = seli_figure_new(7.2, 4.0);
    seli_suptitle(fig, "Normalizing Flow");
    seli_axes *left = seli_subplot(fig, 1, 2, 0);
    seli_line_array(left, STEPS, NULL, loss, NULL);
    seli_xscale_symlog(left, 100);
    seli_yscale(left, SELI_LOG);
    seli_xlim(left, 0, STEPS);
    seli_xlabel(left, "Iteration");
    seli_ylabel(left, "loss");
    seli_axes *right = seli_subplot(fig, 1, 2, 1);
    seli_xlim(right, -3, 3);
    seli_hist_array(
        right, M, model,
        &(seli_style){.color = "C3", .label = "Model\nsamples", .bins = 30, .density = 1});
    seli_hist_array(
        right, M, data,
        &(seli_style){.color = "C0", .label = "Data\nsamples", .bins = 30, .density = 1});
    seli_line_array(right, P, gx, gt,
                    &(seli_style){.color = "C0", .label = "True\ndensity", .width = 2});
    seli_line_array(right, P, gx, gm,
                    &(seli_style){.color = "C3", .label = "Model\ndensity", .width = 2});
    seli_ylim(right, 0, 0.58);
    seli_xlabel(right, "x");
    seli_ylabel(right, "density");
    seli_legend(right, &(seli_legend_style){.loc = "upper center", .ncol = 2});
    return fig;
}

/* The 1-D regression figure: data, the true curve, a 90% band and a model. */
static seli_figure *gallery_regression(void)
{
    gallery_seed(3);
    enum { N = 60, P = 300 };
    float dx[N], dy[N], x[P], t[P], lo[P], hi[P], m[P];
    for (int i = 0; i < P; i++) {
        x[i] = (float)(-5 + 10.0 * i / (P - 1));
        t[i] = (float)(sin(x[i]) + 0.03 * x[i] * x[i] + 0.2 * x[i] * sin(0.5 * x[i]) + 0.7);
        lo[i] = t[i] - 0.65f;
        hi[i] = t[i] + 0.65f;
        m[i] = (float)(0.85 * t[i] + 0.1 * sin(1.3 * x[i]));
    }
    for (int i = 0; i < N; i++) {
        dx[i] = (float)(-5 + 10 * gallery_uniform());
        double xv = dx[i];
        dy[i] = (float)(sin(xv) + 0.03 * xv * xv + 0.2 * xv * sin(0.5 * xv) + 0.7 +
                        0.4 * gallery_normal());
    }
    seli_figure *fig = seli_figure_new(3.4, 3.4);
    seli_axes *ax = seli_subplot(fig, 1, 1, 0);
    seli_scatter_array(ax, N, dx, dy, NULL, &(seli_style){.label = "data", .size = 5});
    seli_line_array(ax, P, x, t, &(seli_style){.color = "C0", .label = "true", .alpha = 0.8});
    seli_fill_between_array(ax, P, x, lo, hi,
                            &(seli_style){.color = "C0", .label = "90% CI", .alpha = 0.1});
    seli_line_array(ax, P, x, m, &(seli_style){.color = "C1", .label = "model"});
    seli_xlim(ax, -5, 5);
    seli_xlabel(ax, "x");
    seli_ylabel(ax, "y");
    seli_title(ax, "1D regression");
    seli_legend(ax, &(seli_legend_style){.loc = "upper center"});
    return fig;
}

/* A 1024 x 1024 heatmap with contour lines and coloured scatter points. */
static seli_figure *gallery_heatmap(void)
{
    gallery_seed(4);
    enum { G = 1024, N = 300 };
    float *z = malloc(sizeof(float) * G * G);
    for (int i = 0; i < G; i++)
        for (int j = 0; j < G; j++) {
            double x = -3 + 6.0 * j / (G - 1), y = -3 + 6.0 * i / (G - 1);
            z[i * G + j] = (float)(sin(x) * cos(y) + 0.1 * x);
        }
    float sx[N], sy[N], sc[N];
    for (int i = 0; i < N; i++) {
        sx[i] = (float)(2.5 * gallery_normal() / 2);
        sy[i] = (float)(2.5 * gallery_normal() / 2);
        sc[i] = sx[i] * sy[i];
    }
    seli_figure *fig = seli_figure_new(8, 3.6);
    seli_axes *a = seli_subplot(fig, 1, 2, 0);
    seli_heatmap_array(a, G, G, z, -3, 3, -3, 3, &(seli_style){.cmap = "viridis"});
    seli_contour_array(a, G, G, z, -3, 3, -3, 3,
                       &(seli_style){.color = "white", .levels = 8, .width = 0.6});
    seli_title(a, "heatmap 1024\xc3\x97"
                  "1024, $\\sigma^2$ = 1");
    seli_box_aspect(a, 1);
    seli_axes *b = seli_subplot(fig, 1, 2, 1);
    seli_contour_array(b, G, G, z, -3, 3, -3, 3,
                       &(seli_style){.cmap = "turbo", .levels = 12, .label = "level sets"});
    seli_scatter_array(b, N, sx, sy, sc, &(seli_style){.cmap = "bwr", .size = 4, .label = "x y"});
    seli_annotate(b, 0, 0, "origin", &(seli_style){.align = "right", .marker = "D", .color = "C2"});
    seli_yscale_symlog(b, 1);
    seli_title(b, "contours, colour-mapped scatter, symlog y");
    seli_legend(b, NULL);
    free(z);
    return fig;
}

/* Labels that need escaping, dashes, markers, a multi-column legend inside. */
static seli_figure *gallery_escaping(void)
{
    float x[50], y1[50], y2[50], y3[50];
    for (int i = 0; i < 50; i++) {
        x[i] = (float)i / 49;
        y1[i] = x[i] * x[i];
        y2[i] = 1 - x[i];
        y3[i] = 0.5f + 0.3f * (float)sin(10 * x[i]);
    }
    seli_figure *fig = seli_figure_new(4.5, 3.2);
    seli_axes *ax = seli_subplot(fig, 1, 1, 0);
    seli_line_array(ax, 50, x, y1, &(seli_style){.label = "a < b & \"c\" 'd'", .dash = "--"});
    seli_line_array(ax, 50, x, y2, &(seli_style){.label = "x^2 > 1", .dash = ":", .width = 2});
    seli_line_array(
        ax, 50, x, y3,
        &(seli_style){.label = "learning_rate", .dash = "-.", .marker = "s", .size = 3});
    seli_title(ax, "<script>alert('&')</script>");
    seli_xlabel(ax, "x_{ij} & y^{2}");
    seli_ylabel(ax, "p_\xce\xb8(x)");
    seli_legend(ax, &(seli_legend_style){.loc = "lower center", .ncol = 3});
    return fig;
}

/* Size limits: a 2,000-point line and a 32,768-sample histogram. */
static seli_figure *gallery_line2000(void)
{
    gallery_seed(5);
    static float y[2000];
    double v = 0;
    for (int i = 0; i < 2000; i++) {
        v += gallery_normal();
        y[i] = (float)v;
    }
    seli_figure *fig = seli_figure_new(0, 0);
    seli_line_array(seli_subplot(fig, 1, 1, 0), 2000, NULL, y, &(seli_style){.label = "walk"});
    return fig;
}

static seli_figure *gallery_hist32768(void)
{
    gallery_seed(6);
    static float s[32768];
    for (int i = 0; i < 32768; i++)
        s[i] = gallery_mixture_sample(0);
    seli_figure *fig = seli_figure_new(0, 0);
    seli_axes *ax = seli_subplot(fig, 1, 1, 0);
    seli_hist_array(ax, 32768, s, &(seli_style){.bins = 60, .density = 1, .label = "samples"});
    seli_xlabel(ax, "x");
    seli_ylabel(ax, "density");
    return fig;
}

typedef struct gallery_entry {
    const char *name;
    seli_figure *(*make)(void);
} gallery_entry;

static const gallery_entry gallery[] = {
    {"two_moons", gallery_two_moons},   {"rosenbrock", gallery_rosenbrock},
    {"normalizing_flow", gallery_flow}, {"regression", gallery_regression},
    {"heatmap", gallery_heatmap},       {"escaping", gallery_escaping},
    {"line2000", gallery_line2000},     {"hist32768", gallery_hist32768},
};

#endif
