/* seli_matmul: numpy's semantics (batches that broadcast, vectors), both the
 * direct path for tiny shapes and the OpenBLAS path, gradients at first and
 * second order, and the errors. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "error_trap.h"
#include "gradcheck.h"
#include "core/internal.h"
#include "seli.h"

/* numpy's matmul from its definition, one element at a time in double:
 * vectors are promoted to [1, k] / [k, 1], batch axes broadcast. */
static seli_tensor *naive_matmul(const seli_tensor *a, const seli_tensor *b)
{
    long as[SELI_MAX_DIMS + 1] = {0}, bs[SELI_MAX_DIMS + 1] = {0};
    int an = a->ndim, bn = b->ndim;
    for (int i = 0; i < an; i++)
        as[i] = a->shape[i];
    for (int i = 0; i < bn; i++)
        bs[i] = b->shape[i];
    if (an == 1) {
        as[1] = as[0];
        as[0] = 1;
        an = 2;
    }
    if (bn == 1) {
        bs[1] = 1;
        bn = 2;
    }
    long n = as[an - 2], k = as[an - 1], m = bs[bn - 1];
    int nd = an > bn ? an : bn, bd = nd - 2;
    long batch[SELI_MAX_DIMS], nb = 1;
    for (int d = 0; d < bd; d++) {
        int da = d - (nd - an), db = d - (nd - bn);
        long ea = da >= 0 ? as[da] : 1, eb = db >= 0 ? bs[db] : 1;
        batch[d] = ea > eb ? ea : eb;
        nb *= batch[d];
    }
    double *out = calloc((size_t)(nb * n * m), sizeof *out);
    for (long t = 0; t < nb; t++) {
        /* batch index of t, then each operand's matrix number */
        long idx[SELI_MAX_DIMS], r = t;
        for (int d = bd - 1; d >= 0; d--) {
            idx[d] = r % batch[d];
            r /= batch[d];
        }
        long ma = 0, mb = 0;
        for (int d = 0; d < bd; d++) {
            int da = d - (nd - an), db = d - (nd - bn);
            if (da >= 0)
                ma = ma * as[da] + (as[da] == 1 ? 0 : idx[d]);
            if (db >= 0)
                mb = mb * bs[db] + (bs[db] == 1 ? 0 : idx[d]);
        }
        for (long i = 0; i < n; i++)
            for (long j = 0; j < m; j++) {
                double s = 0;
                for (long p = 0; p < k; p++)
                    s += (double)a->data[ma * n * k + i * k + p] *
                         (double)b->data[mb * k * m + p * m + j];
                out[(t * n + i) * m + j] = s;
            }
    }
    long os[SELI_MAX_DIMS];
    int on = 0;
    for (int d = 0; d < bd; d++)
        os[on++] = batch[d];
    if (a->ndim > 1)
        os[on++] = n;
    if (b->ndim > 1)
        os[on++] = m;
    seli_tensor *res = seli_zeros(on, os);
    for (long e = 0; e < res->size; e++)
        res->data[e] = (float)out[e];
    free(out);
    return res;
}

static void assert_close(const seli_tensor *got, const seli_tensor *want, double tol)
{
    assert_true(seli_same_shape(got, want));
    for (long e = 0; e < want->size; e++)
        if (fabs((double)got->data[e] - (double)want->data[e]) >
            tol * (1.0 + fabs((double)want->data[e])))
            fail_msg("element %ld: got %.7g, want %.7g", e, (double)got->data[e],
                     (double)want->data[e]);
}

/* One forward case: random a and b of the given shapes against naive_matmul,
 * also checking the result's shape. */
static void check_forward(int an, const long *as, int bn, const long *bs, int on, const long *os)
{
    seli_scope_begin();
    seli_tensor *a = gc_random(-1, 1, 1, an, as);
    seli_tensor *b = gc_random(-1, 1, 2, bn, bs);
    seli_tensor *got = seli_matmul(a, b);
    assert_int_equal(got->ndim, on);
    for (int i = 0; i < on; i++)
        assert_int_equal(got->shape[i], os[i]);
    assert_close(got, naive_matmul(a, b), 1e-5);
    seli_scope_end();
}

