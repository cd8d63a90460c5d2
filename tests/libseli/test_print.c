/* test_print.c: tensors as numpy-like text and as an HTML table. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "seli.h"

static jmp_buf on_error;
static char last_message[1024];

static void capture_error(const char *message, void *user_data)
{
    (void)user_data;
    snprintf(last_message, sizeof last_message, "%s", message);
    longjmp(on_error, 1);
}

static int setup(void **state)
{
    (void)state;
    seli_set_error_handler(capture_error, NULL, NULL, NULL);
    seli_scope_begin();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    seli_scope_end();
    seli_set_error_handler(NULL, NULL, NULL, NULL);
    return 0;
}

/* Compare seli_tensor_str(t) with want, and free it. */
static void assert_str(const seli_tensor *t, const char *want)
{
    char *got = seli_tensor_str(t);
    if (strcmp(got, want) != 0) {
        print_error("got:\n%s\nwant:\n%s\n", got, want);
        free(got);
        fail();
    }
    free(got);
}

static int count(const char *s, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* --- text --- */

static void test_scalar_prints_without_brackets(void **state)
{
    (void)state;
    assert_str(seli_scalar(1.5f), "tensor(1.5)");
    assert_str(seli_scalar(3.0f), "tensor(3.)");
    assert_str(seli_scalar(-0.25f), "tensor(-0.25)");
    assert_str(seli_scalar(1.0f / 3.0f), "tensor(0.3333)");
}

static void test_vector_of_integers_prints_like_numpy(void **state)
{
    (void)state;
    assert_str(seli_arange(0, 3, 1), "tensor([0., 1., 2.])");
    assert_str(seli_from_array((float[]){-1, 10, 100}, SELI_SHAPE(3)),
               "tensor([ -1.,  10., 100.])");
}

static void test_decimals_are_as_few_as_show_every_value(void **state)
{
    (void)state;
    assert_str(seli_from_array((float[]){0.5f, 0.25f}, SELI_SHAPE(2)), "tensor([0.50, 0.25])");
    assert_str(seli_from_array((float[]){0.123456f, 2.0f}, SELI_SHAPE(2)),
               "tensor([0.1235, 2.0000])");
}

static void test_matrix_rows_align_under_the_first(void **state)
{
    (void)state;
    assert_str(seli_from_array((float[]){1, 2, 3, 4}, SELI_SHAPE(2, 2)),
               "tensor([[1., 2.],\n        [3., 4.]])");
    assert_str(seli_from_array((float[]){1, -2.5f, 3, 4}, SELI_SHAPE(2, 2)),
               "tensor([[ 1.0, -2.5],\n        [ 3.0,  4.0]])");
}

static void test_three_dimensions_separate_blocks_with_a_blank_line(void **state)
{
    (void)state;
    assert_str(seli_from_array((float[]){0, 1, 2, 3, 4, 5, 6, 7}, SELI_SHAPE(2, 2, 2)),
               "tensor([[[0., 1.],\n"
               "         [2., 3.]],\n"
               "\n"
               "        [[4., 5.],\n"
               "         [6., 7.]]])");
}

static void test_wide_or_tiny_magnitudes_use_scientific_notation(void **state)
{
    (void)state;
    assert_str(seli_from_array((float[]){1e-5f, 1.0f}, SELI_SHAPE(2)),
               "tensor([1.0e-05, 1.0e+00])");
    assert_str(seli_from_array((float[]){1.5e9f, 1.0f}, SELI_SHAPE(2)),
               "tensor([1.5e+09, 1.0e+00])");
    assert_str(seli_from_array((float[]){1e9f, 2.0f}, SELI_SHAPE(2)), "tensor([1.0e+09, 2.0e+00])");
    assert_str(seli_from_array((float[]){0.001f, 2.0f}, SELI_SHAPE(2)),
               "tensor([1.0e-03, 2.0e+00])");
}

static void test_non_finite_values_print_as_nan_and_inf(void **state)
{
    (void)state;
    assert_str(seli_from_array((float[]){1, NAN, -INFINITY}, SELI_SHAPE(3)),
               "tensor([  1.,  nan, -inf])");
    assert_str(seli_from_array((float[]){0.5f, INFINITY}, SELI_SHAPE(2)), "tensor([0.5, inf])");
}

static void test_empty_tensors_print_empty_brackets(void **state)
{
    (void)state;
    assert_str(seli_zeros(SELI_SHAPE(0)), "tensor([])");
    assert_str(seli_zeros(SELI_SHAPE(2, 0)), "tensor([], shape=[2, 0])");
}

static void test_long_rows_wrap_within_80_columns(void **state)
{
    (void)state;
    seli_tensor *t = seli_normal(seli_seed(0), SELI_SHAPE(30));
    char *s = seli_tensor_str(t);
    int lines = 0;
    for (char *line = s; line; lines++) {
        char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        assert_true(len <= 80);
        if (lines > 0)
            assert_true(strncmp(line, "        ", 8) == 0); /* continuation under the first */
        line = nl ? nl + 1 : NULL;
    }
    assert_true(lines > 1);
    assert_int_equal(count(s, ","), 29);
    free(s);
}

static void test_up_to_1000_elements_print_in_full(void **state)
{
    (void)state;
    char *s = seli_tensor_str(seli_arange(0, 1000, 1));
    assert_null(strstr(s, "..."));
    assert_int_equal(count(s, ","), 999);
    free(s);
}

static void test_more_than_1000_elements_are_summarised(void **state)
{
    (void)state;
    assert_str(seli_arange(0, 2000, 1), "tensor([   0.,    1.,    2., ..., 1997., 1998., 1999.])");
    assert_str(seli_arange(0, 1001, 1),
               "tensor([   0.,    1.,    2., ...,  998.,  999., 1000.])");
}

static void test_summarised_matrix_shows_three_rows_at_each_end(void **state)
{
    (void)state;
    seli_tensor *t = seli_zeros(SELI_SHAPE(40, 50));
    for (long i = 0; i < t->size; i++)
        t->data[i] = (float)i;
    char *s = seli_tensor_str(t);
    assert_int_equal(count(s, "\n"), 6); /* 3 rows, "...", 3 rows */
    assert_int_equal(count(s, "..."), 7);
    assert_non_null(strstr(s, "tensor([[   0.,    1.,    2., ...,   47.,   48.,   49.],\n"));
    assert_non_null(strstr(s, "        ...,\n"));
    assert_non_null(strstr(s, "[1950., 1951., 1952., ..., 1997., 1998., 1999.]])"));
    free(s);
}

static void test_print_writes_the_string_and_a_newline(void **state)
{
    (void)state;
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    dup2(fileno(tmp), STDOUT_FILENO);
    seli_print(seli_arange(0, 3, 1));
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    char buf[128] = {0};
    rewind(tmp);
    size_t n = fread(buf, 1, sizeof buf - 1, tmp);
    fclose(tmp);
    buf[n] = 0;
    assert_string_equal(buf, "tensor([0., 1., 2.])\n");
}

/* --- HTML --- */

/* Balanced tags, one caption, a table from start to end. */
static void assert_valid_table(const char *h)
{
    assert_true(strncmp(h, "<table", 6) == 0);
    assert_true(strcmp(h + strlen(h) - 8, "</table>") == 0);
    assert_int_equal(count(h, "<caption>"), 1);
    assert_int_equal(count(h, "</caption>"), 1);
    assert_int_equal(count(h, "<tr>"), count(h, "</tr>"));
    assert_int_equal(count(h, "<td>"), count(h, "</td>"));
    assert_int_equal(count(h, "<th>"), count(h, "</th>"));
    const char *text = strstr(h, "<caption>") + strlen("<caption>");
    const char *end = strstr(h, "</caption>");
    assert_true(end > text);
    for (const char *p = text; p < end; p++) /* plain text: nothing to escape */
        assert_true(*p != '<' && *p != '>' && *p != '&' && *p != '"');
}

static void test_html_of_a_scalar_is_one_cell(void **state)
{
    (void)state;
    char *h = seli_tensor_html(seli_scalar(2.5f));
    assert_valid_table(h);
    assert_non_null(strstr(h, "<caption>tensor []</caption>"));
    assert_int_equal(count(h, "<td>"), 1);
    assert_non_null(strstr(h, "<td>2.5</td>"));
    free(h);
}

static void test_html_of_a_vector_is_one_row_with_column_indices(void **state)
{
    (void)state;
    char *h = seli_tensor_html(seli_arange(0, 3, 1));
    assert_valid_table(h);
    assert_non_null(strstr(h, "<caption>tensor [3]</caption>"));
    assert_non_null(strstr(h, "<tr><th>0</th><th>1</th><th>2</th></tr>"));
    assert_non_null(strstr(h, "<tr><td>0.</td><td>1.</td><td>2.</td></tr>"));
    free(h);
}

static void test_html_of_a_matrix_labels_rows_and_columns(void **state)
{
    (void)state;
    char *h = seli_tensor_html(seli_from_array((float[]){1, -2.5f, 3, 4}, SELI_SHAPE(2, 2)));
    assert_valid_table(h);
    assert_non_null(strstr(h, "<caption>tensor [2, 2]</caption>"));
    assert_non_null(strstr(h, "<tr><th></th><th>0</th><th>1</th></tr>"));
    assert_non_null(strstr(h, "<tr><th>0</th><td>1.0</td><td>-2.5</td></tr>"));
    assert_non_null(strstr(h, "<tr><th>1</th><td>3.0</td><td>4.0</td></tr>"));
    free(h);
}

static void test_html_of_3d_labels_rows_with_leading_indices(void **state)
{
    (void)state;
    seli_tensor *t = seli_arange(0, 12, 1);
    t = seli_from_array(t->data, SELI_SHAPE(2, 3, 2));
    char *h = seli_tensor_html(t);
    assert_valid_table(h);
    assert_non_null(strstr(h, "<caption>tensor [2, 3, 2]</caption>"));
    assert_int_equal(count(h, "<tr>"), 1 + 6);
    assert_non_null(strstr(h, "<tr><th>1, 2</th><td>10.</td><td>11.</td></tr>"));
    free(h);
}

static void test_html_of_a_big_tensor_is_summarised(void **state)
{
    (void)state;
    seli_tensor *t = seli_zeros(SELI_SHAPE(100, 100));
    for (long i = 0; i < t->size; i++)
        t->data[i] = (float)i;
    char *h = seli_tensor_html(t);
    assert_valid_table(h);
    assert_non_null(strstr(h, "<caption>tensor [100, 100]</caption>"));
    assert_int_equal(count(h, "<tr>"), 1 + 11); /* header, 5 rows, the ellipsis row, 5 rows */
    assert_int_equal(count(h, "<td>"), 11 * 11);
    assert_non_null(strstr(h, "&vellip;"));
    assert_non_null(strstr(h, "<th>99</th><td>9900.</td>"));
    assert_non_null(strstr(h, "<td>9999.</td></tr>"));
    assert_true(strlen(h) < 4000);
    free(h);
}

/* --- the display sink --- */

static int shown_n;
static char shown_mime[2][32], *shown_data[2];

static void capture_display(void *user_data, int n, const char *const *mimes,
                            const char *const *data, const char *display_id, int update)
{
    (void)user_data;
    (void)display_id;
    (void)update;
    shown_n = n;
    for (int i = 0; i < n && i < 2; i++) {
        snprintf(shown_mime[i], sizeof shown_mime[i], "%s", mimes[i]);
        shown_data[i] = strdup(data[i]);
    }
}

static void ignore_clear(void *user_data, int wait)
{
    (void)user_data;
    (void)wait;
}

static void test_show_sends_html_and_plain_text_to_the_sink(void **state)
{
    (void)state;
    seli_sink sink = {capture_display, ignore_clear, NULL};
    seli_sink old = seli_set_sink(&sink);
    seli_tensor *t = seli_from_array((float[]){1, 2, 3, 4}, SELI_SHAPE(2, 2));
    seli_tensor_show(t);
    seli_set_sink(&old);
    assert_int_equal(shown_n, 2);
    assert_string_equal(shown_mime[0], "text/html");
    assert_string_equal(shown_mime[1], "text/plain");
    char *h = seli_tensor_html(t), *s = seli_tensor_str(t);
    assert_string_equal(shown_data[0], h);
    assert_string_equal(shown_data[1], s);
    free(h);
    free(s);
    free(shown_data[0]);
    free(shown_data[1]);
}

static void test_null_tensor_is_reported_by_name(void **state)
{
    (void)state;
    const char *ops[] = {"seli_tensor_str", "seli_tensor_html", "seli_print", "seli_tensor_show"};
    for (volatile int k = 0; k < 4; k++) {
        last_message[0] = 0;
        if (setjmp(on_error) == 0) {
            switch (k) {
            case 0: free(seli_tensor_str(NULL)); break;
            case 1: free(seli_tensor_html(NULL)); break;
            case 2: seli_print(NULL); break;
            default: seli_tensor_show(NULL); break;
            }
            fail_msg("no error from %s(NULL)", ops[k]);
        }
        assert_non_null(strstr(last_message, ops[k]));
        assert_non_null(strstr(last_message, "NULL"));
    }
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_scalar_prints_without_brackets),
        T(test_vector_of_integers_prints_like_numpy),
        T(test_decimals_are_as_few_as_show_every_value),
        T(test_matrix_rows_align_under_the_first),
        T(test_three_dimensions_separate_blocks_with_a_blank_line),
        T(test_wide_or_tiny_magnitudes_use_scientific_notation),
        T(test_non_finite_values_print_as_nan_and_inf),
        T(test_empty_tensors_print_empty_brackets),
        T(test_long_rows_wrap_within_80_columns),
        T(test_up_to_1000_elements_print_in_full),
        T(test_more_than_1000_elements_are_summarised),
        T(test_summarised_matrix_shows_three_rows_at_each_end),
        T(test_print_writes_the_string_and_a_newline),
        T(test_html_of_a_scalar_is_one_cell),
        T(test_html_of_a_vector_is_one_row_with_column_indices),
        T(test_html_of_a_matrix_labels_rows_and_columns),
        T(test_html_of_3d_labels_rows_with_leading_indices),
        T(test_html_of_a_big_tensor_is_summarised),
        T(test_show_sends_html_and_plain_text_to_the_sink),
        T(test_null_tensor_is_reported_by_name),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
