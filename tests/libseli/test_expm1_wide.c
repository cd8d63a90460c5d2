/* test_expm1_wide.c: the vectorised e^x - 1 and e^x (ops/expm1_wide.c) against
 * double precision expm1 and exp, in every clone the processor runs and in
 * the baseline one.
 *
 * The error is measured in units in the last place of the float nearest the
 * exact value.  The floats of [-90, 0] are walked with a stride through their
 * bit patterns, plus every float of the bands where the reduction changes
 * its case: near 0, near k = 0 / -1 / -2 (x ~ -ln2/2, -3 ln2/2) and around
 * the cut to -1 (x ~ -25 ln2 = -17.33). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ops/expm1_wide.h"

#define MAX_ULP 2.0
#define MAX_ULP_EXP 1.0
#define CHUNK 4096

typedef void (*expm1_fn)(const float *, float *, long);

static uint32_t bits_of(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static float float_of(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* |y - t| in units of the spacing of floats around t (t exact, in double). */
static double ulp_error(float y, double t)
{
    int e;
    frexp(t, &e);                          /* |t| in [2^(e-1), 2^e) */
    double ulp = ldexp(1.0, e - 24);       /* float's spacing there */
    ulp = ulp < 0x1p-149 ? 0x1p-149 : ulp; /* subnormals */
    return fabs((double)y - t) / ulp;
}

typedef struct {
    double (*ref)(double); /* expm1 or exp, in double */
    double worst;          /* largest ulp error seen */
    float worst_x;        /* where */
    long wrong_minus_one; /* results that are -1 where the true value is not, or not -1 where it is
                           */
    long wrong_sign;
    long count;
} sweep;

/* Check f on the n floats in xs, accumulating into s. */
static void check(expm1_fn f, const float *xs, long n, sweep *s)
{
    float ys[CHUNK];
    for (long at = 0; at < n; at += CHUNK) {
        long m = n - at < CHUNK ? n - at : CHUNK;
        f(xs + at, ys, m);
        for (long i = 0; i < m; i++) {
            float x = xs[at + i], y = ys[i];
            double t = s->ref((double)x);
            /* past FLT_MAX the rounded value is inf, and so must y be */
            double err = isinf(y) && (float)t == y ? 0.0 : ulp_error(y, t);
            if (!(err <= s->worst)) { /* also catches a NaN result */
                s->worst = isnan(err) ? INFINITY : err;
                s->worst_x = x;
            }
            if (s->ref == expm1) {
                if ((y == -1.0f) != ((float)t == -1.0f))
                    s->wrong_minus_one++;
                if (signbit(y) != signbit(x))
                    s->wrong_sign++;
            } else { /* e^x: never negative, and 0 exactly where e^x rounds to 0 */
                if ((y == 0.0f) != ((float)t == 0.0f))
                    s->wrong_minus_one++;
                if (signbit(y))
                    s->wrong_sign++;
            }
            s->count++;
        }
    }
}

/* Every float between the bit patterns lo and hi (same sign), stride apart. */
static void check_bits(expm1_fn f, uint32_t lo, uint32_t hi, uint32_t stride, sweep *s)
{
    float xs[CHUNK];
    long n = 0;
    for (uint64_t b = lo; b <= hi; b += stride) {
        xs[n++] = float_of((uint32_t)b);
        if (n == CHUNK) {
            check(f, xs, n, s);
            n = 0;
        }
    }
    check(f, xs, n, s);
}

/* Every float in [a, b] (a <= b, same sign) with the given stride. */
static void check_range(expm1_fn f, float a, float b, uint32_t stride, sweep *s)
{
    uint32_t ba = bits_of(a), bb = bits_of(b);
    if (ba > bb) {
        uint32_t t = ba;
        ba = bb;
        bb = t;
    }
    check_bits(f, ba, bb, stride, s);
}

