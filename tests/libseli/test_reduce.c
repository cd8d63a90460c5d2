/* Reductions: sum, mean, max and logsumexp along an axis (negative axes,
 * keepdims), sum_all and mean_all; values, gradients at first and second
 * order, and the errors. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "error_trap.h"
#include "gradcheck.h"
#include "seli.h"

enum { SUM, MEAN, MAX, LSE };

typedef seli_tensor *(*reduce_fn)(const seli_tensor *, int, int);
static const reduce_fn reducers[] = {seli_sum, seli_mean, seli_max, seli_logsumexp};
static const char *const names[] = {"seli_sum", "seli_mean", "seli_max", "seli_logsumexp"};

/* The reduction of line (o, i) of a, from its definition, in double. */
static double naive(const seli_tensor *a, int axis, int op, long o, long i)
{
    long n = a->shape[axis], inner = 1;
    for (int d = axis + 1; d < a->ndim; d++)
        inner *= a->shape[d];
    const float *p = a->data + o * n * inner + i;
    double s = 0, m = -INFINITY;
    for (long j = 0; j < n; j++) {
        double v = p[j * inner];
        s += v;
        m = v > m ? v : m;
    }
    if (op == SUM)
        return s;
    if (op == MEAN)
        return s / (double)n;
    if (op == MAX)
        return m;
    double e = 0;
    for (long j = 0; j < n; j++)
        e += exp((double)p[j * inner]);
    return log(e);
}

static void test_reductions_match_their_definitions_on_every_axis(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *a = gc_random(-3, 3, 1, SELI_SHAPE(2, 3, 4));
    for (int op = SUM; op <= LSE; op++)
        for (int axis = -3; axis < 3; axis++)
            for (int keep = 0; keep <= 1; keep++) {
                int ax = axis < 0 ? axis + 3 : axis;
                seli_tensor *r = reducers[op](a, axis, keep);
                /* shape: the axis removed, or kept as 1 */
                assert_int_equal(r->ndim, keep ? 3 : 2);
                for (int d = 0, k = 0; d < 3; d++) {
                    if (d == ax && !keep)
                        continue;
                    assert_int_equal(r->shape[k++], d == ax ? 1 : a->shape[d]);
                }
                long outer = 1, inner = 1;
                for (int d = 0; d < ax; d++)
                    outer *= a->shape[d];
                for (int d = ax + 1; d < 3; d++)
                    inner *= a->shape[d];
                for (long o = 0; o < outer; o++)
                    for (long i = 0; i < inner; i++) {
                        double want = naive(a, ax, op, o, i);
                        double got = r->data[o * inner + i];
                        if (fabs(got - want) > 1e-5 * (1 + fabs(want)))
                            fail_msg("%s axis %d keepdims %d at (%ld, %ld): got %g want %g",
                                     names[op], axis, keep, o, i, got, want);
                    }
            }
    seli_scope_end();
}

static void test_sum_all_and_mean_all_reduce_to_a_scalar(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *a = seli_from_array((float[]){1, 2, 3, 4, 5, 6}, SELI_SHAPE(2, 3));
    seli_tensor *s = seli_sum_all(a), *m = seli_mean_all(a);
    assert_int_equal(s->ndim, 0);
    assert_int_equal(m->ndim, 0);
    assert_float_equal(seli_item(s), 21, 0);
    assert_float_equal(seli_item(m), 3.5, 0);
    /* a long sum stays exact where float accumulation would drift */
    seli_tensor *ones = seli_full(0.1f, SELI_SHAPE(1000000));
    assert_float_equal(seli_item(seli_sum_all(ones)), 100000.0 * 1.0000000149, 0.01);
    assert_float_equal(seli_item(seli_sum(ones, 0, 0)), 100000.0 * 1.0000000149, 0.01);
    seli_scope_end();
}

static void test_logsumexp_is_stable_for_large_and_infinite_inputs(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *a = seli_from_array((float[]){1000, 1000, -1000, -1000, -INFINITY, -INFINITY},
                                     SELI_SHAPE(3, 2));
    seli_tensor *r = seli_logsumexp(a, -1, 0);
    assert_float_equal(r->data[0], 1000 + logf(2), 1e-3);
    assert_float_equal(r->data[1], -1000 + logf(2), 1e-3);
    assert_true(isinf(r->data[2]) && r->data[2] < 0);
    seli_scope_end();
}

static void test_max_gradient_goes_to_the_first_maximum(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *x =
        seli_requires_grad(seli_from_array((float[]){1, 3, 3, 2, 5, 5, 0, -1}, SELI_SHAPE(2, 4)));
    seli_tensor *g = seli_grad(seli_sum_all(seli_max(x, 1, 0)), x);
    float want[8] = {0, 1, 0, 0, 1, 0, 0, 0};
    for (int k = 0; k < 8; k++)
        assert_float_equal(g->data[k], want[k], 0);
    seli_scope_end();
}

/* --- gradients: each reduction inside a square, so that the second
 * derivative runs through the reduction's vjp with the graph recorded --- */

typedef struct {
    int op, axis, keep;
} reduce_case;

static seli_tensor *f_reduce(seli_tensor *const *xs, void *ctx)
{
    const reduce_case *c = ctx;
    return seli_square(reducers[c->op](xs[0], c->axis, c->keep));
}

static seli_tensor *f_reduce_plain(seli_tensor *const *xs, void *ctx)
{
    const reduce_case *c = ctx;
    return reducers[c->op](xs[0], c->axis, c->keep);
}

