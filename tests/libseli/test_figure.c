/* test_figure.c: figures produce the SVG elements they promise.
 *
 * `test_figure --gallery DIR` writes every gallery figure to DIR/NAME.svg
 * (used by test_svg_wellformed.py and for looking at the figures). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "figure_gallery.h"
#include "plot/plot.h"

/* --- helpers --- */

static int count(const char *haystack, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(haystack, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* The text of the <g class="NAME"> ... </g> group (malloc'd). */
static char *group(const char *svg, const char *name)
{
    char open[64];
    snprintf(open, sizeof open, "<g class=\"%s\">", name);
    const char *a = strstr(svg, open);
    assert_non_null(a);
    const char *b = strstr(a, "</g>");
    assert_non_null(b);
    return strndup(a, (size_t)(b - a));
}

static char *one_axes_svg(void (*build)(seli_axes *))
{
    seli_figure *fig = seli_figure_new(4, 3);
    build(seli_subplot(fig, 1, 1, 0));
    char *svg = seli_figure_svg(fig);
    seli_figure_free(fig);
    return svg;
}

static jmp_buf error_jump;
static char error_text[512];

static void jump_handler(const char *message, void *user_data)
{
    (void)user_data;
    snprintf(error_text, sizeof error_text, "%s", message);
    longjmp(error_jump, 1);
}

/* --- lines, legends, ticks --- */

static void three_lines(seli_axes *ax)
{
    float x[3] = {0, 1, 2}, y[3] = {1, 3, 2};
    seli_line_array(ax, 3, x, y, &(seli_style){.label = "first"});
    seli_line_array(ax, 3, x, y, &(seli_style){.label = "second", .dash = "--"});
    seli_line_array(ax, 3, x, y, NULL); /* no label: not in the legend */
    seli_legend(ax, NULL);
}

static void test_each_line_is_one_path_and_labelled_lines_are_in_the_legend(void **state)
{
    (void)state;
    char *svg = one_axes_svg(three_lines);
    assert_int_equal(count(svg, "class=\"line\""), 3);
    char *legend = group(svg, "legend");
    assert_int_equal(count(legend, "<text"), 2);
    assert_non_null(strstr(legend, ">first</text>"));
    assert_non_null(strstr(legend, ">second</text>"));
    /* the cycle gives C0, C1, C2 */
    assert_non_null(strstr(svg, "stroke=\"#1f77b4\""));
    assert_non_null(strstr(svg, "stroke=\"#ff7f0e\""));
    assert_non_null(strstr(svg, "stroke=\"#2ca02c\""));
    assert_non_null(strstr(svg, "stroke-dasharray"));
    free(legend);
    free(svg);
}

static void log_loss(seli_axes *ax)
{
    float y[100];
    for (int i = 0; i < 100; i++)
        y[i] = (float)pow(10, -4.0 * i / 99); /* 1 down to 1e-4 */
    seli_line_array(ax, 100, NULL, y, NULL);
    seli_yscale(ax, SELI_LOG);
}

static void test_log_axis_ticks_are_powers_of_ten_with_superscripts(void **state)
{
    (void)state;
    char *svg = one_axes_svg(log_loss);
    char *yt = group(svg, "yticks");
    static const char *const want[] = {"\xe2\x88\x92"
                                       "4",
                                       "\xe2\x88\x92"
                                       "3",
                                       "\xe2\x88\x92"
                                       "2",
                                       "\xe2\x88\x92"
                                       "1",
                                       "0"};
    for (int k = 0; k < 5; k++) {
        char label[128];
        snprintf(label, sizeof label,
                 ">10<tspan baseline-shift=\"super\" font-size=\"70%%\">%s</tspan></text>",
                 want[k]);
        assert_non_null(strstr(yt, label));
    }
    assert_int_equal(count(yt, "<text"), 5);
    free(yt);
    free(svg);
}

static void linear_0_7(seli_axes *ax)
{
    float x[2] = {0, 7}, y[2] = {-0.3f, 0.8f};
    seli_line_array(ax, 2, x, y, NULL);
    seli_xlim(ax, 0, 7);
}

/* Every tick label of an axis is a multiple of one step in {1, 2, 5} x 10^k. */
static void check_125(const char *ticks)
{
    double v[64];
    int n = 0;
    for (const char *p = strstr(ticks, "<text"); p && n < 64; p = strstr(p + 1, "<text")) {
        const char *t = strchr(p, '>') + 1;
        int neg = strncmp(t, "\xe2\x88\x92", 3) == 0;
        v[n++] = (neg ? -1 : 1) * atof(t + (neg ? 3 : 0));
    }
    assert_true(n >= 3);
    double step = v[1] - v[0];
    double mant = step / pow(10, floor(log10(step) + 1e-9));
    assert_true(fabs(mant - 1) < 1e-6 || fabs(mant - 2) < 1e-6 || fabs(mant - 5) < 1e-6);
    for (int i = 1; i < n; i++)
        assert_true(fabs(v[i] - v[i - 1] - step) < 1e-6 * step);
}

static void test_linear_ticks_step_by_one_two_or_five(void **state)
{
    (void)state;
    char *svg = one_axes_svg(linear_0_7);
    char *xt = group(svg, "xticks"), *yt = group(svg, "yticks");
    check_125(xt);
    check_125(yt);
    assert_non_null(strstr(xt, ">0</text>"));
    assert_non_null(strstr(yt, ">\xe2\x88\x92"
                               "0.2</text>")); /* a true minus sign */
    free(xt);
    free(yt);
    free(svg);
}

static void symlog_iterations(seli_axes *ax)
{
    float y[10001];
    for (int i = 0; i <= 10000; i++)
        y[i] = 1.0f / (1 + i);
    seli_line_array(ax, 10001, NULL, y, NULL);
    seli_xscale_symlog(ax, 100);
    seli_xlim(ax, 0, 10000);
}

static void test_symlog_axis_shows_zero_and_decades_beyond_linthresh(void **state)
{
    (void)state;
    char *svg = one_axes_svg(symlog_iterations);
    char *xt = group(svg, "xticks");
    assert_int_equal(count(xt, "<text"), 4);
    assert_non_null(strstr(xt, ">0</text>"));
    assert_non_null(strstr(xt, ">10<tspan baseline-shift=\"super\" font-size=\"70%\">2</tspan>"));
    assert_non_null(strstr(xt, ">10<tspan baseline-shift=\"super\" font-size=\"70%\">4</tspan>"));
    free(xt);
    free(svg);
}

/* --- text --- */

static void nasty_labels(seli_axes *ax)
{
    float y[2] = {0, 1};
    seli_line_array(ax, 2, NULL, y, &(seli_style){.label = "a<b & \"c\" 'd'"});
    seli_title(ax, "</text><script>");
    seli_xlabel(ax, "x_1 and x^2 and x_{ij}");
    seli_ylabel(ax, "learning_rate");
    seli_legend(ax, NULL);
}

static void test_text_is_escaped_and_scripts_become_tspans(void **state)
{
    (void)state;
    char *svg = one_axes_svg(nasty_labels);
    assert_non_null(strstr(svg, ">a&lt;b &amp; &quot;c&quot; &apos;d&apos;</text>"));
    assert_non_null(strstr(svg, "&lt;/text&gt;&lt;script&gt;"));
    assert_null(strstr(svg, "<script>"));
    assert_non_null(strstr(svg, "x<tspan baseline-shift=\"sub\" font-size=\"70%\">1</tspan> and "
                                "x<tspan baseline-shift=\"super\" font-size=\"70%\">2</tspan>"));
    assert_non_null(strstr(svg, "x<tspan baseline-shift=\"sub\" font-size=\"70%\">ij</tspan>"));
    assert_non_null(strstr(svg, ">learning_rate</text>")); /* a word, not a subscript */
    free(svg);
}

/* --- histograms, fills, scatter, contours --- */

static void test_density_histogram_has_unit_area(void **state)
{
    (void)state;
    gallery_seed(9);
    float s[5000];
    for (int i = 0; i < 5000; i++)
        s[i] = (float)gallery_normal();
    seli_figure *fig = seli_figure_new(4, 3);
    seli_axes *ax = seli_subplot(fig, 1, 1, 0);
    seli_hist_array(ax, 5000, s, &(seli_style){.bins = 25, .density = 1});
    seli_hist_array(ax, 5000, s, &(seli_style){.bins = 10, .lo = -1, .hi = 1});
    const seli__plot *h = &ax->plots[0];
    assert_int_equal(h->n, 25);
    double area = 0;
    for (long b = 0; b < h->n; b++)
        area += h->y[b] * (h->x[b + 1] - h->x[b]);
    assert_true(fabs(area - 1) < 1e-9);
    /* counts within [-1, 1] only: about 68% of the samples */
    double inside = 0;
    for (long b = 0; b < ax->plots[1].n; b++)
        inside += ax->plots[1].y[b];
    assert_true(inside > 0.62 * 5000 && inside < 0.74 * 5000);
    char *svg = seli_figure_svg(fig);
    assert_int_equal(count(svg, "class=\"hist\""), 2);
    free(svg);
    seli_figure_free(fig);
}

static void test_scatter_with_values_groups_points_by_colour(void **state)
{
    (void)state;
    float x[500], y[500], c[500];
    for (int i = 0; i < 500; i++) {
        x[i] = (float)i;
        y[i] = (float)(i % 17);
        c[i] = (float)i;
    }
    seli_figure *fig = seli_figure_new(4, 3);
    seli_axes *ax = seli_subplot(fig, 1, 1, 0);
    seli_scatter_array(ax, 500, x, y, c, &(seli_style){.cmap = "turbo"});
    char *svg = seli_figure_svg(fig);
    char *sc = group(svg, "scatter");
    int paths = count(sc, "<path");
    assert_true(paths > 32 && paths <= 64);
    assert_int_equal(count(sc, "h0"), 500); /* every point drawn once */
    free(sc);
    free(svg);
    seli_figure_free(fig);
}

static void test_fill_between_is_one_translucent_polygon(void **state)
{
    (void)state;
    float x[4] = {0, 1, 2, 3}, lo[4] = {0, 0, 0, 0}, hi[4] = {1, 2, 1, 2};
    seli_figure *fig = seli_figure_new(4, 3);
    seli_axes *ax = seli_subplot(fig, 1, 1, 0);
    seli_fill_between_array(ax, 4, x, lo, hi, &(seli_style){.label = "band"});
    char *svg = seli_figure_svg(fig);
    assert_int_equal(count(svg, "class=\"fill\""), 1);
    assert_non_null(strstr(svg, "fill-opacity=\"0.25\""));
    free(svg);
    seli_figure_free(fig);
}

static void test_large_grid_is_one_image_not_a_million_elements(void **state)
{
    (void)state;
    enum { G = 1024 };
    float *z = malloc(sizeof(float) * G * G);
    for (int i = 0; i < G; i++)
        for (int j = 0; j < G; j++)
            z[i * G + j] = (float)(sin(j * 0.01) * cos(i * 0.013));
    seli_figure *fig = seli_figure_new(4, 4);
    seli_axes *ax = seli_subplot(fig, 1, 1, 0);
    seli_contourf_array(ax, G, G, z, 0, 1, 0, 1, &(seli_style){.levels = 12});
    seli_contour_array(ax, G, G, z, 0, 1, 0, 1, &(seli_style){.color = "k"});
    free(z);
    char *svg = seli_figure_svg(fig);
    assert_int_equal(count(svg, "<image"), 1);
    assert_non_null(strstr(svg, "xlink:href=\"data:image/png;base64,iVBORw0KGgo"));
    assert_true(count(svg, "<") < 200);
    assert_true(count(svg, "<path") >= 5); /* contour levels */
    assert_true(strlen(svg) < 400 * 1024);
    free(svg);
    seli_figure_free(fig);
}

/* --- size limits and layout --- */

static void test_long_line_and_big_histogram_stay_under_100_kb(void **state)
{
    (void)state;
    seli_figure *(*makers[2])(void) = {gallery_line2000, gallery_hist32768};
    for (int i = 0; i < 2; i++) {
        seli_figure *fig = makers[i]();
        char *svg = seli_figure_svg(fig);
        assert_true(strlen(svg) < 100 * 1024);
        free(svg);
        seli_figure_free(fig);
    }
}

static void test_spanning_panel_is_as_wide_as_the_four_above(void **state)
{
    (void)state;
    seli_figure *fig = gallery_two_moons();
    assert_int_equal(fig->naxes, 5);
    char *svg = seli_figure_svg(fig);
    assert_int_equal(count(svg, "<g class=\"axes\">"), 5);
    double w[5];
    const char *p = svg;
    for (int i = 0; i < 5; i++) {
        p = strstr(p, "<clipPath");
        assert_non_null(p);
        double x, y;
        assert_int_equal(
            sscanf(strstr(p, "<rect"), "<rect x=\"%lf\" y=\"%lf\" width=\"%lf\"", &x, &y, &w[i]),
            3);
        p++;
    }
    assert_true(w[4] > 3.5 * w[0]);
    assert_true(fabs(w[0] - w[1]) < 0.5 && fabs(w[1] - w[3]) < 0.5);
    assert_non_null(strstr(svg, ">2D Classification</text>"));
    free(svg);
    seli_figure_free(fig);
}

/* --- showing, tensors, errors --- */

static int shown;
static char shown_mimes[2][32];
static int shown_has_svg_root;

static void capture(void *ud, int n, const char *const *mimes, const char *const *data,
                    const char *display_id, int update)
{
    (void)ud;
    (void)display_id;
    (void)update;
    shown++;
    for (int i = 0; i < n && i < 2; i++)
        snprintf(shown_mimes[i], sizeof shown_mimes[i], "%s", mimes[i]);
    shown_has_svg_root = n >= 1 && strstr(data[0], "<svg") && strstr(data[0], "</svg>");
}

static void test_show_sends_svg_and_a_text_summary_to_the_sink(void **state)
{
    (void)state;
    seli_sink sink = {capture, NULL, NULL};
    seli_sink old = seli_set_sink(&sink);
    seli_figure *fig = seli_figure_new(3, 2);
    seli_line_array(seli_subplot(fig, 1, 1, 0), 2, NULL, (float[]){1, 2}, NULL);
    seli_figure_show(fig);
    seli_figure_free(fig);
    seli_set_sink(&old);
    assert_int_equal(shown, 1);
    assert_string_equal(shown_mimes[0], "image/svg+xml");
    assert_string_equal(shown_mimes[1], "text/plain");
    assert_true(shown_has_svg_root);
}

static void test_tensor_entry_points_read_data_and_size(void **state)
{
    (void)state;
    seli_tensor *x = seli_linspace(0, 1, 11);
    seli_tensor *y = seli_linspace(2, 3, 11);
    seli_tensor *z = seli_from_array((float[]){1, 2, 3, 4, 5, 6}, SELI_SHAPE(2, 3));
    seli_figure *fig = seli_figure_new(4, 3);
    seli_axes *ax = seli_subplot(fig, 1, 1, 0);
    seli_line(ax, x, y, NULL);
    seli_scatter(ax, x, y, NULL);
    seli_hist(ax, y, NULL);
    seli_fill_between(ax, x, x, y, NULL);
    seli_heatmap(ax, z, 0, 1, 0, 1, NULL);
    assert_int_equal(ax->nplots, 5);
    assert_int_equal(ax->plots[0].n, 11);
    assert_true(fabs(ax->plots[0].y[10] - 3) < 1e-6);
    assert_int_equal(ax->plots[4].nx, 3);
    assert_int_equal(ax->plots[4].ny, 2);
    seli_figure_free(fig);
}

static void test_misuse_is_reported_before_anything_changes(void **state)
{
    (void)state;
    seli_error_handler old;
    void *old_ud;
    seli_set_error_handler(jump_handler, NULL, &old, &old_ud);
    seli_figure *fig = seli_figure_new(4, 3);
    seli_axes *ax = seli_subplot(fig, 1, 1, 0);
    if (!setjmp(error_jump)) {
        seli_line_array(ax, 2, NULL, (float[]){1, 2}, &(seli_style){.color = "blurple"});
        fail();
    }
    assert_non_null(strstr(error_text, "seli_line_array: unknown colour \"blurple\""));
    assert_int_equal(ax->nplots, 0);
    if (!setjmp(error_jump)) {
        seli_yscale(ax, SELI_LOG);
        seli_ylim(ax, -1, 1);
        fail();
    }
    assert_non_null(strstr(error_text, "seli_ylim"));
    assert_int_equal(ax->axis[1].lim_set, 0);
    if (!setjmp(error_jump)) {
        seli_subplot(fig, 2, 2, 4);
        fail();
    }
    assert_non_null(strstr(error_text, "index 4 is outside the 2 x 2 grid"));
    assert_int_equal(fig->naxes, 1);
    seli_figure_free(fig);
    seli_set_error_handler(old, old_ud, NULL, NULL);
}

static void test_save_writes_the_same_svg(void **state)
{
    (void)state;
    char path[] = "/tmp/seli-test-figure-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    seli_figure *fig = gallery_regression();
    seli_figure_save(fig, path);
    char *svg = seli_figure_svg(fig);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char *buf = calloc(1, strlen(svg) + 16);
    size_t n = fread(buf, 1, strlen(svg) + 8, f);
    fclose(f);
    unlink(path);
    assert_int_equal(n, strlen(svg));
    /* the same apart from the clip-path ids, which are unique per rendering */
    assert_int_equal(count(buf, "<path"), count(svg, "<path"));
    assert_int_equal(count(buf, "<text"), count(svg, "<text"));
    free(buf);
    free(svg);
    seli_figure_free(fig);
}

static int write_gallery(const char *dir)
{
    for (size_t i = 0; i < sizeof gallery / sizeof gallery[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s.svg", dir, gallery[i].name);
        seli_figure *fig = gallery[i].make();
        seli_figure_save(fig, path);
        seli_figure_free(fig);
        printf("%s\n", path);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--gallery") == 0)
        return write_gallery(argv[2]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_line_is_one_path_and_labelled_lines_are_in_the_legend),
        cmocka_unit_test(test_log_axis_ticks_are_powers_of_ten_with_superscripts),
        cmocka_unit_test(test_linear_ticks_step_by_one_two_or_five),
        cmocka_unit_test(test_symlog_axis_shows_zero_and_decades_beyond_linthresh),
        cmocka_unit_test(test_text_is_escaped_and_scripts_become_tspans),
        cmocka_unit_test(test_density_histogram_has_unit_area),
        cmocka_unit_test(test_scatter_with_values_groups_points_by_colour),
        cmocka_unit_test(test_fill_between_is_one_translucent_polygon),
        cmocka_unit_test(test_large_grid_is_one_image_not_a_million_elements),
        cmocka_unit_test(test_long_line_and_big_histogram_stay_under_100_kb),
        cmocka_unit_test(test_spanning_panel_is_as_wide_as_the_four_above),
        cmocka_unit_test(test_show_sends_svg_and_a_text_summary_to_the_sink),
        cmocka_unit_test(test_tensor_entry_points_read_data_and_size),
        cmocka_unit_test(test_misuse_is_reported_before_anything_changes),
        cmocka_unit_test(test_save_writes_the_same_svg),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
