/* test_fused.c: the fused layer ops (seli/fused.h), the AVX-512 product
 * behind them (gemm_fast.c) and the fused activation derivatives (activation_grad.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "ops/activation_grad.h"
#include "error_trap.h"
#include "ops/gemm_fast.h"
#include "gradcheck.h"
#include "seli/fused.h"

#define FIRST_ORDER_TOL 2e-3
#define SECOND_ORDER_TOL 5e-3

/* op(A) op(B) in double, the reference for the fast product. */
static void gemm_ref(int ta, int tb, long n, long m, long k, const float *A, const float *B,
                     double *C)
{
    for (long i = 0; i < n; i++)
        for (long j = 0; j < m; j++) {
            double s = 0;
            for (long p = 0; p < k; p++)
                s += (double)(ta ? A[p * n + i] : A[i * k + p]) *
                     (double)(tb ? B[j * k + p] : B[p * m + j]);
            C[i * m + j] = s;
        }
}

static float *random_floats(long n, unsigned seed)
{
    float *p = malloc((size_t)n * sizeof *p);
    uint64_t s = seed;
    for (long i = 0; i < n; i++)
        p[i] = (float)(2 * gc__next(&s) - 1);
    return p;
}

static void test_fast_product_matches_double_reference_for_every_layout(void **state)
{
    (void)state;
    /* row counts that leave every tile remainder; k from 1 (first layer) up;
     * 300 x 128 x 128 is large enough to be split over the worker thread;
     * k = 300 is summed in blocks of 128 */
    const long ns[] = {1, 5, 6, 7, 13, 300};
    const long ks[] = {1, 2, 3, 128, 37, 300};
    const long ms[] = {64, 128, 1}; /* m = 1: the single-column path */
    for (int a = 0; a < 6; a++)
        for (int b = 0; b < 6; b++)
            for (int c = 0; c < 3; c++)
                for (int t = 0; t < 3; t++) {
                    long n = ns[a], k = ks[b], m = ms[c];
                    int ta = t == 1, tb = t == 2;
                    float *A = random_floats(n * k, 1), *B = random_floats(k * m, 2);
                    float *C = malloc((size_t)(n * m) * sizeof *C);
                    double *R = malloc((size_t)(n * m) * sizeof *R);
                    gemm_ref(ta, tb, n, m, k, A, B, R);
                    if (seli__gemm_fast(ta, tb, n, m, k, A, B, C))
                        for (long i = 0; i < n * m; i++)
                            if (fabs(C[i] - R[i]) > 1e-5 * (1 + k))
                                fail_msg("gemm_fast n=%ld m=%ld k=%ld ta=%d tb=%d: C[%ld] = %g, "
                                         "reference %g",
                                         n, m, k, ta, tb, i, (double)C[i], R[i]);
                    free(A);
                    free(B);
                    free(C);
                    free(R);
                }
}

static void test_fast_product_declines_shapes_it_does_not_cover(void **state)
{
    (void)state;
    float A[6] = {0}, B[6] = {0}, C[9] = {0};
    /* m = 3 is not a multiple of 64: the caller must use OpenBLAS */
    assert_int_equal(seli__gemm_fast(0, 0, 3, 3, 2, A, B, C), 0);
    /* both operands transposed is left to OpenBLAS too */
    assert_int_equal(seli__gemm_fast(1, 1, 1, 64, 1, A, B, C), 0);
    assert_int_equal(seli__gemm_fast_act(3, 3, 2, A, B, NULL, SELI__ACT_GELU, 0, NULL, C), 0);
}

/* the same layer built from separate ops: act(x @ w + b) */
static seli_tensor *unfused(const seli_tensor *x, const seli_tensor *w, const seli_tensor *b,
                            int act)
{
    seli_tensor *z = seli_add(seli_matmul(x, w), b);
    return act == 1 ? seli_gelu(z) : act == 2 ? seli_leaky_relu(z, 0.01f) : z;
}

static seli_tensor *fused(const seli_tensor *x, const seli_tensor *w, const seli_tensor *b,
                          int act)
{
    return act == 1   ? seli_affine_gelu(x, w, b)
           : act == 2 ? seli_affine_leaky_relu(x, w, b, 0.01f)
                      : seli_affine(x, w, b);
}