static void test_reduction_gradients_match_finite_differences(void **state)
{
    (void)state;
    seli_scope_begin();
    /* distinct values, so max has no ties for finite differences to straddle */
    seli_tensor *x = gc_uniform(-2, 2, 7, SELI_SHAPE(2, 3, 4));
    for (int op = SUM; op <= LSE; op++)
        for (int axis = -3; axis < 3; axis += 2)
            for (int keep = 0; keep <= 1; keep++) {
                reduce_case c = {op, axis, keep};
                gradcheck(f_reduce_plain, 1, &x, &c, 2e-3);
                gradcheck(f_reduce, 1, &x, &c, 2e-3);
                gradcheck2(f_reduce, 1, &x, &c, 5e-3);
            }
    /* logsumexp alone is curved: its own second derivative (softmax's Jacobian) */
    reduce_case lse = {LSE, -1, 0};
    gradcheck2(f_reduce_plain, 1, &x, &lse, 5e-3);
    seli_scope_end();
}

static seli_tensor *f_sum_all(seli_tensor *const *xs, void *ctx)
{
    (void)ctx;
    return seli_square(seli_sum_all(seli_mul(xs[0], xs[0])));
}

static seli_tensor *f_mean_all(seli_tensor *const *xs, void *ctx)
{
    (void)ctx;
    return seli_square(seli_mean_all(seli_mul(xs[0], xs[0])));
}

static void test_sum_all_and_mean_all_gradients_match_finite_differences(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *x = gc_uniform(-1, 1, 8, SELI_SHAPE(3, 4));
    gradcheck(f_sum_all, 1, &x, NULL, 2e-3);
    gradcheck2(f_sum_all, 1, &x, NULL, 5e-3);
    gradcheck(f_mean_all, 1, &x, NULL, 2e-3);
    gradcheck2(f_mean_all, 1, &x, NULL, 5e-3);
    seli_scope_end();
}

/* --- errors --- */

static void test_reducing_along_a_missing_axis_names_the_shape(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *a = seli_requires_grad(seli_zeros(SELI_SHAPE(2, 3)));
    EXPECT_SELI_ERROR(seli_sum(a, 2, 0), "seli_sum: axis 2 is out of range for a tensor of shape "
                                         "[2, 3]");
    EXPECT_SELI_ERROR(seli_mean(a, -3, 1), "seli_mean: axis -3 is out of range");
    EXPECT_SELI_ERROR(seli_max(a, 5, 0), "seli_max: axis 5");
    EXPECT_SELI_ERROR(seli_logsumexp(a, -4, 0), "seli_logsumexp: axis -4");
    EXPECT_SELI_ERROR(seli_sum(seli_scalar(1), 0, 0), "seli_sum: a is a scalar []");
    seli_scope_end();
}

static void test_failed_reductions_change_no_state(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *a = seli_requires_grad(seli_zeros(SELI_SHAPE(2, 3)));
    seli_tensor *empty = seli_zeros(SELI_SHAPE(2, 0));
    long long bytes = seli_scope_bytes();
    EXPECT_SELI_ERROR(seli_sum(a, 2, 0), "out of range");
    EXPECT_SELI_ERROR(seli_max(empty, 1, 0), "seli_max: axis 1 of a [2, 0] is empty");
    EXPECT_SELI_ERROR(seli_mean(empty, -1, 0), "seli_mean: axis -1 of a [2, 0] is empty");
    EXPECT_SELI_ERROR(seli_mean_all(empty), "seli_mean_all: a [2, 0] has no elements");
    EXPECT_SELI_ERROR(seli_sum_all(NULL), "seli_sum_all: a is NULL");
    assert_true(seli_scope_bytes() == bytes);
    assert_int_equal(seli_no_grad_depth(), 0);
    seli_scope_end();
}

/* A bias gradient, the sum of a [rows, 128] matrix over its rows, adds row
 * after row in float on every path (the AVX-512, AVX2 and plain loops), so
 * training runs agree to the bit whichever path the machine takes. */
static void test_sum_over_rows_adds_row_after_row_in_float(void **state)
{
    (void)state;
    const long rows = 1027, cols[] = {128, 19};
    for (int c = 0; c < 2; c++) {
        seli_scope_begin();
        seli_key key = seli_seed(5);
        seli_tensor *a = seli_normal(seli_next(&key), SELI_SHAPE(2, rows, cols[c]));
        for (long i = 0; i < a->size; i += 7)
            a->data[i] *= 1e4f; /* make the order of the additions show in the bits */
        seli_tensor *s = seli_sum(a, 1, 0);
        assert_int_equal(s->ndim, 2);
        for (long o = 0; o < 2; o++)
            for (long i = 0; i < cols[c]; i++) {
                volatile float want = 0.0f;
                for (long j = 0; j < rows; j++)
                    want += a->data[(o * rows + j) * cols[c] + i];
                if (s->data[o * cols[c] + i] != want)
                    fail_msg("cols %ld: column %ld sums to %.9g, row after row gives %.9g",
                             cols[c], i, (double)s->data[o * cols[c] + i], (double)want);
            }
        seli_scope_end();
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reductions_match_their_definitions_on_every_axis),
        cmocka_unit_test(test_sum_all_and_mean_all_reduce_to_a_scalar),
        cmocka_unit_test(test_sum_over_rows_adds_row_after_row_in_float),
        cmocka_unit_test(test_logsumexp_is_stable_for_large_and_infinite_inputs),
        cmocka_unit_test(test_max_gradient_goes_to_the_first_maximum),
        cmocka_unit_test(test_reduction_gradients_match_finite_differences),
        cmocka_unit_test(test_sum_all_and_mean_all_gradients_match_finite_differences),
        cmocka_unit_test(test_reducing_along_a_missing_axis_names_the_shape),
        cmocka_unit_test(test_failed_reductions_change_no_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
