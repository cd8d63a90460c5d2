/* test_optim.c: the optimizers' first steps against the paper's equations
 * worked by hand, the step machinery (scopes, untouched parameters, errors),
 * and Rosenbrock's function as in the paper's figure. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "error_trap.h"
#include "seli.h"

/* ------------------------------------------------------------------ */
/* the registry: a fresh program knows every built-in type              */
/* ------------------------------------------------------------------ */

/* Runs first, before anything in this program has made a module or an
 * optimizer: seli_load must be able to rebuild any built-in type from its
 * name alone.  Then each constructor must make a module of the type listed. */
static void test_a_fresh_program_sees_every_builtin_net_and_opt_type(void **state)
{
    (void)state;
    static const char *const net_types[] = {
        "net.Affine",  "net.Linear",    "net.Bias",      "net.Scale",   "net.Sequential",
        "net.ReLU",    "net.LeakyReLU", "net.ELU",       "net.GELU",    "net.Tanh",
        "net.Sigmoid", "net.Softplus",  "net.LayerNorm", "net.RMSNorm",
        "net.Add",     "net.Multiply",  "net.Constant",  "net.Identity", "net.Rearrange",
        "net.Reduce",  "net.Repeat",    "net.Einsum",    "net.DotProductAttention",
        "net.CrossAttention",
    };
    static const char *const opt_types[] = {"opt.SGD",     "opt.Momentum", "opt.Nesterov",
                                            "opt.RMSProp", "opt.AdaGrad",  "opt.Adam"};
    for (size_t i = 0; i < sizeof net_types / sizeof net_types[0]; i++)
        if (!seli_is_registered(net_types[i]))
            fail_msg("%s is not registered in a fresh program", net_types[i]);
    for (size_t i = 0; i < sizeof opt_types / sizeof opt_types[0]; i++)
        if (!seli_is_registered(opt_types[i]))
            fail_msg("%s is not registered in a fresh program", opt_types[i]);
    seli_module *opts[] = {seli_opt_sgd(0.1),           seli_opt_momentum(0.1, 0.9),
                           seli_opt_nesterov(0.1, 0.9), seli_opt_rmsprop(0.1, 0.9),
                           seli_opt_adagrad(0.1),       seli_opt_adam(0.1)};
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
        assert_string_equal(seli_module_type(opts[i]), opt_types[i]);
        seli_module_free(opts[i]);
    }
}

/* ------------------------------------------------------------------ */
/* a quadratic: L(theta) = sum(theta^2), so g = 2 theta; theta0 = (1, -2) */
/* ------------------------------------------------------------------ */

static seli_tensor *sum_of_squares(seli_tensor *const *p, void *ctx)
{
    (void)ctx;
    return seli_sum_all(seli_square(p[0]));
}

static seli_tensor *new_theta(void)
{
    seli_tensor *t = seli_tensor_new(SELI_SHAPE(2));
    t->data[0] = 1;
    t->data[1] = -2;
    return seli_requires_grad(t);
}

/* Run steps of opt on the quadratic; check theta after each against want
 * (steps x 2 values) and each returned loss against the loss before it. */
static void check_steps(seli_module *opt, int steps, const double *want)
{
    seli_tensor *theta = new_theta();
    for (int s = 0; s < steps; s++) {
        double before =
            (double)theta->data[0] * theta->data[0] + (double)theta->data[1] * theta->data[1];
        float loss = seli_minimize_tensors(opt, sum_of_squares, 1, &theta, NULL);
        assert_float_equal(loss, before, 1e-5 * (1 + before));
        for (int i = 0; i < 2; i++)
            if (fabs(theta->data[i] - want[2 * s + i]) > 2e-6 * (1 + fabs(want[2 * s + i])))
                fail_msg("%s step %d element %d: got %.8f, want %.8f", seli_module_type(opt), s + 1,
                         i, theta->data[i], want[2 * s + i]);
    }
    assert_int_equal(seli_get_int(opt, "t"), steps);
    seli_tensor_free(theta);
    seli_module_free(opt);
}

static void test_sgd_matches_the_equation_for_three_steps(void **state)
{
    (void)state;
    /* theta -= 0.1 * 2 theta: theta is multiplied by 0.8 each step */
    const double want[] = {0.8, -1.6, 0.64, -1.28, 0.512, -1.024};
    check_steps(seli_opt_sgd(0.1), 3, want);
}

