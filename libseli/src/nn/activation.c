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

static seli_tensor *relu_forward(seli_module *m, int n, seli_tensor *const *xs)
{
    return seli_relu(single(m, n, xs));
}

static seli_tensor *leaky_relu_forward(seli_module *m, int n, seli_tensor *const *xs)
{
    return seli_leaky_relu(single(m, n, xs), (float)seli_get_float(m, "slope"));
}

static seli_tensor *elu_forward(seli_module *m, int n, seli_tensor *const *xs)
{
    return seli_elu(single(m, n, xs), (float)seli_get_float(m, "alpha"));
}

static seli_tensor *gelu_forward(seli_module *m, int n, seli_tensor *const *xs)
{
    return seli_gelu(single(m, n, xs));
}

static seli_tensor *tanh_forward(seli_module *m, int n, seli_tensor *const *xs)
{
    return seli_tanh(single(m, n, xs));
}

static seli_tensor *sigmoid_forward(seli_module *m, int n, seli_tensor *const *xs)
{
    return seli_sigmoid(single(m, n, xs));
}

static seli_tensor *softplus_forward(seli_module *m, int n, seli_tensor *const *xs)
{
    return seli_softplus(single(m, n, xs));
}

void seli__register_activations(void)
{
    seli_register("net.ReLU", relu_forward);
    seli_register("net.LeakyReLU", leaky_relu_forward);
    seli_register("net.ELU", elu_forward);
    seli_register("net.GELU", gelu_forward);
    seli_register("net.Tanh", tanh_forward);
    seli_register("net.Sigmoid", sigmoid_forward);
    seli_register("net.Softplus", softplus_forward);
}

seli_module *seli_net_relu(void) { return seli_module_new("net.ReLU", relu_forward); }

seli_module *seli_net_leaky_relu(float slope)
{
    if (!(slope == slope))
        seli_error("seli_net_leaky_relu: the slope is NaN; pass a number such as 0.01");
    seli_module *m = seli_module_new("net.LeakyReLU", leaky_relu_forward);
    seli_set_float(m, "slope", slope);
    return m;
}

seli_module *seli_net_elu(void)
{
    seli_module *m = seli_module_new("net.ELU", elu_forward);
    seli_set_float(m, "alpha", 1.0);
    return m;
}

seli_module *seli_net_gelu(void) { return seli_module_new("net.GELU", gelu_forward); }
seli_module *seli_net_tanh(void) { return seli_module_new("net.Tanh", tanh_forward); }
seli_module *seli_net_sigmoid(void) { return seli_module_new("net.Sigmoid", sigmoid_forward); }
seli_module *seli_net_softplus(void) { return seli_module_new("net.Softplus", softplus_forward); }
