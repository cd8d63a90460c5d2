/* momentum.c: classical momentum (opt.Momentum) and Nesterov's accelerated
 * gradient (opt.Nesterov), as the seed (seli 0.1.2) computes them:
 *
 *     v = beta v + eta g                        theta -= v    (Momentum)
 *     v = beta v + g;  theta -= eta (beta v + (1 - beta) g)   (Nesterov)
 *
 * Both take the gradient g at theta itself.  The seed's Nesterov is the
 * look-ahead gradient g(theta - beta v) of the paper's equation rewritten
 * with the gradient at the current point (the form PyTorch and Keras use, up
 * to the (1 - beta) on g), so its Rosenbrock trajectory differs from a
 * literal look-ahead; notebook 02 follows the seed, whose figure the paper
 * shows.  (Momentum's v is the seed's v times eta: the same steps.)  The
 * velocity v lives in the buffer "v.<parameter path>"; tests/seed/ checks
 * 100 steps of both against the seed. */
#include <math.h>

#include "optim/optim_private.h"

static void momentum_settings(const seli_module *opt, long t, seli__opt_hyper *h)
{
    h->lr = seli__opt_get(opt, "lr", 0, INFINITY, 0);
    h->beta = seli__opt_get(opt, "beta", 0, 1, 1);
}

static void momentum_update(const seli__opt_hyper *h, long size, float *restrict theta,
                            const float *restrict g, float *const *state)
{
    float lr = (float)h->lr, beta = (float)h->beta;
    float *restrict v = state[0];
    for (long k = 0; k < size; k++) {
        v[k] = beta * v[k] + lr * g[k];
        theta[k] -= v[k];
    }
}

const seli__opt_rule seli__opt_momentum_rule = {.type = "opt.Momentum",
                                                .nstate = 1,
                                                .state = {"v", NULL},
                                                .settings = momentum_settings,
                                                .update = momentum_update};

static void nesterov_update(const seli__opt_hyper *h, long size, float *restrict theta,
                            const float *restrict g, float *const *state)
{
    /* the seed's float32 operations in its order: v * beta + g, then
     * lr * (beta * v + (1 - beta) * g), 1 - beta rounded once */
    float lr = (float)h->lr, beta = (float)h->beta, rest = (float)(1.0 - h->beta);
    float *restrict v = state[0];
    for (long k = 0; k < size; k++) {
        v[k] = v[k] * beta + g[k];
        theta[k] -= lr * (beta * v[k] + rest * g[k]);
    }
}

const seli__opt_rule seli__opt_nesterov_rule = {.type = "opt.Nesterov",
                                                .nstate = 1,
                                                .state = {"v", NULL},
                                                .settings = momentum_settings,
                                                .update = nesterov_update};

static seli_module *make(const char *op, const seli__opt_rule *rule, double lr, double beta)
{
    seli__opt_check(op, "lr", lr, 0, INFINITY, 0);
    seli__opt_check(op, "beta", beta, 0, 1, 1);
    seli_module *m = seli__opt_new(rule);
    seli_set_float(m, "lr", lr);
    seli_set_float(m, "beta", beta);
    return m;
}

seli_module *seli_opt_momentum(double lr, double beta)
{
    return make("seli_opt_momentum", &seli__opt_momentum_rule, lr, beta);
}

seli_module *seli_opt_nesterov(double lr, double beta)
{
    return make("seli_opt_nesterov", &seli__opt_nesterov_rule, lr, beta);
}