static void test_momentum_matches_the_equation_for_three_steps(void **state)
{
    (void)state;
    /* lr 0.1, beta 0.9, in units of theta0:
     * v1 = 0.1*2*1 = 0.2                    theta1 = 0.8
     * v2 = 0.9*0.2 + 0.1*2*0.8 = 0.34       theta2 = 0.46
     * v3 = 0.9*0.34 + 0.1*2*0.46 = 0.398    theta3 = 0.062 */
    const double want[] = {0.8, -1.6, 0.46, -0.92, 0.062, -0.124};
    check_steps(seli_opt_momentum(0.1, 0.9), 3, want);
}

static void test_nesterov_takes_the_seeds_steps_for_three_steps(void **state)
{
    (void)state;
    /* the seed's rule, gradient at theta: v = 0.9 v + g; theta -= 0.1 (0.9 v + 0.1 g);
     * in units of theta0 (g = 2 theta):
     * g = 2       v1 = 2                    step 0.1 (1.8 + 0.2)     = 0.2    theta1 = 0.8
     * g = 1.6     v2 = 1.8 + 1.6 = 3.4      step 0.1 (3.06 + 0.16)   = 0.322  theta2 = 0.478
     * g = 0.956   v3 = 3.06 + 0.956 = 4.016 step 0.1 (3.6144 + 0.0956) = 0.371 theta3 = 0.107 */
    const double want[] = {0.8, -1.6, 0.478, -0.956, 0.107, -0.214};
    check_steps(seli_opt_nesterov(0.1, 0.9), 3, want);
}

static void test_rmsprop_matches_the_equation_for_three_steps(void **state)
{
    (void)state;
    /* lr 0.1, beta 0.9, eps 1e-8.  Step 1: v = 0.1 g^2, so theta -= 0.1 sign(g)
     * / sqrt(0.1) = sqrt(0.1) sign(g): 1 - 0.3162278 = 0.6837722.
     * Step 2, element 0: g = 1.3675445, v = 0.9*0.4 + 0.1*g^2 = 0.5470177,
     * theta = 0.6837722 - 0.1*1.3675445/0.7396064 = 0.4988706. */
    const double want[] = {0.6837722, -1.6837722, 0.4988706, -1.4738753, 0.3691806, -1.3087179};
    check_steps(seli_opt_rmsprop(0.1, 0.9), 3, want);
}

static void test_adagrad_matches_the_equation_for_three_steps(void **state)
{
    (void)state;
    /* lr 0.1.  Step 1: s = g^2, theta -= 0.1 sign(g): (0.9, -1.9).
     * Step 2, element 0: g = 1.8, s = 4 + 3.24 = 7.24,
     * theta = 0.9 - 0.1*1.8/2.6907248 = 0.8331035. */
    const double want[] = {0.9, -1.9, 0.8331035, -1.8311251, 0.7804562, -1.7758215};
    check_steps(seli_opt_adagrad(0.1), 3, want);
}

static void test_adam_matches_closed_form_first_steps(void **state)
{
    (void)state;
    /* lr 0.1, b1 0.9, b2 0.999.  Step 1: m^ = g, v^ = g^2, theta -= 0.1 sign(g).
     * Step 2, element 0: g = 1.8, m = 0.9*0.2 + 0.1*1.8 = 0.36, m^ = 0.36/0.19,
     * v = 0.999*0.004 + 0.001*3.24 = 0.007236, v^ = 0.007236/0.001999,
     * theta = 0.9 - 0.1*1.8947368/1.9025801 = 0.8004122. */
    const double want[] = {0.9, -1.9, 0.8004122, -1.8001665, 0.7015863, -1.7006234};
    check_steps(seli_opt_adam(0.1), 3, want);
}

static void test_adam_full_stores_its_settings(void **state)
{
    (void)state;
    seli_module *opt = seli_opt_adam_full(1e-3, 0.8, 0.99, 1e-6);
    assert_string_equal(seli_module_type(opt), "opt.Adam");
    assert_float_equal(seli_get_float(opt, "beta1"), 0.8, 1e-7);
    assert_float_equal(seli_get_float(opt, "beta2"), 0.99, 1e-7);
    assert_float_equal(seli_get_float(opt, "eps"), 1e-6, 1e-12);
    assert_true(seli_is_optimizer(opt));
    seli_module_free(opt);
}

