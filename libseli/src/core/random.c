/* random.c: counter-based keys (Philox-4x32-10) and sampling (see seli/random.h).
 *
 * The generator is Philox-4x32-10 as published by Salmon, Moraes, Dror and
 * Shaw, "Parallel Random Numbers: As Easy as 1, 2, 3" (SC11), and checked
 * against Random123's known-answer vectors in tests/libseli/test_random.c.
 *
 * Counters.  Every random word is philox(counter, key) for a 128-bit counter
 * {c0, c1, c2, c3}.  c3 names the purpose, so that splitting, folding in and
 * sampling never share a counter under the same key:
 *   SAMPLE: c0,c1 = block index (64 bits); element i of a tensor uses word
 *           i % 4 of block i / 4 (a normal pair uses words 2m and 2m + 1);
 *   SPLIT:  c0 = child index; the child key is the first two output words;
 *   FOLD:   c0 = the folded-in integer;
 *   RETRY:  c0,c1 = element index, c2 = attempt (randint's rare rejections);
 *   STREAM: a sequential word stream (the permutation's Fisher-Yates).
 *
 * Reproducibility.  Every float a sampler returns is computed from the words
 * with IEEE-754 +, -, *, / and sqrt only, which are correctly rounded, so the
 * result does not depend on the machine or the libm version.  The normal
 * sampler therefore uses its own log, sin and cos (polynomials evaluated in
 * double precision, accurate to about 1e-16, then rounded once to float)
 * instead of libm's, whose last bits differ between versions.  The build
 * compiles with -std=c11, which keeps GCC from contracting a*b+c into fused
 * multiply-adds (-ffp-contract=off), so the arithmetic is the same on x86-64
 * and on arm64; the pragma below keeps it so under other flags too.  It also
 * lets GCC vectorize the batch loops (sqrt without errno, a cost model that
 * accepts them), which changes no result: vector and scalar IEEE operations
 * round the same way. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off", "no-math-errno", "vect-cost-model=dynamic")
#endif

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "core/internal.h"

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u /* golden ratio */
#define PHILOX_W1 0xBB67AE85u /* sqrt(3) - 1 */

enum { DOMAIN_SAMPLE = 0, DOMAIN_SPLIT = 1, DOMAIN_FOLD = 2, DOMAIN_RETRY = 3, DOMAIN_STREAM = 4 };

/* --- the block function --- */

void seli_philox4x32(const unsigned int counter[4], const unsigned int key[2],
                     unsigned int out[4])
{
    uint32_t x0 = counter[0], x1 = counter[1], x2 = counter[2], x3 = counter[3];
    uint32_t k0 = key[0], k1 = key[1];
    for (int round = 0; round < 10; round++) {
        uint64_t p0 = (uint64_t)PHILOX_M0 * x0;
        uint64_t p1 = (uint64_t)PHILOX_M1 * x2;
        uint32_t y0 = (uint32_t)(p1 >> 32) ^ x1 ^ k0;
        uint32_t y2 = (uint32_t)(p0 >> 32) ^ x3 ^ k1;
        x0 = y0;
        x1 = (uint32_t)p1;
        x2 = y2;
        x3 = (uint32_t)p0;
        k0 += PHILOX_W0;
        k1 += PHILOX_W1;
    }
    out[0] = x0;
    out[1] = x1;
    out[2] = x2;
    out[3] = x3;
}

static void philox(seli_key key, uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3,
                   uint32_t out[4])
{
    const unsigned int counter[4] = {c0, c1, c2, c3};
    seli_philox4x32(counter, key.k, out);
}

/* BATCH consecutive SAMPLE blocks starting at block `first`, written as
 * 4 * BATCH words in block order.  Structure-of-arrays so the compiler can
 * run the blocks side by side in vector registers. */
#define BATCH 16
#define BATCH_WORDS (4 * BATCH)

static void sample_words(seli_key key, uint64_t first, uint32_t out[BATCH_WORDS])
{
    uint32_t x0[BATCH], x1[BATCH], x2[BATCH], x3[BATCH];
    for (int i = 0; i < BATCH; i++) {
        uint64_t b = first + (uint64_t)i;
        x0[i] = (uint32_t)b;
        x1[i] = (uint32_t)(b >> 32);
        x2[i] = 0;
        x3[i] = DOMAIN_SAMPLE;
    }
    uint32_t k0 = key.k[0], k1 = key.k[1];
    for (int round = 0; round < 10; round++) {
        for (int i = 0; i < BATCH; i++) {
            uint64_t p0 = (uint64_t)PHILOX_M0 * x0[i];
            uint64_t p1 = (uint64_t)PHILOX_M1 * x2[i];
            uint32_t y0 = (uint32_t)(p1 >> 32) ^ x1[i] ^ k0;
            uint32_t y2 = (uint32_t)(p0 >> 32) ^ x3[i] ^ k1;
            x0[i] = y0;
            x1[i] = (uint32_t)p1;
            x2[i] = y2;
            x3[i] = (uint32_t)p0;
        }
        k0 += PHILOX_W0;
        k1 += PHILOX_W1;
    }
    for (int i = 0; i < BATCH; i++) {
        out[4 * i] = x0[i];
        out[4 * i + 1] = x1[i];
        out[4 * i + 2] = x2[i];
        out[4 * i + 3] = x3[i];
    }
}