static void test_fused_layers_equal_the_composition_of_their_ops(void **state)
{
    (void)state;
    /* out = 64 takes the AVX-512 path (where there is one), out = 5 the OpenBLAS one,
     * out = 1 with 17 inputs the single-column path; 300 inputs are summed in
     * blocks, the bias added before the first and the activation after the last */
    const long outs[] = {64, 5, 1, 64}, ins[] = {3, 3, 17, 300};
    for (int o = 0; o < 4; o++)
        for (int act = 0; act < 3; act++) {
            seli_scope_begin();
            seli_tensor *x = gc_random(-3, 3, 7, SELI_SHAPE(2, 7, ins[o])); /* batch dims flatten */
            seli_tensor *w = gc_random(-1, 1, 8, SELI_SHAPE(ins[o], outs[o]));
            seli_tensor *b = gc_random(-1, 1, 9, SELI_SHAPE(outs[o]));
            seli_tensor *y = fused(x, w, b, act), *r = unfused(x, w, b, act);
            assert_int_equal(y->ndim, 3);
            assert_int_equal(y->shape[2], outs[o]);
            for (long i = 0; i < y->size; i++)
                if (fabsf(y->data[i] - r->data[i]) > 1e-5f * (1 + fabsf(r->data[i])))
                    fail_msg("act %d, out %ld: element %ld is %g, the composition gives %g", act,
                             outs[o], i, (double)y->data[i], (double)r->data[i]);
            seli_scope_end();
        }
}

static seli_tensor *layer_fn(seli_tensor *const *xs, void *ctx)
{
    return fused(xs[0], xs[1], xs[2], *(int *)ctx);
}

static void test_fused_layer_gradients_match_finite_differences(void **state)
{
    (void)state;
    const long outs[] = {64, 5};
    for (int o = 0; o < 2; o++)
        for (int act = 0; act < 3; act++) {
            seli_scope_begin();
            /* values away from the leaky ReLU's kink are not needed: its
             * finite differences straddle 0 only with probability ~0 */
            seli_tensor *xs[3] = {gc_uniform(-2, 2, 11, SELI_SHAPE(7, 3)),
                                  gc_uniform(-1, 1, 12, SELI_SHAPE(3, outs[o])),
                                  gc_uniform(-1, 1, 13, SELI_SHAPE(outs[o]))};
            char label[64];
            snprintf(label, sizeof label, "fused layer act %d out %ld", act, outs[o]);
            gc_set_label(label);
            gradcheck(layer_fn, 3, xs, &act, FIRST_ORDER_TOL);
            seli_scope_end();
        }
}

static void test_fused_layer_gradients_are_themselves_differentiable(void **state)
{
    (void)state;
    for (int act = 0; act < 3; act++) {
        seli_scope_begin();
        /* for the leaky ReLU keep every pre-activation at least 0.1 away from its
         * kink (small x, biases of magnitude 0.5..1), so that finite differences
         * never straddle it */
        double xr = act == 2 ? 0.2 : 2;
        seli_tensor *xs[3] = {gc_uniform(-xr, xr, 21, SELI_SHAPE(7, 2)),
                              gc_uniform(-1, 1, 22, SELI_SHAPE(2, 64)),
                              gc_uniform(0.5, 1, 23, SELI_SHAPE(64))};
        for (long i = 0; i < 64; i += 2)
            xs[2]->data[i] = -xs[2]->data[i];
        char label[64];
        snprintf(label, sizeof label, "fused layer, second order, act %d", act);
        gc_set_label(label);
        gradcheck2(layer_fn, 3, xs, &act, SECOND_ORDER_TOL);
        seli_scope_end();
    }
}

/* The leaky ReLU's slope is piecewise constant, so nothing flows from its
 * derivative back to the pre-activation: a gradient penalty's gradient with
 * respect to the input is exactly zero, of the input's shape, while the one
 * with respect to the weight still flows (through g @ w^T). */
static void test_leaky_second_derivative_to_the_input_is_exact_zero(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *x = seli_requires_grad(gc_uniform(-2, 2, 41, SELI_SHAPE(7, 3)));
    seli_tensor *w = seli_requires_grad(gc_uniform(-1, 1, 42, SELI_SHAPE(3, 64)));
    seli_tensor *h = seli_affine_leaky_relu(x, w, NULL, 0.1f);
    seli_tensor *slope = seli_grad_graph(seli_sum_all(h), x); /* [7, 3] */
    seli_tensor *penalty = seli_sum_all(seli_square(slope));
    seli_tensor *out[2];
    seli_vjp(penalty, NULL, 2, (seli_tensor *[]){x, w}, out, 0);
    assert_int_equal(out[0]->ndim, 2);
    assert_int_equal(out[0]->shape[0], 7);
    assert_int_equal(out[0]->shape[1], 3);
    for (long i = 0; i < out[0]->size; i++)
        assert_true(out[0]->data[i] == 0.0f);
    /* d/dw sum_ij (sum_k s_ik w_jk)^2 = 2 sum_i (slope_ij) s_ik, s = the slopes 1 or 0.1 */
    for (long j = 0; j < 3; j++)
        for (long k = 0; k < 64; k++) {
            double want = 0;
            for (long i = 0; i < 7; i++) {
                double z = 0;
                for (long p = 0; p < 3; p++)
                    z += x->data[i * 3 + p] * w->data[p * 64 + k];
                want += 2 * slope->data[i * 3 + j] * (z > 0 ? 1 : 0.1);
            }
            double got = out[1]->data[j * 64 + k];
            if (fabs(got - want) > 1e-4 * (1 + fabs(want)))
                fail_msg("d penalty / d w[%ld][%ld] is %g, want %g", j, k, got, want);
        }
    seli_scope_end();
}

