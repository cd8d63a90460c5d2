/* affine.c: the linear layers net.Affine, net.Linear, net.Bias, net.Scale.
 *
 * All act on the last axis and create their parameters on the first call,
 * when the input's size is known:
 *   Affine  x [..., in] @ weight [in, out] + bias [out] -> [..., out]
 *   Linear  x [..., in] @ weight [in, out]               -> [..., out]
 *   Bias    x [..., d] + bias [d]
 *   Scale   x [..., d] * scale [d]
 * The gradients come from seli_matmul, seli_add and seli_mul. */
#include "nn/module_private.h"
#include "seli/fused.h"

/* The single input of a layer, checked: at least one dimension. */
static seli_tensor *one_input(seli_module *m, int n, seli_tensor *const *xs, const char *shape)
{
    if (n != 1)
        seli_error("%s at '%s': takes one input x %s, got %d; call it with seli_call(layer, x)",
                   m->type->name, seli__path(m, NULL), shape, n);
    seli__check(m->type->name, xs[0], "x");
    if (xs[0]->ndim < 1)
        seli_error("%s at '%s': the input is a scalar, but the layer acts on the last axis of "
                   "x %s; reshape it to [1] first",
                   m->type->name, seli__path(m, NULL), shape);
    return xs[0];
}

static long last_dim(const seli_tensor *x) { return x->shape[x->ndim - 1]; }

/* x [..., in] @ weight [in, out] */
static seli_tensor *apply_weight(seli_module *m, const seli_tensor *x)
{
    long out = seli_get_int(m, "dim");
    seli_init init = seli_get_init(m, "weight_init", seli_init_he());
    seli_tensor *w = seli_param(m, "weight", init, SELI_SHAPE(last_dim(x), out));
    return seli_matmul(x, w);
}

seli_tensor *seli__affine_forward(seli_module *m, int n, seli_tensor *const *xs)
{
    seli_tensor *x = one_input(m, n, xs, "[..., in]");
    long out = seli_get_int(m, "dim");
    seli_tensor *w = seli_param(m, "weight", seli_get_init(m, "weight_init", seli_init_he()),
                                SELI_SHAPE(last_dim(x), out));
    seli_tensor *b =
        seli_param(m, "bias", seli_get_init(m, "bias_init", seli_init_zeros()), SELI_SHAPE(out));
    return seli_affine(x, w, b);
}

seli_tensor *seli__linear_forward(seli_module *m, int n, seli_tensor *const *xs)
{
    return apply_weight(m, one_input(m, n, xs, "[..., in]"));
}

seli_tensor *seli__bias_forward(seli_module *m, int n, seli_tensor *const *xs)
{
    seli_tensor *x = one_input(m, n, xs, "[..., d]");
    return seli_add(x, seli_param(m, "bias", seli_init_zeros(), SELI_SHAPE(last_dim(x))));
}

seli_tensor *seli__scale_forward(seli_module *m, int n, seli_tensor *const *xs)
{
    seli_tensor *x = one_input(m, n, xs, "[..., d]");
    return seli_mul(x, seli_param(m, "scale", seli_init_ones(), SELI_SHAPE(last_dim(x))));
}

static void check_out(const char *op, int out)
{
    if (out < 1)
        seli_error("%s: the output size is %d; give the number of output features (>= 1)", op, out);
}

seli_module *seli_net_affine(int out)
{
    check_out("seli_net_affine", out);
    seli_module *m = seli_module_new("net.Affine", seli__affine_forward);
    seli_set_int(m, "dim", out);
    return m;
}

seli_module *seli_net_affine_init(int out, seli_init weight_init, seli_init bias_init)
{
    check_out("seli_net_affine_init", out);
    seli__init_check("seli_net_affine_init", "weight", weight_init, 2, NULL);
    seli__init_check("seli_net_affine_init", "bias", bias_init, 1, NULL);
    seli_module *m = seli_net_affine(out);
    seli_set_init(m, "weight_init", weight_init);
    seli_set_init(m, "bias_init", bias_init);
    return m;
}

seli_module *seli_net_linear(int out)
{
    check_out("seli_net_linear", out);
    seli_module *m = seli_module_new("net.Linear", seli__linear_forward);
    seli_set_int(m, "dim", out);
    return m;
}

seli_module *seli_net_bias(void) { return seli_module_new("net.Bias", seli__bias_forward); }

seli_module *seli_net_scale(void) { return seli_module_new("net.Scale", seli__scale_forward); }