static void test_matmul_of_two_matrices_matches_the_definition(void **state)
{
    (void)state;
    /* a hand-computed case first */
    seli_scope_begin();
    seli_tensor *a = seli_from_array((float[]){1, 2, 3, 4, 5, 6}, SELI_SHAPE(2, 3));
    seli_tensor *b = seli_from_array((float[]){7, 8, 9, 10, 11, 12}, SELI_SHAPE(3, 2));
    seli_tensor *c = seli_matmul(a, b);
    float want[4] = {58, 64, 139, 154};
    for (int e = 0; e < 4; e++)
        assert_float_equal(c->data[e], want[e], 0);
    seli_scope_end();
    /* the direct path (tiny), around the crossover, and OpenBLAS (large) */
    check_forward(SELI_SHAPE(1, 1), SELI_SHAPE(1, 1), SELI_SHAPE(1, 1));
    check_forward(SELI_SHAPE(3, 5), SELI_SHAPE(5, 4), SELI_SHAPE(3, 4));
    check_forward(SELI_SHAPE(4, 4), SELI_SHAPE(4, 4), SELI_SHAPE(4, 4)); /* 64 madds: direct */
    check_forward(SELI_SHAPE(5, 5), SELI_SHAPE(5, 5), SELI_SHAPE(5, 5)); /* 125: OpenBLAS */
    check_forward(SELI_SHAPE(67, 130), SELI_SHAPE(130, 33), SELI_SHAPE(67, 33));
}

static void test_matmul_broadcasts_batch_dimensions_like_numpy(void **state)
{
    (void)state;
    check_forward(SELI_SHAPE(4, 3, 5), SELI_SHAPE(4, 5, 2), SELI_SHAPE(4, 3, 2));
    check_forward(SELI_SHAPE(4, 3, 5), SELI_SHAPE(5, 2), SELI_SHAPE(4, 3, 2));
    check_forward(SELI_SHAPE(3, 5), SELI_SHAPE(4, 5, 2), SELI_SHAPE(4, 3, 2));
    check_forward(SELI_SHAPE(2, 1, 3, 5), SELI_SHAPE(4, 5, 2), SELI_SHAPE(2, 4, 3, 2));
    check_forward(SELI_SHAPE(1, 3, 3, 5), SELI_SHAPE(2, 1, 5, 2), SELI_SHAPE(2, 3, 3, 2));
    /* large enough for OpenBLAS in every batch */
    check_forward(SELI_SHAPE(3, 40, 50), SELI_SHAPE(1, 50, 30), SELI_SHAPE(3, 40, 30));
    check_forward(SELI_SHAPE(40, 50), SELI_SHAPE(3, 50, 30), SELI_SHAPE(3, 40, 30));
}

static void test_matmul_treats_one_dimensional_operands_as_vectors(void **state)
{
    (void)state;
    check_forward(SELI_SHAPE(5), SELI_SHAPE(5), 0, NULL);          /* dot product -> [] */
    check_forward(SELI_SHAPE(5), SELI_SHAPE(5, 3), SELI_SHAPE(3)); /* row vector */
    check_forward(SELI_SHAPE(4, 5), SELI_SHAPE(5), SELI_SHAPE(4)); /* column vector */
    check_forward(SELI_SHAPE(2, 4, 5), SELI_SHAPE(5), SELI_SHAPE(2, 4));
    check_forward(SELI_SHAPE(5), SELI_SHAPE(2, 5, 3), SELI_SHAPE(2, 3));
    check_forward(SELI_SHAPE(100), SELI_SHAPE(100, 70), SELI_SHAPE(70));
}

