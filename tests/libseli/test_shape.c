/* Shape operations: reshape, transpose, permute, concat, stack, slice, take,
 * expand_dims and squeeze; values, gradients at first and second order, and
 * the errors. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "error_trap.h"
#include "gradcheck.h"
#include "seli.h"

static void assert_shape(const seli_tensor *t, int ndim, const long *shape)
{
    assert_int_equal(t->ndim, ndim);
    for (int i = 0; i < ndim; i++)
        assert_int_equal(t->shape[i], shape[i]);
}

static void assert_values(const seli_tensor *t, long n, const float *want)
{
    assert_int_equal(t->size, n);
    for (long k = 0; k < n; k++)
        if (t->data[k] != want[k])
            fail_msg("element %ld: got %g, want %g", k, (double)t->data[k], (double)want[k]);
}

/* 0, 1, 2, ... in the given shape. */
static seli_tensor *iota(int ndim, const long *shape)
{
    seli_tensor *t = seli_zeros(ndim, shape);
    for (long k = 0; k < t->size; k++)
        t->data[k] = (float)k;
    return t;
}

/* --- values --- */

static void test_reshape_keeps_the_elements_and_infers_minus_one(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *a = iota(SELI_SHAPE(2, 3, 4));
    seli_tensor *r = seli_reshape(a, SELI_SHAPE(4, -1));
    assert_shape(r, SELI_SHAPE(4, 6));
    for (long k = 0; k < 24; k++)
        assert_float_equal(r->data[k], (float)k, 0);
    assert_shape(seli_reshape(a, SELI_SHAPE(-1)), SELI_SHAPE(24));
    assert_shape(seli_reshape(seli_scalar(3), SELI_SHAPE(1, 1)), SELI_SHAPE(1, 1));
    assert_shape(seli_reshape(seli_zeros(SELI_SHAPE(1, 1)), 0, NULL), 0, NULL);
    assert_shape(seli_expand_dims(a, 1), SELI_SHAPE(2, 1, 3, 4));
    assert_shape(seli_expand_dims(a, -1), SELI_SHAPE(2, 3, 4, 1));
    assert_shape(seli_squeeze(seli_zeros(SELI_SHAPE(2, 1, 3)), -2), SELI_SHAPE(2, 3));
    seli_scope_end();
}

static void test_transpose_and_permute_move_elements_like_numpy(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *m = iota(SELI_SHAPE(2, 3));
    seli_tensor *t = seli_transpose(m);
    assert_shape(t, SELI_SHAPE(3, 2));
    assert_values(t, 6, (float[]){0, 3, 1, 4, 2, 5});
    /* a batch of large matrices (the blocked path) */
    seli_tensor *big = iota(SELI_SHAPE(2, 45, 70));
    seli_tensor *bt = seli_transpose(big);
    assert_shape(bt, SELI_SHAPE(2, 70, 45));
    for (long b = 0; b < 2; b++)
        for (long i = 0; i < 70; i++)
            for (long j = 0; j < 45; j++)
                assert_float_equal(bt->data[(b * 70 + i) * 45 + j],
                                   big->data[(b * 45 + j) * 70 + i], 0);
    /* out[i, j, k] = a[j, k, i] for perm {2, 0, 1} */
    seli_tensor *a = iota(SELI_SHAPE(2, 3, 4));
    seli_tensor *p = seli_permute(a, (int[]){2, 0, 1});
    assert_shape(p, SELI_SHAPE(4, 2, 3));
    for (long i = 0; i < 4; i++)
        for (long j = 0; j < 2; j++)
            for (long k = 0; k < 3; k++)
                assert_float_equal(p->data[(i * 2 + j) * 3 + k], a->data[(j * 3 + k) * 4 + i], 0);
    seli_tensor *q = seli_permute(a, (int[]){-1, 1, 0}); /* negative axes count from the end */
    assert_shape(q, SELI_SHAPE(4, 3, 2));
    seli_scope_end();
}

