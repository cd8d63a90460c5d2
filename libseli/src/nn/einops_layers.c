/* einops_layers.c: net.Rearrange, net.Reduce, net.Repeat and net.Einsum, the
 * seed's einops layers, as modules around seli/einops.h.  Each keeps its
 * pattern (and sizes, reduction) as string attributes, so it is saved and
 * loaded like any layer. */
#include "nn/module_private.h"

static const char *sizes_of(const seli_module *m)
{
    return seli_has(m, "sizes") == SELI_ATTR_STR ? seli_get_str(m, "sizes") : NULL;
}

static seli_tensor *one_input(seli_module *m, int n, seli_tensor *const *xs)
{
    if (n != 1)
        seli_error("%s at '%s': takes one input, got %d", m->type->name, seli__path(m, NULL), n);
    return xs[0];
}

seli_tensor *seli__rearrange_forward(seli_module *m, int n, seli_tensor *const *xs)
{
    return seli_rearrange(one_input(m, n, xs), seli_get_str(m, "pattern"), sizes_of(m));
}

seli_tensor *seli__reduce_forward(seli_module *m, int n, seli_tensor *const *xs)
{
    return seli_reduce(one_input(m, n, xs), seli_get_str(m, "pattern"),
                       seli_get_str(m, "reduction"), sizes_of(m));
}

seli_tensor *seli__repeat_forward(seli_module *m, int n, seli_tensor *const *xs)
{
    return seli_repeat(one_input(m, n, xs), seli_get_str(m, "pattern"), sizes_of(m));
}

seli_tensor *seli__einsum_forward(seli_module *m, int n, seli_tensor *const *xs)
{
    return seli_einsum(n, xs, seli_get_str(m, "pattern"));
}

static seli_module *make(const char *op, const char *type, seli_forward_fn f, const char *pattern,
                         const char *sizes)
{
    if (!pattern)
        seli_error("%s: the pattern is NULL; pass one such as \"b n (h d) -> b h n d\"", op);
    seli_module *m = seli_module_new(type, f);
    seli_set_str(m, "pattern", pattern);
    if (sizes && *sizes)
        seli_set_str(m, "sizes", sizes);
    return m;
}

seli_module *seli_net_rearrange(const char *pattern, const char *sizes)
{
    return make("seli_net_rearrange", "net.Rearrange", seli__rearrange_forward, pattern, sizes);
}

seli_module *seli_net_reduce(const char *pattern, const char *reduction, const char *sizes)
{
    if (!reduction)
        seli_error("seli_net_reduce: the reduction is NULL; pass \"sum\", \"mean\", \"max\", "
                   "\"min\" or \"prod\"");
    seli_module *m = make("seli_net_reduce", "net.Reduce", seli__reduce_forward, pattern, sizes);
    seli_set_str(m, "reduction", reduction);
    return m;
}

seli_module *seli_net_repeat(const char *pattern, const char *sizes)
{
    return make("seli_net_repeat", "net.Repeat", seli__repeat_forward, pattern, sizes);
}

seli_module *seli_net_einsum(const char *pattern)
{
    return make("seli_net_einsum", "net.Einsum", seli__einsum_forward, pattern, NULL);
}
