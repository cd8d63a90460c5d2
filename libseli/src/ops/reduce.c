/* reduce.c: reductions along one axis (sum, mean, max, logsumexp) and over
 * all elements (sum_all, mean_all); see seli/ops.h.
 *
 * A reduction views its input as [outer, n, inner], where n is the reduced
 * axis, and produces [outer, inner] (with the axis kept as 1 under keepdims).
 * Every vjp broadcasts the cotangent back over the reduced axis with
 * differentiable ops, so gradients of gradients work. */
#include <math.h>
#include <string.h>

#include "autodiff/tape.h"

/* The shape of a reduced along axis, written to s; returns its ndim. */
static int reduced_shape(const seli_tensor *a, int axis, int keepdims, long *s)
{
    int nd = 0;
    for (int i = 0; i < a->ndim; i++) {
        if (i != axis)
            s[nd++] = a->shape[i];
        else if (keepdims)
            s[nd++] = 1;
    }
    return nd;
}

/* An axis reduction, a [outer..., n, inner...] -> [outer..., inner...], seen
 * around its normalised axis. */
typedef struct reduction {
    int axis;
    long outer, n, inner;
} reduction;

/* The start of op(a, axis, keepdims): check a and the axis (and that the
 * axis is not empty, when `of_nothing` names what an empty one leaves
 * undefined: "mean"), fill r and return the result, data uninitialised. */
static seli_tensor *reduce_begin(const char *op, const seli_tensor *a, int axis, int keepdims,
                                 const char *of_nothing, reduction *r)
{
    seli__check(op, a, "a");
    if (a->ndim == 0)
        seli_error("%s: a is a scalar [] and has no axis to reduce (a scalar is already "
                   "reduced; use it directly)",
                   op);
    r->axis = seli__axis(op, a, axis);
    seli__split_axis(a, r->axis, &r->outer, &r->n, &r->inner);
    if (of_nothing && r->n == 0)
        seli_error("%s: axis %d of a %s is empty; the %s of nothing is undefined", op, axis,
                   seli__shape(a), of_nothing);
    long s[SELI_MAX_DIMS];
    int nd = reduced_shape(a, r->axis, keepdims, s);
    return seli__alloc(op, nd, s);
}

/* g has the reduced shape of in (node fields i[0] = axis, i[1] = keepdims):
 * stretch it back over the reduced axis to in's shape. */
static seli_tensor *spread_back(const seli_tensor *g, const seli_tensor *in, int axis, int keepdims)
{
    if (!keepdims) {
        long s[SELI_MAX_DIMS];
        int nd = reduced_shape(in, axis, 1, s);
        g = seli_reshape(g, nd, s);
    }
    return seli_broadcast_to(g, in->ndim, in->shape);
}

/* Store axis and keepdims on the node, if one was recorded. */
static void note_axis(seli_node *n, int axis, int keepdims)
{
    if (n) {
        n->i[0] = axis;
        n->i[1] = keepdims;
    }
}

/* -------------------------------------------------------------------- sum */

/* out[o, i] = sum_j a[o, j, i], accumulated in double along rows. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__TINYC__)
/* 16 columns at a time where the processor has AVX-512, 8 with AVX2 */
#define WIDE_CLONES __attribute__((target_clones("avx512f", "arch=haswell", "default")))
#else
#define WIDE_CLONES
#endif

/* dst[i] = the sum of the n rows of src [n, inner], added row after row:
 * each column is summed in the same order on every path, so the clones
 * agree to the bit.  (A layer's bias gradient: [batch, 128] -> [128].) */
WIDE_CLONES static void sum_rows(const float *restrict src, long n, long inner,
                                 float *restrict dst)
{
    for (long i = 0; i < inner; i++)
        dst[i] = 0.0f;
    for (long j = 0; j < n; j++) {
        const float *restrict row = src + j * inner;
        for (long i = 0; i < inner; i++)
            dst[i] += row[i];
    }
}

