/* jvp_bench.c: f'(x) inside a loss by forward mode against reverse mode.
 *
 * Notebook 03's training step (a Riemann-sum flow over a 1 -> 128 -> 128 -> 1
 * GELU perceptron, batch 128, Adam) with f'(x) taken two ways:
 *   reverse over reverse: seli_grad_graph(seli_sum_all(f), x)
 *   reverse over forward: seli_jvp_graph(f, x, NULL)
 * Blocks of steps alternate between the two on the same model, so both see
 * the same load; it prints the median milliseconds per step of each (wall
 * and process CPU time) and their ratio.  Run: make -C bench BUILD=$PWD/build jvp */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "seli.h"
#include "timing.h"

enum { POINTS = 16, INTERVALS = POINTS - 1, BATCH = 128, BLOCK = 50, BLOCKS = 8 };

static int forward_mode; /* which derivative the loss takes */

static seli_tensor *two_gaussians(seli_key key, long n)
{
    seli_key k[2];
    seli_split(key, 2, k);
    return seli_add(seli_mul_scalar(seli_normal(k[0], SELI_SHAPE(n)), 0.5f),
                    seli_rademacher(k[1], SELI_SHAPE(n)));
}

/* f(x) = x/15 sum_k (softplus(g(k x / 15)) + 1e-6) + c: x [B] -> [B]. */
static seli_tensor *flow_forward(seli_module *m, int n, seli_tensor *const *xs)
{
    (void)n;
    seli_tensor *x = xs[0];
    long b = x->size;
    seli_tensor *frac = seli_mul_scalar(seli_arange(1, POINTS, 1), 1.0f / INTERVALS);
    seli_tensor *t = seli_mul(seli_reshape(x, SELI_SHAPE(b, 1)), frac);
    seli_tensor *g =
        seli_call(seli_child(m, "net"), seli_reshape(t, SELI_SHAPE(b * INTERVALS, 1)));
    seli_tensor *slope =
        seli_add_scalar(seli_softplus(seli_reshape(g, SELI_SHAPE(b, INTERVALS))), 1e-6f);
    seli_tensor *integral =
        seli_mul(seli_sum(slope, 1, 0), seli_mul_scalar(x, 1.0f / INTERVALS));
    seli_tensor *f = seli_call(seli_child(m, "bias"), seli_reshape(integral, SELI_SHAPE(b, 1)));
    return seli_reshape(f, SELI_SHAPE(b));
}

static seli_tensor *nll_loss(seli_module *model, int n, seli_tensor *const *inputs, void *ctx)
{
    (void)n, (void)ctx;
    seli_tensor *x = seli_requires_grad(seli_detach(inputs[0]));
    seli_tensor *f = seli_call(model, x);
    seli_tensor *df = forward_mode ? seli_jvp_graph(f, x, NULL)
                                   : seli_grad_graph(seli_sum_all(f), x);
    seli_tensor *log_prior = seli_add_scalar(seli_mul_scalar(seli_square(f), -0.5f),
                                             -0.5f * logf(2.0f * (float)M_PI));
    return seli_neg(seli_mean_all(seli_add(log_prior, seli_log(seli_abs(df)))));
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, bench_cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

int main(void)
{
    seli_module *flow = seli_module_new("bench:Flow", flow_forward);
    seli_set_child(flow, "net", seli_net_mlp(3, (int[]){128, 128, 1}, seli_net_gelu));
    seli_set_child(flow, "bias", seli_net_bias());
    seli_set_rngs(flow, 42);
    seli_module *opt = seli_opt_adam(3e-4);
    seli_key key = seli_seed(42);
    double wall[2][BLOCKS], cpu[2][BLOCKS];
    for (int b = -1; b < BLOCKS; b++) /* block -1 warms up both */
        for (int mode = 0; mode < 2; mode++) {
            forward_mode = mode;
            double w0 = bench_ms_on(CLOCK_MONOTONIC), c0 = bench_ms_on(CLOCK_PROCESS_CPUTIME_ID);
            for (int i = 0; i < BLOCK; i++) {
                seli_scope_begin();
                seli_minimize_v(opt, nll_loss, flow, two_gaussians(seli_next(&key), BATCH));
                seli_scope_end();
            }
            if (b >= 0) {
                wall[mode][b] = (bench_ms_on(CLOCK_MONOTONIC) - w0) / BLOCK;
                cpu[mode][b] = (bench_ms_on(CLOCK_PROCESS_CPUTIME_ID) - c0) / BLOCK;
            }
        }
    const char *name[2] = {"reverse over reverse", "reverse over forward"};
    double mw[2], mc[2];
    for (int mode = 0; mode < 2; mode++) {
        mw[mode] = median(wall[mode], BLOCKS);
        mc[mode] = median(cpu[mode], BLOCKS);
        printf("flow step, f' by %s: %.3f ms wall, %.3f ms cpu (median of %d blocks of %d)\n",
               name[mode], mw[mode], mc[mode], BLOCKS, BLOCK);
    }
    printf("jvp: forward/reverse wall=%.3f cpu=%.3f\n", mw[1] / mw[0], mc[1] / mc[0]);
    seli_module_free(opt);
    seli_module_free(flow);
    return 0;
}
