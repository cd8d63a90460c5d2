/* test_init.c: the statistics of every initializer, orthogonality, fans,
 * determinism and the text form of initializers. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "seli.h"

#include "error_trap.h"

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

typedef struct {
    double mean, std, min, max;
} stats;

static stats stats_of(const seli_tensor *t)
{
    stats s = {0, 0, INFINITY, -INFINITY};
    for (long i = 0; i < t->size; i++) {
        double v = t->data[i];
        s.mean += v;
        s.min = v < s.min ? v : s.min;
        s.max = v > s.max ? v : s.max;
    }
    s.mean /= (double)t->size;
    for (long i = 0; i < t->size; i++)
        s.std += (t->data[i] - s.mean) * (t->data[i] - s.mean);
    s.std = sqrt(s.std / (double)t->size);
    return s;
}

/* mean 0 within 5 standard errors, std within 2% (the std's own standard
 * error is std / sqrt(2n), 0.2% for n = 120000). */
static void assert_normal_like(const seli_tensor *t, double std)
{
    stats s = stats_of(t);
    double se = std / sqrt((double)t->size);
    if (fabs(s.mean) > 5 * se)
        fail_msg("mean %g, expected 0 +- %g", s.mean, 5 * se);
    if (fabs(s.std / std - 1) > 0.02)
        fail_msg("std %g, expected %g", s.std, std);
}

static void test_he_normal_has_std_sqrt_2_over_fan_in(void **state)
{
    (void)state;
    seli_tensor *w = seli_init_sample(seli_init_he(), seli_seed(1), SELI_SHAPE(400, 300));
    assert_normal_like(w, sqrt(2.0 / 400));
    /* leading dimensions multiply the fans: [3, 200, 100] has fan_in 600 */
    seli_tensor *k = seli_init_sample(seli_init_he(), seli_seed(2), SELI_SHAPE(3, 200, 100));
    assert_normal_like(k, sqrt(2.0 / 600));
}

static void test_glorot_normal_has_std_sqrt_2_over_fan_in_plus_fan_out(void **state)
{
    (void)state;
    seli_tensor *w = seli_init_sample(seli_init_glorot(), seli_seed(3), SELI_SHAPE(400, 300));
    assert_normal_like(w, sqrt(2.0 / 700));
}

/* The seed's other variance-scaled initializers: LeCun normal, and He,
 * Glorot and LeCun uniform, each within its limit and with its variance. */
static void test_lecun_and_the_uniform_variance_scalings(void **state)
{
    (void)state;
    seli_tensor *w = seli_init_sample(seli_init_lecun(), seli_seed(4), SELI_SHAPE(400, 300));
    assert_normal_like(w, sqrt(1.0 / 400));
    const struct {
        seli_init init;
        double limit;
    } cases[] = {{seli_init_he_uniform(), sqrt(6.0 / 400)},
                 {seli_init_glorot_uniform(), sqrt(6.0 / 700)},
                 {seli_init_lecun_uniform(), sqrt(3.0 / 400)}};
    for (int i = 0; i < 3; i++) {
        seli_tensor *u = seli_init_sample(cases[i].init, seli_seed(5 + i), SELI_SHAPE(400, 300));
        stats st = stats_of(u);
        assert_true(st.min >= -cases[i].limit && st.max < cases[i].limit);
        assert_true(st.min < -0.99 * cases[i].limit && st.max > 0.99 * cases[i].limit);
        assert_normal_like(u, cases[i].limit / sqrt(3.0)); /* a uniform's std: limit / sqrt 3 */
    }
}

static void test_normal_has_the_given_std(void **state)
{
    (void)state;
    seli_tensor *w = seli_init_sample(seli_init_normal(0.5f), seli_seed(4), SELI_SHAPE(100000));
    assert_normal_like(w, 0.5);
}

static void test_truncated_normal_stays_within_two_std(void **state)
{
    (void)state;
    seli_tensor *w =
        seli_init_sample(seli_init_truncated_normal(0.3f), seli_seed(5), SELI_SHAPE(200, 500));
    stats s = stats_of(w);
    assert_true(s.min >= -0.6 - 1e-6 && s.max <= 0.6 + 1e-6);
    /* the std of a standard normal truncated to [-2, 2] is 0.87962566 */
    assert_normal_like(w, 0.3 * 0.87962566);
    /* values near the bounds do occur (it is not clipped to a narrower range) */
    assert_true(s.max > 0.55 && s.min < -0.55);
}

