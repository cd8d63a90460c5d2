/* check.c: the checks of the exercises (see seli/check.h).  Each check
 * compares, and on failure builds one message: expected, got, where they
 * differ, and the likely mistake when the difference has a pattern. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/internal.h"

/* A message under construction; snprintf-style appends that never overflow. */
typedef struct {
    char text[3072];
    size_t len;
} message;

static void add(message *m, const char *format, ...)
{
    if (m->len >= sizeof m->text - 1)
        return;
    va_list args;
    va_start(args, format);
    int n = vsnprintf(m->text + m->len, sizeof m->text - m->len, format, args);
    va_end(args);
    if (n > 0)
        m->len += (size_t)n < sizeof m->text - m->len ? (size_t)n : sizeof m->text - m->len - 1;
}

static void fail(const message *m) { seli_error("%s", m->text); }

static void start(message *m, const char *what)
{
    m->len = 0;
    m->text[0] = 0;
    add(m, SELI_CHECK_PREFIX "%s", what ? what : "value");
}

/* Up to six elements of data, "[0.1, -2, ...]", or the one value of a scalar. */
static void add_values(message *m, const float *data, long n, int scalar)
{
    if (scalar) {
        add(m, "%.7g", data[0]);
        return;
    }
    add(m, "[");
    for (long i = 0; i < n && i < 6; i++)
        add(m, "%s%.7g", i ? ", " : "", data[i]);
    add(m, "%s]", n > 6 ? ", ..." : "");
}

/* The multi-index of flat element i of a tensor with (ndim, shape): "[1, 2]". */
static void add_index(message *m, long i, int ndim, const long *shape)
{
    long idx[SELI_MAX_DIMS];
    for (int d = ndim - 1; d >= 0; d--) {
        idx[d] = shape[d] ? i % shape[d] : 0;
        i = shape[d] ? i / shape[d] : 0;
    }
    add(m, "[");
    for (int d = 0; d < ndim; d++)
        add(m, "%s%ld", d ? ", " : "", idx[d]);
    add(m, "]");
}

static int near(double got, double expected, double tol)
{
    return fabs(got - expected) <= tol * (1 + fabs(expected));
}

/* If got = r * expected for one r on every element (expected not all zero),
 * the ratio r; else NAN. */
static double common_ratio(const float *got, const float *expected, long n, double tol)
{
    double r = NAN;
    for (long i = 0; i < n; i++) {
        if (expected[i] == 0) {
            if (!near(got[i], 0, tol))
                return NAN;
            continue;
        }
        double ri = (double)got[i] / expected[i];
        if (isnan(r))
            r = ri;
        else if (!near(ri, r, 10 * tol))
            return NAN;
    }
    return r;
}

/* The likely mistake behind got != expected (same shape), if it has a pattern. */
static void add_diagnosis(message *m, const float *got, const float *expected, long n, double tol)
{
    for (long i = 0; i < n; i++)
        if (!isfinite(got[i])) {
            add(m,
                "\n  likely mistake: your result holds %s: a log or a sqrt of a negative number, "
                "a division by zero, or an exp that overflowed",
                isnan(got[i]) ? "NaN" : "an infinity");
            return;
        }
    double offset = (double)got[0] - expected[0];
    int constant = n > 1 && fabs(offset) > tol * (1 + fabs(expected[0]));
    for (long i = 1; constant && i < n; i++)
        constant = near((double)got[i] - expected[i], offset, 10 * tol);
    if (constant) {
        add(m,
            "\n  likely mistake: your result is the expected one %s %.7g everywhere: a "
            "constant term is missing or wrong (a normalising constant such as log(2 pi)/2, "
            "or an offset)",
            offset > 0 ? "plus" : "minus", fabs(offset));
        return;
    }
    double r = common_ratio(got, expected, n, tol);
    if (isnan(r))
        return;
    double k = round(r), inv = r != 0 ? round(1 / r) : 0;
    if (near(r, -1, 10 * tol))
        add(m, "\n  likely mistake: your result is the negative of the expected one: a sign error "
               "(a minus sign missing or one too many, or a - b where the formula has b - a)");
    else if (k >= 2 && near(r, k, 10 * tol))
        add(m,
            "\n  likely mistake: your result is exactly %g times the expected one: the formula "
            "takes the mean, not the sum%s",
            k, k == 2 ? " (or a factor 1/2 is missing)" : "");
    else if (inv >= 2 && near(1 / r, inv, 10 * tol))
        add(m,
            "\n  likely mistake: your result is exactly 1/%g of the expected one: the formula "
            "takes the sum, not the mean%s",
            inv, inv == 2 ? " (or it has a factor 1/2 too many)" : "");
    else if (near(r, -k, 10 * tol) && k <= -2)
        add(m,
            "\n  likely mistake: your result is exactly %g times the expected one: a sign "
            "error and a sum where the formula takes the mean",
            k);
}

/* Nonzero when a tensor of shape (gn, gs) is what broadcasting a tensor of
 * the expected shape (en, es) against another made of it: more elements,
 * and every expected dimension either kept or stretched from 1. */
static int broadcast_grew(int gn, const long *gs, int en, const long *es)
{
    if (gn < en)
        return 0;
    long gsize = 1, esize = 1;
    for (int d = 0; d < gn; d++)
        gsize *= gs[d];
    for (int d = 0; d < en; d++)
        esize *= es[d];
    if (gsize <= esize)
        return 0;
    for (int d = 1; d <= en; d++) {
        long e = es[en - d], g = gs[gn - d];
        if (e != g && e != 1 && g != 1 && esize % g != 0)
            return 0;
    }
    return 1;
}