/* --- keys --- */

seli_key seli_seed(unsigned long long seed)
{
    seli_key k = {{(unsigned int)(seed & 0xffffffffu), (unsigned int)(seed >> 32)}};
    return k;
}

void seli_split(seli_key key, int n, seli_key *out)
{
    if (n < 0)
        seli_error("seli_split: n is %d; ask for n >= 0 keys", n);
    if (n > 0 && !out)
        seli_error("seli_split: out is NULL; pass an array of %d seli_key", n);
    for (int i = 0; i < n; i++) {
        uint32_t w[4];
        philox(key, (uint32_t)i, 0, 0, DOMAIN_SPLIT, w);
        out[i].k[0] = w[0];
        out[i].k[1] = w[1];
    }
}

seli_key seli_fold_in(seli_key key, unsigned int data)
{
    uint32_t w[4];
    philox(key, data, 0, 0, DOMAIN_FOLD, w);
    seli_key k = {{w[0], w[1]}};
    return k;
}

seli_key seli_next(seli_key *key)
{
    if (!key)
        seli_error("seli_next: key is NULL; pass the address of a seli_key variable, "
                   "seli_next(&key)");
    seli_key two[2];
    seli_split(*key, 2, two);
    *key = two[0];
    return two[1];
}

/* --- exact double-precision log, sin and cos for Box-Muller --- */

/* The normal sampler works on a batch of PAIRS word pairs at a time, one
 * step per loop, so that the compiler can run the steps in vector registers.
 * It uses only +, -, *, /, sqrt and bit operations. */
#define PAIRS (BATCH_WORDS / 2)

/* log(u) for u in (0, 1): u = m 2^e with m in [sqrt(1/2), sqrt(2)), and
 * log m = 2 atanh(s) = 2 (s + s^3/3 + ... + s^19/19), s = (m - 1) / (m + 1),
 * |s| < 0.1716, so the series is accurate to about 1e-17. */
static void batch_log(double *x)
{
    const double ln2_hi = 6.93147180369123816490e-01; /* 32 bits: e * ln2_hi is exact */
    const double ln2_lo = 1.90821492927058770002e-10;
    for (int j = 0; j < PAIRS; j++) {
        uint64_t bits, ebits;
        memcpy(&bits, &x[j], sizeof bits);
        ebits = (bits >> 52) | 0x4330000000000000ull; /* 2^52 + biased exponent */
        bits = (bits & 0x000fffffffffffffull) | 0x3ff0000000000000ull;
        double m, e;
        memcpy(&m, &bits, sizeof m);
        memcpy(&e, &ebits, sizeof e);
        e = e - 4503599627370496.0 - 1023.0; /* exact */
        int big = m > 1.4142135623730951;
        m = big ? m * 0.5 : m;
        e = big ? e + 1.0 : e;
        double s = (m - 1.0) / (m + 1.0);
        double z = s * s;
        double p = 1.0 / 19.0;
        p = 1.0 / 17.0 + z * p;
        p = 1.0 / 15.0 + z * p;
        p = 1.0 / 13.0 + z * p;
        p = 1.0 / 11.0 + z * p;
        p = 1.0 / 9.0 + z * p;
        p = 1.0 / 7.0 + z * p;
        p = 1.0 / 5.0 + z * p;
        p = 1.0 / 3.0 + z * p;
        p = 1.0 + z * p;
        x[j] = e * ln2_hi + (e * ln2_lo + 2.0 * s * p);
    }
}

/* Two standard normals from each word pair (w[2j], w[2j+1]) by Box-Muller,
 * computed in double and rounded once to float:
 *   r = sqrt(-2 log u1),  u1 = (w[2j] + 1/2) 2^-32 in (0, 1),
 *   theta = 2 pi u2,      u2 = (w[2j+1] + 1/2) 2^-32,
 *   z[2j] = r cos theta,  z[2j+1] = r sin theta.
 * theta is split exactly into n quarter turns (n from the top bits of the
 * word) and a rest a in [-pi/4, pi/4], where Taylor series to a^16 are
 * accurate to about 1e-16. */