static void test_matmul_with_an_empty_inner_dimension_is_zero(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *c = seli_matmul(seli_zeros(SELI_SHAPE(2, 0)), seli_zeros(SELI_SHAPE(0, 3)));
    assert_int_equal(c->shape[0], 2);
    assert_int_equal(c->shape[1], 3);
    for (int e = 0; e < 6; e++)
        assert_float_equal(c->data[e], 0, 0);
    seli_scope_end();
}

/* --- gradients --- */

static seli_tensor *f_matmul(seli_tensor *const *xs, void *ctx)
{
    (void)ctx;
    return seli_matmul(xs[0], xs[1]);
}

/* tanh around the product makes the second derivative depend on both inputs
 * in every entry, not only through the bilinear cross terms. */
static seli_tensor *f_tanh_matmul(seli_tensor *const *xs, void *ctx)
{
    (void)ctx;
    return seli_tanh(seli_matmul(xs[0], xs[1]));
}

static void check_grads(int an, const long *as, int bn, const long *bs)
{
    seli_scope_begin();
    seli_tensor *xs[2] = {gc_uniform(-1, 1, 3, an, as), gc_uniform(-1, 1, 4, bn, bs)};
    gradcheck(f_matmul, 2, xs, NULL, 2e-3);
    gradcheck2(f_matmul, 2, xs, NULL, 2e-3);
    gradcheck2(f_tanh_matmul, 2, xs, NULL, 5e-3);
    seli_scope_end();
}

static void test_matmul_gradients_match_finite_differences(void **state)
{
    (void)state;
    check_grads(SELI_SHAPE(3, 4), SELI_SHAPE(4, 2));    /* direct path */
    check_grads(SELI_SHAPE(20, 16), SELI_SHAPE(16, 9)); /* OpenBLAS path */
}

static void test_batched_matmul_gradients_sum_over_broadcast_batches(void **state)
{
    (void)state;
    check_grads(SELI_SHAPE(3, 2, 4), SELI_SHAPE(3, 4, 2));
    check_grads(SELI_SHAPE(3, 2, 4), SELI_SHAPE(4, 5));       /* one b for every batch */
    check_grads(SELI_SHAPE(2, 4), SELI_SHAPE(3, 4, 5));       /* one a for every batch */
    check_grads(SELI_SHAPE(2, 1, 2, 3), SELI_SHAPE(3, 3, 2)); /* both broadcast */
    check_grads(SELI_SHAPE(2, 12, 14), SELI_SHAPE(14, 13));   /* stacked rows via OpenBLAS */
}

static void test_matmul_gradients_through_vectors(void **state)
{
    (void)state;
    check_grads(SELI_SHAPE(4), SELI_SHAPE(4));
    check_grads(SELI_SHAPE(4), SELI_SHAPE(4, 3));
    check_grads(SELI_SHAPE(2, 4), SELI_SHAPE(4));
    check_grads(SELI_SHAPE(2, 3, 4), SELI_SHAPE(4));
}

static void test_matmul_gradient_has_the_closed_form(void **state)
{
    (void)state;
    /* d sum(A B) / dA = 1 B^T: row sums of B in every row */
    seli_scope_begin();
    seli_tensor *a = seli_requires_grad(gc_random(-1, 1, 5, SELI_SHAPE(2, 3)));
    seli_tensor *b = seli_from_array((float[]){1, 2, 3, 4, 5, 6}, SELI_SHAPE(3, 2));
    seli_tensor *g = seli_grad(seli_sum_all(seli_matmul(a, b)), a);
    float want[3] = {3, 7, 11};
    for (int i = 0; i < 2; i++)
        for (int p = 0; p < 3; p++)
            assert_float_equal(g->data[i * 3 + p], want[p], 1e-6);
    seli_scope_end();
}

/* --- the internal transposing product (libseli/src/matmul.c) --- */

static seli_tensor *f_matmul_t(seli_tensor *const *xs, void *ctx)
{
    const int *flags = ctx;
    return seli_tanh(seli__matmul_t(xs[0], xs[1], flags[0], flags[1]));
}