static void test_uniform_covers_its_range(void **state)
{
    (void)state;
    seli_tensor *w = seli_init_sample(seli_init_uniform(-1, 3), seli_seed(6), SELI_SHAPE(100000));
    stats s = stats_of(w);
    assert_true(s.min >= -1 && s.max < 3);
    assert_true(s.min < -0.99 && s.max > 2.99);
    assert_true(fabs(s.mean - 1) < 0.02);
    assert_true(fabs(s.std - 4 / sqrt(12.0)) < 0.02);
}

static void test_constant_initializers_fill_exactly(void **state)
{
    (void)state;
    seli_tensor *z = seli_init_sample(seli_init_zeros(), seli_seed(0), SELI_SHAPE(3, 2));
    seli_tensor *o = seli_init_sample(seli_init_ones(), seli_seed(0), SELI_SHAPE(3, 2));
    seli_tensor *c = seli_init_sample(seli_init_constant(-2.5f), seli_seed(0), SELI_SHAPE(4));
    for (long i = 0; i < 6; i++)
        assert_true(z->data[i] == 0 && o->data[i] == 1);
    for (long i = 0; i < 4; i++)
        assert_true(c->data[i] == -2.5f);
    seli_tensor *s = seli_init_sample(seli_init_ones(), seli_seed(0), 0, NULL);
    assert_int_equal(s->ndim, 0);
    assert_true(seli_item(s) == 1);
}

/* max |A^T A - I| for a [rows, cols] matrix (columns), or |A A^T - I| (rows). */
static double gram_error(const seli_tensor *a, long rows, long cols, int by_columns)
{
    long n = by_columns ? cols : rows, len = by_columns ? rows : cols;
    double worst = 0;
    for (long i = 0; i < n; i++)
        for (long j = 0; j < n; j++) {
            double dot = 0;
            for (long k = 0; k < len; k++) {
                double u = by_columns ? a->data[k * cols + i] : a->data[i * cols + k];
                double v = by_columns ? a->data[k * cols + j] : a->data[j * cols + k];
                dot += u * v;
            }
            double e = fabs(dot - (i == j));
            worst = e > worst ? e : worst;
        }
    return worst;
}

static void test_orthogonal_gives_orthonormal_columns_or_rows(void **state)
{
    (void)state;
    seli_tensor *tall = seli_init_sample(seli_init_orthogonal(), seli_seed(7), SELI_SHAPE(6, 4));
    assert_true(gram_error(tall, 6, 4, 1) < 1e-5); /* W^T W = I */
    seli_tensor *wide = seli_init_sample(seli_init_orthogonal(), seli_seed(8), SELI_SHAPE(3, 5));
    assert_true(gram_error(wide, 3, 5, 0) < 1e-5); /* W W^T = I */
    seli_tensor *sq = seli_init_sample(seli_init_orthogonal(), seli_seed(9), SELI_SHAPE(32, 32));
    assert_true(gram_error(sq, 32, 32, 1) < 1e-5);
    assert_true(gram_error(sq, 32, 32, 0) < 1e-5);
    /* [2, 3, 4] is seen as a [6, 4] matrix */
    seli_tensor *t3 = seli_init_sample(seli_init_orthogonal(), seli_seed(10), SELI_SHAPE(2, 3, 4));
    assert_true(gram_error(t3, 6, 4, 1) < 1e-5);
    /* not just the identity: a random rotation */
    assert_true(fabs(sq->data[0]) < 0.999);
}

