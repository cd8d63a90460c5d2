/* arith.c: elementwise arithmetic with broadcasting, and its scalar forms.
 *
 * add, sub, mul, div, pow, maximum, minimum, where; add_scalar, mul_scalar,
 * pow_scalar, clamp; neg, square, abs.  Each op keeps its forward and its
 * vector-Jacobian product together.  Every vjp is made of seli ops, so it is
 * differentiable again; where a derivative is piecewise, it multiplies g by a
 * constant mask. */
#include <math.h>
#include <string.h>

#include "ops/elementwise.h"
#include "autodiff/tape.h"

seli_tensor *seli__binary_out(const char *op, const seli_tensor *a, const seli_tensor *b)
{
    seli__check(op, a, "a");
    seli__check(op, b, "b");
    if (a->ndim == b->ndim && memcmp(a->shape, b->shape, sizeof(long) * (size_t)a->ndim) == 0)
        return seli__alloc_like(a);
    int ndim;
    long shape[SELI_MAX_DIMS];
    seli__broadcast_shape(op, a, b, &ndim, shape);
    return seli__alloc(op, ndim, shape);
}

/* --- binary ops: a, b -> broadcast(a, b) --- */

static seli_tensor *add_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    return seli__unbroadcast(g, n->in[i]);
}

SELI__BINARY_KERNEL(add_loop, av + bv)

seli_tensor *seli_add(const seli_tensor *a, const seli_tensor *b)
{
    SELI__BINARY_OP_K("seli_add", a, b, add_loop, add_vjp);
}

static seli_tensor *sub_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    return seli__unbroadcast(i == 0 ? g : seli_neg(g), n->in[i]);
}

SELI__BINARY_KERNEL(sub_loop, av - bv)

seli_tensor *seli_sub(const seli_tensor *a, const seli_tensor *b)
{
    SELI__BINARY_OP_K("seli_sub", a, b, sub_loop, sub_vjp);
}

static seli_tensor *mul_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    return seli__unbroadcast(seli_mul(g, n->in[1 - i]), n->in[i]);
}

SELI__BINARY_KERNEL(mul_loop, (av * bv))

seli_tensor *seli_mul(const seli_tensor *a, const seli_tensor *b)
{
    SELI__BINARY_OP_K("seli_mul", a, b, mul_loop, mul_vjp);
}

/* d(a/b)/da = 1/b;  d(a/b)/db = -a/b^2 = -out/b */
static seli_tensor *div_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    const seli_tensor *b = n->in[1];
    if (i == 0)
        return seli__unbroadcast(seli_div(g, b), n->in[0]);
    return seli__unbroadcast(seli_neg(seli_mul(g, seli_div(n->out, b))), b);
}

SELI__BINARY_KERNEL(div_loop, av / bv)

seli_tensor *seli_div(const seli_tensor *a, const seli_tensor *b)
{
    SELI__BINARY_OP_K("seli_div", a, b, div_loop, div_vjp);
}

/* d(a^b)/da = b a^(b-1);  d(a^b)/db = a^b log(a), taken as 0 where a <= 0
 * (there a^b is only defined for integer b, and is not differentiable in b). */
static seli_tensor *pow_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    const seli_tensor *a = n->in[0], *b = n->in[1];
    if (i == 0)
        return seli__unbroadcast(seli_mul(g, seli_mul(b, seli_pow(a, seli_add_scalar(b, -1)))), a);
    seli_tensor *pos = seli__positive_mask(a);
    seli_tensor *log_a = seli_mul(seli_log(seli_where(pos, a, seli_scalar(1))), pos);
    return seli__unbroadcast(seli_mul(g, seli_mul(n->out, log_a)), b);
}

seli_tensor *seli_pow(const seli_tensor *a, const seli_tensor *b)
{
    SELI__BINARY_OP("seli_pow", a, b, powf(av, bv), pow_vjp);
}

/* Where the gradient of maximum(a, b) goes: 1 where a wins, 1/2 on ties, else
 * 0 (a constant of the broadcast shape).  min flips the comparison. */
static seli_tensor *winner_mask(const char *op, const seli_tensor *a, const seli_tensor *b, int max)
{
    seli_tensor *m = seli__binary_out(op, a, b);
    if (max)
        SELI__BINARY_LOOP(m, a, b, av > bv ? 1.0f : av == bv ? 0.5f : 0.0f);
    else
        SELI__BINARY_LOOP(m, a, b, av < bv ? 1.0f : av == bv ? 0.5f : 0.0f);
    return m;
}

static seli_tensor *maximum_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    seli_tensor *m = winner_mask("seli_maximum", n->in[i], n->in[1 - i], 1);
    return seli__unbroadcast(seli_mul(g, m), n->in[i]);
}

seli_tensor *seli_maximum(const seli_tensor *a, const seli_tensor *b)
{
    SELI__BINARY_OP("seli_maximum", a, b, av >= bv || av != av ? av : bv, maximum_vjp);
}