static void test_transposing_product_equals_matmul_of_transposes(void **state)
{
    (void)state;
    /* n, k, m: direct, OpenBLAS, then the AVX-512 kernel where the machine
     * has it (m a multiple of 64: ragged row tiles, and shared between two
     * threads; m = 1: one dot product per row) */
    long sizes[5][3] = {{3, 4, 2}, {21, 17, 9}, {70, 33, 128}, {300, 64, 128}, {45, 20, 1}};
    for (int z = 0; z < 5; z++)
        for (int ta = 0; ta <= 1; ta++)
            for (int tb = 0; tb <= 1; tb++) {
                long n = sizes[z][0], k = sizes[z][1], m = sizes[z][2];
                seli_scope_begin();
                seli_tensor *a =
                    gc_uniform(-1, 1, 6, 3, ta ? (long[]){2, k, n} : (long[]){2, n, k});
                seli_tensor *b = gc_uniform(-1, 1, 7, 2, tb ? (long[]){m, k} : (long[]){k, m});
                seli_tensor *want =
                    naive_matmul(ta ? seli_transpose(a) : a, tb ? seli_transpose(b) : b);
                assert_close(seli__matmul_t(a, b, ta, tb), want, 1e-5);
                if (z == 0) {
                    int flags[2] = {ta, tb};
                    seli_tensor *xs[2] = {a, b};
                    gradcheck(f_matmul_t, 2, xs, flags, 2e-3);
                    gradcheck2(f_matmul_t, 2, xs, flags, 5e-3);
                }
                seli_scope_end();
            }
}

/* Every path a product can take, with both operands stored either way,
 * against the definition: the direct loops; the AVX-512 kernel (m a multiple
 * of 32, in 64-column panels and a last one of 32: ragged row tiles, B^T transposed in whole 16 x 16 blocks and in a
 * ragged tail, k = 300 summed in blocks, one row, an outer product with k = 1, rows shared with the
 * worker thread by rows, or by column panels when there are few rows; m = 1 with k >= 16: a dot product per row, its rows shared
 * with the worker from 2^16 multiply-adds on, in ragged chunks); cblas_sgemv for
 * the single rows and columns the kernel leaves (B^T times one row, A^T
 * times one column, k < 16, m not a multiple of 32, a dot product); and
 * cblas_sgemm for the rest (both transposed, m = 2, m = 9). */
static void test_every_product_path_matches_the_definition(void **state)
{
    (void)state;
    long sizes[][3] = {/* n, k, m */
                       {3, 4, 2},      {70, 33, 128},  {70, 64, 128}, {40, 53, 64}, {1, 128, 128},
                       {64, 1, 128},   {300, 64, 128}, {45, 20, 1},   {64, 8, 1},   {1, 50, 30},
                       {1, 200, 1},    {1, 37, 64},    {300, 128, 2}, {21, 17, 9},  {70, 300, 64},
                       {1000, 129, 1}, {2000, 48, 1},  {70, 33, 32},  {300, 64, 96}, {64, 1, 32},
                       {40, 300, 32},  {1, 37, 32},    {256, 32, 32}, {70, 300, 160}};
    for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++)
        for (int ta = 0; ta <= 1; ta++)
            for (int tb = 0; tb <= 1; tb++) {
                long n = sizes[z][0], k = sizes[z][1], m = sizes[z][2];
                seli_scope_begin();
                seli_tensor *a = gc_uniform(-1, 1, 8, 2, ta ? (long[]){k, n} : (long[]){n, k});
                seli_tensor *b = gc_uniform(-1, 1, 9, 2, tb ? (long[]){m, k} : (long[]){k, m});
                seli_tensor *want =
                    naive_matmul(ta ? seli_transpose(a) : a, tb ? seli_transpose(b) : b);
                seli_tensor *got = seli__matmul_t(a, b, ta, tb);
                if (!seli_same_shape(got, want))
                    fail_msg("[%ld, %ld] x [%ld, %ld] (ta %d, tb %d): wrong shape", n, k, k, m, ta,
                             tb);
                for (long e = 0; e < want->size; e++)
                    if (fabs((double)got->data[e] - (double)want->data[e]) >
                        1e-5 * (1.0 + fabs((double)want->data[e])))
                        fail_msg("[%ld, %ld] x [%ld, %ld] (ta %d, tb %d): element %ld is %.7g, "
                                 "want %.7g",
                                 n, k, k, m, ta, tb, e, (double)got->data[e],
                                 (double)want->data[e]);
                seli_scope_end();
            }
}

