/* seli_sort and seli_argsort: ascending and stable along any axis, NaNs last,
 * the gradient through the permutation at first and second order, and the
 * errors. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "error_trap.h"
#include "gradcheck.h"
#include "seli.h"

static void assert_values(const seli_tensor *t, long n, const float *want)
{
    assert_int_equal(t->size, n);
    for (long k = 0; k < n; k++)
        if (!(t->data[k] == want[k] || (isnan(t->data[k]) && isnan(want[k]))))
            fail_msg("element %ld: got %g, want %g", k, (double)t->data[k], (double)want[k]);
}

static void test_argsort_is_stable_and_sort_is_ascending(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *a = seli_from_array((float[]){3, 1, 3, 1, 2}, SELI_SHAPE(5));
    assert_values(seli_argsort(a, 0), 5, (float[]){1, 3, 4, 0, 2});
    assert_values(seli_sort(a, -1), 5, (float[]){1, 1, 2, 3, 3});
    /* negatives, zeros of both signs (equal, so kept in order), infinities, NaN last */
    seli_tensor *b =
        seli_from_array((float[]){0.0f, NAN, -0.0f, -INFINITY, 2.5f, -7, INFINITY}, SELI_SHAPE(7));
    assert_values(seli_argsort(b, 0), 7, (float[]){3, 5, 0, 2, 4, 6, 1});
    assert_values(seli_sort(b, 0), 7, (float[]){-INFINITY, -7, 0, -0.0f, 2.5f, INFINITY, NAN});
    seli_scope_end();
}

static void test_sort_along_a_middle_axis_sorts_each_line(void **state)
{
    (void)state;
    seli_scope_begin();
    /* [2, 3, 2]: sort along axis 1, each (i, k) line on its own */
    seli_tensor *a =
        seli_from_array((float[]){5, 0, 1, 9, 3, -2, 4, 4, 8, 1, 6, 2}, SELI_SHAPE(2, 3, 2));
    assert_values(seli_sort(a, 1), 12, (float[]){1, -2, 3, 0, 5, 9, 4, 1, 6, 2, 8, 4});
    assert_values(seli_argsort(a, -2), 12, (float[]){1, 2, 2, 0, 0, 1, 0, 1, 2, 2, 1, 0});
    seli_scope_end();
}

static int cmp_float(const void *x, const void *y)
{
    float a = *(const float *)x, b = *(const float *)y;
    return (a > b) - (a < b);
}

static void test_sorting_long_random_lines_matches_qsort(void **state)
{
    (void)state;
    seli_scope_begin();
    /* 1024 (the radix path) and 40 (insertion) per line, many duplicates;
     * then values in [1, 2), whose keys share their top byte (a skipped pass) */
    long lens[3] = {1024, 40, 300};
    double lo[3] = {-50, -50, 1}, hi[3] = {50, 50, 2};
    for (int t = 0; t < 3; t++) {
        long n = lens[t];
        seli_tensor *a = gc_random(lo[t], hi[t], 9 + (unsigned)t, 2, (long[]){3, n});
        for (long k = 0; k < a->size; k += 3)
            a->data[k] = floorf(a->data[k] * 8) / 8; /* ties */
        seli_tensor *s = seli_sort(a, 1), *p = seli_argsort(a, 1);
        float *want = malloc((size_t)n * sizeof *want);
        for (long r = 0; r < 3; r++) {
            for (long j = 0; j < n; j++)
                want[j] = a->data[r * n + j];
            qsort(want, (size_t)n, sizeof *want, cmp_float);
            assert_values(seli_slice(s, 0, r, r + 1, 1), n, want);
            for (long j = 0; j < n; j++) {
                long at = (long)p->data[r * n + j];
                assert_float_equal(a->data[r * n + at], want[j], 0);
                if (j > 0 && want[j] == want[j - 1]) /* stable: ties in input order */
                    assert_true(at > (long)p->data[r * n + j - 1]);
            }
        }
        free(want);
    }
    seli_scope_end();
}

static void test_sort_gradient_flows_back_through_the_permutation(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *x = seli_requires_grad(seli_from_array((float[]){3, 1, 2}, SELI_SHAPE(3)));
    /* y = sum(w * sort(x)) with w = (1, 10, 100): dy/dx = (100, 1, 10) */
    seli_tensor *w = seli_from_array((float[]){1, 10, 100}, SELI_SHAPE(3));
    seli_tensor *g = seli_grad(seli_sum_all(seli_mul(w, seli_sort(x, 0))), x);
    assert_values(g, 3, (float[]){100, 1, 10});
    /* argsort carries no gradient */
    assert_false(seli_on_tape(seli_argsort(x, 0)));
    seli_scope_end();
}

typedef struct {
    int axis;
} sort_case;

static seli_tensor *f_sort(seli_tensor *const *xs, void *ctx)
{
    const sort_case *c = ctx;
    return seli_square(seli_sort(xs[0], c->axis));
}

/* A sort inside a sort's gradient: y = sort(x) * sort(x)^2 summed with a
 * cotangent, so the second derivative involves the sort twice. */
static seli_tensor *f_sort_cubed(seli_tensor *const *xs, void *ctx)
{
    const sort_case *c = ctx;
    seli_tensor *s = seli_sort(xs[0], c->axis);
    return seli_mul(s, seli_square(s));
}

static void test_sort_gradients_match_finite_differences(void **state)
{
    (void)state;
    seli_scope_begin();
    /* distinct values, spaced so that finite differences never swap two */
    seli_tensor *x = seli_requires_grad(seli_zeros(SELI_SHAPE(3, 5)));
    int order[15] = {7, 2, 11, 0, 14, 5, 9, 1, 12, 3, 6, 13, 4, 10, 8};
    for (int k = 0; k < 15; k++)
        x->data[k] = 0.1f * (float)order[k] - 0.7f;
    for (int axis = -2; axis < 2; axis++) {
        sort_case c = {axis};
        gradcheck(f_sort, 1, &x, &c, 2e-3);
        gradcheck2(f_sort, 1, &x, &c, 5e-3);
        gradcheck2(f_sort_cubed, 1, &x, &c, 5e-3);
    }
    seli_scope_end();
}

static void test_sorting_a_scalar_or_a_bad_axis_is_an_error(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *a = seli_requires_grad(seli_zeros(SELI_SHAPE(2, 3)));
    seli_tensor *s = seli_scalar(1);
    long long bytes = seli_scope_bytes();
    EXPECT_SELI_ERROR(seli_sort(a, 2), "seli_sort: axis 2 is out of range for a tensor of shape "
                                       "[2, 3]");
    EXPECT_SELI_ERROR(seli_argsort(a, -3), "seli_argsort: axis -3 is out of range");
    EXPECT_SELI_ERROR(seli_sort(s, 0), "seli_sort: a is a scalar []");
    EXPECT_SELI_ERROR(seli_argsort(NULL, 0), "seli_argsort: a is NULL");
    assert_true(seli_scope_bytes() == bytes);
    seli_scope_end();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_argsort_is_stable_and_sort_is_ascending),
        cmocka_unit_test(test_sort_along_a_middle_axis_sorts_each_line),
        cmocka_unit_test(test_sorting_long_random_lines_matches_qsort),
        cmocka_unit_test(test_sort_gradient_flows_back_through_the_permutation),
        cmocka_unit_test(test_sort_gradients_match_finite_differences),
        cmocka_unit_test(test_sorting_a_scalar_or_a_bad_axis_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
