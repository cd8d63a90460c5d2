/* test_layers.c: every layer's forward pass against hand computations, and
 * its gradients with respect to inputs and parameters against central finite
 * differences (gradcheck.h). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gradcheck.h"
#include "seli.h"

#define TOL 2e-3

static int setup(void **state)
{
    (void)state;
    seli_scope_begin();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    seli_scope_end();
    return 0;
}

static void assert_close(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol * (1 + fabs(want))))
        fail_msg("got %.9g, want %.9g", got, want);
}

/* f(xs) = module(xs[0]); the module's parameters are the other inputs. */
static seli_tensor *call_module(seli_tensor *const *xs, void *ctx)
{
    return seli_call((seli_module *)ctx, xs[0]);
}

/* Check d module(x) / d (x, every parameter) against finite differences. */
static void gradcheck_module(seli_module *m, seli_tensor *x)
{
    seli_call(m, x); /* create the parameters */
    seli_param_list list = seli_module_params(m);
    seli_tensor *xs[GC_MAX_INPUTS];
    assert_true(list.n + 1 <= GC_MAX_INPUTS);
    xs[0] = x;
    for (int i = 0; i < list.n; i++)
        xs[i + 1] = list.params[i];
    gradcheck(call_module, list.n + 1, xs, m, TOL);
    seli_param_list_free(&list);
}

/* --- affine layers --- */

static const float W23[6] = {0.5f, -1.0f, 2.0f, 0.25f, 1.5f, -0.75f}; /* [2, 3] */
static const float B3[3] = {0.1f, -0.2f, 0.3f};

static void test_affine_computes_x_w_plus_b(void **state)
{
    (void)state;
    seli_module *m = seli_net_affine(3);
    seli_set_param(m, "weight", seli_from_array(W23, SELI_SHAPE(2, 3)));
    seli_set_param(m, "bias", seli_from_array(B3, SELI_SHAPE(3)));
    float xv[4] = {1, 2, -3, 0.5f};
    seli_tensor *y = seli_call(m, seli_from_array(xv, SELI_SHAPE(2, 2)));
    assert_int_equal(y->shape[0], 2);
    assert_int_equal(y->shape[1], 3);
    for (int r = 0; r < 2; r++)
        for (int c = 0; c < 3; c++)
            assert_close(y->data[r * 3 + c],
                         xv[r * 2] * W23[c] + xv[r * 2 + 1] * W23[3 + c] + B3[c], 1e-6);
    /* a 1-D input [2] gives [3]; a 3-D input [2, 1, 2] gives [2, 1, 3] */
    seli_tensor *v = seli_call(m, seli_from_array(xv, SELI_SHAPE(2)));
    assert_int_equal(v->ndim, 1);
    assert_close(v->data[2], 1 * 2.0 + 2 * -0.75 + 0.3, 1e-6);
    seli_tensor *t = seli_call(m, seli_from_array(xv, SELI_SHAPE(2, 1, 2)));
    assert_int_equal(t->ndim, 3);
    assert_int_equal(t->shape[2], 3);
    assert_close(t->data[3], -3 * 0.5 + 0.5 * 0.25 + 0.1, 1e-6);
    seli_module_free(m);
}

static void test_linear_has_no_bias(void **state)
{
    (void)state;
    seli_module *m = seli_net_linear(3);
    seli_set_param(m, "weight", seli_from_array(W23, SELI_SHAPE(2, 3)));
    seli_tensor *y = seli_call(m, seli_from_array((float[]){1, 2}, SELI_SHAPE(1, 2)));
    for (int c = 0; c < 3; c++)
        assert_close(y->data[c], W23[c] + 2 * W23[3 + c], 1e-6);
    assert_int_equal(seli_module_param_count(m), 6);
    seli_module_free(m);
}

static void test_bias_and_scale_act_on_the_last_axis(void **state)
{
    (void)state;
    seli_module *b = seli_set_rngs(seli_net_bias(), 0);
    seli_module *s = seli_set_rngs(seli_net_scale(), 0);
    seli_tensor *x = seli_from_array((float[]){1, 2, 3, 4, 5, 6}, SELI_SHAPE(2, 3));
    /* fresh: bias zeros, scale ones, so both are the identity */
    seli_tensor *yb = seli_call(b, x), *ys = seli_call(s, x);
    for (int i = 0; i < 6; i++)
        assert_true(yb->data[i] == x->data[i] && ys->data[i] == x->data[i]);
    seli_set_param(b, "bias", seli_from_array(B3, SELI_SHAPE(3)));
    seli_set_param(s, "scale", seli_from_array(B3, SELI_SHAPE(3)));
    yb = seli_call(b, x);
    ys = seli_call(s, x);
    for (int i = 0; i < 6; i++) {
        assert_close(yb->data[i], x->data[i] + B3[i % 3], 1e-6);
        assert_close(ys->data[i], x->data[i] * B3[i % 3], 1e-6);
    }
    seli_module_free(b);
    seli_module_free(s);
}