static void test_learning_rate_can_change_between_steps(void **state)
{
    (void)state;
    seli_module *opt = seli_opt_sgd(0.1);
    seli_tensor *theta = new_theta();
    seli_set_float(opt, "lr", 0.25);
    seli_minimize_tensors(opt, sum_of_squares, 1, &theta, NULL);
    assert_float_equal(theta->data[0], 0.5, 1e-7); /* 1 - 0.25*2 */
    seli_tensor_free(theta);
    seli_module_free(opt);
}

/* ------------------------------------------------------------------ */
/* modules                                                              */
/* ------------------------------------------------------------------ */

/* test:Half: y = x * used; the parameter "unused" exists but the output
 * does not depend on it. */
static seli_tensor *half_forward(seli_module *m, int n, seli_tensor *const *xs)
{
    (void)n;
    seli_tensor *used = seli_param(m, "used", seli_init_constant(2), SELI_SHAPE(1));
    seli_param(m, "unused", seli_init_constant(5), SELI_SHAPE(1));
    return seli_mul(xs[0], used);
}

static seli_module *half_model(void)
{
    return seli_set_rngs(seli_module_new("test:Half", half_forward), 1);
}

static void test_untouched_parameter_keeps_its_value_and_gets_no_state(void **state)
{
    (void)state;
    seli_module *model = half_model();
    seli_module *opt = seli_opt_adam(0.1);
    seli_tensor *x = seli_from_array((float[]){1, 2}, SELI_SHAPE(2));
    seli_tensor *y = seli_zeros(SELI_SHAPE(2));
    seli_minimize_v(opt, seli_loss_mse, model, y, x);
    assert_float_equal(seli_get_param(model, "unused")->data[0], 5, 0);
    assert_float_equal(seli_get_param(model, "used")->data[0], 1.9, 1e-6); /* Adam: -lr */
    assert_int_equal(seli_has(opt, "m.used"), SELI_ATTR_BUFFER);
    assert_int_equal(seli_has(opt, "v.used"), SELI_ATTR_BUFFER);
    assert_int_equal(seli_has(opt, "m.unused"), SELI_ATTR_NONE);
    seli_module_free(opt);
    seli_module_free(model);
}

static void
test_minimize_returns_the_loss_before_the_step_and_sgd_follows_the_gradient(void **state)
{
    (void)state;
    seli_module *model = half_model();
    seli_module *opt = seli_opt_sgd(0.01);
    seli_tensor *x = seli_from_array((float[]){1, 2}, SELI_SHAPE(2));
    seli_tensor *y = seli_from_array((float[]){1, 1}, SELI_SHAPE(2));
    /* w = 2: pred (2, 4), loss = ((1)^2 + (3)^2)/2 = 5,
     * dL/dw = mean(2 (w x - y) x) = (2*1*1 + 2*3*2)/2 = 7 -> w = 2 - 0.07 */
    float loss = seli_minimize_v(opt, seli_loss_mse, model, y, x);
    assert_float_equal(loss, 5, 1e-6);
    assert_float_equal(seli_get_param(model, "used")->data[0], 1.93, 1e-6);
    seli_module_free(opt);
    seli_module_free(model);
}

static void test_minimize_runs_in_its_own_scope(void **state)
{
    (void)state;
    seli_module *model = half_model();
    seli_module *opt = seli_opt_adam(0.01);
    seli_tensor *x = seli_from_array((float[]){1, 2}, SELI_SHAPE(2));
    seli_tensor *y = seli_zeros(SELI_SHAPE(2));
    seli_minimize_v(opt, seli_loss_mse, model, y, x); /* creates params and state */
    int depth = seli_scope_depth();
    long long bytes = seli_scope_bytes();
    for (int i = 0; i < 1000; i++)
        seli_minimize_v(opt, seli_loss_mse, model, y, x);
    assert_int_equal(seli_scope_depth(), depth);
    assert_true(seli_scope_bytes() == bytes);
    seli_module_free(opt);
    seli_module_free(model);
}

static seli_tensor *loss_ignoring_model(seli_module *model, int n, seli_tensor *const *inputs,
                                        void *ctx)
{
    (void)model, (void)n, (void)ctx;
    return seli_mean_all(inputs[0]);
}

