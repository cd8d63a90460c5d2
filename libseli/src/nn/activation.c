/* nn/activation.c: activation functions as modules (net.ReLU, net.GELU, ...).
 *
 * Each forwards its one input through the elementwise op of seli/ops.h, so
 * it can sit in a net.Sequential.  Parameters of the function (the slope of
 * LeakyReLU, the alpha of ELU) are float attributes, saved with the model. */
#include "nn/module_private.h"

static seli_tensor *single(seli_module *m, int n, seli_tensor *const *xs)
{
    if (n != 1)
        seli_error("%s at '%s': takes one input, got %d; call it with seli_call(act, x)",
                   m->type->name, seli__path(m, NULL), n);
    return xs[0];
}

seli_tensor *seli__relu_forward(seli_module *m, int n, seli_tensor *const *xs)
{
    return seli_relu(single(m, n, xs));
}

seli_tensor *seli__leaky_relu_forward(seli_module *m, int n, seli_tensor *const *xs)
{
    return seli_leaky_relu(single(m, n, xs), (float)seli_get_float(m, "slope"));
}

seli_tensor *seli__elu_forward(seli_module *m, int n, seli_tensor *const *xs)
{
    return seli_elu(single(m, n, xs), (float)seli_get_float(m, "alpha"));
}

seli_tensor *seli__gelu_forward(seli_module *m, int n, seli_tensor *const *xs)
{
    return seli_gelu(single(m, n, xs));
}

seli_tensor *seli__tanh_forward(seli_module *m, int n, seli_tensor *const *xs)
{
    return seli_tanh(single(m, n, xs));
}

seli_tensor *seli__sigmoid_forward(seli_module *m, int n, seli_tensor *const *xs)
{
    return seli_sigmoid(single(m, n, xs));
}

seli_tensor *seli__softplus_forward(seli_module *m, int n, seli_tensor *const *xs)
{
    return seli_softplus(single(m, n, xs));
}

seli_module *seli_net_relu(void) { return seli_module_new("net.ReLU", seli__relu_forward); }

seli_module *seli_net_leaky_relu(float slope)
{
    if (!(slope == slope))
        seli_error("seli_net_leaky_relu: the slope is NaN; pass a number such as 0.01");
    seli_module *m = seli_module_new("net.LeakyReLU", seli__leaky_relu_forward);
    seli_set_float(m, "slope", slope);
    return m;
}

seli_module *seli_net_elu(void)
{
    seli_module *m = seli_module_new("net.ELU", seli__elu_forward);
    seli_set_float(m, "alpha", 1.0);
    return m;
}

seli_module *seli_net_gelu(void) { return seli_module_new("net.GELU", seli__gelu_forward); }
seli_module *seli_net_tanh(void) { return seli_module_new("net.Tanh", seli__tanh_forward); }
seli_module *seli_net_sigmoid(void)
{
    return seli_module_new("net.Sigmoid", seli__sigmoid_forward);
}
seli_module *seli_net_softplus(void)
{
    return seli_module_new("net.Softplus", seli__softplus_forward);
}
