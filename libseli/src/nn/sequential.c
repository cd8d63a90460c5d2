/* sequential.c: net.Sequential, layers called in turn, and seli_net_mlp.
 *
 * The layers are the children "0", "1", ..., so a parameter's path reads
 * "layers.2.weight" when the Sequential is the child "layers" of a model.
 * The first layer receives all of the Sequential's inputs; each later layer
 * receives the previous output. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "nn/module_private.h"
#include "nn/sequential_fusion.h"

seli_tensor *seli__sequential_forward(seli_module *m, int n, seli_tensor *const *xs)
{
    seli_tensor *y = NULL;
    int first = 1;
    for (int i = 0; i < m->n; i++) {
        if (m->attrs[i].kind != SELI_ATTR_MODULE)
            continue;
        seli_module *layer = m->attrs[i].v.module;
        int j = i + 1; /* the next module, if any */
        while (j < m->n && m->attrs[j].kind != SELI_ATTR_MODULE)
            j++;
        seli_tensor *x = first ? (n == 1 ? xs[0] : NULL) : y;
        seli_tensor *fused =
            x && j < m->n ? seli__fused_pair(layer, m->attrs[j].v.module, x) : NULL;
        if (fused) {
            y = fused;
            i = j;
        } else {
            y = first ? seli_calln(layer, n, xs) : seli_call(layer, y);
        }
        first = 0;
    }
    if (first) {
        if (n != 1)
            seli_error("net.Sequential at '%s': it has no layers, so it passes its input "
                       "through and needs exactly one, got %d",
                       seli__path(m, NULL), n);
        return xs[0];
    }
    return y;
}

static void check_seq(const char *op, const seli_module *seq)
{
    if (!seq)
        seli_error("%s: the Sequential is NULL (create one first, e.g. with seli_net_sequential or "
                   "seli_net_mlp)",
                   op);
    seli_forward_fn f = seq->type->forward;
    if (f != seli__sequential_forward && f != seli__add_forward && f != seli__multiply_forward)
        seli_error("%s: the module is a %s, not a net.Sequential, net.Add or net.Multiply", op,
                   seq->type->name);
}

/* What is wrong with the layers (a message into buf), or NULL. */
static const char *layers_problem(int n, seli_module *const *layers, char *buf, size_t size)
{
    if (n < 0 || (n > 0 && !layers)) {
        snprintf(buf, size, "%d layers; pass n >= 0 and n modules", n);
        return buf;
    }
    for (int i = 0; i < n; i++) {
        if (!layers[i]) {
            snprintf(buf, size, "layer %d is NULL", i);
            return buf;
        }
        if (layers[i]->parent) {
            snprintf(buf, size,
                     "layer %d (a %s) already belongs to another module; use seli_module_copy "
                     "to reuse it",
                     i, layers[i]->type->name);
            return buf;
        }
        for (int j = 0; j < i; j++)
            if (layers[j] == layers[i]) {
                snprintf(buf, size,
                         "layers %d and %d are the same %s; a module can appear once (make a "
                         "new one, or use seli_module_copy)",
                         j, i, layers[i]->type->name);
                return buf;
            }
    }
    return NULL;
}

static void check_layers(const char *op, int n, seli_module *const *layers)
{
    char buf[256];
    if (layers_problem(n, layers, buf, sizeof buf))
        seli_error("%s: %s", op, buf);
}

seli_module *seli_net_append(seli_module *seq, seli_module *layer)
{
    check_seq("seli_net_append", seq);
    check_layers("seli_net_append", 1, &layer);
    char name[24];
    snprintf(name, sizeof name, "%d", seli_net_len(seq));
    seli_set_child(seq, name, layer);
    return seq;
}

seli_module *seli__layers_new(const char *op, const char *type, seli_forward_fn forward, int n,
                              seli_module *const *layers)
{
    check_layers(op, n, layers);
    seli_module *seq = seli_module_new(type, forward);
    for (int i = 0; i < n; i++)
        seli_net_append(seq, layers[i]);
    return seq;
}

seli_module *seli__layers_va(const char *op, const char *type, seli_forward_fn forward, int n,
                             va_list ap)
{
    if (n < 0 || n > 100000)
        seli_error("%s: n = %d; pass the number of layers that follow", op, n);
    seli_module **all = malloc((size_t)(n ? n : 1) * sizeof *all);
    if (!all)
        seli_error("%s: out of memory", op);
    for (int i = 0; i < n; i++)
        all[i] = va_arg(ap, seli_module *);
    char buf[256];
    if (layers_problem(n, all, buf, sizeof buf)) {
        free(all);
        seli_error("%s: %s", op, buf);
    }
    seli_module *seq = seli__layers_new(op, type, forward, n, all);
    free(all);
    return seq;
}

seli_module *seli_net_sequential_array(int n, seli_module *const *layers)
{
    return seli__layers_new("seli_net_sequential", "net.Sequential", seli__sequential_forward, n,
                            layers);
}

seli_module *seli_net_sequential(int n, ...)
{
    va_list ap;
    va_start(ap, n);
    seli_module *seq =
        seli__layers_va("seli_net_sequential", "net.Sequential", seli__sequential_forward, n, ap);
    va_end(ap);
    return seq;
}

int seli_net_len(const seli_module *seq)
{
    check_seq("seli_net_len", seq);
    int count = 0;
    for (int i = 0; i < seq->n; i++)
        count += seq->attrs[i].kind == SELI_ATTR_MODULE;
    return count;
}

seli_module *seli_net_at(const seli_module *seq, int i)
{
    check_seq("seli_net_at", seq);
    int len = seli_net_len(seq);
    int k = i < 0 ? i + len : i;
    if (k < 0 || k >= len) {
        if (len == 0)
            seli_error("seli_net_at: index %d is out of range for a net.Sequential of 0 layers; "
                       "it has no layer to return",
                       i);
        seli_error("seli_net_at: index %d is out of range for a net.Sequential of %d layers; use "
                   "0..%d, or -%d..-1 from the end",
                   i, len, len - 1, len);
    }
    for (int j = 0; j < seq->n; j++)
        if (seq->attrs[j].kind == SELI_ATTR_MODULE && k-- == 0)
            return seq->attrs[j].v.module;
    return NULL;
}

seli_module *seli_net_mlp(int n, const int *widths, seli_module *(*act)(void))
{
    if (n < 1 || !widths)
        seli_error("seli_net_mlp: %d widths; pass n >= 1 layer widths, e.g. "
                   "seli_net_mlp(3, (int[]){16, 16, 1}, seli_net_elu)",
                   n);
    for (int i = 0; i < n; i++)
        if (widths[i] < 1)
            seli_error("seli_net_mlp: width %d is %d; every width must be >= 1", i, widths[i]);
    seli_module *seq = seli_module_new("net.Sequential", seli__sequential_forward);
    for (int i = 0; i < n; i++) {
        seli_net_append(seq, seli_net_affine(widths[i]));
        if (act && i + 1 < n)
            seli_net_append(seq, act());
    }
    return seq;
}
