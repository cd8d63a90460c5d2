/* adagrad.c: AdaGrad (opt.AdaGrad), gradients divided by the root of their
 * accumulated squares:
 *
 *     s = s + g^2        theta -= eta g / (sqrt(s) + eps)
 *
 * s lives in the buffer "s.<parameter path>". */
#include <math.h>

#include "optim/optim_private.h"

static void adagrad_settings(const seli_module *opt, long t, seli__opt_hyper *h)
{
    h->lr = seli__opt_get(opt, "lr", 0, INFINITY, 0);
    h->eps = seli__opt_get(opt, "eps", 0, INFINITY, 0);
}

/* Shaped like rmsprop_update, on purpose: each rule's loop stays a plain
 * loop of its own equation, which the compiler vectorises. */
static void adagrad_update(const seli__opt_hyper *h, long size, float *restrict theta,
                           const float *restrict g, float *const *state)
{
    float lr = (float)h->lr, eps = (float)h->eps;
    float *restrict s = state[0];
    for (long k = 0; k < size; k++) {
        s[k] += g[k] * g[k];
        theta[k] -= lr * g[k] / (sqrtf(s[k]) + eps);
    }
}

const seli__opt_rule seli__opt_adagrad_rule = {.type = "opt.AdaGrad",
                                               .nstate = 1,
                                               .state = {"s", NULL},
                                               .settings = adagrad_settings,
                                               .update = adagrad_update};

seli_module *seli_opt_adagrad(double lr)
{
    seli__opt_check("seli_opt_adagrad", "lr", lr, 0, INFINITY, 0);
    seli_module *m = seli__opt_new(&seli__opt_adagrad_rule);
    seli_set_float(m, "lr", lr);
    seli_set_float(m, "eps", 1e-8);
    return m;
}
