/* activation_grad.c: fused activation derivatives for the GELU and leaky ReLU
 * layers (private; see activation_grad.h).
 *
 * A network's backward pass multiplies the incoming gradient by the
 * activation's derivative at the pre-activation a.  Written with elementwise
 * seli ops that is a dozen passes over [batch, width] tensors (GELU), and
 * three dozen more when it is differentiated again (gradient penalties,
 * flows).  Here each derivative is one pass:
 *
 *   gelu_bwd(a, g)        = g gelu'(a)        vjp: a -> gg g gelu''(a), g -> gelu_bwd(a, gg)
 *   (and g h gelu''(a) in turn has the vjp g h gg gelu'''(a), so three orders work)
 *   leaky_relu_bwd(a, g)  = g (a > 0 ? 1 : s)  vjp: a -> 0,             g -> leaky_relu_bwd(a, gg)
 *
 * so that first and second derivatives stay on the tape.  The loops are
 * written branch-free with a rational tanh so that they vectorise; on
 * processors with AVX-512 they run in a 16-wide clone. */
#include "ops/activation_grad.h"

#include <math.h>

/* Let the compiler fuse multiply-adds in the AVX-512 clones (ISO C mode
 * turns contraction off; the generic clone has no FMA to fuse into). */
#if defined(__GNUC__) && !defined(__clang__) && !defined(__TINYC__)
#pragma GCC optimize("fp-contract=fast")
#endif

#include "ops/gemm_fast.h"
#include "ops/vector_width.h"
#include "core/interrupt.h"
#include "autodiff/tape.h"

#define GELU_C 0.7978845608028654f /* sqrt(2 / pi) */
#define GELU_K 0.044715f

/* tanh(x) as a ratio of odd/even polynomials in x (a minimax fit on
 * [-7.9, 7.9], clamped outside where tanh is 1 to float precision); within a
 * few ulp, branch-free so that loops over it vectorise. */
SELI__ALWAYS_INLINE float tanh_rational(float x)
{
    const float clamp = 7.90531110763549805f;
    x = x < clamp ? x : clamp; /* the forms of minps and maxps */
    x = x > -clamp ? x : -clamp;
    float x2 = x * x;
    float p = -2.76076847742355e-16f;
    p = p * x2 + 2.00018790482477e-13f;
    p = p * x2 + -8.60467152213735e-11f;
    p = p * x2 + 5.12229709037114e-08f;
    p = p * x2 + 1.48572235717979e-05f;
    p = p * x2 + 6.37261928875436e-04f;
    p = p * x2 + 4.89352455891786e-03f;
    p = p * x;
    float q = 1.19825839466702e-06f;
    q = q * x2 + 1.18534705686654e-04f;
    q = q * x2 + 2.26843463243900e-03f;
    q = q * x2 + 4.89352518554385e-03f;
    return p / q;
}

/* --- the loops: one generic body, compiled twice --- */

SELI__ALWAYS_INLINE void gelu_loop(const float *restrict a, float *restrict out, long n)
{
    for (long i = 0; i < n; i++) {
        float x = a[i];
        float t = tanh_rational(GELU_C * (x + GELU_K * x * x * x));
        out[i] = 0.5f * x * (1.0f + t);
    }
}

/* out = g gelu'(a) */
SELI__ALWAYS_INLINE void gelu_d1_loop(const float *restrict a, const float *restrict g,
                                      float *restrict out, long n)
{
    for (long i = 0; i < n; i++) {
        float x = a[i], x2 = x * x;
        float t = tanh_rational(GELU_C * (x + GELU_K * x2 * x));
        float du = GELU_C * (1.0f + 3.0f * GELU_K * x2);
        float d = 0.5f * (1.0f + t) + 0.5f * x * (1.0f - t * t) * du;
        out[i] = g[i] * d;
    }
}

/* out = g h gelu''(a) */
SELI__ALWAYS_INLINE void gelu_d2_loop(const float *restrict a, const float *restrict g,
                                      const float *restrict h, float *restrict out, long n)
{
    for (long i = 0; i < n; i++) {
        float x = a[i], x2 = x * x;
        float t = tanh_rational(GELU_C * (x + GELU_K * x2 * x));
        float du = GELU_C * (1.0f + 3.0f * GELU_K * x2), ddu = 6.0f * GELU_C * GELU_K * x;
        float s = 1.0f - t * t;
        float d2 = s * du + 0.5f * x * s * (ddu - 2.0f * t * du * du);
        out[i] = g[i] * h[i] * d2;
    }
}

