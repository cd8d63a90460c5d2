/* unary.c: unary nonlinearities, a -> same shape.
 *
 * sqrt, exp, log, sin, cos, and the activations tanh, sigmoid, softplus,
 * relu, leaky_relu, elu, gelu.  Each op keeps its forward and its
 * vector-Jacobian product together.  Every vjp is made of seli ops (often on
 * the saved output n->out), so it can be differentiated again; piecewise
 * derivatives multiply g by a constant mask. */
#include <math.h>

#include "ops/elementwise.h"
#include "autodiff/tape.h"
#include "ops/activation_grad.h"
#include "ops/expm1_wide.h"

/* 1 - t, differentiable in t. */
static seli_tensor *one_minus(const seli_tensor *t) { return seli_add_scalar(seli_neg(t), 1); }

/* d sqrt(a) = 1 / (2 sqrt(a)) */
static seli_tensor *sqrt_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    return seli_div(seli_mul_scalar(g, 0.5f), n->out);
}

seli_tensor *seli_sqrt(const seli_tensor *a)
{
    SELI__UNARY_OP("seli_sqrt", a, sqrtf(xv), sqrt_vjp);
}

/* d e^a = e^a */
static seli_tensor *exp_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    return seli_mul(g, n->out);
}

/* e^a in one vectorised pass (seli__exp_eval in expm1_wide.c, within 1 ulp;
 * libm's scalar expf was 44% of notebook 04's training step). */
seli_tensor *seli_exp(const seli_tensor *a)
{
    seli_tensor *out = seli__unary_out("seli_exp", a);
    seli__exp_eval(a->data, out->data, a->size);
    seli__record(out, "seli_exp", exp_vjp, a, NULL, NULL);
    return out;
}

/* d log(a) = 1 / a */
static seli_tensor *log_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    return seli_div(g, n->in[0]);
}

seli_tensor *seli_log(const seli_tensor *a) { SELI__UNARY_OP("seli_log", a, logf(xv), log_vjp); }

/* d sin(a) = cos(a) */
static seli_tensor *sin_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    return seli_mul(g, seli_cos(n->in[0]));
}

seli_tensor *seli_sin(const seli_tensor *a) { SELI__UNARY_OP("seli_sin", a, sinf(xv), sin_vjp); }

/* d cos(a) = -sin(a) */
static seli_tensor *cos_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    return seli_neg(seli_mul(g, seli_sin(n->in[0])));
}

seli_tensor *seli_cos(const seli_tensor *a) { SELI__UNARY_OP("seli_cos", a, cosf(xv), cos_vjp); }

/* tanh within 2 ulp, about 3x faster than glibc's tanhf: its odd Taylor
 * series for |x| < 0.4 (next term below 1e-8 relative), else
 * 1 - 2 / (e^2|x| + 1), which has no cancellation there. */
static inline float tanh_fast(float x)
{
    float ax = fabsf(x), r;
    if (ax < 0.4f) {
        float x2 = ax * ax, p = (float)(-929569.0 / 638512875.0);
        p = p * x2 + 21844.0f / 6081075;
        p = p * x2 - 1382.0f / 155925;
        p = p * x2 + 62.0f / 2835;
        p = p * x2 - 17.0f / 315;
        p = p * x2 + 2.0f / 15;
        p = p * x2 - 1.0f / 3;
        r = ax + ax * x2 * p;
    } else {
        r = 1.0f - 2.0f / (expf(2.0f * ax) + 1.0f);
    }
    return copysignf(r, x);
}

/* d tanh(a) = 1 - tanh(a)^2 */
static seli_tensor *tanh_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    return seli_mul(g, one_minus(seli_square(n->out)));
}

seli_tensor *seli_tanh(const seli_tensor *a)
{
    SELI__UNARY_OP("seli_tanh", a, tanh_fast(xv), tanh_vjp);
}

/* 1 / (1 + e^-x) without overflow for large |x|. */
static inline float sigmoidf(float x)
{
    if (x >= 0)
        return 1.0f / (1.0f + expf(-x));
    float e = expf(x);
    return e / (1.0f + e);
}

/* d sigmoid(a) = s (1 - s) with s = sigmoid(a) */
static seli_tensor *sigmoid_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    return seli_mul(g, seli_mul(n->out, one_minus(n->out)));
}

seli_tensor *seli_sigmoid(const seli_tensor *a)
{
    SELI__UNARY_OP("seli_sigmoid", a, sigmoidf(xv), sigmoid_vjp);
}

/* d softplus(a) = sigmoid(a) */
static seli_tensor *softplus_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    return seli_mul(g, seli_sigmoid(n->in[0]));
}

/* log(1 + e^x) = max(x, 0) + log1p(e^-|x|): no overflow, no loss for x << 0. */
seli_tensor *seli_softplus(const seli_tensor *a)
{
    SELI__UNARY_OP("seli_softplus", a, (xv > 0 ? xv : 0.0f) + log1pf(expf(-fabsf(xv))),
                   softplus_vjp);
}

/* d relu(a) = [a > 0] (a constant mask) */
static seli_tensor *relu_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    return seli_mul(g, seli__positive_mask(n->in[0]));
}

seli_tensor *seli_relu(const seli_tensor *a)
{
    SELI__UNARY_OP("seli_relu", a, xv < 0 ? 0.0f : xv, relu_vjp);
}

/* d leaky_relu(a) = 1 where a > 0, else slope (a constant mask): seli__leaky_relu_vjp */
seli_tensor *seli_leaky_relu(const seli_tensor *a, float slope)
{
    seli_tensor *out = seli__unary_out("seli_leaky_relu", a);
    seli__leaky_relu_eval(a->data, out->data, a->size, slope);
    seli_node *node = seli__record(out, "seli_leaky_relu", seli__leaky_relu_vjp, a, NULL, NULL);
    if (node)
        node->f[0] = slope;
    return out;
}

/* d elu(a) = 1 where a > 0, else alpha e^a = out + alpha (differentiable
 * through out, so the second derivative alpha e^a comes out right). */
static seli_tensor *elu_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    seli_tensor *pos = seli__positive_mask(n->in[0]);
    seli_tensor *d = seli_where(pos, seli_scalar(1), seli_add_scalar(n->out, n->f[0]));
    return seli_mul(g, d);
}

/* elu(a) = a where a > 0, else alpha (e^a - 1): one vectorised pass
 * (seli__elu_eval in expm1_wide.c, with its own e^x - 1). */
seli_tensor *seli_elu(const seli_tensor *a, float alpha)
{
    seli_tensor *out = seli__unary_out("seli_elu", a);
    seli__elu_eval(a->data, out->data, a->size, alpha);
    seli_node *node = seli__record(out, "seli_elu", elu_vjp, a, NULL, NULL);
    if (node)
        node->f[0] = alpha;
    return out;
}

#define GELU_C 0.7978845608028654f /* sqrt(2 / pi) */
#define GELU_K 0.044715f

/* gelu(a) = a/2 (1 + t), t = tanh(u), u = c (a + k a^3);
 * d gelu = (1 + t)/2 + a/2 (1 - t^2) c (1 + 3k a^2), one fused pass
 * (seli__gelu_vjp in activation_grad.c) that is itself differentiable. */

seli_tensor *seli_gelu(const seli_tensor *a)
{
    seli_tensor *out = seli__unary_out("seli_gelu", a);
    seli__gelu_eval(a->data, out->data, a->size);
    seli__record(out, "seli_gelu", seli__gelu_vjp, a, NULL, NULL);
    return out;
}
