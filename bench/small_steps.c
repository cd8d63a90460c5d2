/* small_steps.c: the per-step cost of the notebooks' small training steps (issue 16).
 *
 * These steps are a few hundred floats each, so their time is libseli's per-op
 * overhead (allocation, tape, dispatch, optimizer bookkeeping) rather than
 * arithmetic.  Each loop is the notebook's own step, without the progress bar:
 *   regression      notebook 01: MLP 1-16-16-1 (ELU), MSE on 64 points, Adam 1e-2
 *   classification  notebook 01: MLP 2-32-32-1 (ReLU), BCE on 128 points, Adam 1e-3
 *   rosenbrock      notebook 02: one step of each of the six optimizers in turn
 *   mmd             notebook 04: MLP 1-32-32-1 (ReLU), V-statistic MMD of 32 vs 32, Adam 1e-3
 *   mmd_flushed     the same from the same start, with seli_flush_subnormals(1) (as
 *                   notebook 04 opts in: its RBF kernel underflows)
 *
 * Prints per loop the median over RUNS runs of the mean ms per step, e.g.
 *     small_steps: regression 0.0123 ms/step
 * `small_steps NAME STEPS` runs STEPS steps of one loop once and prints nothing
 * else, for `valgrind --tool=callgrind` (instructions per step = difference of
 * two step counts divided by their difference). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "seli.h"
#include "timing.h"

#define RUNS 9

static volatile float sink; /* keeps the losses observable */

/* ---- notebook 01, regression and classification ---- */
static seli_module *reg_net, *reg_opt, *clf_net, *clf_opt;
static seli_tensor *reg_x, *reg_y, *clf_x, *clf_y;

static void setup_01(void)
{
    seli_key k[4];
    seli_split(seli_seed(0), 4, k);
    reg_x = seli_uniform(k[0], -5, 5, 2, (long[]){64, 1});
    reg_y = seli_add(seli_sin(seli_mul_scalar(reg_x, 1.5f)),
                     seli_mul_scalar(seli_normal(k[1], 2, (long[]){64, 1}), 0.2f));
    clf_x = seli_normal(k[2], 2, (long[]){128, 2});
    clf_y = seli_greater(seli_slice(clf_x, 1, 0, 1, 1), seli_scalar(0));
    clf_y = seli_reshape(clf_y, 1, (long[]){128});
    reg_net = seli_set_rngs(seli_net_mlp(3, (int[]){16, 16, 1}, seli_net_elu), 42);
    reg_opt = seli_opt_adam(1e-2);
    clf_net = seli_set_rngs(seli_net_mlp(3, (int[]){32, 32, 1}, seli_net_relu), 42);
    clf_opt = seli_opt_adam(1e-3);
}

static void step_regression(void)
{
    sink = seli_minimize_v(reg_opt, seli_loss_mse, reg_net, reg_y, reg_x);
}

static void step_classification(void)
{
    sink = seli_minimize_v(clf_opt, seli_loss_bce_logits, clf_net, clf_y, clf_x);
}

/* ---- notebook 02, the Rosenbrock function under six optimizers ---- */
static seli_module *rb_opt[6];
static seli_tensor *rb_p[6];

static seli_tensor *rosenbrock(seli_tensor *const *p, void *ctx)
{
    (void)ctx;
    seli_tensor *x = seli_slice(p[0], 0, 0, 1, 1), *y = seli_slice(p[0], 0, 1, 2, 1);
    seli_tensor *a = seli_square(seli_add_scalar(seli_neg(x), 1));
    seli_tensor *b = seli_square(seli_sub(y, seli_square(x)));
    return seli_sum_all(seli_add(a, seli_mul_scalar(b, 100)));
}

static void setup_02(void)
{
    rb_opt[0] = seli_opt_sgd(1e-3);
    rb_opt[1] = seli_opt_momentum(1e-3, 0.9);
    rb_opt[2] = seli_opt_rmsprop(1e-2, 0.99);
    rb_opt[3] = seli_opt_adagrad(1e-1);
    rb_opt[4] = seli_opt_nesterov(1e-3, 0.9);
    rb_opt[5] = seli_opt_adam_full(1e-1, 0.9, 0.999, 1e-12);
    for (int k = 0; k < 6; k++) {
        rb_p[k] = seli_requires_grad(seli_tensor_new(1, (long[]){2}));
        rb_p[k]->data[0] = -0.5f;
        rb_p[k]->data[1] = 1.0f;
    }
}

static int rb_turn;