static void test_affine_gradients_match_finite_differences(void **state)
{
    (void)state;
    seli_module *m = seli_set_rngs(seli_net_affine(3), 1);
    gradcheck_module(m, gc_uniform(-1, 1, 1, SELI_SHAPE(4, 5)));
    seli_module_free(m);
    m = seli_set_rngs(seli_net_affine(2), 2); /* batch dimensions and a 1-D input */
    gradcheck_module(m, gc_uniform(-1, 1, 2, SELI_SHAPE(2, 3, 4)));
    seli_module_free(m);
    m = seli_set_rngs(seli_net_affine(2), 3);
    gradcheck_module(m, gc_uniform(-1, 1, 3, SELI_SHAPE(4)));
    seli_module_free(m);
}

static void test_linear_bias_scale_gradients_match_finite_differences(void **state)
{
    (void)state;
    seli_module *ms[3] = {seli_net_linear(3), seli_net_bias(), seli_net_scale()};
    for (int i = 0; i < 3; i++) {
        seli_set_rngs(ms[i], 4);
        gradcheck_module(ms[i], gc_uniform(-1, 1, 10 + (unsigned)i, SELI_SHAPE(3, 4)));
        /* move bias and scale away from their initial 0 and 1 and check again */
        seli_param_list l = seli_module_params(ms[i]);
        for (long k = 0; k < l.params[0]->size; k++)
            l.params[0]->data[k] += 0.3f * (float)k - 0.5f;
        seli_param_list_free(&l);
        gradcheck_module(ms[i], gc_uniform(-1, 1, 20 + (unsigned)i, SELI_SHAPE(3, 4)));
        seli_module_free(ms[i]);
    }
}

/* --- sequential --- */

static void test_sequential_composes_its_layers(void **state)
{
    (void)state;
    seli_module *m = seli_set_rngs(
        seli_net_sequential(3, seli_net_affine(4), seli_net_tanh(), seli_net_affine(2)), 6);
    seli_tensor *x = gc_random(-1, 1, 5, SELI_SHAPE(3, 2));
    seli_tensor *y = seli_call(m, x);
    seli_tensor *by_hand = seli_call(seli_net_at(m, 2), seli_tanh(seli_call(seli_net_at(m, 0), x)));
    assert_memory_equal(y->data, by_hand->data, 6 * sizeof(float));
    gradcheck_module(m, gc_uniform(-1, 1, 6, SELI_SHAPE(3, 2)));
    /* an empty Sequential is the identity */
    seli_module *e = seli_net_sequential(0);
    assert_ptr_equal(seli_call(e, x), x);
    seli_net_append(e, seli_net_relu());
    assert_int_equal(seli_net_len(e), 1);
    seli_module_free(m);
    seli_module_free(e);
}

static seli_tensor *mlp_input_grad(seli_tensor *const *xs, void *ctx)
{
    return seli_call((seli_module *)ctx, xs[0]);
}

static void test_mlp_second_derivatives_match_finite_differences(void **state)
{
    (void)state;
    seli_module *m = seli_set_rngs(seli_net_mlp(3, (int[]){8, 8, 1}, seli_net_gelu), 7);
    seli_tensor *x = gc_uniform(-1, 1, 7, SELI_SHAPE(3, 2));
    seli_call(m, x);
    gradcheck2(mlp_input_grad, 1, &x, m, 5e-3);
    seli_module_free(m);
}

/* --- activations --- */