static void normal_batch(const uint32_t *w, float *z)
{
    const double two_m32 = 2.3283064365386963e-10; /* 2^-32 */
    const double two_m30 = 9.3132257461547852e-10; /* 2^-30 */
    double r[PAIRS], c[PAIRS], s[PAIRS];
    for (int j = 0; j < PAIRS; j++)
        r[j] = ((double)w[2 * j] + 0.5) * two_m32;
    batch_log(r);
    for (int j = 0; j < PAIRS; j++)
        r[j] = sqrt(-2.0 * r[j]);
    for (int j = 0; j < PAIRS; j++) {
        uint32_t w2 = w[2 * j + 1];
        uint32_t n = (w2 + 0x20000000u) >> 30; /* nearest quarter turn, mod 4 */
        int32_t rest = (int32_t)(w2 - (n << 30)); /* in [-2^29, 2^29) */
        double a = (((double)rest + 0.5) * two_m30) * 1.57079632679489661923; /* pi/2 */
        double x = a * a;
        double sp = -1.0 / 1307674368000.0; /* -1/15! */
        sp = 1.0 / 6227020800.0 + x * sp;   /* 1/13! */
        sp = -1.0 / 39916800.0 + x * sp;    /* -1/11! */
        sp = 1.0 / 362880.0 + x * sp;
        sp = -1.0 / 5040.0 + x * sp;
        sp = 1.0 / 120.0 + x * sp;
        sp = -1.0 / 6.0 + x * sp;
        double sn = a + a * x * sp;
        double cp = 1.0 / 20922789888000.0; /* 1/16! */
        cp = -1.0 / 87178291200.0 + x * cp; /* -1/14! */
        cp = 1.0 / 479001600.0 + x * cp;    /* 1/12! */
        cp = -1.0 / 3628800.0 + x * cp;
        cp = 1.0 / 40320.0 + x * cp;
        cp = -1.0 / 720.0 + x * cp;
        cp = 1.0 / 24.0 + x * cp;
        cp = -0.5 + x * cp;
        double cs = 1.0 + x * cp;
        /* rotate by n quarter turns: (cos, sin) -> (-sin, cos) for each */
        int odd = (int)(n & 1);
        double cr = odd ? sn : cs, sr = odd ? cs : sn;
        c[j] = (((n + 1) >> 1) & 1) ? -cr : cr; /* n = 1, 2 */
        s[j] = (n >> 1) ? -sr : sr;              /* n = 2, 3 */
    }
    for (int j = 0; j < PAIRS; j++) {
        z[2 * j] = (float)(r[j] * c[j]);
        z[2 * j + 1] = (float)(r[j] * s[j]);
    }
}

/* --- samplers --- */

seli_tensor *seli_normal(seli_key key, int ndim, const long *shape)
{
    seli_tensor *out = seli__alloc("seli_normal", ndim, shape);
    float *y = out->data;
    long n = out->size;
    uint32_t w[BATCH_WORDS];
    float z[BATCH_WORDS];
    for (long i = 0; i < n; i += BATCH_WORDS) {
        sample_words(key, (uint64_t)i / 4, w);
        long m = n - i < BATCH_WORDS ? n - i : BATCH_WORDS;
        if (m == BATCH_WORDS) {
            normal_batch(w, y + i);
        } else {
            normal_batch(w, z);
            memcpy(y + i, z, (size_t)m * sizeof(float));
        }
    }
    return out;
}

seli_tensor *seli_uniform(seli_key key, float low, float high, int ndim, const long *shape)
{
    if (!isfinite(low) || !isfinite(high) || !(low <= high) || !isfinite(high - low))
        seli_error("seli_uniform: low = %g and high = %g; pass finite bounds with low <= high "
                   "(and a finite high - low)",
                   (double)low, (double)high);
    seli_tensor *out = seli__alloc("seli_uniform", ndim, shape);
    float *y = out->data;
    long n = out->size;
    float span = high - low;
    float below_high = low < high ? nextafterf(high, low) : high;
    uint32_t w[BATCH_WORDS];
    for (long i = 0; i < n; i += BATCH_WORDS) {
        sample_words(key, (uint64_t)i / 4, w);
        long m = n - i < BATCH_WORDS ? n - i : BATCH_WORDS;
        for (long j = 0; j < m; j++) {
            float u = (float)(w[j] >> 8) * 0x1p-24f; /* exact: 24 bits in [0, 1) */
            float v = low + span * u;
            y[i + j] = v < high ? v : below_high; /* rounding may reach high */
        }
    }
    return out;
}

