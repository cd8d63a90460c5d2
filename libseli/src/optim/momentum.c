/* momentum.c: classical momentum (opt.Momentum) and Nesterov's accelerated
 * gradient (opt.Nesterov), exactly as the paper writes them:
 *
 *     v = beta v + eta g(theta)              theta -= v    (Momentum)
 *     v = beta v + eta g(theta - beta v)     theta -= v    (Nesterov)
 *
 * The update is the same; Nesterov differs in where the gradient is taken,
 * which optimizer.c arranges (the rule's lookahead flag).  The velocity v
 * lives in the buffer "v.<parameter path>". */
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

const seli__opt_rule seli__opt_nesterov_rule = {.type = "opt.Nesterov",
                                                .nstate = 1,
                                                .state = {"v", NULL},
                                                .lookahead = 1,
                                                .settings = momentum_settings,
                                                .update = momentum_update};

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
