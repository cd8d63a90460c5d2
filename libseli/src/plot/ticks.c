/* ticks.c: where the ticks of an axis go and what they say.
 *
 * Linear axes get 1-2-5 "nice" steps; log axes get 10^k (or 1, 2, 5 x 10^k
 * within about a decade); symlog axes get 0 and +-10^k beyond linthresh.
 * Labels use a true minus sign (U+2212) and superscript exponents. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plot/plot.h"
#include "plot/svg.h"

#define FONT 10.0 /* tick labels */

/* v formatted with the decimals that step needs, minus sign U+2212. */
static void fmt_number(char *out, size_t n, double v, double step)
{
    int dec = 0;
    if (step > 0)
        while (dec < 8 &&
               fabs(step * pow(10, dec) - round(step * pow(10, dec))) > 1e-6 * step * pow(10, dec))
            dec++;
    char buf[24];
    if (fabs(v) >= 1e6 || (fabs(v) > 0 && fabs(v) < 1e-4 && step < 1e-4))
        snprintf(buf, sizeof buf, "%g", v);
    else
        snprintf(buf, sizeof buf, "%.*f", dec, v);
    if (strspn(buf, "-0.") == strlen(buf)) /* "-0", "-0.0" */
        snprintf(buf, sizeof buf, "%.*f", dec, 0.0);
    if (buf[0] == '-')
        snprintf(out, n, "\xe2\x88\x92%s", buf + 1); /* U+2212 minus sign */
    else
        snprintf(out, n, "%s", buf);
}

/* The smallest step of 1, 2 or 5 x 10^k that puts at most target + 1 ticks
 * in [lo, hi]. */
static double nice_step(double lo, double hi, int target)
{
    double mag = pow(10, floor(log10((hi - lo) / target)) - 1);
    static const double m[] = {1, 2, 5};
    for (int k = 0; k < 6; k++, mag *= 10)
        for (int i = 0; i < 3; i++) {
            double step = m[i] * mag;
            double n = floor(hi / step + 1e-9) - ceil(lo / step - 1e-9) + 1;
            if (n <= target + 1)
                return step;
        }
    return mag;
}

static void add_tick(seli__ticks *T, double pos, const char *label, const char *power)
{
    if (T->n >= SELI__MAX_TICKS)
        return;
    T->v[T->n] = pos;
    snprintf(T->label[T->n], sizeof T->label[0], "%s", label);
    snprintf(T->power[T->n], sizeof T->power[0], "%s", power);
    T->n++;
}

/* Linear 1-2-5 ticks between lo and hi (data values), placed through the scale. */
static void linear_ticks(seli__ticks *T, seli_scale sc, double lt, double lo, double hi, int target)
{
    double step = nice_step(lo, hi, target);
    double first = ceil(lo / step - 1e-9) * step;
    char label[32];
    for (double v = first; v <= hi + step * 1e-9 && T->n < SELI__MAX_TICKS; v += step) {
        double val = fabs(v) < step * 1e-9 ? 0 : v;
        fmt_number(label, sizeof label, val, step);
        add_tick(T, seli__scale_fwd(sc, lt, val), label, "");
    }
}

static void power_label(char *power, int k)
{
    if (k < 0)
        snprintf(power, 16, "\xe2\x88\x92%d", -k);
    else
        snprintf(power, 16, "%d", k);
}

/* The user's ticks (seli_xticks), labelled with the decimals their smallest
 * spacing needs. */
static void user_ticks(seli__ticks *T, const seli__axisinfo *A)
{
    char label[32];
    double span = 0;
    for (int i = 1; i < A->nticks; i++)
        if (span == 0 || fabs(A->ticks[i] - A->ticks[i - 1]) < span)
            span = fabs(A->ticks[i] - A->ticks[i - 1]);
    for (int i = 0; i < A->nticks; i++) {
        fmt_number(label, sizeof label, A->ticks[i], span > 0 ? span : 1);
        double t = seli__scale_fwd(A->scale, A->linthresh, A->ticks[i]);
        if (isfinite(t))
            add_tick(T, t, label, "");
    }
}

/* Log ticks over [lo, hi] (decades): 10^k, or 1, 2, 5 x 10^k within about a
 * decade, or 1-2-5 steps within a fraction of one; minor ticks at 2..9 x 10^k. */
