/* norm.c: net.LayerNorm and net.RMSNorm, normalisation over the last axis.
 *
 *   LayerNorm  (x - mean) / sqrt(var + eps) * scale + offset   x [..., d]
 *   RMSNorm    x / sqrt(mean(x^2) + eps) * scale + offset      x [..., d]
 * scale [d] starts at ones and offset [d] at zeros; both are parameters.
 * RMSNorm's offset is the seed's: seli 0.1.2 adds a learnable bias after
 * the scale (tests/seed/ checks both layers against it).
 * Built from differentiable ops, so gradients of any order flow through. */
#include "nn/module_private.h"

static seli_tensor *norm_input(seli_module *m, int n, seli_tensor *const *xs)
{
    if (n != 1)
        seli_error("%s at '%s': takes one input x [..., d], got %d", m->type->name,
                   seli__path(m, NULL), n);
    seli__check(m->type->name, xs[0], "x");
    if (xs[0]->ndim < 1)
        seli_error("%s at '%s': the input is a scalar; it normalises the last axis of x "
                   "[..., d], so give at least one dimension",
                   m->type->name, seli__path(m, NULL));
    return xs[0];
}

seli_tensor *seli__layernorm_forward(seli_module *m, int n, seli_tensor *const *xs)
{
    seli_tensor *x = norm_input(m, n, xs);
    long d = x->shape[x->ndim - 1];
    float eps = (float)seli_get_float(m, "eps");
    seli_tensor *scale = seli_param(m, "scale", seli_init_ones(), SELI_SHAPE(d));
    seli_tensor *offset = seli_param(m, "offset", seli_init_zeros(), SELI_SHAPE(d));
    seli_tensor *xc = seli_sub(x, seli_mean(x, -1, 1));   /* [..., d] */
    seli_tensor *var = seli_mean(seli_square(xc), -1, 1); /* [..., 1] */
    seli_tensor *y = seli_div(xc, seli_sqrt(seli_add_scalar(var, eps)));
    return seli_add(seli_mul(y, scale), offset);
}

seli_tensor *seli__rmsnorm_forward(seli_module *m, int n, seli_tensor *const *xs)
{
    seli_tensor *x = norm_input(m, n, xs);
    long d = x->shape[x->ndim - 1];
    float eps = (float)seli_get_float(m, "eps");
    seli_tensor *scale = seli_param(m, "scale", seli_init_ones(), SELI_SHAPE(d));
    seli_tensor *offset = seli_param(m, "offset", seli_init_zeros(), SELI_SHAPE(d));
    seli_tensor *ms = seli_mean(seli_square(x), -1, 1); /* [..., 1] */
    return seli_add(seli_mul(seli_div(x, seli_sqrt(seli_add_scalar(ms, eps))), scale), offset);
}

seli_module *seli_net_layernorm(void)
{
    seli_module *m = seli_module_new("net.LayerNorm", seli__layernorm_forward);
    seli_set_float(m, "eps", 1e-6);
    return m;
}

seli_module *seli_net_rmsnorm(void)
{
    seli_module *m = seli_module_new("net.RMSNorm", seli__rmsnorm_forward);
    seli_set_float(m, "eps", 1e-6);
    return m;
}
