/* einops ops and the layers built on them: seli_rearrange, seli_reduce,
 * seli_repeat, seli_einsum, seli_softmax and attention.  Values against
 * loops written here, gradients against finite differences at first and
 * second order, and the errors.  (tests/seed/ checks them against the seed.) */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "error_trap.h"
#include "gradcheck.h"
#include "seli.h"

/* 0, 1, 2, ... in the given shape. */
static seli_tensor *iota(int ndim, const long *shape)
{
    seli_tensor *t = seli_zeros(ndim, shape);
    for (long k = 0; k < t->size; k++)
        t->data[k] = (float)k;
    return t;
}

static void test_rearrange_splits_permutes_and_merges_like_einops(void **state)
{
    (void)state;
    seli_scope_begin();
    /* x [B=2, N=3, (H=2 D=2)] -> [B, H, N, D]: y[b, h, n, d] = x[b, n, h * 2 + d] */
    seli_tensor *x = iota(SELI_SHAPE(2, 3, 4));
    seli_tensor *y = seli_rearrange(x, "b n (h d) -> b h n d", "h=2");
    assert_int_equal(y->ndim, 4);
    assert_int_equal(y->shape[1], 2);
    assert_int_equal(y->shape[2], 3);
    for (int b = 0; b < 2; b++)
        for (int h = 0; h < 2; h++)
            for (int n = 0; n < 3; n++)
                for (int d = 0; d < 2; d++)
                    assert_float_equal(y->data[((b * 2 + h) * 3 + n) * 2 + d],
                                       x->data[(b * 3 + n) * 4 + h * 2 + d], 0);
    /* and back, with "..." */
    seli_tensor *z = seli_rearrange(y, "... h n d -> ... n (h d)", NULL);
    for (long k = 0; k < x->size; k++)
        assert_float_equal(z->data[k], x->data[k], 0);
    seli_scope_end();
}

static void test_reduce_and_repeat_follow_their_reductions(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *x = iota(SELI_SHAPE(2, 3)); /* rows 0 1 2 and 3 4 5 */
    const char *names[] = {"sum", "mean", "max", "min", "prod"};
    const float want[][2] = {{3, 12}, {1, 4}, {2, 5}, {0, 3}, {0, 60}};
    for (int r = 0; r < 5; r++) {
        seli_tensor *y = seli_reduce(x, "a b -> a", names[r], NULL);
        assert_int_equal(y->ndim, 1);
        assert_float_equal(y->data[0], want[r][0], 1e-6);
        assert_float_equal(y->data[1], want[r][1], 1e-6);
    }
    seli_tensor *all = seli_reduce(x, "a b ->", "sum", NULL);
    assert_int_equal(all->ndim, 0);
    assert_float_equal(all->data[0], 15, 0);
    seli_tensor *rep = seli_repeat(x, "a b -> a k b", "k=2"); /* [2, 2, 3] */
    assert_int_equal(rep->shape[1], 2);
    for (int a = 0; a < 2; a++)
        for (int k = 0; k < 2; k++)
            for (int b = 0; b < 3; b++)
                assert_float_equal(rep->data[(a * 2 + k) * 3 + b], x->data[a * 3 + b], 0);
    seli_scope_end();
}

static void test_einsum_contracts_like_loops(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *a = gc_random(-1, 1, 1, SELI_SHAPE(2, 3, 4));
    seli_tensor *b = gc_random(-1, 1, 2, SELI_SHAPE(2, 5, 4));
    seli_tensor *y = seli_einsum(2, (seli_tensor *[]){a, b}, "b i d, b j d -> b i j");
    assert_int_equal(y->shape[2], 5);
    for (int n = 0; n < 2; n++)
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 5; j++) {
                double s = 0;
                for (int d = 0; d < 4; d++)
                    s += (double)a->data[(n * 3 + i) * 4 + d] * b->data[(n * 5 + j) * 4 + d];
                assert_float_equal(y->data[(n * 3 + i) * 5 + j], s, 1e-5);
            }
    /* three operands, and an axis summed away from one operand */
    seli_tensor *c = gc_random(-1, 1, 3, SELI_SHAPE(4, 2));
    seli_tensor *t = seli_einsum(3, (seli_tensor *[]){a, b, c}, "b i d, b j d, d e -> i e");
    assert_int_equal(t->ndim, 2);
    double s = 0;
    for (int n = 0; n < 2; n++)
        for (int j = 0; j < 5; j++)
            for (int d = 0; d < 4; d++)
                s += (double)a->data[(n * 3 + 1) * 4 + d] * b->data[(n * 5 + j) * 4 + d] *
                     c->data[d * 2 + 0];
    assert_float_equal(t->data[1 * 2 + 0], s, 1e-4);
    seli_scope_end();
}