/* out = g h k gelu'''(a) */
SELI__ALWAYS_INLINE void gelu_d3_loop(const float *restrict a, const float *restrict g,
                                      const float *restrict h, const float *restrict k,
                                      float *restrict out, long n)
{
    for (long i = 0; i < n; i++) {
        float x = a[i], x2 = x * x;
        float t = tanh_rational(GELU_C * (x + GELU_K * x2 * x));
        float du = GELU_C * (1.0f + 3.0f * GELU_K * x2), ddu = 6.0f * GELU_C * GELU_K * x;
        float dddu = 6.0f * GELU_C * GELU_K, s = 1.0f - t * t;
        float p = du + 0.5f * x * (ddu - 2.0f * t * du * du); /* gelu'' = s p */
        float dp = ddu + 0.5f * (ddu - 2.0f * t * du * du) +
                   0.5f * x * (dddu - 2.0f * s * du * du * du - 4.0f * t * du * ddu);
        out[i] = g[i] * h[i] * k[i] * s * (dp - 2.0f * t * du * p);
    }
}

SELI__ALWAYS_INLINE void leaky_loop(const float *restrict a, float *restrict out, long n,
                                    float slope)
{
    for (long i = 0; i < n; i++)
        out[i] = a[i] < 0.0f ? slope * a[i] : a[i];
}

SELI__ALWAYS_INLINE void leaky_d1_loop(const float *restrict a, const float *restrict g,
                                       float *restrict out, long n, float slope)
{
    for (long i = 0; i < n; i++)
        out[i] = a[i] > 0.0f ? g[i] : slope * g[i];
}

SELI__AVX512_CLONE static void gelu_wide(const float *a, float *o, long n) { gelu_loop(a, o, n); }
static void gelu_narrow(const float *a, float *o, long n) { gelu_loop(a, o, n); }
SELI__AVX512_CLONE static void gelu_d1_wide(const float *a, const float *g, float *o, long n)
{
    gelu_d1_loop(a, g, o, n);
}
static void gelu_d1_narrow(const float *a, const float *g, float *o, long n)
{
    gelu_d1_loop(a, g, o, n);
}
SELI__AVX512_CLONE static void gelu_d2_wide(const float *a, const float *g, const float *h,
                                            float *o, long n)
{
    gelu_d2_loop(a, g, h, o, n);
}
static void gelu_d2_narrow(const float *a, const float *g, const float *h, float *o, long n)
{
    gelu_d2_loop(a, g, h, o, n);
}
SELI__AVX512_CLONE static void leaky_wide(const float *a, const float *g, float *o, long n, float s)
{
    leaky_d1_loop(a, g, o, n, s);
}
static void leaky_narrow(const float *a, const float *g, float *o, long n, float s)
{
    leaky_d1_loop(a, g, o, n, s);
}

SELI__AVX512_CLONE static void leaky_fwd_wide(const float *a, float *o, long n, float s)
{
    leaky_loop(a, o, n, s);
}
static void leaky_fwd_narrow(const float *a, float *o, long n, float s) { leaky_loop(a, o, n, s); }

/* 1 where the AVX-512 clones run (see vector_width.h). */
static int wide(void) { return seli__vector_width() == SELI__AVX512; }

void seli__gelu_eval(const float *a, float *out, long n)
{
    if (wide())
        gelu_wide(a, out, n);
    else
        gelu_narrow(a, out, n);
}

void seli__leaky_relu_eval(const float *a, float *out, long n, float slope)
{
    if (wide())
        leaky_fwd_wide(a, out, n, slope);
    else
        leaky_fwd_narrow(a, out, n, slope);
}

/* --- the ops ---
 *
 * A derivative of a [1920, 128] layer is 2.5e5 elements: above
 * SPLIT_ELEMENTS the two halves run on two threads (seli__parallel_for). */
#define SPLIT_ELEMENTS 32768L

typedef struct pass {
    const float *a, *g, *h;
    float *o;
    float slope;
} pass;

static void d1_range(void *ctx, long i0, long i1)
{
    const pass *p = ctx;
    if (wide())
        gelu_d1_wide(p->a + i0, p->g + i0, p->o + i0, i1 - i0);
    else
        gelu_d1_narrow(p->a + i0, p->g + i0, p->o + i0, i1 - i0);
}

static void d2_range(void *ctx, long i0, long i1)
{
    const pass *p = ctx;
    if (wide())
        gelu_d2_wide(p->a + i0, p->g + i0, p->h + i0, p->o + i0, i1 - i0);
    else
        gelu_d2_narrow(p->a + i0, p->g + i0, p->h + i0, p->o + i0, i1 - i0);
}

