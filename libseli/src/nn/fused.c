/* fused.c: the affine map and a whole layer, act(x @ w + b), as one op
 * (see seli/fused.h).
 *
 * Forward: on AVX-512 the bias starts the accumulators of the product and
 * the activation is applied in registers as the tile is stored, so a layer
 * is one pass over memory (gemm_fast.c); elsewhere cblas_sgemm adds the
 * product to rows filled with the bias (beta = 1) and one pass applies the
 * activation.  When recording, the pre-activation z is kept as a tape
 * tensor of its own, so the tape reads z = affine(x, w, b), h = act(z):
 *   affine vjp:  x <- g @ w^T,  w <- x^T @ g,  b <- column sums of g
 *   act vjp:     z <- act_bwd(z, g)  (activation_grad.c, itself differentiable)
 * Every piece is a differentiable op, so second derivatives work. */
#include <cblas.h>
#include <string.h>

#include "ops/activation_grad.h"
#include "ops/gemm_fast.h"
#include "core/interrupt.h"
#include "seli/fused.h"
#include "autodiff/tape.h"

/* [..., d] seen as [rows, d] */
static seli_tensor *as_matrix(const seli_tensor *t)
{
    long d = t->shape[t->ndim - 1];
    return t->ndim == 2 ? (seli_tensor *)t : seli_reshape(t, 2, (long[]){-1, d});
}

/* x: [..., in], w: [in, out], b: [out] -> z [..., out] */
static seli_tensor *affine_vjp(const seli_node *nd, int i, const seli_tensor *g)
{
    const seli_tensor *x = nd->in[0], *w = nd->in[1];
    seli_tensor *g2 = as_matrix(g);
    if (i == 0) {
        seli_tensor *gx = seli__matmul_t(g2, w, 0, 1); /* [rows, in] */
        return x->ndim == 2 ? gx : seli_reshape(gx, x->ndim, x->shape);
    }
    if (i == 1)
        return seli__matmul_t(as_matrix(x), g2, 1, 0); /* [in, out] */
    return seli_sum(g2, 0, 0);                         /* [out] */
}

static void check(const char *op, const seli_tensor *x, const seli_tensor *w, const seli_tensor *b)
{
    seli__check(op, x, "x");
    seli__check(op, w, "w");
    if (b)
        seli__check(op, b, "b");
    if (x->ndim < 1)
        seli_error("%s: x is a scalar; it must be [..., in] (reshape it to [1])", op);
    if (w->ndim != 2)
        seli_error("%s: the weight must be a matrix [in, out], got %s", op, seli__shape(w));
    if (x->shape[x->ndim - 1] != w->shape[0])
        seli_error("%s: x %s has %ld features but the weight %s expects %ld; the last axis of x "
                   "must match the weight's first",
                   op, seli__shape(x), x->shape[x->ndim - 1], seli__shape(w), w->shape[0]);
    if (b && (b->ndim != 1 || b->shape[0] != w->shape[1]))
        seli_error("%s: the bias must be [%ld] to match the weight %s, got %s", op, w->shape[1],
                   seli__shape(w), seli__shape(b));
}

/* act(x @ w + b) into h; the pre-activation into z when z is not NULL
 * (z may be h itself for act = none). */
static void compute(const seli_tensor *x, const seli_tensor *w, const seli_tensor *b, int act,
                    float slope, float *z, float *h)
{
    long in = w->shape[0], out = w->shape[1], rows = 1;
    for (int d = 0; d < x->ndim - 1; d++)
        rows *= x->shape[d];
    if (rows == 0 || out == 0)
        return;
    if (in > 0) {
        seli__enter_blas(); /* a forced interrupt must not land inside the worker's lock */
        int done = seli__gemm_fast_act(rows, out, in, x->data, w->data, b ? b->data : NULL, act,
                                       slope, z == h ? NULL : z, h);
        seli__leave_blas();
        if (done)
            return;
    }
    float *pre = z ? z : h;
    if (b)
        for (long r = 0; r < rows; r++)
            memcpy(pre + r * out, b->data, (size_t)out * sizeof(float));
    else
        memset(pre, 0, (size_t)(rows * out) * sizeof(float));
    if (in > 0) {
        seli__enter_blas();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)out, (int)in, 1.0f,
                    x->data, (int)in, w->data, (int)out, 1.0f, pre, (int)out);
        seli__leave_blas();
    }
    if (act == SELI__ACT_GELU)
        seli__gelu_eval(pre, h, rows * out);
    else if (act == SELI__ACT_LEAKY_RELU)
        seli__leaky_relu_eval(pre, h, rows * out, slope);
    else if (pre != h)
        memcpy(h, pre, (size_t)(rows * out) * sizeof(float));
}

static seli_tensor *layer(const char *op, const seli_tensor *x, const seli_tensor *w,
                          const seli_tensor *b, int act, float slope)
{
    check(op, x, w, b);
    long s[SELI_MAX_DIMS];
    for (int d = 0; d < x->ndim - 1; d++)
        s[d] = x->shape[d];
    s[x->ndim - 1] = w->shape[1];
    seli_tensor *h = seli__alloc(op, x->ndim, s);
    if (act == SELI__ACT_NONE || !seli__recording(x, w, b)) {
        compute(x, w, b, act, slope, act == SELI__ACT_NONE ? h->data : NULL, h->data);
        seli__record(h, "seli_affine", affine_vjp, x, w, b);
        return h;
    }
    seli_tensor *z = seli__alloc(op, x->ndim, s);
    compute(x, w, b, act, slope, z->data, h->data);
    seli__record(z, "seli_affine", affine_vjp, x, w, b);
    seli_node *node =
        seli__record(h, act == SELI__ACT_GELU ? "seli_gelu" : "seli_leaky_relu",
                     act == SELI__ACT_GELU ? seli__gelu_vjp : seli__leaky_relu_vjp, z, NULL, NULL);
    if (node)
        node->f[0] = slope;
    return h;
}

seli_tensor *seli_affine(const seli_tensor *x, const seli_tensor *w, const seli_tensor *b)
{
    return layer("seli_affine", x, w, b, SELI__ACT_NONE, 0);
}

seli_tensor *seli_affine_gelu(const seli_tensor *x, const seli_tensor *w, const seli_tensor *b)
{
    return layer("seli_affine_gelu", x, w, b, SELI__ACT_GELU, 0);
}

seli_tensor *seli_affine_leaky_relu(const seli_tensor *x, const seli_tensor *w,
                                    const seli_tensor *b, float slope)
{
    return layer("seli_affine_leaky_relu", x, w, b, SELI__ACT_LEAKY_RELU, slope);
}
