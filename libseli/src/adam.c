/* adam.c: Adam (opt.Adam), as the paper writes it, with the step count t
 * shared by all parameters (the optimizer's integer "t"):
 *
 *     m = b1 m + (1 - b1) g          m^ = m / (1 - b1^t)
 *     v = b2 v + (1 - b2) g^2        v^ = v / (1 - b2^t)
 *     theta -= eta m^ / (sqrt(v^) + eps)
 *
 * m and v live in the buffers "m.<parameter path>" and "v.<parameter path>". */
#include <math.h>

#include "optim_private.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__TINYC__)
/* 16 parameters at a time where the processor has AVX-512. */
#define WIDE_CLONES __attribute__((target_clones("avx512f", "default")))
#else
#define WIDE_CLONES
#endif

static void adam_settings(const seli_module *opt, long t, seli__opt_hyper *h)
{
    h->lr = seli__opt_get(opt, "lr", 0, INFINITY, 0);
    h->beta = seli__opt_get(opt, "beta1", 0, 1, 1);
    h->beta2 = seli__opt_get(opt, "beta2", 0, 1, 1);
    h->eps = seli__opt_get(opt, "eps", 0, INFINITY, 0);
    h->c1 = (float)(1.0 / (1.0 - pow(h->beta, (double)t)));
    h->c2 = (float)(1.0 / (1.0 - pow(h->beta2, (double)t)));
}

WIDE_CLONES static void adam_update(const seli__opt_hyper *h, long size, float *restrict theta,
                                    const float *restrict g, float *const *state)
{
    float lr = h->lr, b1 = h->beta, b2 = h->beta2, eps = h->eps, c1 = h->c1, c2 = h->c2;
    float *restrict m = state[0], *restrict v = state[1];
    for (long k = 0; k < size; k++) {
        m[k] = b1 * m[k] + (1 - b1) * g[k];
        v[k] = b2 * v[k] + (1 - b2) * g[k] * g[k];
        theta[k] -= lr * (m[k] * c1) / (sqrtf(v[k] * c2) + eps);
    }
}

const seli__opt_rule seli__opt_adam_rule = {.type = "opt.Adam",
                                            .nstate = 2,
                                            .state = {"m", "v"},
                                            .settings = adam_settings,
                                            .update = adam_update};

seli_module *seli_opt_adam_full(float lr, float b1, float b2, float eps)
{
    seli__opt_check("seli_opt_adam", "lr", lr, 0, INFINITY, 0);
    seli__opt_check("seli_opt_adam", "beta1", b1, 0, 1, 1);
    seli__opt_check("seli_opt_adam", "beta2", b2, 0, 1, 1);
    seli__opt_check("seli_opt_adam", "eps", eps, 0, INFINITY, 0);
    seli_module *m = seli__opt_new(&seli__opt_adam_rule);
    seli_set_float(m, "lr", lr);
    seli_set_float(m, "beta1", b1);
    seli_set_float(m, "beta2", b2);
    seli_set_float(m, "eps", eps);
    return m;
}

seli_module *seli_opt_adam(float lr) { return seli_opt_adam_full(lr, 0.9f, 0.999f, 1e-8f); }