seli_tensor *seli_rademacher(seli_key key, int ndim, const long *shape)
{
    seli_tensor *out = seli__alloc("seli_rademacher", ndim, shape);
    float *y = out->data;
    long n = out->size;
    uint32_t w[BATCH_WORDS];
    for (long i = 0; i < n; i += BATCH_WORDS) {
        sample_words(key, (uint64_t)i / 4, w);
        long m = n - i < BATCH_WORDS ? n - i : BATCH_WORDS;
        for (long j = 0; j < m; j++)
            y[i + j] = (float)(2 * (int)(w[j] >> 31) - 1);
    }
    return out;
}

#define FLOAT_INT_MAX (1L << 24) /* every integer up to this is exact in a float */

/* Lemire's multiply-and-reject: an unbiased integer in [0, range) from word w,
 * with retries drawn from the RETRY counters of element `index`. */
static uint32_t bounded(seli_key key, uint64_t index, uint32_t w, uint32_t range)
{
    uint64_t m = (uint64_t)w * range;
    if ((uint32_t)m < range) {
        uint32_t threshold = (uint32_t)(-range) % range;
        for (uint32_t attempt = 0; (uint32_t)m < threshold; attempt++) {
            uint32_t r[4];
            philox(key, (uint32_t)index, (uint32_t)(index >> 32), attempt, DOMAIN_RETRY, r);
            m = (uint64_t)r[0] * range;
        }
    }
    return (uint32_t)(m >> 32);
}

seli_tensor *seli_randint(seli_key key, long low, long high, int ndim, const long *shape)
{
    if (high <= low)
        seli_error("seli_randint: high = %ld is not above low = %ld; the range [low, high) "
                   "must hold at least one integer",
                   high, low);
    if (low < -FLOAT_INT_MAX || high - 1 > FLOAT_INT_MAX)
        seli_error("seli_randint: [%ld, %ld) leaves [-2^24, 2^24]; results are stored as floats, "
                   "which hold larger integers inexactly",
                   low, high);
    seli_tensor *out = seli__alloc("seli_randint", ndim, shape);
    float *y = out->data;
    long n = out->size;
    uint32_t range = (uint32_t)(high - low);
    uint32_t w[BATCH_WORDS];
    for (long i = 0; i < n; i += BATCH_WORDS) {
        sample_words(key, (uint64_t)i / 4, w);
        long m = n - i < BATCH_WORDS ? n - i : BATCH_WORDS;
        for (long j = 0; j < m; j++)
            y[i + j] = (float)(low + (long)bounded(key, (uint64_t)(i + j), w[j], range));
    }
    return out;
}

/* A sequential stream of words under key (for algorithms that consume a
 * data-dependent number of words). */
typedef struct {
    seli_key key;
    uint64_t block;
    int used;
    uint32_t w[4];
} word_stream;

static uint32_t stream_next(word_stream *s)
{
    if (s->used == 4) {
        philox(s->key, (uint32_t)s->block, (uint32_t)(s->block >> 32), 0, DOMAIN_STREAM, s->w);
        s->block++;
        s->used = 0;
    }
    return s->w[s->used++];
}

/* Unbiased integer in [0, range) from the stream (Lemire). */
static uint32_t stream_bounded(word_stream *s, uint32_t range)
{
    uint64_t m = (uint64_t)stream_next(s) * range;
    if ((uint32_t)m < range) {
        uint32_t threshold = (uint32_t)(-range) % range;
        while ((uint32_t)m < threshold)
            m = (uint64_t)stream_next(s) * range;
    }
    return (uint32_t)(m >> 32);
}

seli_tensor *seli_permutation(seli_key key, long n)
{
    if (n < 0 || n > FLOAT_INT_MAX + 1)
        seli_error("seli_permutation: n = %ld; pass 0 <= n <= 2^24 + 1 (indices are stored as "
                   "floats, exact up to 2^24)",
                   n);
    seli_tensor *out = seli__alloc("seli_permutation", 1, &n);
    float *y = out->data;
    for (long i = 0; i < n; i++)
        y[i] = (float)i;
    word_stream s = {key, 0, 4, {0, 0, 0, 0}};
    for (long i = n - 1; i > 0; i--) { /* Fisher-Yates: swap i with j uniform in [0, i] */
        long j = (long)stream_bounded(&s, (uint32_t)(i + 1));
        float t = y[i];
        y[i] = y[j];
        y[j] = t;
    }
    return out;
}