static void step_rosenbrock(void)
{
    int k = rb_turn++ % 6;
    sink = seli_minimize_tensors(rb_opt[k], rosenbrock, 1, &rb_p[k], NULL);
}

/* ---- notebook 04, MMD ---- */
typedef struct mmd_state {
    seli_module *net, *opt;
    seli_key key;
} mmd_state;
static mmd_state mmd_ieee, mmd_flushed;
static float mmd_sigma = 0.1f;

static seli_tensor *rbf_mean(seli_tensor *a, seli_tensor *b, float sigma)
{
    seli_tensor *d = seli_sub(seli_reshape(a, 2, (long[]){a->size, 1}),
                              seli_reshape(b, 2, (long[]){1, b->size}));
    return seli_mean_all(seli_exp(seli_mul_scalar(seli_square(d), -0.5f / (sigma * sigma))));
}

static seli_tensor *mmd_loss(seli_module *g, int n, seli_tensor *const *inputs, void *ctx)
{
    (void)n;
    float sigma = *(float *)ctx;
    seli_tensor *z = inputs[1];
    seli_tensor *y =
        seli_reshape(seli_call(g, seli_reshape(z, 2, (long[]){z->size, 1})), 1, (long[]){z->size});
    seli_tensor *x = inputs[0];
    return seli_sub(seli_add(rbf_mean(x, x, sigma), rbf_mean(y, y, sigma)),
                    seli_mul_scalar(rbf_mean(x, y, sigma), 2));
}

static void setup_04(void)
{
    mmd_state *st[2] = {&mmd_ieee, &mmd_flushed};
    for (int i = 0; i < 2; i++) {
        st[i]->net = seli_set_rngs(seli_net_mlp(3, (int[]){32, 32, 1}, seli_net_relu), 42);
        st[i]->opt = seli_opt_adam(1e-3);
        st[i]->key = seli_seed(0);
    }
}

static void mmd_step(mmd_state *st)
{
    seli_scope_begin();
    seli_key k[2];
    seli_split(seli_next(&st->key), 2, k);
    seli_tensor *x = seli_add(seli_mul_scalar(seli_normal(k[0], 1, (long[]){32}), 0.5f),
                              seli_rademacher(k[1], 1, (long[]){32}));
    seli_tensor *inputs[2] = {x, seli_normal(seli_next(&st->key), 1, (long[]){32})};
    sink = seli_minimize(st->opt, mmd_loss, st->net, 2, inputs, &mmd_sigma);
    seli_scope_end();
}

static void step_mmd(void) { mmd_step(&mmd_ieee); }

static void step_mmd_flushed(void)
{
    int was = seli_flush_subnormals(1);
    mmd_step(&mmd_flushed);
    seli_flush_subnormals(was);
}

static const struct {
    const char *name;
    void (*step)(void);
    long steps; /* per timed run */
} LOOPS[] = {
    {"regression", step_regression, 2000},
    {"classification", step_classification, 1000},
    {"rosenbrock", step_rosenbrock, 12000},
    {"mmd", step_mmd, 1000},
    {"mmd_flushed", step_mmd_flushed, 1000},
};
enum { NLOOPS = sizeof LOOPS / sizeof LOOPS[0] };

int main(int argc, char **argv)
{
    setup_01();
    setup_02();
    setup_04();
    if (argc == 3) { /* one loop, for callgrind */
        for (int l = 0; l < NLOOPS; l++)
            if (!strcmp(argv[1], LOOPS[l].name)) {
                for (long i = 0, n = atol(argv[2]); i < n; i++)
                    LOOPS[l].step();
                return 0;
            }
        fprintf(stderr, "small_steps: no loop named %s\n", argv[1]);
        return 1;
    }
    for (int l = 0; l < NLOOPS; l++) {
        double ms[RUNS];
        for (long i = 0; i < LOOPS[l].steps / 10; i++) /* warm up: lazy init, caches */
            LOOPS[l].step();
        for (int r = 0; r < RUNS; r++) {
            double t0 = bench_ms();
            for (long i = 0; i < LOOPS[l].steps; i++)
                LOOPS[l].step();
            ms[r] = (bench_ms() - t0) / (double)LOOPS[l].steps;
        }
        qsort(ms, RUNS, sizeof ms[0], bench_cmp_double);
        printf("small_steps: %-14s %.3g ms/step (median of %d runs of %ld steps)\n", LOOPS[l].name,
               ms[RUNS / 2], RUNS, LOOPS[l].steps);
    }
    return 0;
}
