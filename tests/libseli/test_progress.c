/* test_progress.c: progress bars throttle their redraws and end in a final state. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "seli.h"

/* --- a sink that records what it is sent --- */

typedef struct record {
    int calls, updates, shows;
    int bad_id; /* an update came with another id than the display */
    char id[128];
    char html[2048], plain[1024];
    int last_update;
    int mimes_ok;
} record;

static record rec;

static void recorder(void *ud, int n, const char *const *mimes, const char *const *data,
                     const char *display_id, int update)
{
    (void)ud;
    rec.calls++;
    rec.last_update = update;
    if (update) {
        rec.updates++;
        if (!display_id || strcmp(display_id, rec.id) != 0)
            rec.bad_id = 1;
    } else {
        rec.shows++;
        snprintf(rec.id, sizeof rec.id, "%s", display_id ? display_id : "");
    }
    rec.mimes_ok =
        n == 2 && strcmp(mimes[0], "text/html") == 0 && strcmp(mimes[1], "text/plain") == 0;
    if (n == 2) {
        snprintf(rec.html, sizeof rec.html, "%s", data[0]);
        snprintf(rec.plain, sizeof rec.plain, "%s", data[1]);
    }
}

static seli_sink old_sink;

static int install(void **state)
{
    (void)state;
    memset(&rec, 0, sizeof rec);
    seli_sink s = {recorder, NULL, NULL};
    old_sink = seli_set_sink(&s);
    return 0;
}

static int restore(void **state)
{
    (void)state;
    seli_set_sink(&old_sink);
    return 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* --- tests --- */

static void test_new_bar_is_one_display_with_an_id_html_and_text(void **state)
{
    (void)state;
    seli_progress *bar = seli_progress_new(100, "training");
    assert_int_equal(rec.calls, 1);
    assert_int_equal(rec.shows, 1);
    assert_int_equal(rec.last_update, 0);
    assert_true(strlen(rec.id) > 0);
    assert_true(rec.mimes_ok);
    assert_non_null(strstr(rec.plain, "training:   0%|"));
    assert_non_null(strstr(rec.plain, "0/100"));
    assert_non_null(strstr(rec.html, "training"));
    seli_progress_close(bar);
}

static void test_updates_are_sent_at_most_ten_times_a_second(void **state)
{
    (void)state;
    long total = 1000000000L;
    seli_progress *bar = seli_progress_new(total, "busy");
    double t0 = now();
    long steps = 0;
    while (now() - t0 < 0.45) {
        seli_progress_step(bar);
        steps++;
    }
    double elapsed = now() - t0;
    int updates = rec.updates;
    assert_true(steps > 10000);                      /* many steps ... */
    assert_true(updates <= (int)(elapsed * 10) + 1); /* ... few redraws */
    assert_true(updates >= 3);                       /* but it does move */
    assert_false(rec.bad_id);
    assert_true(rec.mimes_ok);
    seli_progress_close(bar);
    assert_int_equal(rec.shows, 1); /* every later message replaced the first display */
}

static void test_final_state_shows_the_full_count_elapsed_time_and_postfix(void **state)
{
    (void)state;
    seli_progress *bar = seli_progress_new(50, "fit");
    for (int i = 0; i < 50; i++) {
        seli_progress_postfix(bar, "loss=%.3f", 0.5 / (i + 1) + (i == 49 ? 0.021 : 0));
        seli_progress_step(bar);
    }
    seli_progress_close(bar);
    assert_int_equal(rec.last_update, 1);
    assert_false(rec.bad_id);
    assert_non_null(strstr(rec.plain, "fit: 100%|"));
    assert_non_null(strstr(rec.plain, "50/50 [elapsed 00:00"));
    assert_non_null(strstr(rec.plain, "loss=0.031]")); /* the last step's postfix */
    assert_non_null(strstr(rec.html, "width:100.0%"));
    assert_non_null(strstr(rec.html, "#2ca02c")); /* finished: green */
}

static void test_unfinished_bar_ends_red_and_unknown_total_counts_up(void **state)
{
    (void)state;
    seli_progress *bar = seli_progress_new(10, NULL);
    seli_progress_advance(bar, 3);
    seli_progress_close(bar);
    assert_non_null(strstr(rec.plain, "3/10"));
    assert_non_null(strstr(rec.html, "#d62728"));
    seli_progress *open = seli_progress_new(0, "stream");
    seli_progress_advance(open, 7);
    seli_progress_close(open);
    assert_non_null(strstr(rec.plain, "stream: 7 [elapsed"));
}

static void test_description_is_escaped_in_html(void **state)
{
    (void)state;
    seli_progress *bar = seli_progress_new(1, "<b>&");
    assert_non_null(strstr(rec.html, "&lt;b&gt;&amp;"));
    assert_null(strstr(rec.html, "<b>"));
    seli_progress_close(bar);
}

static void test_plain_program_gets_a_carriage_return_line_on_stderr(void **state)
{
    (void)state;
    seli_set_sink(NULL); /* the default sink: a terminal program */
    char path[] = "/tmp/seli-test-progress-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    fflush(stderr);
    int saved = dup(2);
    dup2(fd, 2);
    seli_progress *bar = seli_progress_new(5, "term");
    for (int i = 0; i < 5; i++)
        seli_progress_step(bar);
    seli_progress_close(bar);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    char buf[4096] = {0};
    lseek(fd, 0, SEEK_SET);
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    unlink(path);
    assert_true(n > 0);
    assert_int_equal(buf[0], '\r');
    assert_non_null(strstr(buf, "\rterm: 100%|"));
    assert_int_equal(buf[n - 1], '\n');
    assert_int_equal(rec.calls, 0); /* nothing went to a sink */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_new_bar_is_one_display_with_an_id_html_and_text,
                                        install, restore),
        cmocka_unit_test_setup_teardown(test_updates_are_sent_at_most_ten_times_a_second, install,
                                        restore),
        cmocka_unit_test_setup_teardown(
            test_final_state_shows_the_full_count_elapsed_time_and_postfix, install, restore),
        cmocka_unit_test_setup_teardown(test_unfinished_bar_ends_red_and_unknown_total_counts_up,
                                        install, restore),
        cmocka_unit_test_setup_teardown(test_description_is_escaped_in_html, install, restore),
        cmocka_unit_test_setup_teardown(test_plain_program_gets_a_carriage_return_line_on_stderr,
                                        install, restore),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