static seli_tensor *f_rearrange(seli_tensor *const *xs, void *ctx)
{
    (void)ctx;
    seli_tensor *y = seli_rearrange(xs[0], "b n (h d) -> b h n d", "d=2");
    return seli_mul(y, y); /* something nonlinear, so the second order is not zero */
}

static seli_tensor *f_reduce(seli_tensor *const *xs, void *ctx)
{
    seli_tensor *y = seli_reduce(seli_mul(xs[0], xs[0]), "b (n k) d -> b d n", ctx, "k=2");
    return seli_mul(y, xs[1]);
}

static seli_tensor *f_repeat(seli_tensor *const *xs, void *ctx)
{
    (void)ctx;
    return seli_tanh(seli_repeat(xs[0], "n d -> (n k) d 1", "k=3"));
}

static seli_tensor *f_einsum(seli_tensor *const *xs, void *ctx)
{
    return seli_einsum(3, (seli_tensor *[]){xs[0], xs[1], xs[0]}, ctx);
}

static seli_tensor *f_softmax(seli_tensor *const *xs, void *ctx)
{
    (void)ctx;
    return seli_mul(seli_softmax(xs[0], -1), xs[0]);
}

static void test_einops_gradients_match_finite_differences_to_second_order(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *x = gc_uniform(-1, 1, 4, SELI_SHAPE(2, 3, 4));
    gc_set_label("rearrange");
    gradcheck(f_rearrange, 1, &x, NULL, 2e-3);
    gradcheck2(f_rearrange, 1, &x, NULL, 2e-3);
    const char *reductions[] = {"sum", "mean", "max", "min", "prod"};
    seli_tensor *r[2] = {gc_uniform(0.5, 1.5, 5, SELI_SHAPE(2, 4, 3)),
                         gc_uniform(-1, 1, 6, SELI_SHAPE(2, 3, 2))};
    for (int i = 0; i < 5; i++) {
        gc_set_label(reductions[i]);
        gradcheck(f_reduce, 2, r, (void *)reductions[i], 2e-3);
        gradcheck2(f_reduce, 2, r, (void *)reductions[i], 2e-3);
    }
    seli_tensor *p = gc_uniform(-1, 1, 7, SELI_SHAPE(2, 3));
    gc_set_label("repeat");
    gradcheck(f_repeat, 1, &p, NULL, 2e-3);
    gradcheck2(f_repeat, 1, &p, NULL, 2e-3);
    seli_tensor *e[2] = {gc_uniform(-1, 1, 8, SELI_SHAPE(2, 3)),
                         gc_uniform(-1, 1, 9, SELI_SHAPE(3, 4))};
    gc_set_label("einsum");
    gradcheck(f_einsum, 2, e, "i j, j k, i l -> k l", 2e-3);
    gradcheck2(f_einsum, 2, e, "i j, j k, i l -> k l", 2e-3);
    seli_tensor *s = gc_uniform(-2, 2, 10, SELI_SHAPE(3, 5));
    gc_set_label("softmax");
    gradcheck(f_softmax, 1, &s, NULL, 2e-3);
    gradcheck2(f_softmax, 1, &s, NULL, 2e-3);
    seli_scope_end();
}

static seli_module *attention;

static seli_tensor *f_attention(seli_tensor *const *xs, void *ctx)
{
    (void)ctx;
    return seli_calln(attention, 3, (seli_tensor *[]){xs[0], xs[1], xs[2]});
}

static void test_attention_gradients_match_finite_differences_to_second_order(void **state)
{
    (void)state;
    attention = seli_set_rngs(seli_net_dot_product_attention(4, 2, 1), 3);
    seli_set_int(attention, "is_causal", 1);
    seli_scope_begin();
    seli_tensor *mask = seli_ones(SELI_SHAPE(1, 4, 4));
    mask->data[3 * 4 + 1] = 0;
    seli_tensor *xs[3] = {gc_uniform(-1, 1, 11, SELI_SHAPE(2, 4, 4)),
                          gc_uniform(-0.5, 0.5, 12, SELI_SHAPE(2, 1, 4, 4)), mask};
    seli_call(attention, xs[0]); /* create the weights */
    gc_set_label("attention");
    gradcheck(f_attention, 2, xs, NULL, 3e-3);
    gradcheck2(f_attention, 2, xs, NULL, 3e-3);
    /* a causal row attends to itself and earlier positions only: position 0's
     * output depends on x[0] alone */
    seli_tensor *y = seli_call(attention, xs[0]);
    seli_tensor *g = seli_grad(seli_sum_all(seli_slice(y, 1, 0, 1, 1)), xs[0]);
    for (int b = 0; b < 2; b++)
        for (int t = 1; t < 4; t++)
            for (int d = 0; d < 4; d++)
                assert_float_equal(g->data[(b * 4 + t) * 4 + d], 0, 0);
    seli_scope_end();
    seli_module_free(attention);
}