static void log_ticks(seli__ticks *T, double lo, double hi, int target)
{
    char label[32], power[16];
    int k0 = (int)ceil(lo - 1e-9), k1 = (int)floor(hi + 1e-9);
    if (k1 - k0 + 1 < 2 && hi - lo > 0.45) { /* about a decade: 1, 2, 5 x 10^k */
        for (int k = (int)floor(lo); k <= (int)ceil(hi); k++)
            for (int m = 1; m <= 5; m += m == 1 ? 1 : 3) {
                double t = k + log10(m);
                if (t >= lo - 1e-9 && t <= hi + 1e-9) {
                    fmt_number(label, sizeof label, m * pow(10, k), pow(10, k));
                    add_tick(T, t, label, "");
                }
            }
    } else if (k1 - k0 + 1 < 2) { /* a fraction of a decade: 1-2-5 steps */
        linear_ticks(T, SELI_LOG, 1, pow(10, lo), pow(10, hi), target);
    } else {
        int stride = (k1 - k0) / target + 1;
        for (int k = k0; k <= k1; k++)
            if ((k - k0) % stride == 0) {
                power_label(power, k);
                add_tick(T, k, "10", power);
            }
    }
    if (k1 - k0 < 8) /* minor ticks at 2..9 x 10^k */
        for (int k = k0 - 1; k <= k1; k++)
            for (int m = 2; m <= 9 && T->nminor < SELI__MAX_TICKS * 4; m++) {
                double t = k + log10(m);
                if (t >= lo && t <= hi)
                    T->minor[T->nminor++] = t;
            }
}

/* Sort the ticks by position (insertion sort, labels moved along). */
static void sort_ticks(seli__ticks *T)
{
    for (int i = 1; i < T->n; i++)
        for (int j = i; j > 0 && T->v[j] < T->v[j - 1]; j--) {
            double tv = T->v[j];
            char tl[32], tp[16];
            memcpy(tl, T->label[j], sizeof tl);
            memcpy(tp, T->power[j], sizeof tp);
            T->v[j] = T->v[j - 1];
            memcpy(T->label[j], T->label[j - 1], sizeof tl);
            memcpy(T->power[j], T->power[j - 1], sizeof tp);
            T->v[j - 1] = tv;
            memcpy(T->label[j - 1], tl, sizeof tl);
            memcpy(T->power[j - 1], tp, sizeof tp);
        }
}

/* Symlog ticks: 0 and +-10^k outside the linear range +-lt. */
static void symlog_ticks(seli__ticks *T, double lt, double lo, double hi)
{
    char power[16];
    int kmin = (int)ceil(log10(lt) - 1e-9);
    for (int sign = -1; sign <= 1; sign += 2) {
        for (int k = kmin; k < kmin + 40; k++) {
            double v = sign * pow(10, k);
            double t = seli__scale_fwd(SELI_SYMLOG, lt, v);
            if (sign > 0 ? t > hi + 1e-9 : t < lo - 1e-9)
                break;
            if (t >= lo - 1e-9 && t <= hi + 1e-9) {
                power_label(power, k);
                add_tick(T, t,
                         sign < 0 ? "\xe2\x88\x92"
                                    "10"
                                  : "10",
                         power);
            }
        }
        if (sign < 0 && lo <= 0 && hi >= 0)
            add_tick(T, 0, "0", "");
    }
    sort_ticks(T); /* negative decades were added from 10^kmin outwards */
}

void seli__make_ticks(const seli_axes *ax, int a, double lo, double hi, double len, seli__ticks *T)
{
    const seli__axisinfo *A = &ax->axis[a];
    memset(T, 0, sizeof *T);
    int target = (int)lround(len / (a == 0 ? 36.0 : 30.0));
    if (target < 3)
        target = 3;
    if (target > 9)
        target = 9;
    if (A->nticks >= 0)
        user_ticks(T, A);
    else if (A->scale == SELI_LINEAR)
        linear_ticks(T, SELI_LINEAR, 1, lo, hi, target);
    else if (A->scale == SELI_LOG)
        log_ticks(T, lo, hi, target);
    else
        symlog_ticks(T, A->linthresh, lo, hi);
}

double seli__tick_label_width(const seli__ticks *T, int i)
{
    double w = seli__text_width(T->label[i], FONT);
    if (T->power[i][0])
        w += 0.7 * seli__text_width(T->power[i], FONT);
    return w;
}

int seli__ticks_have_power(const seli__ticks *T)
{
    for (int i = 0; i < T->n; i++)
        if (T->power[i][0])
            return 1;
    return 0;
}

void seli__render_tick_label(seli__text *s, double x, double y, const char *anchor, char valign,
                             const seli__ticks *T, int i)
{
    if (!T->power[i][0]) {
        seli__svg_text(s, x, y, FONT, anchor, valign, 0, T->label[i]);
        return;
    }
    double base = valign == 't' ? 0.76 * FONT + 2 : 0.36 * FONT;
    seli__text_put(s, "<text x=\"");
    seli__svg_num(s, x);
    seli__text_put(s, "\" y=\"");
    seli__svg_num(s, y + base);
    seli__text_printf(s, "\" text-anchor=\"%s\">", anchor);
    seli__text_put_escaped(s, T->label[i]);
    seli__text_put(s, "<tspan baseline-shift=\"super\" font-size=\"70%\">");
    seli__text_put_escaped(s, T->power[i]);
    seli__text_put(s, "</tspan></text>\n");
}