static seli_tensor *minimum_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    seli_tensor *m = winner_mask("seli_minimum", n->in[i], n->in[1 - i], 0);
    return seli__unbroadcast(seli_mul(g, m), n->in[i]);
}

seli_tensor *seli_minimum(const seli_tensor *a, const seli_tensor *b)
{
    SELI__BINARY_OP("seli_minimum", a, b, av <= bv || av != av ? av : bv, minimum_vjp);
}

/* --- where: cond, a, b -> broadcast(cond, a, b) --- */

/* The mask cond is saved in n->aux; a and b are the node's inputs. */
static seli_tensor *where_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    seli_tensor *zero = seli_scalar(0);
    seli_tensor *gi = i == 0 ? seli_where(n->aux, g, zero) : seli_where(n->aux, zero, g);
    return seli__unbroadcast(gi, n->in[i]);
}

/* out = cond != 0 ? a : b elementwise, out having the broadcast shape of the
 * three.  Both sides are read before the choice, so the loops are branch-free
 * and vectorize. */
SELI__ALWAYS_INLINE void where_body(seli_tensor *out, const seli_tensor *cond, const seli_tensor *a,
                                    const seli_tensor *b)
{
    float *restrict o = out->data;
    const float *restrict c = cond->data, *restrict x = a->data, *restrict y = b->data;
    long n = out->size;
    if (cond->size == n && a->size == n && b->size == n) {
        for (long k = 0; k < n; k++) {
            float xv = x[k], yv = y[k];
            o[k] = c[k] != 0 ? xv : yv;
        }
    } else if (cond->size == n && a->size == 1 && b->size == n) {
        float xv = x[0]; /* elu's and friends' derivative: where(mask, 1, d) */
        for (long k = 0; k < n; k++) {
            float yv = y[k];
            o[k] = c[k] != 0 ? xv : yv;
        }
    } else if (cond->size == n && a->size == n && b->size == 1) {
        float yv = y[0];
        for (long k = 0; k < n; k++) {
            float xv = x[k];
            o[k] = c[k] != 0 ? xv : yv;
        }
    } else if (n > 0) {
        const seli_tensor *ops[3] = {cond, a, b};
        seli__bcast it;
        seli__bcast_begin(&it, out, 3, ops);
        for (long r = 0; r < n; r += it.inner) {
            const float *cr = c + it.off[0], *xr = x + it.off[1], *yr = y + it.off[2];
            for (long k = 0; k < it.inner; k++)
                o[r + k] = cr[k * it.is[0]] != 0 ? xr[k * it.is[1]] : yr[k * it.is[2]];
            seli__bcast_next(&it, 3);
        }
    }
}

SELI__AVX512_CLONE static void where_avx512(seli_tensor *out, const seli_tensor *cond,
                                            const seli_tensor *a, const seli_tensor *b)
{
    where_body(out, cond, a, b);
}

SELI__AVX2_CLONE static void where_avx2(seli_tensor *out, const seli_tensor *cond,
                                        const seli_tensor *a, const seli_tensor *b)
{
    where_body(out, cond, a, b);
}

/* where_body in the copy this processor runs (vector_width.h). */
static void where_loop(seli_tensor *out, const seli_tensor *cond, const seli_tensor *a,
                       const seli_tensor *b)
{
    int w = seli__vector_width();
    if (w == SELI__AVX512)
        where_avx512(out, cond, a, b);
    else if (w == SELI__AVX2)
        where_avx2(out, cond, a, b);
    else
        where_body(out, cond, a, b);
}

seli_tensor *seli_where(const seli_tensor *cond, const seli_tensor *a, const seli_tensor *b)
{
    static const char op[] = "seli_where";
    seli__check(op, cond, "cond");
    seli__check(op, a, "a");
    seli__check(op, b, "b");
    int nab, ndim;
    long ab[SELI_MAX_DIMS], shape[SELI_MAX_DIMS];
    seli__broadcast_shape(op, a, b, &nab, ab);
    /* cond against broadcast(a, b) */
    ndim = cond->ndim > nab ? cond->ndim : nab;
    for (int d = 0; d < ndim; d++) {
        int dc = d - (ndim - cond->ndim), dab = d - (ndim - nab);
        long sc = dc >= 0 ? cond->shape[dc] : 1, sab = dab >= 0 ? ab[dab] : 1;
        if (sc != sab && sc != 1 && sab != 1)
            seli_error("seli_where: cond of shape %s does not broadcast against a %s and b %s "
                       "(aligned on the right, sizes must agree or be 1)",
                       seli__shape(cond), seli__shape(a), seli__shape(b));
        shape[d] = sc == 1 ? sab : sc;
    }

    seli_tensor *out = seli__alloc(op, ndim, shape);
    where_loop(out, cond, a, b);
    seli_node *node = seli__record(out, op, where_vjp, a, b, NULL);
    if (node)
        node->aux = cond;
    return out;
}