static seli_tensor *gelu_bwd_fn(seli_tensor *const *xs, void *ctx)
{
    (void)ctx;
    return seli__gelu_bwd(xs[0], xs[1]);
}

static void test_gelu_derivative_matches_finite_differences_to_second_order(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *xs[2] = {gc_uniform(-4, 4, 31, SELI_SHAPE(5, 7)),
                          gc_uniform(-1, 1, 32, SELI_SHAPE(5, 7))};
    gc_set_label("gelu_bwd");
    gradcheck(gelu_bwd_fn, 2, xs, NULL, FIRST_ORDER_TOL);
    /* and g * gelu'(a) itself is the derivative of gelu: compare with finite differences */
    for (long i = 0; i < xs[0]->size; i++) {
        double a = xs[0]->data[i], h = 1e-3;
        double up = 0.5 * (a + h) * (1 + tanh(0.7978845608 * ((a + h) + 0.044715 * pow(a + h, 3))));
        double dn = 0.5 * (a - h) * (1 + tanh(0.7978845608 * ((a - h) + 0.044715 * pow(a - h, 3))));
        seli_tensor *one = seli_ones(SELI_SHAPE(1));
        seli_tensor *ai = seli_full((float)a, SELI_SHAPE(1));
        double d = seli_item(seli__gelu_bwd(ai, one));
        assert_true(fabs(d - (up - dn) / (2 * h)) < 1e-4);
    }
    seli_scope_end();
}

static void test_rational_tanh_gelu_is_accurate(void **state)
{
    (void)state;
    enum { N = 4001 };
    float *a = malloc(N * sizeof *a), *out = malloc(N * sizeof *out);
    for (int i = 0; i < N; i++)
        a[i] = -10.0f + 20.0f * (float)i / (N - 1);
    seli__gelu_eval(a, out, N);
    for (int i = 0; i < N; i++) {
        double x = a[i];
        double ref = 0.5 * x * (1 + tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)));
        if (fabs(out[i] - ref) > 2e-6 * (1 + fabs(ref)))
            fail_msg("gelu(%g) = %.9g, reference %.9g", x, (double)out[i], ref);
    }
    free(a);
    free(out);
}

/* gelu''(a) through two recorded derivatives: d/da of the vjp of seli__gelu_bwd */
static seli_tensor *gelu_second_fn(seli_tensor *const *xs, void *ctx)
{
    (void)ctx;
    seli_tensor *a = xs[0];
    seli_tensor *d1 = seli__gelu_bwd(a, seli_ones(a->ndim, a->shape));  /* gelu'(a) */
    return seli_grad_graph(seli_sum_all(d1), a);                         /* gelu''(a) */
}

static void test_gelu_is_differentiable_three_times(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *a = gc_uniform(-3, 3, 41, SELI_SHAPE(9));
    gc_set_label("gelu'' (its gradient is gelu''')");
    gradcheck(gelu_second_fn, 1, &a, NULL, FIRST_ORDER_TOL);
    seli_scope_end();
}

static void test_mismatched_layer_shapes_name_both(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *x = seli_ones(SELI_SHAPE(4, 3)), *w = seli_ones(SELI_SHAPE(2, 64));
    EXPECT_SELI_ERROR(seli_affine_gelu(x, w, NULL), "expects 2");
    EXPECT_SELI_ERROR(seli_affine(x, seli_ones(SELI_SHAPE(3, 64)), seli_ones(SELI_SHAPE(5))),
                      "the bias must be [64]");
    EXPECT_SELI_ERROR(seli_affine(NULL, w, NULL), "seli_affine");
    seli_scope_end();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fast_product_matches_double_reference_for_every_layout),
        cmocka_unit_test(test_fast_product_declines_shapes_it_does_not_cover),
        cmocka_unit_test(test_fused_layers_equal_the_composition_of_their_ops),
        cmocka_unit_test(test_fused_layer_gradients_match_finite_differences),
        cmocka_unit_test(test_fused_layer_gradients_are_themselves_differentiable),
        cmocka_unit_test(test_leaky_second_derivative_to_the_input_is_exact_zero),
        cmocka_unit_test(test_gelu_derivative_matches_finite_differences_to_second_order),
        cmocka_unit_test(test_rational_tanh_gelu_is_accurate),
        cmocka_unit_test(test_gelu_is_differentiable_three_times),
        cmocka_unit_test(test_mismatched_layer_shapes_name_both),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
