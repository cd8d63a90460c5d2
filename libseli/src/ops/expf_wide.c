/* expf_wide.c: e^x for an array of floats, four at a time, bit for bit what
 * glibc's expf returns on a processor with FMA (see expf_wide.h).
 *
 * glibc (2.27 and later) computes expf(x) in double precision:
 *   k = round(x * 32 / ln 2), r = x * 32 / ln 2 - k   (both by one FMA each),
 *   2^(k/32) = 2^(k mod 32 / 32) from a table of 32, times 2^floor(k/32) in
 *   the exponent bits, and e^(r ln2 / 32) by a cubic (three FMAs),
 * then rounds the product to float.  Its FMA build (chosen when the processor
 * has FMA and AVX2) performs exactly the operations written below, in this
 * order, so the same IEEE operations give the same bits (all 2^32 inputs
 * agree; test_exp_matches_expf_bit_for_bit checks a spread and the edges).  Arguments
 * with |x| >= 88, infinities and NaN take glibc's own expf (its overflow,
 * underflow and NaN cases); without FMA every element does. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "ops/expf_wide.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__TINYC__)
#include <immintrin.h>
#define FMA_TARGET __attribute__((target("avx2,fma")))
#define HAVE_WIDE 1
#else
#define HAVE_WIDE 0
#endif

#if HAVE_WIDE
/* 32 / ln 2 and 1.5 * 2^52 (adding it rounds a double to an integer) */
static const double INV_LN2_N = 0x1.71547652b82fep+5, SHIFT = 0x1.8p+52;
/* The cubic's coefficients, glibc's: e^(r ln2/32) ~ ((C0 r + C1) r^2) + (C2 r + 1). */
static const double C0 = 0x1.c6af84b912394p-20, C1 = 0x1.ebfce50fac4f3p-13,
                    C2 = 0x1.62e42ff0c52d6p-6;
/* 2^(i/32), rounded to double */
static const double POW2[32] = {
    0x1.0000000000000p+0, 0x1.059b0d3158574p+0, 0x1.0b5586cf9890fp+0, 0x1.11301d0125b51p+0,
    0x1.172b83c7d517bp+0, 0x1.1d4873168b9aap+0, 0x1.2387a6e756238p+0, 0x1.29e9df51fdee1p+0,
    0x1.306fe0a31b715p+0, 0x1.371a7373aa9cbp+0, 0x1.3dea64c123422p+0, 0x1.44e086061892dp+0,
    0x1.4bfdad5362a27p+0, 0x1.5342b569d4f82p+0, 0x1.5ab07dd485429p+0, 0x1.6247eb03a5585p+0,
    0x1.6a09e667f3bcdp+0, 0x1.71f75e8ec5f74p+0, 0x1.7a11473eb0187p+0, 0x1.82589994cce13p+0,
    0x1.8ace5422aa0dbp+0, 0x1.93737b0cdc5e5p+0, 0x1.9c49182a3f090p+0, 0x1.a5503b23e255dp+0,
    0x1.ae89f995ad3adp+0, 0x1.b7f76f2fb5e47p+0, 0x1.c199bdd85529cp+0, 0x1.cb720dcef9069p+0,
    0x1.d5818dcfba487p+0, 0x1.dfc97337b9b5fp+0, 0x1.ea4afa2a490dap+0, 0x1.f50765b6e4540p+0,
};

/* Below log(2^-150) ~ -103.97 expf's result rounds to +0, which glibc reaches
 * by a slow path that also sets errno: -104 answers those without the call. */
static inline float exp_edge(float x) { return x < -104.0f ? 0.0f : expf(x); }

/* |x| < 88 (and x not NaN): the table path is exact for x. */
static inline int in_range(float x)
{
    uint32_t b;
    memcpy(&b, &x, sizeof b);
    return ((b >> 20) & 0x7ff) <= 0x42a;
}