static void leaky_range(void *ctx, long i0, long i1)
{
    const pass *p = ctx;
    if (wide())
        leaky_wide(p->a + i0, p->g + i0, p->o + i0, i1 - i0, p->slope);
    else
        leaky_narrow(p->a + i0, p->g + i0, p->o + i0, i1 - i0, p->slope);
}

static void run_pass(void (*fn)(void *, long, long), pass *p, long n)
{
    seli__enter_blas(); /* a forced interrupt must not land inside the worker's lock */
    seli__parallel_for(n, SPLIT_ELEMENTS, fn, p);
    seli__leave_blas();
}

static void check_pair(const char *op, const seli_tensor *a, const seli_tensor *g)
{
    seli__check(op, a, "a");
    seli__check(op, g, "g");
    if (!seli_same_shape(a, g))
        seli_error("%s: the gradient g has shape %s but the pre-activation a has shape %s; they "
                   "must agree",
                   op, seli__shape(g), seli__shape(a));
}

static seli_tensor *gelu_d2(const seli_tensor *a, const seli_tensor *g, const seli_tensor *h);

/* a, g, h: same shape -> g h gelu''(a).  vjp: a -> gg g h gelu'''(a) (computed, but not
 * recorded: a fourth derivative is refused), g -> gelu_d2(a, gg, h), h -> gelu_d2(a, g, gg). */
static seli_tensor *gelu_d2_vjp(const seli_node *n, int i, const seli_tensor *gg)
{
    const seli_tensor *a = n->in[0], *g = n->in[1], *h = n->in[2];
    if (i == 1)
        return gelu_d2(a, gg, h);
    if (i == 2)
        return gelu_d2(a, g, gg);
    if (seli_grad_enabled() && (a->node || g->node || h->node || gg->node))
        seli_error("seli_gelu: fourth derivatives of GELU are not implemented; differentiate at "
                   "most three times through a GELU layer");
    seli_tensor *out = seli__alloc_like(a);
    gelu_d3_loop(a->data, g->data, h->data, gg->data, out->data, a->size);
    return out;
}

static seli_tensor *gelu_d2(const seli_tensor *a, const seli_tensor *g, const seli_tensor *h)
{
    seli_tensor *out = seli__alloc_like(a);
    run_pass(d2_range, &(pass){a->data, g->data, h->data, out->data, 0}, a->size);
    seli__record(out, "seli_gelu (second derivative)", gelu_d2_vjp, a, g, h);
    return out;
}

/* a: pre-activation, g: cotangent of gelu(a) -> g gelu'(a), both of a's shape */
static seli_tensor *gelu_bwd_vjp(const seli_node *n, int i, const seli_tensor *gg)
{
    if (i == 0)
        return gelu_d2(n->in[0], n->in[1], gg);
    return seli__gelu_bwd(n->in[0], gg);
}

seli_tensor *seli__gelu_bwd(const seli_tensor *a, const seli_tensor *g)
{
    check_pair("seli_gelu (gradient)", a, g);
    seli_tensor *out = seli__alloc_like(a);
    run_pass(d1_range, &(pass){a->data, g->data, NULL, out->data, 0}, a->size);
    seli__record(out, "seli_gelu (gradient)", gelu_bwd_vjp, a, g, NULL);
    return out;
}

/* a: pre-activation, g: cotangent -> g times the piecewise-constant slope;
 * nothing flows to a (the slope is constant almost everywhere), which the
 * backward pass learns from NULL instead of a tensor of zeros. */
static seli_tensor *leaky_bwd_vjp(const seli_node *n, int i, const seli_tensor *gg)
{
    if (i == 0)
        return NULL;
    return seli__leaky_relu_bwd(n->in[0], gg, n->f[0]);
}

seli_tensor *seli__leaky_relu_bwd(const seli_tensor *a, const seli_tensor *g, float slope)
{
    check_pair("seli_leaky_relu (gradient)", a, g);
    seli_tensor *out = seli__alloc_like(a);
    run_pass(leaky_range, &(pass){a->data, g->data, NULL, out->data, slope}, a->size);
    seli_node *node = seli__record(out, "seli_leaky_relu (gradient)", leaky_bwd_vjp, a, g, NULL);
    if (node)
        node->f[0] = slope;
    return out;
}

seli_tensor *seli__gelu_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    return seli__gelu_bwd(n->in[0], g);
}

seli_tensor *seli__leaky_relu_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    return seli__leaky_relu_bwd(n->in[0], g, n->f[0]);
}
