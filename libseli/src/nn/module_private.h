/* module_private.h: the module object, shared by module.c, module_print.c
 * and the layers.  Users see only the opaque seli_module of seli/module.h. */
#ifndef SELI_MODULE_PRIVATE_H
#define SELI_MODULE_PRIVATE_H

#include <stdarg.h>
#include <stddef.h>

#include "core/internal.h"

/* One registered type: name -> forward.  Entries are never freed, so a
 * module keeps a pointer to its entry and sees re-registrations. */
typedef struct seli__type {
    char *name;
    seli_forward_fn forward;
    struct seli__type *next;
} seli__type;

/* One attribute: its name (malloc'd) and value. */
typedef struct seli__slot {
    char *name;
    seli_attr_kind kind;
    union {
        seli_module *module;
        seli_tensor *tensor;
        long i;
        double f;
        char *s;
    } v;
} seli__slot;

struct seli_module {
    seli__type *type;
    seli_module *parent; /* NULL for a root */
    const char *name;    /* the slot name in the parent (owned by the parent's slot) */
    seli__slot *attrs;   /* n attributes in the order they were first set */
    int n, cap;
    int has_key;
    seli_key key; /* set by seli_set_rngs; parameters fold their name into it */
};

/* The slot named `name` of m, or NULL. */
SELI_INTERNAL seli__slot *seli__find_slot(const seli_module *m, const char *name);
/* "layers.2.weight": m's path joined with name (name may be NULL: m's own
 * path).  Returns a pointer into a small rotating buffer, for messages. */
SELI_INTERNAL const char *seli__path(const seli_module *m, const char *name);

/* Check that init can fill a tensor of (ndim, shape); `what` names the
 * parameter in the message (init.c). */
SELI_INTERNAL void seli__init_check(const char *op, const char *what, seli_init init, int ndim,
                                    const long *shape);

/* --- the type registry (registry.c) --- */

/* The registered type called name, or NULL.  The first use of the registry
 * registers every built-in type (net.* and opt.*). */
SELI_INTERNAL seli__type *seli__type_find(const char *name);
/* Register name with forward (replacing an earlier forward); returns its entry. */
SELI_INTERNAL seli__type *seli__type_register(const char *name, seli_forward_fn forward);
/* The check of a type name argument: not NULL, not empty. */
SELI_INTERNAL void seli__check_type_name(const char *op, const char *type);

/* The forwards of the built-in layers, for registry.c's table (each layer
 * file defines its own). */
SELI_INTERNAL seli_tensor *seli__affine_forward(seli_module *m, int n, seli_tensor *const *xs);
SELI_INTERNAL seli_tensor *seli__linear_forward(seli_module *m, int n, seli_tensor *const *xs);
SELI_INTERNAL seli_tensor *seli__bias_forward(seli_module *m, int n, seli_tensor *const *xs);
SELI_INTERNAL seli_tensor *seli__scale_forward(seli_module *m, int n, seli_tensor *const *xs);
SELI_INTERNAL seli_tensor *seli__sequential_forward(seli_module *m, int n, seli_tensor *const *xs);
SELI_INTERNAL seli_tensor *seli__relu_forward(seli_module *m, int n, seli_tensor *const *xs);
SELI_INTERNAL seli_tensor *seli__leaky_relu_forward(seli_module *m, int n, seli_tensor *const *xs);
SELI_INTERNAL seli_tensor *seli__elu_forward(seli_module *m, int n, seli_tensor *const *xs);
SELI_INTERNAL seli_tensor *seli__gelu_forward(seli_module *m, int n, seli_tensor *const *xs);
SELI_INTERNAL seli_tensor *seli__tanh_forward(seli_module *m, int n, seli_tensor *const *xs);
SELI_INTERNAL seli_tensor *seli__sigmoid_forward(seli_module *m, int n, seli_tensor *const *xs);
SELI_INTERNAL seli_tensor *seli__softplus_forward(seli_module *m, int n, seli_tensor *const *xs);
SELI_INTERNAL seli_tensor *seli__layernorm_forward(seli_module *m, int n, seli_tensor *const *xs);
SELI_INTERNAL seli_tensor *seli__rmsnorm_forward(seli_module *m, int n, seli_tensor *const *xs);
SELI_INTERNAL seli_tensor *seli__add_forward(seli_module *m, int n, seli_tensor *const *xs);
SELI_INTERNAL seli_tensor *seli__multiply_forward(seli_module *m, int n, seli_tensor *const *xs);
SELI_INTERNAL seli_tensor *seli__constant_forward(seli_module *m, int n, seli_tensor *const *xs);
SELI_INTERNAL seli_tensor *seli__identity_forward(seli_module *m, int n, seli_tensor *const *xs);
SELI_INTERNAL seli_tensor *seli__rearrange_forward(seli_module *m, int n, seli_tensor *const *xs);
SELI_INTERNAL seli_tensor *seli__reduce_forward(seli_module *m, int n, seli_tensor *const *xs);
SELI_INTERNAL seli_tensor *seli__repeat_forward(seli_module *m, int n, seli_tensor *const *xs);
SELI_INTERNAL seli_tensor *seli__einsum_forward(seli_module *m, int n, seli_tensor *const *xs);
SELI_INTERNAL seli_tensor *seli__attention_forward(seli_module *m, int n, seli_tensor *const *xs);
SELI_INTERNAL seli_tensor *seli__cross_attention_forward(seli_module *m, int n,
                                                         seli_tensor *const *xs);

/* A module of the given list type (net.Sequential, net.Add, net.Multiply)
 * owning the n layers as children "0", "1", ... (sequential.c); the _va form
 * reads the n layers from ap. */
SELI_INTERNAL seli_module *seli__layers_new(const char *op, const char *type,
                                            seli_forward_fn forward, int n,
                                            seli_module *const *layers);
SELI_INTERNAL seli_module *seli__layers_va(const char *op, const char *type,
                                           seli_forward_fn forward, int n, va_list ap);

#endif
