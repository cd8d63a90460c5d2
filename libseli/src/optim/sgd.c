/* sgd.c: stochastic gradient descent, theta -= eta g (opt.SGD). */
#include <math.h>

#include "optim/optim_private.h"

static void sgd_settings(const seli_module *opt, long t, seli__opt_hyper *h)
{
    h->lr = seli__opt_get(opt, "lr", 0, INFINITY, 0);
}

static void sgd_update(const seli__opt_hyper *h, long size, float *restrict theta,
                       const float *restrict g, float *const *state)
{
    float lr = (float)h->lr;
    for (long k = 0; k < size; k++)
        theta[k] -= lr * g[k];
}

const seli__opt_rule seli__opt_sgd_rule = {
    .type = "opt.SGD", .nstate = 0, .settings = sgd_settings, .update = sgd_update};

seli_module *seli_opt_sgd(double lr)
{
    seli__opt_check("seli_opt_sgd", "lr", lr, 0, INFINITY, 0);
    seli_module *m = seli__opt_new(&seli__opt_sgd_rule);
    seli_set_float(m, "lr", lr);
    return m;
}