static void test_concat_and_stack_join_along_an_axis(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *a = iota(SELI_SHAPE(2, 2));
    seli_tensor *b = seli_full(9, SELI_SHAPE(2, 1));
    seli_tensor *c = seli_concat(2, (seli_tensor *[]){a, b}, -1);
    assert_shape(c, SELI_SHAPE(2, 3));
    assert_values(c, 6, (float[]){0, 1, 9, 2, 3, 9});
    seli_tensor *r = seli_concat(3, (seli_tensor *[]){a, a, seli_full(7, SELI_SHAPE(1, 2))}, 0);
    assert_values(r, 10, (float[]){0, 1, 2, 3, 0, 1, 2, 3, 7, 7});
    seli_tensor *s0 = seli_stack(2, (seli_tensor *[]){a, seli_full(5, SELI_SHAPE(2, 2))}, 0);
    assert_shape(s0, SELI_SHAPE(2, 2, 2));
    assert_values(s0, 8, (float[]){0, 1, 2, 3, 5, 5, 5, 5});
    seli_tensor *s1 = seli_stack(2, (seli_tensor *[]){a, seli_full(5, SELI_SHAPE(2, 2))}, -1);
    assert_shape(s1, SELI_SHAPE(2, 2, 2));
    assert_values(s1, 8, (float[]){0, 5, 1, 5, 2, 5, 3, 5});
    /* recorded (on the tape) and unrecorded stacks agree */
    seli_tensor *ag = seli_requires_grad(seli_copy(a));
    seli_tensor *s2 = seli_stack(2, (seli_tensor *[]){ag, seli_full(5, SELI_SHAPE(2, 2))}, -1);
    assert_values(s2, 8, s1->data);
    seli_tensor *scalars =
        seli_stack(3, (seli_tensor *[]){seli_scalar(1), seli_scalar(2), seli_scalar(3)}, 0);
    assert_values(scalars, 3, (float[]){1, 2, 3});
    seli_scope_end();
}

static void test_slice_follows_python_rules(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *a = iota(SELI_SHAPE(2, 7));
    assert_values(seli_slice(a, 1, 1, 6, 2), 6, (float[]){1, 3, 5, 8, 10, 12});
    assert_values(seli_slice(a, -1, -3, 100, 1), 6, (float[]){4, 5, 6, 11, 12, 13});
    assert_values(seli_slice(a, 0, 1, 2, 1), 7, (float[]){7, 8, 9, 10, 11, 12, 13});
    seli_tensor *empty = seli_slice(a, 1, 5, 2, 1);
    assert_shape(empty, SELI_SHAPE(2, 0));
    seli_scope_end();
}

static void test_take_picks_rows_by_index(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *a = iota(SELI_SHAPE(3, 4));
    seli_tensor *rows = seli_take(a, seli_from_array((float[]){2, 0, 2}, SELI_SHAPE(3)), 0);
    assert_shape(rows, SELI_SHAPE(3, 4));
    assert_values(rows, 12, (float[]){8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11});
    seli_tensor *cols = seli_take(a, seli_from_array((float[]){-1, 1}, SELI_SHAPE(2)), -1);
    assert_values(cols, 6, (float[]){3, 1, 7, 5, 11, 9});
    /* a 2-D index puts its shape in place of the axis */
    seli_tensor *grid = seli_take(a, seli_from_array((float[]){0, 1, 1, 3}, SELI_SHAPE(2, 2)), 1);
    assert_shape(grid, SELI_SHAPE(3, 2, 2));
    assert_values(grid, 12, (float[]){0, 1, 1, 3, 4, 5, 5, 7, 8, 9, 9, 11});
    seli_scope_end();
}

static void test_take_gradient_adds_up_repeated_rows(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *x = seli_requires_grad(seli_zeros(SELI_SHAPE(4)));
    seli_tensor *idx = seli_from_array((float[]){1, 3, 1, 1, -1}, SELI_SHAPE(5));
    seli_tensor *g = seli_grad(seli_sum_all(seli_take(x, idx, 0)), x);
    assert_values(g, 4, (float[]){0, 3, 0, 2});
    seli_scope_end();
}

/* --- gradients, first and second order; every f squares (or otherwise
 * bends) its result so the second derivative runs through the op's vjp --- */

static seli_tensor *f_reshape(seli_tensor *const *xs, void *ctx)
{
    (void)ctx;
    return seli_square(seli_reshape(xs[0], SELI_SHAPE(4, -1)));
}
static seli_tensor *f_transpose(seli_tensor *const *xs, void *ctx)
{
    (void)ctx;
    return seli_square(seli_transpose(xs[0]));
}
static seli_tensor *f_permute(seli_tensor *const *xs, void *ctx)
{
    (void)ctx;
    return seli_square(seli_permute(xs[0], (int[]){1, 2, 0}));
}
static seli_tensor *f_expand_squeeze(seli_tensor *const *xs, void *ctx)
{
    (void)ctx;
    return seli_square(seli_squeeze(seli_expand_dims(seli_square(xs[0]), 1), -3));
}