/* One element by the table path (the vector loop's tail). */
FMA_TARGET static float exp_one(float x)
{
    double xd = x;
    double kd = __builtin_fma(INV_LN2_N, xd, SHIFT);
    uint64_t ki, t;
    memcpy(&ki, &kd, sizeof ki);
    kd -= SHIFT;
    double r = __builtin_fma(INV_LN2_N, xd, -kd);
    memcpy(&t, &POW2[ki & 31], sizeof t);
    t = t - ((ki & 31) << 47) + (ki << 47);
    double s;
    memcpy(&s, &t, sizeof s);
    double z = __builtin_fma(C0, r, C1), r2 = r * r;
    double y = __builtin_fma(C2, r, 1.0);
    y = __builtin_fma(z, r2, y);
    return (float)(y * s);
}

/* Four elements by the table path, the same operations as exp_one. */
FMA_TARGET static __m128 exp_four(__m128 x)
{
    __m256d xd = _mm256_cvtps_pd(x);
    __m256d kd = _mm256_fmadd_pd(_mm256_set1_pd(INV_LN2_N), xd, _mm256_set1_pd(SHIFT));
    __m256i ki = _mm256_castpd_si256(kd);
    kd = _mm256_sub_pd(kd, _mm256_set1_pd(SHIFT));
    __m256d r = _mm256_fmsub_pd(_mm256_set1_pd(INV_LN2_N), xd, kd);
    __m256i j = _mm256_and_si256(ki, _mm256_set1_epi64x(31));
    __m256i t = _mm256_i64gather_epi64((const long long *)POW2, j, 8);
    t = _mm256_add_epi64(_mm256_sub_epi64(t, _mm256_slli_epi64(j, 47)), _mm256_slli_epi64(ki, 47));
    __m256d z = _mm256_fmadd_pd(_mm256_set1_pd(C0), r, _mm256_set1_pd(C1));
    __m256d r2 = _mm256_mul_pd(r, r);
    __m256d y = _mm256_fmadd_pd(_mm256_set1_pd(C2), r, _mm256_set1_pd(1.0));
    y = _mm256_fmadd_pd(z, r2, y);
    return _mm256_cvtpd_ps(_mm256_mul_pd(y, _mm256_castsi256_pd(t)));
}

/* The lanes with |x| >= 88 or NaN (exponent field >= 0x42b), as bits 0..3. */
FMA_TARGET static int out_of_range(__m128 x)
{
    __m128i b = _mm_srli_epi32(_mm_castps_si128(x), 20);
    b = _mm_and_si128(b, _mm_set1_epi32(0x7ff));
    return _mm_movemask_ps(_mm_castsi128_ps(_mm_cmpgt_epi32(b, _mm_set1_epi32(0x42a))));
}

FMA_TARGET static void exp_wide(const float *x, float *out, long n)
{
    long k = 0;
    for (; k + 4 <= n; k += 4) {
        __m128 v = _mm_loadu_ps(x + k);
        /* lanes below -104 are +0 (exp_edge) without leaving the vector */
        __m128 zero = _mm_cmplt_ps(v, _mm_set1_ps(-104.0f));
        int edge = out_of_range(v) & ~_mm_movemask_ps(zero);
        float x4[4];
        if (edge)
            _mm_storeu_ps(x4, v); /* out may be x: keep the inputs */
        _mm_storeu_ps(out + k, _mm_andnot_ps(zero, exp_four(v)));
        for (int i = 0; edge; i++, edge >>= 1)
            if (edge & 1)
                out[k + i] = exp_edge(x4[i]);
    }
    for (; k < n; k++)
        out[k] = in_range(x[k]) ? exp_one(x[k]) : exp_edge(x[k]);
}

/* glibc picks its FMA build of expf on exactly these processors. */
static int have_fma(void)
{
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#endif

void seli__expf_array(const float *x, float *out, long n)
{
#if HAVE_WIDE
    if (have_fma()) {
        exp_wide(x, out, n);
        return;
    }
#endif
    for (long k = 0; k < n; k++)
        out[k] = expf(x[k]);
}
