/* The tape: gradients of scalars, vector-Jacobian products, gradients of
 * gradients, no-grad mode, and the errors a student meets. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "error_trap.h"
#include "seli.h"

static seli_tensor *vec(int n, const float *v)
{
    return seli_from_array(v, 1, (long[]){n});
}

static void test_gradient_of_a_product_chain(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *x = seli_requires_grad(vec(3, (float[]){1, 2, 3}));
    /* y = sum(x^2 * 3 + x) -> dy/dx = 6x + 1 */
    seli_tensor *y = seli_sum_all(seli_add(seli_mul_scalar(seli_mul(x, x), 3.0f), x));
    seli_tensor *g = seli_grad(y, x);
    assert_false(seli_on_tape(g));
    for (int i = 0; i < 3; i++)
        assert_float_equal(g->data[i], 6.0f * (float)(i + 1) + 1.0f, 1e-5);
    seli_scope_end();
}

static void test_a_tensor_used_twice_accumulates_both_paths(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *x = seli_requires_grad(seli_scalar(2.0f));
    seli_tensor *a = seli_exp(x);
    seli_tensor *y = seli_mul(a, seli_add(a, x)); /* e^2x + x e^x */
    float expected = 2.0f * expf(4.0f) + expf(2.0f) + 2.0f * expf(2.0f);
    assert_float_equal(seli_item(seli_grad(y, x)), expected, 1e-3);
    seli_scope_end();
}

static void test_second_derivative_of_a_cube(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *x = seli_requires_grad(vec(2, (float[]){0.5f, -2.0f}));
    seli_tensor *y = seli_sum_all(seli_mul(seli_mul(x, x), x)); /* sum x^3 */
    seli_tensor *g = seli_grad_graph(y, x);                       /* 3x^2, on the tape */
    assert_true(seli_on_tape(g));
    seli_tensor *h = seli_grad(seli_sum_all(g), x); /* 6x */
    assert_float_equal(h->data[0], 3.0f, 1e-5);
    assert_float_equal(h->data[1], -12.0f, 1e-5);
    /* and a third derivative: d/dx sum(6x) = 6 */
    seli_tensor *h2 = seli_grad_graph(seli_sum_all(g), x);
    seli_tensor *t = seli_grad(seli_sum_all(h2), x);
    assert_float_equal(t->data[0], 6.0f, 1e-5);
    seli_scope_end();
}

/* The WGAN penalty: P(w) = sum_i (d/dx_i D(x))^2 with D(x) = sum(tanh(w * x)).
 * dP/dw through the input gradient, checked against finite differences. */
static double penalty(const float *w, const float *x, int n)
{
    double p = 0;
    for (int i = 0; i < n; i++) {
        double t = tanh((double)w[i] * x[i]);
        double dx = w[i] * (1 - t * t);
        p += dx * dx;
    }
    return p;
}

static void test_gradient_penalty_matches_finite_differences(void **state)
{
    (void)state;
    float wv[3] = {0.7f, -1.3f, 0.4f}, xv[3] = {0.3f, 0.8f, -1.1f};
    seli_scope_begin();
    seli_tensor *w = seli_requires_grad(vec(3, wv));
    seli_tensor *x = seli_requires_grad(vec(3, xv));
    seli_tensor *d = seli_sum_all(seli_tanh(seli_mul(w, x)));
    seli_tensor *gx = seli_grad_graph(d, x);
    seli_tensor *p = seli_sum_all(seli_square(gx));
    seli_tensor *gw = seli_grad(p, w);
    for (int i = 0; i < 3; i++) {
        float plus[3], minus[3];
        for (int j = 0; j < 3; j++)
            plus[j] = minus[j] = wv[j];
        double eps = 1e-3;
        plus[i] += (float)eps;
        minus[i] -= (float)eps;
        double numeric = (penalty(plus, xv, 3) - penalty(minus, xv, 3)) /
                         ((double)plus[i] - (double)minus[i]);
        assert_float_equal(gw->data[i], numeric, 1e-3 * (1 + fabs(numeric)));
    }
    seli_scope_end();
}