static void sum_data(const float *a, long outer, long n, long inner, float *out)
{
    if (inner == 1) {
        for (long o = 0; o < outer; o++) {
            double acc = 0.0;
            const float *row = a + o * n;
            for (long j = 0; j < n; j++)
                acc += row[j];
            out[o] = (float)acc;
        }
        return;
    }
    for (long o = 0; o < outer; o++)
        sum_rows(a + o * n * inner, n, inner, out + o * inner);
}

/* a: [..., n, ...] -> [..., ...]: each element of a gets the g of its sum */
static seli_tensor *sum_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    (void)i;
    return spread_back(g, n->in[0], n->i[0], n->i[1]);
}

seli_tensor *seli_sum(const seli_tensor *a, int axis, int keepdims)
{
    reduction r;
    seli_tensor *out = reduce_begin("seli_sum", a, axis, keepdims, NULL, &r);
    sum_data(a->data, r.outer, r.n, r.inner, out->data);
    note_axis(seli__record(out, "seli_sum", sum_vjp, a, NULL, NULL), r.axis, keepdims);
    return out;
}

/* ------------------------------------------------------------------- mean */

/* a: [..., n, ...] -> [..., ...]: each element gets g / n */
static seli_tensor *mean_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    (void)i;
    const seli_tensor *a = n->in[0];
    return seli_mul_scalar(spread_back(g, a, n->i[0], n->i[1]), 1.0f / (float)a->shape[n->i[0]]);
}

seli_tensor *seli_mean(const seli_tensor *a, int axis, int keepdims)
{
    reduction r;
    seli_tensor *out = reduce_begin("seli_mean", a, axis, keepdims, "mean", &r);
    sum_data(a->data, r.outer, r.n, r.inner, out->data);
    float scale = 1.0f / (float)r.n;
    for (long k = 0; k < out->size; k++)
        out->data[k] *= scale;
    note_axis(seli__record(out, "seli_mean", mean_vjp, a, NULL, NULL), r.axis, keepdims);
    return out;
}

/* -------------------------------------------------------------------- max */

/* a: [..., n, ...] -> [..., ...]: g goes to the first maximum (aux is that mask) */
static seli_tensor *max_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    (void)i;
    return seli_mul(spread_back(g, n->in[0], n->i[0], n->i[1]), n->aux);
}

/* The first maximum along the axis (NaN wins, as in numpy); writes the
 * position of each into arg when arg is not NULL. */
static void max_data(const float *a, long outer, long n, long inner, float *out, long *arg)
{
    for (long o = 0; o < outer; o++)
        for (long i = 0; i < inner; i++) {
            const float *p = a + o * n * inner + i;
            float best = p[0];
            long at = 0;
            for (long j = 1; j < n && best == best; j++) {
                float v = p[j * inner];
                if (v > best || v != v) {
                    best = v;
                    at = j;
                }
            }
            out[o * inner + i] = best;
            if (arg)
                arg[o * inner + i] = at;
        }
}

seli_tensor *seli_max(const seli_tensor *a, int axis, int keepdims)
{
    reduction r;
    seli_tensor *out = reduce_begin("seli_max", a, axis, keepdims, "maximum", &r);
    if (!seli__recording(a, NULL, NULL)) {
        max_data(a->data, r.outer, r.n, r.inner, out->data, NULL);
        return out;
    }
    /* Recording: remember where each maximum was, as a mask shaped like a. */
    seli_tensor *mask = seli__alloc_like(a);
    long *arg = seli__scope_alloc((size_t)(r.outer * r.inner) * sizeof(long));
    max_data(a->data, r.outer, r.n, r.inner, out->data, arg);
    memset(mask->data, 0, (size_t)mask->size * sizeof(float));
    for (long o = 0; o < r.outer; o++)
        for (long i = 0; i < r.inner; i++)
            mask->data[(o * r.n + arg[o * r.inner + i]) * r.inner + i] = 1.0f;
    seli_node *node = seli__record(out, "seli_max", max_vjp, a, NULL, NULL);
    note_axis(node, r.axis, keepdims);
    node->aux = mask;
    return out;
}

/* -------------------------------------------------------------- logsumexp */