static void negative_sweep(expm1_fn f, const char *name)
{
    sweep s = {.ref = expm1};
    check_range(f, -90.0f, -0.0f, 97, &s);       /* ~11M floats through [-90, 0] */
    check_range(f, -0x1p-9f, -0x1p-12f, 5, &s);  /* near 0, where k = 0 and r = x */
    check_range(f, -0x1p-23f, -0x1p-27f, 5, &s); /* around the cut to e^x - 1 = x */
    check_range(f, -0x1p-120f, -0.0f, 97, &s);   /* tiny and subnormal x */
    check_range(f, -0.36f, -0.33f, 1, &s);       /* k = 0 / -1 */
    check_range(f, -1.06f, -1.02f, 1, &s);       /* k = -1 / -2: the two final forms */
    check_range(f, -17.8f, -16.9f, 1, &s);       /* k = -25 / -26 and the cut to -1 */
    check_range(f, -90.0f, -87.0f, 1, &s);       /* the clamp */
    print_message("%s on x <= 0: max error %.3f ulp at x = %.9g over %ld floats\n", name, s.worst,
                  (double)s.worst_x, s.count);
    assert_true(s.worst <= MAX_ULP);
    assert_int_equal(s.wrong_minus_one, 0);
    assert_int_equal(s.wrong_sign, 0);
}

static void positive_sweep(expm1_fn f, const char *name)
{
    sweep s = {.ref = expm1};
    check_range(f, 0.0f, 88.7f, 97, &s);
    check_range(f, 0x1p-12f, 0x1p-9f, 5, &s);
    check_range(f, 0x1p-27f, 0x1p-23f, 5, &s);
    check_range(f, 0.0f, 0x1p-120f, 97, &s);
    check_range(f, 0.33f, 0.36f, 1, &s);
    check_range(f, 1.02f, 1.06f, 1, &s);
    check_range(f, 88.6f, 88.72283f, 1, &s); /* up to ln(FLT_MAX) */
    print_message("%s on x >= 0: max error %.3f ulp at x = %.9g over %ld floats\n", name, s.worst,
                  (double)s.worst_x, s.count);
    assert_true(s.worst <= MAX_ULP);
    assert_int_equal(s.wrong_sign, 0);
}

static void test_expm1_is_within_two_ulp_for_negative_x(void **state)
{
    negative_sweep(seli__expm1_eval, "widest clone");
    negative_sweep(seli__expm1_eval_baseline, "baseline clone");
}

static void test_expm1_is_within_two_ulp_for_positive_x(void **state)
{
    positive_sweep(seli__expm1_eval, "widest clone");
    positive_sweep(seli__expm1_eval_baseline, "baseline clone");
}

/* e^x over all floats that do not round to 0 or overflow, walked with a
 * stride, and every float of the bands where its reduction changes case:
 * k = 0 / +-1, the step to subnormal results (k = -125 / -126, x ~ -87.3),
 * the last subnormal before 0 (x ~ -103.97) and the overflow (x ~ 88.72). */
static void exp_sweep(expm1_fn f, const char *name)
{
    sweep s = {.ref = exp};
    check_range(f, -110.0f, -0.0f, 97, &s);
    check_range(f, 0.0f, 89.0f, 97, &s);
    check_range(f, -0x1p-120f, -0.0f, 97, &s); /* tiny x: e^x = 1 */
    check_range(f, 0.0f, 0x1p-120f, 97, &s);
    check_range(f, -0.36f, -0.33f, 1, &s);
    check_range(f, 0.33f, 0.36f, 1, &s);
    check_range(f, -88.0f, -86.5f, 1, &s);
    check_range(f, -104.5f, -103.0f, 1, &s);
    check_range(f, 88.3f, 88.8f, 1, &s);
    print_message("%s e^x: max error %.3f ulp at x = %.9g over %ld floats\n", name, s.worst,
                  (double)s.worst_x, s.count);
    assert_true(s.worst <= MAX_ULP_EXP);
    assert_int_equal(s.wrong_minus_one, 0);
    assert_int_equal(s.wrong_sign, 0);
}

