/* broadcast.c: numpy broadcasting, and the two ops that stretch and shrink.
 *
 * Shapes are aligned on the right; a dimension of 1 (or a missing leading
 * dimension) stretches to the other's size.  seli_broadcast_to stretches a
 * tensor to a shape and seli_sum_to sums it back: each is the other's
 * vector-Jacobian product. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "autodiff/tape.h"
#include "ops/elementwise.h"

void seli__broadcast_shape(const char *op, const seli_tensor *a, const seli_tensor *b, int *ndim,
                           long *shape)
{
    int nd = a->ndim > b->ndim ? a->ndim : b->ndim;
    long out[SELI_MAX_DIMS];
    for (int d = 0; d < nd; d++) {
        int da = d - (nd - a->ndim), db = d - (nd - b->ndim);
        long sa = da >= 0 ? a->shape[da] : 1, sb = db >= 0 ? b->shape[db] : 1;
        if (sa != sb && sa != 1 && sb != 1)
            seli_error("%s: shapes %s and %s do not broadcast (dimension %d is %ld against %ld; "
                       "aligned on the right, sizes must agree or be 1)",
                       op, seli__shape(a), seli__shape(b), d - nd, sa, sb);
        out[d] = sa == 1 ? sb : sa;
    }
    *ndim = nd;
    memcpy(shape, out, sizeof(long) * (size_t)nd);
}

void seli__broadcast_strides(const seli_tensor *t, int ndim, const long *shape, long *strides)
{
    long s = 1;
    for (int d = ndim - 1; d >= 0; d--) {
        int dt = d - (ndim - t->ndim);
        long size = dt >= 0 ? t->shape[dt] : 1;
        strides[d] = (size == 1 && shape[d] != 1) || dt < 0 ? 0 : s;
        s *= size;
    }
}

/* Nonzero when (ndim, shape) broadcasts to (tndim, tshape) on its own. */
static int stretches_to(int ndim, const long *shape, int tndim, const long *tshape)
{
    if (ndim > tndim)
        return 0;
    for (int d = 0; d < ndim; d++) {
        long s = shape[d], t = tshape[d + tndim - ndim];
        if (s != t && s != 1)
            return 0;
    }
    return 1;
}

static void check_shape_arg(const char *op, int ndim, const long *shape)
{
    if (ndim < 0 || ndim > SELI_MAX_DIMS || (ndim > 0 && shape == NULL))
        seli_error("%s: a shape needs 0..%d dimensions and a shape array (got ndim %d)", op,
                   SELI_MAX_DIMS, ndim);
    for (int d = 0; d < ndim; d++)
        if (shape[d] < 0)
            seli_error("%s: dimension %d of the target shape is negative (%ld)", op, d, shape[d]);
}

/* a: any -> shape, where a broadcasts to shape */
static seli_tensor *broadcast_to_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    return seli_sum_to(g, n->in[0]->ndim, n->in[0]->shape);
}

seli_tensor *seli_broadcast_to(const seli_tensor *a, int ndim, const long *shape)
{
    seli__check("seli_broadcast_to", a, "a");
    check_shape_arg("seli_broadcast_to", ndim, shape);
    if (!stretches_to(a->ndim, a->shape, ndim, shape))
        seli_error("seli_broadcast_to: a of shape %s does not broadcast to %s (aligned on the "
                   "right, each dimension of a must equal the target's or be 1)",
                   seli__shape(a), seli__dims(ndim, shape));
    seli_tensor *out = seli__alloc("seli_broadcast_to", ndim, shape);
    float *o = out->data;
    const float *x = a->data;
    long n = out->size;
    if (a->size == n) {
        memcpy(o, x, sizeof(float) * (size_t)n);
    } else if (a->size == 1) {
        for (long k = 0; k < n; k++)
            o[k] = x[0];
    } else if (n > 0) {
        seli__bcast it; /* out's rows, each reading a's elements with stride 0 or 1 */
        seli__bcast_begin(&it, out, 1, &a);
        for (long r = 0; r < n; r += it.inner) {
            const float *xr = x + it.off[0];
            long is = it.is[0];
            for (long k = 0; k < it.inner; k++)
                o[r + k] = xr[k * is];
            seli__bcast_next(&it, 1);
        }
    }
    seli__record(out, "seli_broadcast_to", broadcast_to_vjp, a, NULL, NULL);
    return out;
}

/* a: any -> shape, where shape broadcasts to a's shape */
static seli_tensor *sum_to_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    return seli_broadcast_to(g, n->in[0]->ndim, n->in[0]->shape);
}

/* The mirror of seli_broadcast_to: the same steps the other way round, each
 * with its own check and loop. */
seli_tensor *seli_sum_to(const seli_tensor *a, int ndim, const long *shape)
{
    seli__check("seli_sum_to", a, "a");
    check_shape_arg("seli_sum_to", ndim, shape);
    if (!stretches_to(ndim, shape, a->ndim, a->shape))
        seli_error("seli_sum_to: cannot sum a of shape %s down to %s (the target must "
                   "broadcast to a's shape: aligned on the right, each dimension equal or 1)",
                   seli__shape(a), seli__dims(ndim, shape));
    seli_tensor *out = seli__alloc("seli_sum_to", ndim, shape);
    float *o = out->data;
    const float *x = a->data;
    long n = a->size;
    if (out->size == n) {
        memcpy(o, x, sizeof(float) * (size_t)n);
    } else if (out->size == 1) {
        double s = 0;
        for (long k = 0; k < n; k++)
            s += x[k];
        o[0] = (float)s;
    } else {
        memset(o, 0, sizeof(float) * (size_t)out->size);
        if (n > 0) {
            const seli_tensor *ops[1] = {out};
            seli__bcast it; /* a's rows, each adding into out with stride 0 or 1 */
            seli__bcast_begin(&it, a, 1, ops);
            for (long r = 0; r < n; r += it.inner) {
                float *orow = o + it.off[0];
                if (it.is[0] == 0) {
                    float s = 0;
                    for (long k = 0; k < it.inner; k++)
                        s += x[r + k];
                    orow[0] += s;
                } else {
                    for (long k = 0; k < it.inner; k++)
                        orow[k] += x[r + k];
                }
                seli__bcast_next(&it, 1);
            }
        }
    }
    seli__record(out, "seli_sum_to", sum_to_vjp, a, NULL, NULL);
    return out;
}