/* --- with a scalar: a -> same shape --- */

SELI__UNARY_KERNEL(add_scalar_loop, xv + s)

seli_tensor *seli_add_scalar(const seli_tensor *a, float s)
{
    SELI__UNARY_OP_K("seli_add_scalar", a, add_scalar_loop, s, add_vjp);
}

static seli_tensor *mul_scalar_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    return seli_mul_scalar(g, n->f[0]);
}

SELI__UNARY_KERNEL(mul_scalar_loop, (xv * s))

seli_tensor *seli_mul_scalar(const seli_tensor *a, float s)
{
    seli_tensor *out = seli__unary_out("seli_mul_scalar", a);
    mul_scalar_loop(out, a, s);
    seli_node *node = seli__record(out, "seli_mul_scalar", mul_scalar_vjp, a, NULL, NULL);
    if (node)
        node->f[0] = s;
    return out;
}

SELI__UNARY_KERNEL(square_loop, (xv * xv))

/* d(a^p)/da = p a^(p-1) */
static seli_tensor *pow_scalar_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    float p = n->f[0];
    const seli_tensor *a = n->in[0];
    if (p == 0)
        return seli_mul_scalar(g, 0);
    if (p == 1)
        return seli__unbroadcast(g, a);
    if (p == 2)
        return seli_mul(g, seli_mul_scalar(a, 2));
    return seli_mul(g, seli_mul_scalar(seli_pow_scalar(a, p - 1), p));
}

seli_tensor *seli_pow_scalar(const seli_tensor *a, float p)
{
    seli_tensor *out = seli__unary_out("seli_pow_scalar", a);
    if (p == 2)
        square_loop(out, a, 0);
    else if (p == 1)
        SELI__UNARY_LOOP(out, a, xv);
    else if (p == 0)
        for (long k = 0; k < out->size; k++)
            out->data[k] = 1.0f;
    else if (p == 0.5f)
        SELI__UNARY_LOOP(out, a, sqrtf(xv));
    else if (p == -1)
        SELI__UNARY_LOOP(out, a, 1.0f / xv);
    else if (p == 3)
        SELI__UNARY_LOOP(out, a, xv * xv * xv);
    else
        SELI__UNARY_LOOP(out, a, powf(xv, p));
    seli_node *node = seli__record(out, "seli_pow_scalar", pow_scalar_vjp, a, NULL, NULL);
    if (node)
        node->f[0] = p;
    return out;
}

/* The gradient passes where low <= a <= high (a constant mask). */
static seli_tensor *clamp_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    float low = n->f[0], high = n->f[1];
    seli_tensor *m = seli__alloc_like(n->in[0]);
    SELI__UNARY_LOOP(m, n->in[0], xv >= low && xv <= high ? 1.0f : 0.0f);
    return seli_mul(g, m);
}

seli_tensor *seli_clamp(const seli_tensor *a, float low, float high)
{
    seli__check("seli_clamp", a, "a");
    if (!(low <= high))
        seli_error("seli_clamp: low (%g) must not be above high (%g); pass the bounds in order",
                   (double)low, (double)high);
    seli_tensor *out = seli__alloc_like(a);
    SELI__UNARY_LOOP(out, a, xv < low ? low : xv > high ? high : xv);
    seli_node *node = seli__record(out, "seli_clamp", clamp_vjp, a, NULL, NULL);
    if (node) {
        node->f[0] = low;
        node->f[1] = high;
    }
    return out;
}

/* --- unary arithmetic: a -> same shape --- */

static seli_tensor *neg_vjp(const seli_node *n, int i, const seli_tensor *g) { return seli_neg(g); }

SELI__UNARY_KERNEL(neg_loop, -xv)

seli_tensor *seli_neg(const seli_tensor *a)
{
    SELI__UNARY_OP_K("seli_neg", a, neg_loop, 0, neg_vjp);
}

static seli_tensor *square_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    return seli_mul(g, seli_mul_scalar(n->in[0], 2));
}

seli_tensor *seli_square(const seli_tensor *a)
{
    SELI__UNARY_OP_K("seli_square", a, square_loop, 0, square_vjp);
}

/* d|a|/da = sign(a) (0 at 0), a constant mask */
static seli_tensor *abs_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    seli_tensor *sign = seli__alloc_like(n->in[0]);
    SELI__UNARY_LOOP(sign, n->in[0], xv > 0 ? 1.0f : xv < 0 ? -1.0f : 0.0f);
    return seli_mul(g, sign);
}

SELI__UNARY_KERNEL(abs_loop, fabsf(xv))

seli_tensor *seli_abs(const seli_tensor *a)
{
    SELI__UNARY_OP_K("seli_abs", a, abs_loop, 0, abs_vjp);
}
