/* seli_flush_subnormals: with the flush on, a subnormal input counts as 0
 * and a result below 2^-126 becomes 0; off, arithmetic is IEEE again; and a
 * product shared with the worker thread computes every row in the caller's
 * mode. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "seli.h"

#if defined(__x86_64__)
#include <immintrin.h>
#define SUPPORTED 1
#else
#define SUPPORTED 0
#endif

/* One element of op(x, y), x and y scalars, as libseli computes it. */
static float binary(seli_tensor *(*op)(const seli_tensor *, const seli_tensor *), float x, float y)
{
    seli_scope_begin();
    float v = op(seli_scalar(x), seli_scalar(y))->data[0];
    seli_scope_end();
    return v;
}

static int bits_equal(float a, float b) { return memcmp(&a, &b, sizeof a) == 0; }

static void test_flush_reads_a_subnormal_input_as_zero_and_off_restores_ieee(void **state)
{
    (void)state;
    if (!SUPPORTED) {
        assert_int_equal(seli_flush_subnormals(1), -1);
        skip();
    }
    const float tiny = ldexpf(1.0f, -130), normal = ldexpf(1.0f, -120);
    assert_true(tiny > 0 && fpclassify(tiny) == FP_SUBNORMAL);
    assert_int_equal(seli_flush_subnormals(1), 0);
    assert_true(bits_equal(binary(seli_mul, tiny, 1.0f), 0.0f));
    /* the sum is normal, so only DAZ (the input read as 0) can drop tiny */
    assert_true(bits_equal(binary(seli_add, normal, tiny), normal));
    assert_int_equal(seli_flush_subnormals(0), 1);
    assert_true(bits_equal(binary(seli_mul, tiny, 1.0f), tiny));
    assert_true(bits_equal(binary(seli_add, normal, tiny), normal + ldexpf(1.0f, -130)));
    assert_true(binary(seli_add, normal, tiny) != normal);
    assert_int_equal(seli_flush_subnormals(0), 0);
}

static void test_flush_turns_an_underflowing_result_into_zero(void **state)
{
    (void)state;
    if (!SUPPORTED)
        skip();
    const float a = ldexpf(1.0f, -70), want = ldexpf(1.0f, -140);
    seli_flush_subnormals(1);
    float flushed = binary(seli_mul, a, a);
    seli_scope_begin();
    /* e^-95 ~ 5.5e-42: the RBF kernel's underflow */
    float e = seli_exp(seli_scalar(-95.0f))->data[0];
    seli_scope_end();
    seli_flush_subnormals(0);
    assert_true(bits_equal(flushed, 0.0f));
    assert_true(bits_equal(e, 0.0f));
    assert_true(bits_equal(binary(seli_mul, a, a), want));
    seli_scope_begin();
    e = seli_exp(seli_scalar(-95.0f))->data[0];
    seli_scope_end();
    assert_true(fpclassify(e) == FP_SUBNORMAL && fabsf(e - 5.5e-42f) < 1e-43f);
}

#if SUPPORTED
/* C[n, m] = A[n, k] B[k, m] as the AVX-512 kernel adds it: per output, from
 * 0, one fused multiply-add per p in order, in the calling thread's mode. */
__attribute__((target("fma"))) static void reference_product(long n, long m, long k, const float *A,
                                                             const float *B, float *C)
{
    for (long i = 0; i < n; i++)
        for (long j = 0; j < m; j++) {
            __m128 c = _mm_setzero_ps();
            for (long p = 0; p < k; p++)
                c = _mm_fmadd_ss(_mm_set_ss(A[i * k + p]), _mm_set_ss(B[p * m + j]), c);
            C[i * m + j] = _mm_cvtss_f32(c);
        }
}
#endif

/* A small integer times 2^(e + 0..3). */
static float jittered(uint64_t *s, int e)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    int v = (int)((*s >> 33) % 7) - 3;
    return ldexpf((float)v, e + (int)((*s >> 20) % 4));
}

/* [1024, 160] x [160, 64]: 2^16 outputs, so seli_matmul shares its rows with
 * the worker thread (gemm_fast.c), in chunks, k in two blocks.  Each row has
 * outputs that the flush changes (checked first), so a chunk the worker computed in another
 * mode shows; the product runs many times, so that the worker takes chunks. */
static void test_product_shared_with_the_worker_follows_the_callers_flush(void **state)
{
    (void)state;
#if SUPPORTED
    const char *no512 = getenv("SELI_NO_AVX512");
    if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("fma") ||
        (no512 && *no512 && *no512 != '0'))
        skip(); /* OpenBLAS computes it, in its own order */
    enum { N = 1024, K = 160, M = 64, RUNS = 24 };
    static float A[N * K], B[K * M], ieee[N * M], flushed[N * M];
    uint64_t s = 42;
    /* rows at 2^-60, 2^-70 or subnormal (2^-131), columns from 2^8 down to
     * 2^-118: every row meets columns where its products and sums straddle
     * 2^-126, and a subnormal row meets columns that make them normal */
    const int row_exp[] = {-60, -70, -131};
    for (long e = 0; e < N * K; e++)
        A[e] = jittered(&s, row_exp[(e / K) % 3]);
    for (long e = 0; e < K * M; e++)
        B[e] = jittered(&s, 8 - 2 * (int)(e % M));
    reference_product(N, M, K, A, B, ieee);
    seli_flush_subnormals(1);
    reference_product(N, M, K, A, B, flushed);
    seli_flush_subnormals(0);
    for (long i = 0; i < N; i++) { /* the test can tell the modes apart on every row */
        int differs = 0;
        for (long j = 0; j < M; j++)
            differs |= !bits_equal(ieee[i * M + j], flushed[i * M + j]);
        if (!differs)
            fail_msg("row %ld is the same in both modes: the inputs test nothing there", i);
    }
    for (int run = 0; run < 2 * RUNS; run++) {
        int on = run % 2;
        seli_flush_subnormals(on);
        seli_scope_begin();
        seli_tensor *a = seli_zeros(2, (long[]){N, K}), *b = seli_zeros(2, (long[]){K, M});
        memcpy(a->data, A, sizeof A);
        memcpy(b->data, B, sizeof B);
        seli_tensor *c = seli_matmul(a, b);
        const float *want = on ? flushed : ieee;
        seli_flush_subnormals(0);
        for (long e = 0; e < N * M; e++)
            if (!bits_equal(c->data[e], want[e]))
                fail_msg("run %d (flush %s): row %ld, column %ld is %g, the caller's mode "
                         "gives %g",
                         run, on ? "on" : "off", e / M, e % M, (double)c->data[e], (double)want[e]);
        seli_scope_end();
    }
#else
    skip();
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flush_reads_a_subnormal_input_as_zero_and_off_restores_ieee),
        cmocka_unit_test(test_flush_turns_an_underflowing_result_into_zero),
        cmocka_unit_test(test_product_shared_with_the_worker_follows_the_callers_flush),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
