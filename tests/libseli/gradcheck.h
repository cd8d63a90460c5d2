/* gradcheck.h: gradient checks for libseli tests (header-only, cmocka).
 *
 * gradcheck compares the reverse-mode vector-Jacobian product of f with
 * central finite differences; gradcheck2 does the same one order up, for the
 * gradient of a function of the gradient.  Both accumulate the finite
 * differences in double precision and fail the running cmocka test with a
 * message naming the input, the element, the analytic and the numeric value.
 *
 * Usage:
 *     static seli_tensor *f_tanh(seli_tensor *const *xs, void *ctx) {
 *         return seli_tanh(xs[0]);
 *     }
 *     seli_tensor *x = gc_uniform(-2, 2, 1, SELI_SHAPE(3, 4));  // on the tape
 *     gradcheck(f_tanh, 1, &x, NULL, 1e-3);
 *     gradcheck2(f_tanh, 1, &x, NULL, 1e-3);
 *
 * Inputs must be marked with seli_requires_grad (gc_uniform does it).  Pick
 * points away from kinks (relu at 0, abs at 0, ties of maximum...): finite
 * differences across a kink measure neither side.
 *
 * An element passes when |analytic - numeric| <= tol * (1 + |numeric|).
 * f is called many times (twice per input element); every call runs in a
 * scope of its own, so f may allocate freely, and it must be deterministic. */
#ifndef SELI_TESTS_GRADCHECK_H
#define SELI_TESTS_GRADCHECK_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "seli.h"

typedef seli_tensor *(*gc_fn)(seli_tensor *const *xs, void *ctx);

#define GC_MAX_INPUTS 8

static const char *gc__label = "";

/* Name what is being checked (an op, a case); failure messages show it. */
static inline void gc_set_label(const char *label) { gc__label = label ? label : ""; }

/* A small deterministic generator, so the checks do not depend on seli's
 * random module (which is itself under test elsewhere). */
static inline double gc__next(uint64_t *state)
{
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*state >> 11) / 9007199254740992.0; /* [0, 1) */
}

/* A constant tensor of the given shape with values uniform in [lo, hi). */
static inline seli_tensor *gc_random(double lo, double hi, unsigned seed, int ndim,
                                     const long *shape)
{
    seli_tensor *t = seli_zeros(ndim, shape);
    uint64_t s = 0x9e3779b97f4a7c15ULL ^ (uint64_t)seed * 0x2545f4914f6cdd1dULL;
    gc__next(&s);
    for (long k = 0; k < t->size; k++)
        t->data[k] = (float)(lo + (hi - lo) * gc__next(&s));
    return t;
}

/* As gc_random, marked with seli_requires_grad: ready to be a gradcheck input. */
static inline seli_tensor *gc_uniform(double lo, double hi, unsigned seed, int ndim,
                                      const long *shape)
{
    return seli_requires_grad(gc_random(lo, hi, seed, ndim, shape));
}

/* sum(a * b) over all elements, in double. */
static inline double gc__dot(const seli_tensor *a, const seli_tensor *b)
{
    double s = 0;
    for (long k = 0; k < a->size; k++)
        s += (double)a->data[k] * (double)b->data[k];
    return s;
}

static inline void gc__check_args(const char *who, gc_fn f, int n, seli_tensor *const *xs)
{
    if (f == NULL || n < 1 || n > GC_MAX_INPUTS || xs == NULL)
        fail_msg("%s: needs a function and 1..%d inputs", who, GC_MAX_INPUTS);
    for (int i = 0; i < n; i++)
        if (xs[i] == NULL || !seli_on_tape(xs[i]))
            fail_msg("%s: input %d is not on the tape (mark it with seli_requires_grad)", who, i);
}

static inline int gc__close(double analytic, double numeric, double tol)
{
    double diff = fabs(analytic - numeric);
    return diff == diff && diff <= tol * (1.0 + fabs(numeric));
}

/* The step for element value v: large enough to beat float rounding, small
 * enough for the truncation error of central differences. */
static inline double gc__step(float v) { return 1e-3 * (fabs(v) > 1 ? fabs(v) : 1.0); }

/* <c, f(xs)> in double, f evaluated in a scope of its own. */
static inline double gc__objective(gc_fn f, seli_tensor *const *xs, void *ctx, const seli_tensor *c)
{
    seli_scope_begin();
    seli_tensor *y = f(xs, ctx);
    double v = gc__dot(c, y);
    seli_scope_end();
    return v;
}

/* First order: the vjp of f with a fixed random cotangent c against central
 * finite differences of <c, f(x)>. */
