/* combine.c: the seed's combinators and trivial layers.
 *
 *   net.Add       x = x + m_i(x, rest...) for each child m_i in turn (residual)
 *   net.Multiply  x = x * m_i(x, rest...) for each child m_i in turn (gating)
 *   net.Constant  its buffer "value", whatever the inputs
 *   net.Identity  its first input
 *
 * As in the seed (seli 0.1.2), every child of Add and Multiply receives the
 * running x and the module's other inputs unchanged.  The children are "0",
 * "1", ..., like a net.Sequential's, so seli_net_append, seli_net_len and
 * seli_net_at work on them too. */
#include <stdarg.h>

#include "nn/module_private.h"

static seli_tensor *fold(seli_module *m, int n, seli_tensor *const *xs, int multiply)
{
    if (n < 1)
        seli_error("%s at '%s': takes at least one input x (and passes any others to every "
                   "child), got none",
                   m->type->name, seli__path(m, NULL));
    seli_tensor *args[16];
    if (n > 16)
        seli_error("%s at '%s': at most 16 inputs, got %d", m->type->name, seli__path(m, NULL), n);
    for (int i = 0; i < n; i++)
        args[i] = xs[i];
    for (int i = 0; i < m->n; i++) {
        if (m->attrs[i].kind != SELI_ATTR_MODULE)
            continue;
        seli_tensor *y = seli_calln(m->attrs[i].v.module, n, args);
        args[0] = multiply ? seli_mul(args[0], y) : seli_add(args[0], y);
    }
    return args[0];
}

seli_tensor *seli__add_forward(seli_module *m, int n, seli_tensor *const *xs)
{
    return fold(m, n, xs, 0);
}

seli_tensor *seli__multiply_forward(seli_module *m, int n, seli_tensor *const *xs)
{
    return fold(m, n, xs, 1);
}

seli_module *seli_net_add(int n, ...)
{
    va_list ap;
    va_start(ap, n);
    seli_module *m = seli__layers_va("seli_net_add", "net.Add", seli__add_forward, n, ap);
    va_end(ap);
    return m;
}

seli_module *seli_net_multiply(int n, ...)
{
    va_list ap;
    va_start(ap, n);
    seli_module *m =
        seli__layers_va("seli_net_multiply", "net.Multiply", seli__multiply_forward, n, ap);
    va_end(ap);
    return m;
}

seli_tensor *seli__constant_forward(seli_module *m, int n, seli_tensor *const *xs)
{
    (void)n, (void)xs;
    return seli_copy(seli_get_buffer(m, "value"));
}

seli_module *seli_net_constant(const seli_tensor *value)
{
    seli__check("seli_net_constant", value, "value");
    seli_module *m = seli_module_new("net.Constant", seli__constant_forward);
    seli_set_buffer(m, "value", value);
    return m;
}

seli_tensor *seli__identity_forward(seli_module *m, int n, seli_tensor *const *xs)
{
    if (n < 1)
        seli_error("net.Identity at '%s': takes at least one input and returns the first",
                   seli__path(m, NULL));
    return xs[0];
}

seli_module *seli_net_identity(void)
{
    return seli_module_new("net.Identity", seli__identity_forward);
}