static void test_same_key_same_values_other_key_other_values(void **state)
{
    (void)state;
    seli_init inits[] = {seli_init_he(),          seli_init_glorot(),
                         seli_init_normal(1),     seli_init_truncated_normal(1),
                         seli_init_uniform(0, 1), seli_init_orthogonal()};
    for (size_t i = 0; i < sizeof inits / sizeof inits[0]; i++) {
        seli_tensor *a = seli_init_sample(inits[i], seli_seed(11), SELI_SHAPE(5, 4));
        seli_tensor *b = seli_init_sample(inits[i], seli_seed(11), SELI_SHAPE(5, 4));
        seli_tensor *c = seli_init_sample(inits[i], seli_seed(12), SELI_SHAPE(5, 4));
        assert_memory_equal(a->data, b->data, 20 * sizeof(float));
        assert_memory_not_equal(a->data, c->data, 20 * sizeof(float));
    }
}

static void test_initializers_print_and_parse_back(void **state)
{
    (void)state;
    seli_init inits[] = {seli_init_he(),
                         seli_init_glorot(),
                         seli_init_normal(0.02f),
                         seli_init_truncated_normal(0.1f),
                         seli_init_uniform(-0.25f, 0.5f),
                         seli_init_zeros(),
                         seli_init_ones(),
                         seli_init_constant(3.25f),
                         seli_init_orthogonal(),
                         seli_init_lecun(),
                         seli_init_he_uniform(),
                         seli_init_glorot_uniform(),
                         seli_init_lecun_uniform()};
    char buf[64];
    for (size_t i = 0; i < sizeof inits / sizeof inits[0]; i++) {
        seli_init back = seli_init_parse(seli_init_str(inits[i], buf, sizeof buf));
        assert_int_equal(back.kind, inits[i].kind);
        assert_true(back.a == inits[i].a);
        assert_true(back.b == inits[i].b);
    }
    assert_string_equal(seli_init_str(seli_init_uniform(-1, 1), buf, sizeof buf), "uniform(-1, 1)");
    EXPECT_SELI_ERROR(seli_init_parse("gaussian(1)"), "is not an initializer");
    EXPECT_SELI_ERROR(seli_init_parse("normal(1"), "is not an initializer");
}

static void test_bad_initializers_are_clear_errors(void **state)
{
    (void)state;
    EXPECT_SELI_ERROR(seli_init_sample(seli_init_normal(-1), seli_seed(0), SELI_SHAPE(2)),
                      "std >= 0");
    EXPECT_SELI_ERROR(seli_init_sample(seli_init_uniform(2, 2), seli_seed(0), SELI_SHAPE(2)),
                      "low < high");
    EXPECT_SELI_ERROR(seli_init_sample(seli_init_orthogonal(), seli_seed(0), 0, NULL), "scalar");
    EXPECT_SELI_ERROR(seli_init_sample((seli_init){99, 0, 0}, seli_seed(0), SELI_SHAPE(2)),
                      "unknown initializer");
}

static void test_affine_uses_its_stored_initializers(void **state)
{
    (void)state;
    seli_module *m =
        seli_set_rngs(seli_net_affine_init(300, seli_init_glorot(), seli_init_constant(0.5f)), 3);
    seli_call(m, seli_zeros(SELI_SHAPE(1, 400)));
    assert_normal_like(seli_get_param(m, "weight"), sqrt(2.0 / 700));
    seli_tensor *b = seli_get_param(m, "bias");
    for (long i = 0; i < b->size; i++)
        assert_true(b->data[i] == 0.5f);
    /* a default affine is He */
    seli_module *d = seli_set_rngs(seli_net_affine(300), 3);
    seli_call(d, seli_zeros(SELI_SHAPE(1, 400)));
    assert_normal_like(seli_get_param(d, "weight"), sqrt(2.0 / 400));
    seli_module_free(m);
    seli_module_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_he_normal_has_std_sqrt_2_over_fan_in, setup, teardown),
        cmocka_unit_test_setup_teardown(test_glorot_normal_has_std_sqrt_2_over_fan_in_plus_fan_out,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_lecun_and_the_uniform_variance_scalings, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_normal_has_the_given_std, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_normal_stays_within_two_std, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_uniform_covers_its_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_constant_initializers_fill_exactly, setup, teardown),
        cmocka_unit_test_setup_teardown(test_orthogonal_gives_orthonormal_columns_or_rows, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_same_key_same_values_other_key_other_values, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_initializers_print_and_parse_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_initializers_are_clear_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_affine_uses_its_stored_initializers, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
