/* expm1_wide.c: e^x - 1 and e^x over arrays of floats, branch-free so they
 * vectorise, and the ELU activation made of e^x - 1 in the same pass
 * (private; see expm1_wide.h).
 *
 * Write x = k ln2 + r with k = round(x / ln2), so |r| <= ln2/2 and
 * e^x - 1 = 2^k (e^r - 1) + (2^k - 1).
 *
 * 1. k is rounded by adding 1.5 * 2^23: the float sum has no fraction bits
 *    left, so its low mantissa bits hold k, and 2^(k-1) is built from them.
 * 2. r = x - k ln2_hi - k ln2_lo: ln2_hi has 16 significant bits, so k ln2_hi
 *    is exact for the |k| <= 128 used here and the first subtraction loses
 *    nothing; ln2_lo carries the rest of ln2.
 * 3. e^r - 1 = r + r^2 q(r), q a degree-5 polynomial fitted for the smallest
 *    relative error on [-0.347, 0.347] (bench/expm1_fit.py derives and
 *    checks the coefficients; they sit next to 1/2!, 1/3!, ... of Taylor's
 *    series).  The r term is added last, so for |x| <= ln2/2 (k = 0) the
 *    result is this polynomial alone and small x keep all their bits.
 * 4. With h = 2^(k-1): for k >= -1, 2 (h p + (h - 1/2)), where h - 1/2 is
 *    exact and the doubling is exact (or overflows to inf, as e^x - 1
 *    should above ~88.72); for k <= -2, 2 (h p + h) - 1, which keeps the
 *    2^k below the last bit of h - 1/2 (k = -25, x near -17.3, decides
 *    whether the result is -1 or the float above it).
 * 5. x is clamped to [-18, 89] first: below -25 ln2 ~ -17.33 the result is
 *    -1 to float precision, above ln(FLT_MAX) ~ 88.72 it is +inf.  The
 *    clamps are written so NaN passes through them.  Below |x| = 2^-25 the
 *    result is x itself (as e^x - 1 = x + x^2/2 rounds to x): this keeps -0
 *    and the subnormals, whose last bits the halving in h p would lose.
 * 6. e^x itself is 2^k (1 + p) = 2 (h p + h), the same reduction and
 *    polynomial with one fused multiply-add: 1 + p is within [0.70, 1.42],
 *    so p's relative error shrinks in it.  For k <= -125 the sum h p + h
 *    could fall below 2^-126 and lose bits: there h is taken 2^64 times
 *    larger and the sum multiplied by 2^-63 instead of 2, exact for normal
 *    results and the only step that rounds to a subnormal (or to 0 under
 *    seli_flush_subnormals).  x is
 *    clamped to [-104, 89]: below ~-103.97 e^x rounds to +0.
 *
 * bench/expm1_fit.py prints every constant below. */
#include "ops/expm1_wide.h"
#include "ops/vector_width.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* Let the compiler fuse multiply-adds in the AVX clones (ISO C mode turns
 * contraction off; the baseline clone has no FMA to fuse into), and let it
 * turn the clamps and the select into vector selects: under the default
 * -ftrapping-math gcc 12 keeps them as branches except in the AVX-512 clone
 * (nothing here reads the floating-point exception flags). */
#if defined(__GNUC__) && !defined(__clang__) && !defined(__TINYC__)
#pragma GCC optimize("fp-contract=fast", "no-trapping-math")
#endif

#define ROUND_MAGIC 12582912.0f /* 1.5 * 2^23 */
#define LOG2E 1.44269502f
#define LN2_HI 0.693145752f /* 0x1.62e4p-1: 16 significant bits */
#define LN2_LO 1.42860677e-6f
#define X_MIN -18.0f  /* < -25 ln2: e^x - 1 rounds to -1 */
#define X_MAX 89.0f   /* > ln(FLT_MAX): e^x - 1 overflows */
#define TINY 0x1p-25f /* below, e^x - 1 = x + x^2/2 rounds to x */