static void test_reshape_and_permute_gradients_match_finite_differences(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *x = gc_uniform(-1, 1, 1, SELI_SHAPE(2, 3, 4));
    gc_fn fs[] = {f_reshape, f_transpose, f_permute, f_expand_squeeze};
    for (int k = 0; k < 4; k++) {
        gradcheck(fs[k], 1, &x, NULL, 2e-3);
        gradcheck2(fs[k], 1, &x, NULL, 5e-3);
    }
    seli_scope_end();
}

static seli_tensor *f_concat(seli_tensor *const *xs, void *ctx)
{
    int n = *(const int *)ctx;
    return seli_square(seli_concat(n, xs, 1));
}
static seli_tensor *f_stack(seli_tensor *const *xs, void *ctx)
{
    int n = *(const int *)ctx;
    return seli_square(seli_stack(n, xs, -1));
}

static void test_concat_and_stack_gradients_match_finite_differences(void **state)
{
    (void)state;
    seli_scope_begin();
    /* five inputs: recorded as a tree of concats of at most three */
    seli_tensor *xs[5];
    for (int k = 0; k < 5; k++)
        xs[k] = gc_uniform(-1, 1, 10 + (unsigned)k, SELI_SHAPE(2, k + 1, 3));
    for (int n = 1; n <= 5; n += 2) {
        gradcheck(f_concat, n, xs, &n, 2e-3);
        gradcheck2(f_concat, n, xs, &n, 5e-3);
    }
    seli_tensor *ys[4];
    for (int k = 0; k < 4; k++)
        ys[k] = gc_uniform(-1, 1, 20 + (unsigned)k, SELI_SHAPE(2, 3));
    int four = 4;
    gradcheck(f_stack, 4, ys, &four, 2e-3);
    gradcheck2(f_stack, 4, ys, &four, 5e-3);
    seli_scope_end();
}

typedef struct {
    int axis;
    long start, stop, step;
} slice_case;

static seli_tensor *f_slice(seli_tensor *const *xs, void *ctx)
{
    const slice_case *c = ctx;
    return seli_square(seli_slice(xs[0], c->axis, c->start, c->stop, c->step));
}

static void test_slice_gradients_match_finite_differences(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *x = gc_uniform(-1, 1, 2, SELI_SHAPE(3, 7, 2));
    slice_case cases[] = {{1, 1, 6, 2}, {-2, -4, 7, 1}, {0, 0, 3, 2}, {2, 1, 2, 1}};
    for (int k = 0; k < 4; k++) {
        gradcheck(f_slice, 1, &x, &cases[k], 2e-3);
        gradcheck2(f_slice, 1, &x, &cases[k], 5e-3);
    }
    seli_scope_end();
}

typedef struct {
    const seli_tensor *index;
    int axis;
} take_case;

static seli_tensor *f_take(seli_tensor *const *xs, void *ctx)
{
    const take_case *c = ctx;
    return seli_square(seli_take(xs[0], c->index, c->axis));
}

static void test_take_gradients_match_finite_differences(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *x = gc_uniform(-1, 1, 3, SELI_SHAPE(4, 5));
    take_case rows = {seli_from_array((float[]){3, 0, 3, -1, 2}, SELI_SHAPE(5)), 0};
    take_case grid = {seli_from_array((float[]){4, 0, 1, 1, 2, 4}, SELI_SHAPE(2, 3)), -1};
    gradcheck(f_take, 1, &x, &rows, 2e-3);
    gradcheck2(f_take, 1, &x, &rows, 5e-3);
    gradcheck(f_take, 1, &x, &grid, 2e-3);
    gradcheck2(f_take, 1, &x, &grid, 5e-3);
    seli_scope_end();
}

/* --- errors --- */