static double act_relu(double x) { return x > 0 ? x : 0; }
static double act_leaky(double x) { return x > 0 ? x : 0.1 * x; }
static double act_elu(double x) { return x > 0 ? x : exp(x) - 1; }
static double act_gelu(double x)
{
    return 0.5 * x * (1 + tanh(sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
}
static double act_tanh(double x) { return tanh(x); }
static double act_sigmoid(double x) { return 1 / (1 + exp(-x)); }
static double act_softplus(double x) { return log1p(exp(x)); }

static void test_activations_match_their_formulas_and_gradients(void **state)
{
    (void)state;
    struct {
        seli_module *m;
        double (*f)(double);
        const char *type;
    } acts[] = {
        {seli_net_relu(), act_relu, "net.ReLU"},
        {seli_net_leaky_relu(0.1f), act_leaky, "net.LeakyReLU"},
        {seli_net_elu(), act_elu, "net.ELU"},
        {seli_net_gelu(), act_gelu, "net.GELU"},
        {seli_net_tanh(), act_tanh, "net.Tanh"},
        {seli_net_sigmoid(), act_sigmoid, "net.Sigmoid"},
        {seli_net_softplus(), act_softplus, "net.Softplus"},
    };
    /* points away from 0, the kink of relu, leaky relu and elu */
    float xv[8] = {-2.5f, -1.0f, -0.3f, -0.05f, 0.07f, 0.4f, 1.3f, 3.0f};
    for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++) {
        assert_string_equal(seli_module_type(acts[i].m), acts[i].type);
        seli_tensor *y = seli_call(acts[i].m, seli_from_array(xv, SELI_SHAPE(2, 4)));
        for (int k = 0; k < 8; k++)
            assert_close(y->data[k], acts[i].f(xv[k]), 1e-5);
        seli_tensor *x = seli_requires_grad(seli_from_array(xv, SELI_SHAPE(2, 4)));
        gradcheck(call_module, 1, &x, acts[i].m, TOL);
        assert_int_equal(seli_module_param_count(acts[i].m), 0);
        seli_module_free(acts[i].m);
    }
}

/* --- normalisation --- */

static void test_layernorm_normalises_the_last_axis(void **state)
{
    (void)state;
    seli_module *m = seli_set_rngs(seli_net_layernorm(), 0);
    float xv[6] = {1, 2, 4, -3, 0, 9};
    seli_set_param(m, "scale", seli_from_array((float[]){1, 2, 0.5f}, SELI_SHAPE(3)));
    seli_set_param(m, "offset", seli_from_array((float[]){0, -1, 3}, SELI_SHAPE(3)));
    seli_tensor *y = seli_call(m, seli_from_array(xv, SELI_SHAPE(2, 3)));
    double scale[3] = {1, 2, 0.5}, offset[3] = {0, -1, 3};
    for (int r = 0; r < 2; r++) {
        const float *row = xv + 3 * r;
        double mean = (row[0] + row[1] + row[2]) / 3.0, var = 0;
        for (int c = 0; c < 3; c++)
            var += (row[c] - mean) * (row[c] - mean) / 3.0;
        for (int c = 0; c < 3; c++)
            assert_close(y->data[3 * r + c],
                         (row[c] - mean) / sqrt(var + 1e-6) * scale[c] + offset[c], 1e-5);
    }
    seli_module_free(m);
}

static void test_rmsnorm_divides_by_the_root_mean_square(void **state)
{
    (void)state;
    seli_module *m = seli_set_rngs(seli_net_rmsnorm(), 0);
    float xv[6] = {1, 2, 4, -3, 0.5f, 9};
    seli_set_param(m, "scale", seli_from_array((float[]){1, 2, 0.5f}, SELI_SHAPE(3)));
    seli_tensor *y = seli_call(m, seli_from_array(xv, SELI_SHAPE(2, 3)));
    double scale[3] = {1, 2, 0.5};
    for (int r = 0; r < 2; r++) {
        const float *row = xv + 3 * r;
        double ms = (row[0] * row[0] + row[1] * row[1] + row[2] * row[2]) / 3.0;
        for (int c = 0; c < 3; c++)
            assert_close(y->data[3 * r + c], row[c] / sqrt(ms + 1e-6) * scale[c], 1e-5);
    }
    assert_int_equal(seli_module_param_count(m), 6); /* scale and offset */
    seli_module_free(m);
}

static void test_norm_gradients_match_finite_differences(void **state)
{
    (void)state;
    seli_module *ms[2] = {seli_net_layernorm(), seli_net_rmsnorm()};
    for (int i = 0; i < 2; i++) {
        seli_set_rngs(ms[i], 8);
        seli_tensor *x = gc_uniform(-2, 2, 30 + (unsigned)i, SELI_SHAPE(3, 5));
        seli_call(ms[i], x);
        seli_param_list l = seli_module_params(ms[i]);
        for (int p = 0; p < l.n; p++) /* scales and offsets away from 1 and 0 */
            for (long k = 0; k < l.params[p]->size; k++)
                l.params[p]->data[k] += 0.2f * (float)k - 0.3f;
        seli_param_list_free(&l);
        gradcheck_module(ms[i], x);
        seli_module_free(ms[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_affine_computes_x_w_plus_b, setup, teardown),
        cmocka_unit_test_setup_teardown(test_linear_has_no_bias, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bias_and_scale_act_on_the_last_axis, setup, teardown),
        cmocka_unit_test_setup_teardown(test_affine_gradients_match_finite_differences, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_linear_bias_scale_gradients_match_finite_differences,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_sequential_composes_its_layers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mlp_second_derivatives_match_finite_differences, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_activations_match_their_formulas_and_gradients, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_layernorm_normalises_the_last_axis, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rmsnorm_divides_by_the_root_mean_square, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_norm_gradients_match_finite_differences, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