static void test_exp_is_within_one_ulp(void **state)
{
    exp_sweep(seli__exp_eval, "widest clone");
    exp_sweep(seli__exp_eval_baseline, "baseline clone");
}

/* e^x: 1 at both zeros, +0 at -inf and far below, +inf above ln(FLT_MAX), NaN
 * stays NaN, over a count that leaves a scalar tail. */
static void test_exp_special_values(void **state)
{
    const float xs[] = {-0.0f, 0.0f, -INFINITY, -1e30f, -200.0f, 88.8f, INFINITY, NAN, -NAN};
    enum { N = sizeof xs / sizeof xs[0] };
    expm1_fn fs[2] = {seli__exp_eval, seli__exp_eval_baseline};
    for (int c = 0; c < 2; c++) {
        float ys[N];
        fs[c](xs, ys, N);
        assert_true(ys[0] == 1.0f && ys[1] == 1.0f);
        for (int i = 2; i <= 4; i++)
            assert_true(ys[i] == 0.0f && !signbit(ys[i]));
        assert_true(isinf(ys[5]) && ys[5] > 0 && isinf(ys[6]) && ys[6] > 0);
        assert_true(isnan(ys[7]) && isnan(ys[8]));
    }
}

/* -1 below -25 ln2, inf above ln(FLT_MAX), zeros keep their sign, tiny x give
 * x itself (e^x - 1 = x to float precision), NaN stays NaN; a count that is
 * not a multiple of the vector width runs the scalar tail too. */
static void check_special_values(expm1_fn f)
{
    const float xs[] = {-0.0f,   0.0f,      -0x1p-149f, 0x1p-149f, -0x1p-126f,
                        -1e-20f, -INFINITY, -1e30f,     -17.33f,   -18.0f,
                        -100.0f, 88.8f,     INFINITY,   NAN,       -NAN};
    enum { N = sizeof xs / sizeof xs[0] };
    float ys[N];
    f(xs, ys, N);
    assert_true(ys[0] == 0.0f && signbit(ys[0]));
    assert_true(ys[1] == 0.0f && !signbit(ys[1]));
    assert_true(ys[2] == -0x1p-149f && ys[3] == 0x1p-149f && ys[4] == -0x1p-126f);
    assert_true(ys[5] == -1e-20f);
    for (int i = 6; i <= 10; i++)
        assert_true(ys[i] == -1.0f);
    assert_true(isinf(ys[11]) && ys[11] > 0 && isinf(ys[12]) && ys[12] > 0);
    assert_true(isnan(ys[13]) && isnan(ys[14]));
}

static void test_expm1_special_values(void **state)
{
    check_special_values(seli__expm1_eval);
    check_special_values(seli__expm1_eval_baseline);
}

/* elu's one pass is a where a > 0 and alpha times the same e^a - 1 elsewhere,
 * bit for bit, NaN included, over a count that leaves a scalar tail. */
static void test_elu_is_a_or_alpha_times_expm1(void **state)
{
    enum { N = 1003 };
    float xs[N], e[N], y[N];
    for (int i = 0; i < N; i++)
        xs[i] = -20.0f + 25.0f * (float)i / N;
    xs[7] = NAN;
    xs[8] = -0.0f;
    seli__expm1_eval(xs, e, N);
    seli__elu_eval(xs, y, N, 0.7f);
    for (int i = 0; i < N; i++) {
        if (i == 7) {
            assert_true(isnan(y[i]));
            continue;
        }
        float want = xs[i] > 0 ? xs[i] : 0.7f * e[i];
        assert_memory_equal(&y[i], &want, sizeof want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expm1_is_within_two_ulp_for_negative_x),
        cmocka_unit_test(test_expm1_is_within_two_ulp_for_positive_x),
        cmocka_unit_test(test_expm1_special_values),
        cmocka_unit_test(test_elu_is_a_or_alpha_times_expm1),
        cmocka_unit_test(test_exp_is_within_one_ulp),
        cmocka_unit_test(test_exp_special_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