static void test_vjp_of_a_non_scalar_output(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *x = seli_requires_grad(vec(3, (float[]){1, 2, 3}));
    seli_tensor *y = seli_mul(x, x);
    seli_tensor *gy = vec(3, (float[]){1, 10, 100});
    seli_tensor *out;
    seli_vjp(y, gy, 1, &x, &out, 0);
    assert_float_equal(out->data[0], 2.0f, 1e-6);
    assert_float_equal(out->data[1], 40.0f, 1e-6);
    assert_float_equal(out->data[2], 600.0f, 1e-6);
    seli_scope_end();
}

static void test_unconnected_input_gets_zero_gradient(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *x = seli_requires_grad(vec(2, (float[]){1, 2}));
    seli_tensor *z = seli_requires_grad(vec(2, (float[]){3, 4}));
    seli_tensor *y = seli_sum_all(seli_square(x));
    seli_tensor *g = seli_grad(y, z);
    assert_true(g->data[0] == 0.0f && g->data[1] == 0.0f);
    seli_scope_end();
}

static void test_no_grad_mode_records_nothing(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *x = seli_requires_grad(vec(2, (float[]){1, 2}));
    seli_no_grad_begin();
    assert_false(seli_grad_enabled());
    seli_tensor *y = seli_mul(x, x);
    seli_no_grad_end();
    assert_false(seli_on_tape(y));
    assert_true(seli_grad_enabled());
    assert_true(seli_on_tape(seli_mul(x, x)));
    seli_scope_end();
}

static void test_gradient_of_non_scalar_says_how_to_reduce(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *x = seli_requires_grad(vec(2, (float[]){1, 2}));
    EXPECT_SELI_ERROR(seli_grad(seli_mul(x, x), x), "seli_sum_all");
    seli_scope_end();
}

static void test_gradient_against_a_tensor_off_the_tape_is_an_error(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *x = vec(2, (float[]){1, 2});
    EXPECT_SELI_ERROR(seli_grad(seli_sum_all(x), x), "seli_requires_grad");
    seli_scope_end();
}

static void test_no_grad_end_without_begin_is_an_error(void **state)
{
    (void)state;
    EXPECT_SELI_ERROR((seli_no_grad_end(), 0), "no seli_no_grad_begin");
    assert_true(seli_grad_enabled());
}

/* Error unwinding restores the saved depth in both directions: regions opened
 * since are closed, and a region switched off inside (seli_jvp's generic rule
 * records for a moment) is open again. */
static void test_no_grad_unwind_restores_the_saved_depth(void **state)
{
    (void)state;
    seli_no_grad_begin();
    int saved = seli_no_grad_depth();
    seli_no_grad_begin();
    seli_no_grad_begin();
    seli_no_grad_unwind(saved);
    assert_int_equal(seli_no_grad_depth(), 1);
    seli_no_grad_end();
    assert_true(seli_grad_enabled());
    seli_no_grad_unwind(saved); /* as if an error left recording on inside the region */
    assert_false(seli_grad_enabled());
    seli_no_grad_end();
    assert_int_equal(seli_no_grad_depth(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gradient_of_a_product_chain),
        cmocka_unit_test(test_a_tensor_used_twice_accumulates_both_paths),
        cmocka_unit_test(test_second_derivative_of_a_cube),
        cmocka_unit_test(test_gradient_penalty_matches_finite_differences),
        cmocka_unit_test(test_vjp_of_a_non_scalar_output),
        cmocka_unit_test(test_unconnected_input_gets_zero_gradient),
        cmocka_unit_test(test_no_grad_mode_records_nothing),
        cmocka_unit_test(test_gradient_of_non_scalar_says_how_to_reduce),
        cmocka_unit_test(test_gradient_against_a_tensor_off_the_tape_is_an_error),
        cmocka_unit_test(test_no_grad_end_without_begin_is_an_error),
        cmocka_unit_test(test_no_grad_unwind_restores_the_saved_depth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