static void add_shape_mismatch(message *m, const seli_tensor *got, int ndim, const long *shape)
{
    char gbuf[96], ebuf[96];
    seli__dims_into(gbuf, sizeof gbuf, got->ndim, got->shape);
    seli__dims_into(ebuf, sizeof ebuf, ndim, shape);
    add(m, "\n  expected shape: %s\n  got shape:      %s", ebuf, gbuf);
    long esize = 1;
    for (int d = 0; d < ndim; d++)
        esize *= shape[d];
    if (broadcast_grew(got->ndim, got->shape, ndim, shape))
        add(m,
            "\n  likely mistake: a shape broadcast silently: two operands such as [N] and "
            "[N, 1] combine into [N, N]; reshape one so both have the shape %s",
            ebuf);
    else if (got->size == esize)
        add(m, "\n  likely mistake: the right number of elements in another shape: reshape "
               "(seli_reshape) or keep the reduced axis (keepdims)");
    else if (got->ndim == 0 || got->size == 1)
        add(m, "\n  likely mistake: you reduced to one number where a value per element is "
               "expected (a seli_sum_all or seli_mean_all too many?)");
    else if (got->ndim < ndim && got->size > 1)
        add(m, "\n  likely mistake: the result lacks an axis: two vectors were combined element "
               "by element where every pair was wanted; reshape them to [N, 1] and [1, M] so "
               "that they broadcast to [N, M]");
    else if (got->size < esize)
        add(m, "\n  likely mistake: an axis was reduced that should be kept (check the axis of "
               "seli_sum / seli_mean)");
}

/* got must be a live tensor: a NULL is a function that returned nothing useful. */
static void check_live(const char *what, const seli_tensor *got, const char *role)
{
    if (!got) {
        message m;
        start(&m, what);
        add(&m, "\n  %s is NULL: did your function return its result?", role);
        fail(&m);
    }
    seli__check("seli_check", got, role);
}

void seli_not_written_yet(const char *name)
{
    seli_error(SELI_NOT_WRITTEN_PREFIX "%s is still the stub; replace the line "
                                       "seli_not_written_yet(__func__) with your code",
               name && *name ? name : "this task");
}

void seli_check_close(const char *what, const seli_tensor *got, const seli_tensor *expected,
                      float tol)
{
    check_live(what, got, "the result");
    check_live(what, expected, "the expected value");
    message m;
    if (!seli_same_shape(got, expected)) {
        start(&m, what);
        add_shape_mismatch(&m, got, expected->ndim, expected->shape);
        fail(&m);
    }
    long bad = 0, first = -1;
    for (long i = 0; i < got->size; i++)
        if (!(near(got->data[i], expected->data[i], tol))) {
            bad++;
            if (first < 0)
                first = i;
        }
    if (!bad) {
        printf("ok: %s\n", what ? what : "value");
        return;
    }
    start(&m, what);
    int scalar = got->ndim == 0;
    add(&m, "\n  expected: ");
    add_values(&m, expected->data, expected->size, scalar);
    add(&m, "\n  got:      ");
    add_values(&m, got->data, got->size, scalar);
    if (!scalar) {
        add(&m, "\n  first difference at index ");
        add_index(&m, first, got->ndim, got->shape);
        add(&m, ": expected %.7g, got %.7g (%ld of %ld elements differ)", expected->data[first],
            got->data[first], bad, got->size);
    }
    add_diagnosis(&m, got->data, expected->data, got->size, tol);
    fail(&m);
}

void seli_check_scalar(const char *what, double got, double expected, double tol)
{
    if (near(got, expected, tol) && isfinite(got)) {
        printf("ok: %s\n", what ? what : "value");
        return;
    }
    message m;
    start(&m, what);
    add(&m, "\n  expected: %.7g\n  got:      %.7g", expected, got);
    float g = (float)got, e = (float)expected;
    add_diagnosis(&m, &g, &e, 1, tol);
    fail(&m);
}

void seli_check_shape(const char *what, const seli_tensor *got, int ndim, const long *shape)
{
    check_live(what, got, "the result");
    int same = got->ndim == ndim;
    for (int d = 0; same && d < ndim; d++)
        same = got->shape[d] == shape[d];
    if (same) {
        printf("ok: %s has the shape %s\n", what ? what : "value", seli__shape(got));
        return;
    }
    message m;
    start(&m, what);
    add_shape_mismatch(&m, got, ndim, shape);
    fail(&m);
}

void seli_check_true(const char *what, int condition, const char *hint)
{
    if (condition) {
        printf("ok: %s\n", what ? what : "condition");
        return;
    }
    message m;
    start(&m, what);
    if (hint)
        add(&m, "\n  likely mistake: %s", hint);
    fail(&m);
}

void seli_check_detached(const char *what, const seli_tensor *got)
{
    check_live(what, got, "the result");
    seli_check_true(what && *what ? what : "constant", !seli_on_tape(got),
                    "it is recorded on the tape, so the loss would push gradients through it; "
                    "a target must be a constant: wrap it in seli_detach(...)");
}

void seli_check_recorded(const char *what, const seli_tensor *got)
{
    check_live(what, got, "the result");
    seli_check_true(what && *what ? what : "recorded", seli_on_tape(got),
                    "it carries no gradient, so training would not change the parameters; "
                    "take inner gradients with seli_grad_graph (seli_grad returns a constant) "
                    "and do not detach what the loss must differentiate");
}