static void test_loss_without_parameters_is_an_error(void **state)
{
    (void)state;
    seli_module *model = half_model();
    seli_module *opt = seli_opt_adam(0.01);
    seli_tensor *x = seli_from_array((float[]){1, 2}, SELI_SHAPE(2));
    EXPECT_SELI_ERROR(seli_minimize_v(opt, loss_ignoring_model, model, x),
                      "does not depend on any parameter");
    assert_int_equal(seli_get_int(opt, "t"), 0); /* nothing changed */
    seli_module_free(opt);
    seli_module_free(model);
}

static seli_tensor *constant_objective(seli_tensor *const *p, void *ctx)
{
    (void)p, (void)ctx;
    return seli_scalar(3);
}

static void test_objective_without_the_tensors_is_an_error(void **state)
{
    (void)state;
    seli_module *opt = seli_opt_sgd(0.1);
    seli_tensor *theta = new_theta();
    EXPECT_SELI_ERROR(seli_minimize_tensors(opt, constant_objective, 1, &theta, NULL),
                      "does not depend on any of the 1 tensors");
    seli_tensor_free(theta);
    seli_module_free(opt);
}

static seli_tensor *vector_objective(seli_tensor *const *p, void *ctx)
{
    (void)ctx;
    return seli_square(p[0]);
}

static void test_misuse_is_reported_clearly(void **state)
{
    (void)state;
    seli_module *opt = seli_opt_sgd(0.1);
    seli_module *model = half_model();
    seli_tensor *theta = new_theta();
    seli_tensor *loose = seli_zeros(SELI_SHAPE(2));
    EXPECT_SELI_ERROR(seli_minimize_tensors(opt, vector_objective, 1, &theta, NULL),
                      "must be a scalar");
    EXPECT_SELI_ERROR(seli_minimize_tensors(model, sum_of_squares, 1, &theta, NULL),
                      "not an optimizer");
    EXPECT_SELI_ERROR(seli_minimize_tensors(opt, sum_of_squares, 1, &loose, NULL),
                      "seli_requires_grad");
    EXPECT_SELI_ERROR(seli_minimize(opt, seli_loss_mse, model, 0, NULL, NULL),
                      "the target and then the model's inputs");
    EXPECT_SELI_ERROR(seli_opt_adam(-1), "lr = -1");
    EXPECT_SELI_ERROR(seli_opt_momentum(0.1, 1), "beta = 1");
    seli_set_float(opt, "lr", NAN);
    EXPECT_SELI_ERROR(seli_minimize_tensors(opt, sum_of_squares, 1, &theta, NULL), "lr = nan");
    assert_float_equal(theta->data[0], 1, 0);
    seli_tensor_free(theta);
    seli_module_free(model);
    seli_module_free(opt);
}

static int fail_now;

static seli_tensor *failing_objective(seli_tensor *const *p, void *ctx)
{
    (void)ctx;
    if (fail_now)
        seli_error("failing_objective: on purpose");
    return seli_sum_all(seli_square(p[0]));
}

static void test_error_in_the_loss_leaves_parameters_and_handler_as_they_were(void **state)
{
    (void)state;
    seli_module *opt = seli_opt_nesterov(0.1, 0.9);
    seli_tensor *theta = new_theta();
    fail_now = 0;
    seli_minimize_tensors(opt, failing_objective, 1, &theta, NULL);
    fail_now = 1;
    EXPECT_SELI_ERROR(seli_minimize_tensors(opt, failing_objective, 1, &theta, NULL), "on purpose");
    fail_now = 0;
    assert_float_equal(theta->data[0], 0.8, 1e-7);
    assert_float_equal(theta->data[1], -1.6, 1e-7);
    /* and the handler is the test's again: the next error is still caught */
    EXPECT_SELI_ERROR(seli_opt_sgd(-1), "lr");
    seli_tensor_free(theta);
    seli_module_free(opt);
}

/* ------------------------------------------------------------------ */
/* Rosenbrock, with the paper's settings                                */
/* ------------------------------------------------------------------ */

