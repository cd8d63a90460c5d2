/* train_bench.c: training steps of the paper's models with libseli, timed.
 * bench/train_bench_torch.py runs the same steps in PyTorch and runs this
 * program, so both numbers come from one run on one machine.
 *
 *   regression     1 -> 16 -> 16 -> 1, ELU, full batch of 64, MSE, Adam(1e-3)
 *   flow matching  2 -> 128 -> 128 -> 1, GELU (tanh form), batch 1024, Adam(1e-3);
 *                  each step samples x0 ~ N(0, 1), x1 from a two-mode mixture,
 *                  t ~ U(0, 1), and regresses the velocity x1 - x0 at
 *                  x_t = (1 - t) x0 + t x1 from the input (x_t, t)
 *
 * Output: one line per model, "NAME us_per_step=U cpu_us_per_step=C
 * final_loss=L": U is wall-clock time, C the process's CPU time (steadier on
 * a shared machine), each the median over 5 repetitions of `steps` steps
 * after a warm-up. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "seli.h"

static double clock_seconds(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* --- regression: y = sin(3x) + noise on [-1, 1], 64 points --- */

static seli_tensor *rx, *ry;
static seli_module *rmodel, *ropt;

static float regression_step(void) { return seli_minimize_v(ropt, seli_loss_mse, rmodel, ry, rx); }

static void regression_setup(void)
{
    seli_key key = seli_seed(0);
    rx = seli_reshape(seli_linspace(-1, 1, 64), 2, (long[]){64, 1});
    ry = seli_add(seli_sin(seli_mul_scalar(rx, 3)),
                  seli_mul_scalar(seli_normal(seli_next(&key), SELI_SHAPE(64, 1)), 0.1f));
    rmodel = seli_set_rngs(seli_net_mlp(3, (int[]){16, 16, 1}, seli_net_elu), 42);
    ropt = seli_opt_adam(1e-3);
}

/* --- flow matching on a 1-D two-mode mixture --- */

static seli_module *fmodel, *fopt;
static seli_key fkey;

static float flow_step(void)
{
    const long B = 1024;
    seli_scope_begin();
    seli_tensor *x0 = seli_normal(seli_next(&fkey), SELI_SHAPE(B, 1));
    seli_tensor *x1 =
        seli_add(seli_mul_scalar(seli_normal(seli_next(&fkey), SELI_SHAPE(B, 1)), 0.5f),
                 seli_mul_scalar(seli_rademacher(seli_next(&fkey), SELI_SHAPE(B, 1)), 2));
    seli_tensor *t = seli_uniform(seli_next(&fkey), 0, 1, SELI_SHAPE(B, 1));
    seli_tensor *xt = seli_add(seli_mul(seli_add_scalar(seli_neg(t), 1), x0), seli_mul(t, x1));
    seli_tensor *in = seli_concat(2, (seli_tensor *[]){xt, t}, -1);
    seli_tensor *v = seli_sub(x1, x0);
    float loss = seli_minimize_v(fopt, seli_loss_mse, fmodel, v, in);
    seli_scope_end();
    return loss;
}

static void flow_setup(void)
{
    fkey = seli_seed(1);
    fmodel = seli_set_rngs(seli_net_mlp(3, (int[]){128, 128, 1}, seli_net_gelu), 42);
    fopt = seli_opt_adam(1e-3);
}

static void run(const char *name, void (*setup)(void), float (*step)(void), int steps)
{
    setup();
    float loss = 0;
    for (int i = 0; i < steps / 4 + 10; i++) /* warm-up: parameters, state, arena chunks */
        loss = step();
    double us[5], cpu[5];
    for (int r = 0; r < 5; r++) {
        double t0 = clock_seconds(CLOCK_MONOTONIC), c0 = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
        for (int i = 0; i < steps; i++)
            loss = step();
        us[r] = (clock_seconds(CLOCK_MONOTONIC) - t0) / steps * 1e6;
        cpu[r] = (clock_seconds(CLOCK_PROCESS_CPUTIME_ID) - c0) / steps * 1e6;
    }
    qsort(us, 5, sizeof us[0], compare);
    qsort(cpu, 5, sizeof cpu[0], compare);
    printf("%s us_per_step=%.2f cpu_us_per_step=%.2f final_loss=%.5f\n", name, us[2], cpu[2], loss);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    int scale = argc > 1 ? atoi(argv[1]) : 1;
    if (scale < 1)
        scale = 1;
    run("regression", regression_setup, regression_step, 2000 * scale);
    run("flow_matching", flow_setup, flow_step, 200 * scale);
    seli_module_free(rmodel);
    seli_module_free(ropt);
    seli_module_free(fmodel);
    seli_module_free(fopt);
    return 0;
}
