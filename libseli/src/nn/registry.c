/* registry.c: the module types, name -> forward (see seli/module.h).
 *
 * A saved file names each module's type, and seli_load rebuilds a module
 * from that name, so every type a file may name must be registered before
 * anything is looked up.  libseli's own types are in one table, registered
 * on the registry's first use: a fresh program sees every built-in type. */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "nn/module_private.h"

/* Every type libseli defines.  The optimizers (opt.*) have no forward: they
 * are modules for their settings and state, and optim/optimizer.c finds
 * each one's update rule by the same name. */
static const struct {
    const char *name;
    seli_forward_fn forward;
} builtins[] = {
    {"net.Affine", seli__affine_forward},
    {"net.Linear", seli__linear_forward},
    {"net.Bias", seli__bias_forward},
    {"net.Scale", seli__scale_forward},
    {"net.Sequential", seli__sequential_forward},
    {"net.ReLU", seli__relu_forward},
    {"net.LeakyReLU", seli__leaky_relu_forward},
    {"net.ELU", seli__elu_forward},
    {"net.GELU", seli__gelu_forward},
    {"net.Tanh", seli__tanh_forward},
    {"net.Sigmoid", seli__sigmoid_forward},
    {"net.Softplus", seli__softplus_forward},
    {"net.LayerNorm", seli__layernorm_forward},
    {"net.RMSNorm", seli__rmsnorm_forward},
    {"net.Add", seli__add_forward},
    {"net.Multiply", seli__multiply_forward},
    {"net.Constant", seli__constant_forward},
    {"net.Identity", seli__identity_forward},
    {"net.Rearrange", seli__rearrange_forward},
    {"net.Reduce", seli__reduce_forward},
    {"net.Repeat", seli__repeat_forward},
    {"net.Einsum", seli__einsum_forward},
    {"net.DotProductAttention", seli__attention_forward},
    {"net.CrossAttention", seli__cross_attention_forward},
    {"opt.SGD", NULL},
    {"opt.Momentum", NULL},
    {"opt.Nesterov", NULL},
    {"opt.RMSProp", NULL},
    {"opt.AdaGrad", NULL},
    {"opt.Adam", NULL},
};

static seli__type *types;

static seli__type *lookup(const char *name)
{
    for (seli__type *t = types; t; t = t->next)
        if (strcmp(t->name, name) == 0)
            return t;
    return NULL;
}

static seli__type *add(const char *name, seli_forward_fn forward)
{
    seli__type *t = lookup(name);
    if (!t) {
        t = seli__xmalloc("seli_register", sizeof *t);
        t->name = seli__xstrdup("seli_register", name);
        t->next = types;
        types = t;
    }
    t->forward = forward;
    return t;
}

static void ensure_builtins(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
        add(builtins[i].name, builtins[i].forward);
}

seli__type *seli__type_find(const char *name)
{
    ensure_builtins();
    return lookup(name);
}

seli__type *seli__type_register(const char *name, seli_forward_fn forward)
{
    ensure_builtins();
    return add(name, forward);
}

void seli__check_type_name(const char *op, const char *type)
{
    if (!type || !type[0])
        seli_error("%s: the type name is %s; give a name such as \"example:Flow\" (it names "
                   "the module's type in saved files)",
                   op, type ? "empty" : "NULL");
}

void seli_register(const char *type, seli_forward_fn forward)
{
    seli__check_type_name("seli_register", type);
    seli__type_register(type, forward);
}

int seli_is_registered(const char *type)
{
    seli__check_type_name("seli_is_registered", type);
    return seli__type_find(type) != NULL;
}
