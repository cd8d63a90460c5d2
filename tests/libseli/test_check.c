/* The exercise checks (seli/check.h): a pass prints one line, a failure
 * says expected and got, where they differ, and names the likely mistake. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "error_trap.h"
#include "seli.h"

static seli_tensor *vec(int n, const float *v) { return seli_from_array(v, SELI_SHAPE(n)); }

static void test_close_values_pass_and_others_name_the_first_difference(void **state)
{
    (void)state;
    seli_tensor *e = vec(3, (float[]){1, 2, 3});
    seli_check_close("same", vec(3, (float[]){1, 2, 3.000001f}), e, 1e-5f);
    EXPECT_SELI_ERROR(seli_check_close("v", vec(3, (float[]){1, 2.5f, 3}), e, 1e-5f),
                      "check failed: v\n  expected: [1, 2, 3]\n  got:      [1, 2.5, 3]\n"
                      "  first difference at index [1]: expected 2, got 2.5 (1 of 3 elements "
                      "differ)");
    EXPECT_SELI_ERROR(seli_check_close("m", seli_zeros(SELI_SHAPE(2, 2)),
                                       seli_from_array((float[]){0, 0, 0, 1}, SELI_SHAPE(2, 2)),
                                       1e-5f),
                      "first difference at index [1, 1]");
}

static void test_a_sum_where_the_mean_was_wanted_is_named(void **state)
{
    (void)state;
    EXPECT_SELI_ERROR(seli_check_close("loss", seli_scalar(1.625f), seli_scalar(0.8125f), 1e-5f),
                      "your result is exactly 2 times the expected one: the formula takes the "
                      "mean, not the sum");
    EXPECT_SELI_ERROR(seli_check_scalar("loss", 0.25, 1.0, 1e-9), "exactly 1/4 of the expected");
}

static void test_a_sign_error_and_a_constant_offset_are_named(void **state)
{
    (void)state;
    seli_tensor *e = vec(3, (float[]){1, -2, 3});
    EXPECT_SELI_ERROR(seli_check_close("s", seli_neg(e), e, 1e-5f), "a sign error");
    EXPECT_SELI_ERROR(seli_check_close("c", seli_add_scalar(e, -0.5f), e, 1e-5f),
                      "the expected one minus 0.5 everywhere");
    EXPECT_SELI_ERROR(seli_check_scalar("n", NAN, 1, 1e-6), "your result holds NaN");
}

static void test_a_shape_that_broadcast_silently_is_named(void **state)
{
    (void)state;
    seli_tensor *col = seli_zeros(SELI_SHAPE(4, 1)), *row = seli_zeros(SELI_SHAPE(4));
    EXPECT_SELI_ERROR(seli_check_shape("r", seli_sub(col, row), SELI_SHAPE(4)),
                      "expected shape: [4]\n  got shape:      [4, 4]\n  likely mistake: a shape "
                      "broadcast silently");
    EXPECT_SELI_ERROR(seli_check_close("k", row, seli_zeros(SELI_SHAPE(4, 4)), 1e-5f),
                      "the result lacks an axis");
    seli_check_shape("ok", row, SELI_SHAPE(4));
}

static void test_tape_checks_name_detach_and_grad_graph(void **state)
{
    (void)state;
    seli_tensor *w = seli_requires_grad(seli_scalar(2));
    seli_tensor *y = seli_mul(w, w);
    EXPECT_SELI_ERROR(seli_check_detached("target", y), "wrap it in seli_detach(...)");
    seli_check_detached("target", seli_detach(y));
    EXPECT_SELI_ERROR(seli_check_recorded("penalty", seli_grad(y, w)), "seli_grad_graph");
    seli_check_recorded("penalty", seli_grad_graph(y, w));
}

static void test_null_results_and_stubs_say_what_to_do(void **state)
{
    (void)state;
    EXPECT_SELI_ERROR(seli_check_close("f(x)", NULL, seli_scalar(1), 1e-5f),
                      "the result is NULL: did your function return its result?");
    EXPECT_SELI_ERROR(seli_not_written_yet("mse_loss"),
                      "not written yet: mse_loss is still the stub");
    EXPECT_SELI_ERROR(seli_check_true("x > 0", 0, "take the absolute value"),
                      "check failed: x > 0\n  likely mistake: take the absolute value");
    seli_check_true("fine", 1, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_close_values_pass_and_others_name_the_first_difference),
        cmocka_unit_test(test_a_sum_where_the_mean_was_wanted_is_named),
        cmocka_unit_test(test_a_sign_error_and_a_constant_offset_are_named),
        cmocka_unit_test(test_a_shape_that_broadcast_silently_is_named),
        cmocka_unit_test(test_tape_checks_name_detach_and_grad_graph),
        cmocka_unit_test(test_null_results_and_stubs_say_what_to_do),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
