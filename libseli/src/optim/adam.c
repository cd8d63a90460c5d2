/* adam.c: Adam (opt.Adam), as the paper writes it, with the step count t
 * shared by all parameters (the optimizer's integer "t"):
 *
 *     m = b1 m + (1 - b1) g          m^ = m / (1 - b1^t)
 *     v = b2 v + (1 - b2) g^2        v^ = v / (1 - b2^t)
 *     theta -= eta m^ / (sqrt(v^) + eps)
 *
 * in float32 with the float operations, and their order, of PyTorch 1.13's
 * torch.optim.Adam on the CPU (Debian 12's python3-torch):
 *
 *     m = fma(1 - b1, g, m b1)       v = fma((1 - b2) g, g, v b2)
 *     theta += (-eta / (1 - b1^t)) m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 *
 * where the settings and the bias corrections are doubles rounded once to
 * float.  Any order is Adam; this one makes a seli run and its PyTorch twin
 * take bit-identical steps wherever their gradients agree.  That matters
 * where the trajectory is chaotic: on the Rosenbrock function (notebook 02)
 * lr 0.1 throws Adam out of the minimum again every few thousand steps, and
 * one rounding difference moves when.
 *
 * m and v live in the buffers "m.<parameter path>" and "v.<parameter path>". */
#include <math.h>

#include "optim/optim_private.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__TINYC__)
/* 16 parameters at a time where the processor has AVX-512, 8 with FMA;
 * the default clone calls libm's (exact, slower) fmaf. */
#define WIDE_CLONES __attribute__((target_clones("avx512f", "arch=haswell", "default")))
#else
#define WIDE_CLONES
#endif

static void adam_settings(const seli_module *opt, long t, seli__opt_hyper *h)
{
    h->lr = seli__opt_get(opt, "lr", 0, INFINITY, 0);
    h->beta = seli__opt_get(opt, "beta1", 0, 1, 1);
    h->beta2 = seli__opt_get(opt, "beta2", 0, 1, 1);
    h->eps = seli__opt_get(opt, "eps", 0, INFINITY, 0);
    h->bc1 = 1 - pow(h->beta, (double)t);
    h->bc2 = 1 - pow(h->beta2, (double)t);
}

WIDE_CLONES static void adam_update(const seli__opt_hyper *h, long size, float *restrict theta,
                                    const float *restrict g, float *const *state)
{
    float b1 = (float)h->beta, w1 = (float)(1 - h->beta);
    float b2 = (float)h->beta2, w2 = (float)(1 - h->beta2);
    float step = (float)(-h->lr / h->bc1), root = (float)sqrt(h->bc2), eps = (float)h->eps;
    float *restrict m = state[0], *restrict v = state[1];
    for (long k = 0; k < size; k++) {
        m[k] = fmaf(w1, g[k], m[k] * b1);
        v[k] = fmaf(w2 * g[k], g[k], v[k] * b2);
        theta[k] += step * m[k] / (sqrtf(v[k]) / root + eps);
    }
}

const seli__opt_rule seli__opt_adam_rule = {.type = "opt.Adam",
                                            .nstate = 2,
                                            .state = {"m", "v"},
                                            .settings = adam_settings,
                                            .update = adam_update};

seli_module *seli_opt_adam_full(double lr, double b1, double b2, double eps)
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

seli_module *seli_opt_adam(double lr) { return seli_opt_adam_full(lr, 0.9f, 0.999f, 1e-8f); }