/* a: [..., n, ...] -> [..., ...]: da = g * softmax(a) = g * exp(a - out), written
 * with ops on the recorded out so that the second derivative flows too */
static seli_tensor *logsumexp_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    (void)i;
    const seli_tensor *a = n->in[0];
    int axis = n->i[0], keepdims = n->i[1];
    const seli_tensor *lse = n->out;
    if (!keepdims) {
        long s[SELI_MAX_DIMS];
        int nd = reduced_shape(a, axis, 1, s);
        lse = seli_reshape(lse, nd, s);
    }
    seli_tensor *soft = seli_exp(seli_sub(a, lse));
    return seli_mul(spread_back(g, a, axis, keepdims), soft);
}

seli_tensor *seli_logsumexp(const seli_tensor *a, int axis, int keepdims)
{
    reduction red;
    seli_tensor *out = reduce_begin("seli_logsumexp", a, axis, keepdims, NULL, &red);
    long outer = red.outer, n = red.n, inner = red.inner;
    for (long o = 0; o < outer; o++)
        for (long i = 0; i < inner; i++) {
            const float *p = a->data + o * n * inner + i;
            float m = -INFINITY;
            for (long j = 0; j < n; j++)
                if (p[j * inner] > m || p[j * inner] != p[j * inner])
                    m = p[j * inner];
            float r;
            if (!isfinite(m)) {
                r = m; /* all -inf (or empty): -inf; any +inf: +inf; NaN stays NaN */
            } else {
                double acc = 0.0;
                for (long j = 0; j < n; j++)
                    acc += exp((double)p[j * inner] - (double)m);
                r = (float)((double)m + log(acc));
            }
            out->data[o * inner + i] = r;
        }
    note_axis(seli__record(out, "seli_logsumexp", logsumexp_vjp, a, NULL, NULL), red.axis,
              keepdims);
    return out;
}

/* ---------------------------------------------------------- all elements */

/* a: any -> []: every element gets g */
static seli_tensor *sum_all_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    (void)i;
    return seli_broadcast_to(g, n->in[0]->ndim, n->in[0]->shape);
}

seli_tensor *seli_sum_all(const seli_tensor *a)
{
    seli__check("seli_sum_all", a, "a");
    seli_tensor *out = seli__alloc("seli_sum_all", 0, NULL);
    double acc = 0.0;
    for (long k = 0; k < a->size; k++)
        acc += a->data[k];
    out->data[0] = (float)acc;
    seli__record(out, "seli_sum_all", sum_all_vjp, a, NULL, NULL);
    return out;
}

/* a: any -> []: every element gets g / size */
static seli_tensor *mean_all_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    (void)i;
    const seli_tensor *a = n->in[0];
    return seli_mul_scalar(seli_broadcast_to(g, a->ndim, a->shape), 1.0f / (float)a->size);
}

seli_tensor *seli_mean_all(const seli_tensor *a)
{
    seli__check("seli_mean_all", a, "a");
    if (a->size == 0)
        seli_error("seli_mean_all: a %s has no elements; the mean of nothing is undefined",
                   seli__shape(a));
    seli_tensor *out = seli__alloc("seli_mean_all", 0, NULL);
    double acc = 0.0;
    for (long k = 0; k < a->size; k++)
        acc += a->data[k];
    out->data[0] = (float)(acc / (double)a->size);
    seli__record(out, "seli_mean_all", mean_all_vjp, a, NULL, NULL);
    return out;
}

/* a: any -> a's shape; e = exp(a - max(a)), e / sum(e).  The max is a
 * constant (softmax does not change when a shifts), so the gradient is that
 * of exp, sum and div, and differentiates again.  Dividing, rather than
 * subtracting logsumexp, keeps rows of huge equal values (masked attention
 * logits) exact: 1/n each, as JAX's softmax gives. */
seli_tensor *seli_softmax(const seli_tensor *a, int axis)
{
    seli__check("seli_softmax", a, "a");
    seli__axis("seli_softmax", a, axis);
    seli_tensor *e = seli_exp(seli_sub(a, seli_detach(seli_max(a, axis, 1))));
    return seli_div(e, seli_sum(e, axis, 1));
}
