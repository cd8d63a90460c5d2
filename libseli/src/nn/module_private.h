/* module_private.h: the module object, shared by module.c, module_print.c
 * and the layers.  Users see only the opaque seli_module of seli/module.h. */
#ifndef SELI_MODULE_PRIVATE_H
#define SELI_MODULE_PRIVATE_H

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

/* Registration of the built-in layer types (each layer file defines its own). */
SELI_INTERNAL void seli__register_affine(void);
SELI_INTERNAL void seli__register_sequential(void);
SELI_INTERNAL void seli__register_activations(void);
SELI_INTERNAL void seli__register_norms(void);

#endif
