/* test_loss.c: the losses' values worked by hand, their gradients against
 * finite differences, and their shape rules. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "error_trap.h"
#include "gradcheck.h"
#include "seli.h"

static void test_mse_is_the_mean_of_squared_differences(void **state)
{
    (void)state;
    seli_tensor *p = seli_from_array((float[]){1, 2, 3, 4}, SELI_SHAPE(2, 2));
    seli_tensor *t = seli_from_array((float[]){0, 2, 5, 3}, SELI_SHAPE(2, 2));
    /* (1 + 0 + 4 + 1) / 4 */
    assert_float_equal(seli_item(seli_mse(p, t)), 1.5, 1e-6);
    assert_int_equal(seli_mse(p, t)->ndim, 0);
}

static void test_mae_is_the_mean_of_absolute_differences(void **state)
{
    (void)state;
    seli_tensor *p = seli_from_array((float[]){1, 2, 3, 4}, SELI_SHAPE(4));
    seli_tensor *t = seli_from_array((float[]){0, 2, 5, 3}, SELI_SHAPE(4));
    /* (1 + 0 + 2 + 1) / 4 */
    assert_float_equal(seli_item(seli_mae(p, t)), 1.0, 1e-6);
}

static void test_bce_logits_matches_the_cross_entropy_of_probabilities(void **state)
{
    (void)state;
    float z[] = {-2, 0, 0.5f, 3};
    float y[] = {0, 1, 1, 0.25f};
    double want = 0;
    for (int i = 0; i < 4; i++) {
        double s = 1 / (1 + exp(-z[i]));
        want -= y[i] * log(s) + (1 - y[i]) * log(1 - s);
    }
    want /= 4;
    seli_tensor *l =
        seli_bce_logits(seli_from_array(z, SELI_SHAPE(4)), seli_from_array(y, SELI_SHAPE(4)));
    assert_float_equal(seli_item(l), want, 1e-6);
}

static void test_bce_logits_is_finite_for_huge_logits(void **state)
{
    (void)state;
    seli_tensor *z =
        seli_requires_grad(seli_from_array((float[]){200, -200, 200, -200}, SELI_SHAPE(4)));
    seli_tensor *y = seli_from_array((float[]){1, 0, 0, 1}, SELI_SHAPE(4));
    seli_tensor *l = seli_bce_logits(z, y);
    /* right with certainty: 0; wrong with certainty: 200 each */
    assert_float_equal(seli_item(l), 400.0 / 4, 1e-3);
    seli_tensor *g = seli_grad(l, z);
    /* (sigmoid(z) - y) / 4 */
    const float want[] = {0, 0, 0.25f, -0.25f};
    for (int i = 0; i < 4; i++)
        assert_float_equal(g->data[i], want[i], 1e-6);
}

static seli_tensor *f_mse(seli_tensor *const *xs, void *ctx)
{
    (void)ctx;
    return seli_mse(xs[0], xs[1]);
}

static seli_tensor *f_mae(seli_tensor *const *xs, void *ctx)
{
    (void)ctx;
    return seli_mae(xs[0], xs[1]);
}

static seli_tensor *f_bce(seli_tensor *const *xs, void *ctx)
{
    (void)ctx;
    return seli_bce_logits(xs[0], xs[1]);
}

static void test_loss_gradients_match_finite_differences(void **state)
{
    (void)state;
    seli_tensor *xs[2];
    xs[0] = gc_uniform(-2, 2, 1, SELI_SHAPE(3, 2));
    xs[1] = gc_uniform(-2, 2, 2, SELI_SHAPE(3, 2));
    gradcheck(f_mse, 2, xs, NULL, 1e-3);
    gradcheck2(f_mse, 2, xs, NULL, 1e-3);

    /* MAE: keep pred - target away from the kink at 0 */
    xs[0] = gc_uniform(1, 2, 3, SELI_SHAPE(5));
    xs[1] = gc_uniform(-2, -1, 4, SELI_SHAPE(5));
    gradcheck(f_mae, 2, xs, NULL, 1e-3);

    xs[0] = gc_uniform(-4, 4, 5, SELI_SHAPE(2, 3));
    xs[1] = gc_uniform(0, 1, 6, SELI_SHAPE(2, 3));
    gradcheck(f_bce, 2, xs, NULL, 1e-3);
    gradcheck2(f_bce, 2, xs, NULL, 1e-3);
}