static inline void gradcheck(gc_fn f, int n, seli_tensor *const *xs, void *ctx, double tol)
{
    gc__check_args("gradcheck", f, n, xs);
    int depth = seli_scope_depth();
    seli_scope_begin();
    seli_tensor *y = f(xs, ctx);
    if (y == NULL)
        fail_msg("gradcheck: f returned NULL");
    seli_tensor *c = gc_random(-1, 1, 12345, y->ndim, y->shape);
    seli_tensor *g[GC_MAX_INPUTS];
    seli_vjp(y, c, n, xs, g, 0);
    for (int i = 0; i < n; i++) {
        if (!seli_same_shape(g[i], xs[i]))
            fail_msg("gradcheck: the gradient of input %d has the wrong shape", i);
        seli_tensor *x = xs[i];
        for (long k = 0; k < x->size; k++) {
            float v = x->data[k];
            double h = gc__step(v);
            float vp = (float)(v + h), vm = (float)(v - h);
            x->data[k] = vp;
            double fp = gc__objective(f, xs, ctx, c);
            x->data[k] = vm;
            double fm = gc__objective(f, xs, ctx, c);
            x->data[k] = v;
            double numeric = (fp - fm) / ((double)vp - (double)vm);
            double analytic = g[i]->data[k];
            if (!gc__close(analytic, numeric, tol)) {
                seli_scope_unwind(depth);
                fail_msg("gradcheck [%s]: input %d element %ld (value %g): analytic %.7g, "
                         "numeric %.7g (tol %g)",
                         gc__label, i, k, (double)v, analytic, numeric, tol);
            }
        }
    }
    seli_scope_end();
}

/* h(x) = sum_i <w_i, grad_{x_i} <c, f(x)>> in double, the gradients taken
 * without recording; f evaluated in a scope of its own. */
static inline double gc__objective2(gc_fn f, int n, seli_tensor *const *xs, void *ctx,
                                    const seli_tensor *c, seli_tensor *const *w)
{
    seli_scope_begin();
    seli_tensor *y = f(xs, ctx);
    seli_tensor *g[GC_MAX_INPUTS];
    seli_vjp(y, c, n, xs, g, 0);
    double v = 0;
    for (int i = 0; i < n; i++)
        v += gc__dot(w[i], g[i]);
    seli_scope_end();
    return v;
}

/* Second order: the gradient of h(x) = sum_i <w_i, grad_{x_i} <c, f(x)>>,
 * with the inner gradient recorded (seli_vjp create_graph=1), against
 * central finite differences of h. */
static inline void gradcheck2(gc_fn f, int n, seli_tensor *const *xs, void *ctx, double tol)
{
    gc__check_args("gradcheck2", f, n, xs);
    int depth = seli_scope_depth();
    seli_scope_begin();
    seli_tensor *y = f(xs, ctx);
    if (y == NULL)
        fail_msg("gradcheck2: f returned NULL");
    seli_tensor *c = gc_random(-1, 1, 12345, y->ndim, y->shape);
    seli_tensor *w[GC_MAX_INPUTS];
    for (int i = 0; i < n; i++)
        w[i] = gc_random(-1, 1, 777 + (unsigned)i, xs[i]->ndim, xs[i]->shape);

    seli_tensor *g[GC_MAX_INPUTS];
    seli_vjp(y, c, n, xs, g, 1);
    /* analytic d h / d x_j = sum_i vjp(g_i, w_i)_j, in double */
    double *an[GC_MAX_INPUTS];
    for (int j = 0; j < n; j++)
        an[j] = calloc((size_t)xs[j]->size, sizeof(double));
    for (int i = 0; i < n; i++) {
        if (!seli_on_tape(g[i]))
            continue; /* the gradient does not depend on any input: its derivative is zero */
        seli_tensor *gg[GC_MAX_INPUTS];
        seli_vjp(g[i], w[i], n, xs, gg, 0);
        for (int j = 0; j < n; j++)
            for (long k = 0; k < xs[j]->size; k++)
                an[j][k] += gg[j]->data[k];
    }

    for (int j = 0; j < n; j++) {
        seli_tensor *x = xs[j];
        for (long k = 0; k < x->size; k++) {
            float v = x->data[k];
            double h = gc__step(v);
            float vp = (float)(v + h), vm = (float)(v - h);
            x->data[k] = vp;
            double fp = gc__objective2(f, n, xs, ctx, c, w);
            x->data[k] = vm;
            double fm = gc__objective2(f, n, xs, ctx, c, w);
            x->data[k] = v;
            double numeric = (fp - fm) / ((double)vp - (double)vm);
            double analytic = an[j][k];
            if (!gc__close(analytic, numeric, tol)) {
                for (int i = 0; i < n; i++)
                    free(an[i]);
                seli_scope_unwind(depth);
                fail_msg("gradcheck2 [%s]: input %d element %ld (value %g): analytic %.7g, "
                         "numeric %.7g (tol %g)",
                         gc__label, j, k, (double)v, analytic, numeric, tol);
            }
        }
    }
    for (int j = 0; j < n; j++)
        free(an[j]);
    seli_scope_end();
}

#endif