/* --- errors --- */

static void test_matmul_with_mismatched_inner_dimensions_says_which(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *a = seli_zeros(SELI_SHAPE(3, 4));
    seli_tensor *b = seli_zeros(SELI_SHAPE(5, 2));
    long long bytes = seli_scope_bytes();
    EXPECT_SELI_ERROR(seli_matmul(a, b), "seli_matmul: a is [3, 4] but b is [5, 2]: the inner "
                                         "dimensions 4 and 5 must agree");
    assert_true(seli_scope_bytes() == bytes); /* nothing allocated before the check */
    EXPECT_SELI_ERROR(seli_matmul(a, seli_zeros(SELI_SHAPE(5))), "inner dimensions 4 and 5");
    EXPECT_SELI_ERROR(seli_matmul(seli_zeros(SELI_SHAPE(3)), seli_zeros(SELI_SHAPE(5, 2))),
                      "a is [3] but b is [5, 2]");
    seli_scope_end();
}

static void test_matmul_with_incompatible_batches_is_an_error(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *a = seli_requires_grad(seli_zeros(SELI_SHAPE(2, 3, 4)));
    seli_tensor *b = seli_zeros(SELI_SHAPE(5, 4, 2));
    long long bytes = seli_scope_bytes();
    int nograd = seli_no_grad_depth();
    EXPECT_SELI_ERROR(seli_matmul(a, b), "batch dimensions 2 and 5");
    assert_true(seli_scope_bytes() == bytes);
    assert_int_equal(seli_no_grad_depth(), nograd);
    seli_scope_end();
}

static void test_matmul_of_a_scalar_or_null_is_an_error(void **state)
{
    (void)state;
    seli_scope_begin();
    EXPECT_SELI_ERROR(seli_matmul(seli_scalar(2), seli_zeros(SELI_SHAPE(2, 2))), "seli_mul");
    EXPECT_SELI_ERROR(seli_matmul(NULL, seli_zeros(SELI_SHAPE(2, 2))), "seli_matmul: a is NULL");
    EXPECT_SELI_ERROR(seli_matmul(seli_zeros(SELI_SHAPE(2, 2)), NULL), "seli_matmul: b is NULL");
    seli_scope_end();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matmul_of_two_matrices_matches_the_definition),
        cmocka_unit_test(test_matmul_broadcasts_batch_dimensions_like_numpy),
        cmocka_unit_test(test_matmul_treats_one_dimensional_operands_as_vectors),
        cmocka_unit_test(test_matmul_with_an_empty_inner_dimension_is_zero),
        cmocka_unit_test(test_matmul_gradients_match_finite_differences),
        cmocka_unit_test(test_batched_matmul_gradients_sum_over_broadcast_batches),
        cmocka_unit_test(test_matmul_gradients_through_vectors),
        cmocka_unit_test(test_matmul_gradient_has_the_closed_form),
        cmocka_unit_test(test_transposing_product_equals_matmul_of_transposes),
        cmocka_unit_test(test_every_product_path_matches_the_definition),
        cmocka_unit_test(test_matmul_with_mismatched_inner_dimensions_says_which),
        cmocka_unit_test(test_matmul_with_incompatible_batches_is_an_error),
        cmocka_unit_test(test_matmul_of_a_scalar_or_null_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