static void test_a_column_prediction_is_compared_elementwise_not_broadcast(void **state)
{
    (void)state;
    /* [3, 1] against [3] must not broadcast to [3, 3] */
    seli_tensor *p = seli_from_array((float[]){1, 2, 3}, SELI_SHAPE(3, 1));
    seli_tensor *t = seli_from_array((float[]){1, 2, 5}, SELI_SHAPE(3));
    assert_float_equal(seli_item(seli_mse(p, t)), 4.0 / 3, 1e-6);
}

static void test_a_scalar_target_broadcasts(void **state)
{
    (void)state;
    seli_tensor *p = seli_from_array((float[]){1, 2, 3}, SELI_SHAPE(3));
    assert_float_equal(seli_item(seli_mse(p, seli_scalar(2))), 2.0 / 3, 1e-6);
}

static void test_incompatible_shapes_are_a_clear_error(void **state)
{
    (void)state;
    seli_tensor *p = seli_zeros(SELI_SHAPE(4, 2));
    seli_tensor *t = seli_zeros(SELI_SHAPE(3));
    EXPECT_SELI_ERROR(seli_mse(p, t), "seli_mse: the prediction has shape [4, 2]");
    EXPECT_SELI_ERROR(seli_bce_logits(p, t), "target has shape [3]");
    EXPECT_SELI_ERROR(seli_mae(NULL, t), "seli_mae");
}

/* test:Double: y = 2 x */
static seli_tensor *double_forward(seli_module *m, int n, seli_tensor *const *xs)
{
    (void)m, (void)n;
    return seli_mul_scalar(xs[0], 2);
}

static void test_loss_functions_call_the_model_on_the_inputs_after_the_target(void **state)
{
    (void)state;
    seli_module *m = seli_module_new("test:Double", double_forward);
    seli_tensor *x = seli_from_array((float[]){1, 2}, SELI_SHAPE(2));
    seli_tensor *y = seli_from_array((float[]){2, 5}, SELI_SHAPE(2));
    seli_tensor *in[] = {y, x};
    /* model(x) = (2, 4): mse (0 + 1) / 2, mae (0 + 1) / 2 */
    assert_float_equal(seli_item(seli_loss_mse(m, 2, in, NULL)), 0.5, 1e-6);
    assert_float_equal(seli_item(seli_loss_mae(m, 2, in, NULL)), 0.5, 1e-6);
    seli_tensor *labels = seli_from_array((float[]){1, 0}, SELI_SHAPE(2));
    seli_tensor *in2[] = {labels, x};
    double want = (log1p(exp(-2.0)) + log1p(exp(4.0))) / 2;
    assert_float_equal(seli_item(seli_loss_bce_logits(m, 2, in2, NULL)), want, 1e-5);
    EXPECT_SELI_ERROR(seli_loss_mse(m, 1, in, NULL), "the target and then the model's inputs");
    seli_module_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mse_is_the_mean_of_squared_differences),
        cmocka_unit_test(test_mae_is_the_mean_of_absolute_differences),
        cmocka_unit_test(test_bce_logits_matches_the_cross_entropy_of_probabilities),
        cmocka_unit_test(test_bce_logits_is_finite_for_huge_logits),
        cmocka_unit_test(test_loss_gradients_match_finite_differences),
        cmocka_unit_test(test_a_column_prediction_is_compared_elementwise_not_broadcast),
        cmocka_unit_test(test_a_scalar_target_broadcasts),
        cmocka_unit_test(test_incompatible_shapes_are_a_clear_error),
        cmocka_unit_test(test_loss_functions_call_the_model_on_the_inputs_after_the_target),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