static seli_tensor *f_cross(seli_tensor *const *xs, void *ctx)
{
    (void)ctx;
    return seli_call2(attention, xs[0], xs[1]);
}

static void test_cross_attention_gradients_match_finite_differences_to_second_order(void **state)
{
    (void)state;
    attention = seli_set_rngs(seli_net_cross_attention(4, 2, 1), 5);
    seli_scope_begin();
    seli_tensor *xs[2] = {gc_uniform(-1, 1, 13, SELI_SHAPE(2, 3, 4)),
                          gc_uniform(-1, 1, 14, SELI_SHAPE(2, 5, 3))};
    seli_tensor *y = seli_call2(attention, xs[0], xs[1]);
    assert_int_equal(y->ndim, 3);
    assert_int_equal(y->shape[1], 3);
    assert_int_equal(y->shape[2], 4);
    gc_set_label("cross attention");
    gradcheck(f_cross, 2, xs, NULL, 3e-3);
    gradcheck2(f_cross, 2, xs, NULL, 3e-3);
    seli_scope_end();
    seli_module_free(attention);
}

static void test_combinators_add_and_multiply_their_children(void **state)
{
    (void)state;
    seli_module *add = seli_set_rngs(seli_net_add(2, seli_net_scale(), seli_net_identity()), 0);
    seli_module *mul = seli_set_rngs(seli_net_multiply(1, seli_net_identity()), 0);
    seli_scope_begin();
    seli_tensor *x = seli_from_array((float[]){1, -2}, SELI_SHAPE(2));
    seli_tensor *y = seli_call(add, x); /* (x + 1 x) + (x + 1 x) = 4x */
    assert_float_equal(y->data[0], 4, 0);
    assert_float_equal(y->data[1], -8, 0);
    assert_int_equal(seli_net_len(add), 2);
    y = seli_call(mul, x); /* x * x */
    assert_float_equal(y->data[1], 4, 0);
    seli_tensor *c = seli_call(seli_net_at(add, 1), x);
    assert_ptr_equal(c, x);
    seli_scope_end();
    seli_module *k = seli_net_constant(seli_from_array((float[]){7, 8}, SELI_SHAPE(2)));
    seli_scope_begin();
    y = seli_call(k, seli_zeros(SELI_SHAPE(5)));
    assert_int_equal(y->size, 2);
    assert_float_equal(y->data[1], 8, 0);
    seli_scope_end();
    seli_module_free(k);
    seli_module_free(add);
    seli_module_free(mul);
}

static void test_bad_patterns_are_errors_that_say_what_to_do(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *x = iota(SELI_SHAPE(2, 6));
    EXPECT_SELI_ERROR(seli_rearrange(x, "a b c -> a b c", NULL), "3 dimensions on the left");
    EXPECT_SELI_ERROR(seli_rearrange(x, "a (b c) -> a b c", NULL), "two axes of unknown size");
    EXPECT_SELI_ERROR(seli_rearrange(x, "a (b c) -> a b c", "c=4"), "has size 6");
    EXPECT_SELI_ERROR(seli_rearrange(x, "a b -> a", NULL), "use seli_reduce");
    EXPECT_SELI_ERROR(seli_rearrange(x, "a b -> a b", "z=2"), "names no axis");
    EXPECT_SELI_ERROR(seli_rearrange(x, "a b a", NULL), "needs one \"->\"");
    EXPECT_SELI_ERROR(seli_rearrange(x, "a (b -> a b", NULL), "never closes");
    EXPECT_SELI_ERROR(seli_repeat(x, "a b -> a b k", NULL), "give its size");
    EXPECT_SELI_ERROR(seli_reduce(x, "a b -> a", "median", NULL), "\"median\" is not one of");
    EXPECT_SELI_ERROR(seli_einsum(2, (seli_tensor *[]){x, x}, "a b -> a"), "fewer operands");
    EXPECT_SELI_ERROR(seli_einsum(1, &x, "a b, b c -> a c"), "more operands");
    EXPECT_SELI_ERROR(seli_einsum(1, &x, "a b -> z"), "\"z\" is not");
    EXPECT_SELI_ERROR(seli_net_dot_product_attention(6, 4, 0), "multiple");
    seli_scope_end();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rearrange_splits_permutes_and_merges_like_einops),
        cmocka_unit_test(test_reduce_and_repeat_follow_their_reductions),
        cmocka_unit_test(test_einsum_contracts_like_loops),
        cmocka_unit_test(test_einops_gradients_match_finite_differences_to_second_order),
        cmocka_unit_test(test_attention_gradients_match_finite_differences_to_second_order),
        cmocka_unit_test(test_cross_attention_gradients_match_finite_differences_to_second_order),
        cmocka_unit_test(test_combinators_add_and_multiply_their_children),
        cmocka_unit_test(test_bad_patterns_are_errors_that_say_what_to_do),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