static void test_reshape_to_a_different_size_is_an_error(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *a = seli_zeros(SELI_SHAPE(3, 4));
    long long bytes = seli_scope_bytes();
    EXPECT_SELI_ERROR(seli_reshape(a, SELI_SHAPE(5, 2)),
                      "seli_reshape: cannot reshape a of shape [3, 4] (12 elements) into [5, 2]");
    EXPECT_SELI_ERROR(seli_reshape(a, SELI_SHAPE(5, -1)), "no size for -1");
    EXPECT_SELI_ERROR(seli_reshape(a, SELI_SHAPE(-1, -1)), "more than one -1");
    EXPECT_SELI_ERROR(seli_squeeze(a, 0), "seli_squeeze: axis 0 of a [3, 4] has size 3");
    EXPECT_SELI_ERROR(seli_expand_dims(a, 3), "seli_expand_dims: axis 3 is out of range");
    EXPECT_SELI_ERROR(seli_transpose(seli_zeros(SELI_SHAPE(3))), "seli_transpose: a is [3]");
    assert_true(seli_scope_bytes() > bytes); /* the [3] above */
    bytes = seli_scope_bytes();
    EXPECT_SELI_ERROR(seli_permute(a, (int[]){0, 0}), "perm[1] = 0 is repeated");
    EXPECT_SELI_ERROR(seli_permute(a, (int[]){0, 2}), "perm[1] = 2 is out of range");
    assert_true(seli_scope_bytes() == bytes);
    seli_scope_end();
}

static void test_joining_mismatched_tensors_is_an_error(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *a = seli_requires_grad(seli_zeros(SELI_SHAPE(2, 3)));
    seli_tensor *b = seli_zeros(SELI_SHAPE(3, 3));
    long long bytes = seli_scope_bytes();
    EXPECT_SELI_ERROR(seli_concat(2, (seli_tensor *[]){a, b}, 1),
                      "seli_concat: ts[0] is [2, 3] but ts[1] is [3, 3]");
    EXPECT_SELI_ERROR(seli_stack(2, (seli_tensor *[]){a, b}, 0),
                      "seli_stack: ts[0] is [2, 3] but ts[1] is [3, 3]");
    EXPECT_SELI_ERROR(seli_concat(2, (seli_tensor *[]){a, NULL}, 0), "seli_concat: ts[1] is NULL");
    EXPECT_SELI_ERROR(seli_concat(0, (seli_tensor *[]){a}, 0), "seli_concat: got 0 tensors");
    EXPECT_SELI_ERROR(seli_stack(1, (seli_tensor *[]){a}, 3), "seli_stack: axis 3 is out of range");
    assert_true(seli_scope_bytes() == bytes);
    seli_scope_end();
}

static void test_bad_slices_and_indices_are_errors(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *a = seli_requires_grad(seli_zeros(SELI_SHAPE(3, 4)));
    seli_tensor *bad = seli_from_array((float[]){0, 4}, SELI_SHAPE(2));
    seli_tensor *frac = seli_from_array((float[]){0.5f}, SELI_SHAPE(1));
    long long bytes = seli_scope_bytes();
    EXPECT_SELI_ERROR(seli_slice(a, 1, 0, 2, 0), "seli_slice: step is 0");
    EXPECT_SELI_ERROR(seli_slice(a, 2, 0, 2, 1), "seli_slice: axis 2 is out of range");
    EXPECT_SELI_ERROR(seli_take(a, bad, 1),
                      "seli_take: index[1] = 4 is not a valid position along axis 1 of a [3, 4]");
    EXPECT_SELI_ERROR(seli_take(a, frac, 0), "index[0] = 0.5");
    EXPECT_SELI_ERROR(seli_take(a, NULL, 0), "seli_take: index is NULL");
    assert_true(seli_scope_bytes() == bytes);
    seli_scope_end();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reshape_keeps_the_elements_and_infers_minus_one),
        cmocka_unit_test(test_transpose_and_permute_move_elements_like_numpy),
        cmocka_unit_test(test_concat_and_stack_join_along_an_axis),
        cmocka_unit_test(test_slice_follows_python_rules),
        cmocka_unit_test(test_take_picks_rows_by_index),
        cmocka_unit_test(test_take_gradient_adds_up_repeated_rows),
        cmocka_unit_test(test_reshape_and_permute_gradients_match_finite_differences),
        cmocka_unit_test(test_concat_and_stack_gradients_match_finite_differences),
        cmocka_unit_test(test_slice_gradients_match_finite_differences),
        cmocka_unit_test(test_take_gradients_match_finite_differences),
        cmocka_unit_test(test_reshape_to_a_different_size_is_an_error),
        cmocka_unit_test(test_joining_mismatched_tensors_is_an_error),
        cmocka_unit_test(test_bad_slices_and_indices_are_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