static seli_tensor *rosenbrock(seli_tensor *const *p, void *ctx)
{
    (void)ctx;
    seli_tensor *x = seli_slice(p[0], 0, 0, 1, 1), *y = seli_slice(p[0], 0, 1, 2, 1);
    seli_tensor *a = seli_square(seli_add_scalar(seli_neg(x), 1));
    seli_tensor *b = seli_mul_scalar(seli_square(seli_sub(y, seli_square(x))), 100);
    return seli_sum_all(seli_add(a, b));
}

/* Returns the distance of the end point from (1, 1); *value gets f there. */
static double run_rosenbrock(seli_module *opt, int steps, double *value)
{
    seli_tensor *xy = seli_requires_grad(seli_tensor_new(SELI_SHAPE(2)));
    xy->data[0] = -0.5f;
    xy->data[1] = 1;
    for (int i = 0; i < steps; i++)
        seli_minimize_tensors(opt, rosenbrock, 1, &xy, NULL);
    double x = xy->data[0], y = xy->data[1];
    double d = hypot(x - 1.0, y - 1.0);
    *value = (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x);
    seli_tensor_free(xy);
    seli_module_free(opt);
    return d;
}

/* The paper's figure: from (-0.5, 1), 4096 steps with its settings.  Every
 * optimizer descends (f falls from 58.5 to below half of it; AdaGrad's steps
 * shrink fastest).  Adam reaches the minimum within 1500 steps.  (Left
 * running, Adam with lr 0.1 leaves it again: once its v has decayed, the
 * effective step lr / sqrt(v) exceeds 2 / curvature at (1, 1), the same in
 * numpy's float32.) */
static void test_every_optimizer_descends_rosenbrock_and_adam_reaches_its_minimum(void **state)
{
    (void)state;
    seli_module *rms = seli_opt_rmsprop(4e-3, 0.999);
    seli_set_float(rms, "eps", 1e-12);
    seli_module *adam = seli_opt_adam_full(0.1, 0.9, 0.999, 1e-12);
    seli_module *opts[] = {seli_opt_sgd(1e-3),     seli_opt_momentum(1e-3, 0.9), rms,
                           seli_opt_adagrad(1e-3), seli_opt_nesterov(1e-3, 0.9), adam};
    for (int i = 0; i < 6; i++) {
        const char *type = seli_module_type(opts[i]);
        char name[32];
        snprintf(name, sizeof name, "%s", type);
        double f;
        int adam = strcmp(name, "opt.Adam") == 0;
        double d = run_rosenbrock(opts[i], adam ? 1500 : 4096, &f);
        printf("# %-13s f = %.6f, distance to (1, 1) = %.6f\n", name, f, d);
        if (!(f < 58.5 / 2))
            fail_msg("%s ended at f = %g: it did not descend from 58.5", name, f);
        if (adam && !(d < 0.01))
            fail_msg("Adam ended %.4f from (1, 1); it should converge", d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* first: it needs a program that has made no module yet */
        cmocka_unit_test(test_a_fresh_program_sees_every_builtin_net_and_opt_type),
        cmocka_unit_test(test_sgd_matches_the_equation_for_three_steps),
        cmocka_unit_test(test_momentum_matches_the_equation_for_three_steps),
        cmocka_unit_test(test_nesterov_takes_the_seeds_steps_for_three_steps),
        cmocka_unit_test(test_rmsprop_matches_the_equation_for_three_steps),
        cmocka_unit_test(test_adagrad_matches_the_equation_for_three_steps),
        cmocka_unit_test(test_adam_matches_closed_form_first_steps),
        cmocka_unit_test(test_adam_full_stores_its_settings),
        cmocka_unit_test(test_learning_rate_can_change_between_steps),
        cmocka_unit_test(test_untouched_parameter_keeps_its_value_and_gets_no_state),
        cmocka_unit_test(
            test_minimize_returns_the_loss_before_the_step_and_sgd_follows_the_gradient),
        cmocka_unit_test(test_minimize_runs_in_its_own_scope),
        cmocka_unit_test(test_loss_without_parameters_is_an_error),
        cmocka_unit_test(test_objective_without_the_tensors_is_an_error),
        cmocka_unit_test(test_misuse_is_reported_clearly),
        cmocka_unit_test(test_error_in_the_loss_leaves_parameters_and_handler_as_they_were),
        cmocka_unit_test(test_every_optimizer_descends_rosenbrock_and_adam_reaches_its_minimum),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
