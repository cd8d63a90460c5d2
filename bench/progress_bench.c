/* progress_bench.c: the cost of a progress bar in a training loop.
 *
 * A 10,000-step loop of 20 us steps (a fixed arithmetic chain, calibrated
 * to 20 us at start-up) runs without a
 * bar, with a bar on the default sink (a '\r' line on stderr, sent to
 * /dev/null here) and with a bar on a sink that drops messages (as the
 * kernel's would queue them); each step also sets a "loss=%.4f" postfix.
 * Prints the overhead in percent (best of 7 runs each) and the cost of one
 * step + postfix in a tight loop.  The target is < 1%. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "seli.h"

enum { STEPS = 10000, RUNS = 15 };
#define STEP_NS 20000LL

/* Thread CPU time: other processes on a shared machine do not count. */
static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static volatile double sink_value;
static long work_iters = 1000;

static void work(void)
{
    double x = sink_value;
    for (long i = 0; i < work_iters; i++)
        x = x * 1.0000001 + 1e-9;
    sink_value = x;
}

/* Choose work_iters so that one work() takes STEP_NS. */
static void calibrate(void)
{
    for (int k = 0; k < 3; k++) {
        long long t0 = now_ns();
        for (int i = 0; i < 2000; i++)
            work();
        double per = (now_ns() - t0) / 2000.0;
        work_iters = (long)(work_iters * STEP_NS / per);
    }
}

static int messages;
static void null_display(void *ud, int n, const char *const *m, const char *const *d,
                         const char *id, int update)
{
    (void)ud, (void)n, (void)m, (void)d, (void)id, (void)update;
    messages++;
}

static seli_sink null_sink = {null_display, NULL, NULL};

/* One loop: mode 0 no bar, 1 bar on the default sink, 2 bar on a null sink. */
static double run_once(int mode)
{
    if (mode == 2)
        seli_set_sink(&null_sink);
    long long t0 = now_ns();
    seli_progress *bar = mode ? seli_progress_new(STEPS, "bench") : NULL;
    for (int i = 0; i < STEPS; i++) {
        work();
        if (bar) {
            seli_progress_postfix(bar, "loss=%.4f", 1.0 / (i + 1));
            seli_progress_step(bar);
        }
    }
    seli_progress_close(bar);
    double t = (now_ns() - t0) * 1e-9;
    seli_set_sink(NULL);
    return t;
}

int main(void)
{
    if (!freopen("/dev/null", "w", stderr))
        return 1;
    sink_value = 1;
    calibrate();
    double best[3] = {1e30, 1e30, 1e30};
    for (int r = 0; r < RUNS; r++) /* interleaved, best of RUNS */
        for (int mode = 0; mode < 3; mode++) {
            double t = run_once(mode);
            if (t < best[mode])
                best[mode] = t;
        }
    double base = best[0], term = best[1], kern = best[2];
    int loop_messages = messages;
    seli_set_sink(&null_sink);
    /* the bare cost of a step and a postfix */
    seli_progress *bar = seli_progress_new(10000000, "tight");
    long long t0 = now_ns();
    for (int i = 0; i < 10000000; i++) {
        seli_progress_postfix(bar, "loss=%.4f", 1.0 / (i + 1));
        seli_progress_step(bar);
    }
    double per = (now_ns() - t0) / 1e7;
    seli_progress_close(bar);
    /* the cost of one redraw: a new bar and its close draw twice */
    t0 = now_ns();
    for (int i = 0; i < 2000; i++)
        seli_progress_close(seli_progress_new(100, "redraw"));
    double draw = (now_ns() - t0) / 4000.0;
    seli_set_sink(NULL);
    /* a 10,000-step loop of 20 us lasts 0.2 s: about 2 + 0.2 * 10 redraws */
    double model = (STEPS * per + 4 * draw) / (STEPS * 20000.0);
    printf("progress bar: %d steps of 20 us (thread CPU time), best of %d interleaved runs\n",
           STEPS, RUNS);
    printf("  no bar:                  %.4f s\n", base);
    printf("  bar, terminal (stderr):  %.4f s  overhead %+.3f%%\n", term,
           100 * (term - base) / base);
    printf("  bar, display sink:       %.4f s  overhead %+.3f%%  (%d messages in %d runs)\n", kern,
           100 * (kern - base) / base, loop_messages, RUNS);
    printf("  step + postfix, tight loop: %.1f ns per step (%.3f%% of a 20 us step)\n", per,
           100 * per / 20000.0);
    printf("  one redraw (HTML + text to a sink): %.2f us\n", draw / 1000);
    printf("  overhead from its parts (10,000 steps + 4 redraws): %.3f%%  (target < 1%%)\n",
           100 * model);
    return 0;
}