static inline uint32_t bits_of(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static inline float float_of(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* Steps 1-3 for x clamped to [lo, X_MAX] (NaN passes the clamps) and
 * written k ln2 + r: returns e^r - 1, and sets *k and *e, the exponent field
 * of 2^(k-1) (k - 1 + 127, before any shift). */
SELI__ALWAYS_INLINE float reduce(float x0, float lo, float *k, uint32_t *e)
{
    float x = x0 < lo ? lo : x0; /* NaN compares false and stays NaN */
    x = x > X_MAX ? X_MAX : x;
    float z = x * LOG2E + ROUND_MAGIC; /* low mantissa bits of z: k */
    *k = z - ROUND_MAGIC;
    *e = bits_of(z) - bits_of(ROUND_MAGIC) + 126u;
    float r = x - *k * LN2_HI;
    r = r - *k * LN2_LO;
    float q = 1.97642983e-4f;
    q = q * r + 1.39323471e-3f;
    q = q * r + 8.33354332e-3f;
    q = q * r + 4.16664928e-2f;
    q = q * r + 1.66666657e-1f;
    q = q * r + 0.5f;
    return r * r * q + r;
}

SELI__ALWAYS_INLINE float expm1_one(float x0)
{
    float k;
    uint32_t e;
    float p = reduce(x0, X_MIN, &k, &e);      /* e^r - 1 */
    float h = float_of(e << 23);              /* 2^(k-1) */
    float low = 2.0f * (h * p + h) - 1.0f;    /* both sides computed, then a select: */
    float high = 2.0f * (h * p + (h - 0.5f)); /* branch-free, so it vectorises */
    float y = k < -1.0f ? low : high;
    return fabsf(x0) < TINY ? x0 : y; /* h p would round x's last bits away */
}

#define EXP_X_MIN -104.0f /* < log(2^-150): e^x rounds to +0 */

SELI__ALWAYS_INLINE float exp_one(float x0)
{
    float k;
    uint32_t e;
    float p = reduce(x0, EXP_X_MIN, &k, &e); /* e^r - 1 */
    int tiny = k < -124.0f;      /* h (1 + p) could fall below 2^-126: scale h by 2^64 */
    float h = float_of((e + (tiny ? 64u : 0u)) << 23); /* 2^(k-1), or 2^(k-1+64) */
    return (h * p + h) * (tiny ? 0x1p-63f : 2.0f);
}

SELI__ALWAYS_INLINE void exp_loop(const float *restrict a, float *restrict out, long n)
{
    for (long i = 0; i < n; i++)
        out[i] = exp_one(a[i]);
}

SELI__ALWAYS_INLINE void expm1_loop(const float *restrict a, float *restrict out, long n)
{
    for (long i = 0; i < n; i++)
        out[i] = expm1_one(a[i]);
}

/* elu: a where a > 0, else alpha (e^a - 1); NaN stays NaN (the comparison
 * is false), -0 stays -0 for alpha > 0. */
SELI__ALWAYS_INLINE void elu_loop(const float *restrict a, float *restrict out, long n, float alpha)
{
    for (long i = 0; i < n; i++) {
        float x = a[i], neg = alpha * expm1_one(x);
        out[i] = x > 0 ? x : neg;
    }
}

SELI__AVX512_CLONE static void expm1_avx512(const float *a, float *o, long n)
{
    expm1_loop(a, o, n);
}
SELI__AVX2_CLONE static void expm1_avx2(const float *a, float *o, long n) { expm1_loop(a, o, n); }
SELI__AVX512_CLONE static void elu_avx512(const float *a, float *o, long n, float alpha)
{
    elu_loop(a, o, n, alpha);
}
SELI__AVX2_CLONE static void elu_avx2(const float *a, float *o, long n, float alpha)
{
    elu_loop(a, o, n, alpha);
}
static void elu_baseline(const float *a, float *o, long n, float alpha)
{
    elu_loop(a, o, n, alpha);
}

void seli__expm1_eval_baseline(const float *a, float *out, long n) { expm1_loop(a, out, n); }

SELI__AVX512_CLONE static void exp_avx512(const float *a, float *o, long n) { exp_loop(a, o, n); }
SELI__AVX2_CLONE static void exp_avx2(const float *a, float *o, long n) { exp_loop(a, o, n); }

void seli__exp_eval_baseline(const float *a, float *out, long n) { exp_loop(a, out, n); }

/* Run the widest of the three clones of a loop that the processor supports. */
typedef void (*array_fn)(const float *, float *, long);
static void run_widest(array_fn avx512, array_fn avx2, array_fn baseline, const float *a,
                       float *out, long n)
{
    switch (seli__vector_width()) {
    case SELI__AVX512:
        avx512(a, out, n);
        break;
    case SELI__AVX2:
        avx2(a, out, n);
        break;
    default:
        baseline(a, out, n);
    }
}

void seli__exp_eval(const float *a, float *out, long n)
{
    run_widest(exp_avx512, exp_avx2, seli__exp_eval_baseline, a, out, n);
}

void seli__expm1_eval(const float *a, float *out, long n)
{
    run_widest(expm1_avx512, expm1_avx2, seli__expm1_eval_baseline, a, out, n);
}

void seli__elu_eval(const float *a, float *out, long n, float alpha)
{
    switch (seli__vector_width()) {
    case SELI__AVX512:
        elu_avx512(a, out, n, alpha);
        break;
    case SELI__AVX2:
        elu_avx2(a, out, n, alpha);
        break;
    default:
        elu_baseline(a, out, n, alpha);
    }
}
