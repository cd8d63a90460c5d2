/* rmsprop.c: RMSProp (opt.RMSProp), gradients divided by a running root
 * mean square:
 *
 *     v = beta v + (1 - beta) g^2        theta -= eta g / (sqrt(v) + eps)
 *
 * v lives in the buffer "v.<parameter path>". */
#include <math.h>

#include "optim/optim_private.h"

static void rmsprop_settings(const seli_module *opt, long t, seli__opt_hyper *h)
{
    h->lr = seli__opt_get(opt, "lr", 0, INFINITY, 0);
    h->beta = seli__opt_get(opt, "beta", 0, 1, 1);
    h->eps = seli__opt_get(opt, "eps", 0, INFINITY, 0);
}

static void rmsprop_update(const seli__opt_hyper *h, long size, float *restrict theta,
                           const float *restrict g, float *const *state)
{
    /* the seed's float32 operations in its order: v * beta + g^2 * (1 - beta),
     * with 1 - beta rounded once from the double setting */
    float lr = (float)h->lr, beta = (float)h->beta, eps = (float)h->eps;
    float rest = (float)(1.0 - h->beta);
    float *restrict v = state[0];
    for (long k = 0; k < size; k++) {
        v[k] = v[k] * beta + g[k] * g[k] * rest;
        theta[k] -= lr * g[k] / (sqrtf(v[k]) + eps);
    }
}

const seli__opt_rule seli__opt_rmsprop_rule = {.type = "opt.RMSProp",
                                               .nstate = 1,
                                               .state = {"v", NULL},
                                               .settings = rmsprop_settings,
                                               .update = rmsprop_update};

seli_module *seli_opt_rmsprop(double lr, double beta)
{
    seli__opt_check("seli_opt_rmsprop", "lr", lr, 0, INFINITY, 0);
    seli__opt_check("seli_opt_rmsprop", "beta", beta, 0, 1, 1);
    seli_module *m = seli__opt_new(&seli__opt_rmsprop_rule);
    seli_set_float(m, "lr", lr);
    seli_set_float(m, "beta", beta);
    seli_set_float(m, "eps", 1e-8);
    return m;
}
