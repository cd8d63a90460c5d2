/* optim_private.h: what the optimizer rules share with the step machinery
 * of optimizer.c.  Each rule file (sgd.c, momentum.c, rmsprop.c, adagrad.c,
 * adam.c) defines one seli__opt_rule and its constructors. */
#ifndef SELI_OPTIM_PRIVATE_H
#define SELI_OPTIM_PRIVATE_H

#include <stddef.h>

#include "core/internal.h"

/* The settings of one step, read from the optimizer's attributes.  They
 * stay doubles, as the user wrote them (0.1, not 0.1f), until a rule turns
 * them into the float constants of its update. */
typedef struct seli__opt_hyper {
    double lr, beta, beta2, eps;
    double bc1, bc2; /* Adam's bias corrections 1 - b1^t and 1 - b2^t */
} seli__opt_hyper;

typedef struct seli__opt_rule {
    const char *type;     /* "opt.Adam" */
    int nstate;           /* state buffers per parameter (0 to 2) */
    const char *state[2]; /* their name prefixes: buffer "m.layers.0.weight" */
    /* Read and check opt's settings for step t (1 for the first step); no
     * state changes. */
    void (*settings)(const seli_module *opt, long t, seli__opt_hyper *h);
    /* Update size elements of theta in place from the gradient g and the
     * nstate state arrays. */
    void (*update)(const seli__opt_hyper *h, long size, float *theta, const float *g,
                   float *const *state);
} seli__opt_rule;

SELI_INTERNAL extern const seli__opt_rule seli__opt_sgd_rule;
SELI_INTERNAL extern const seli__opt_rule seli__opt_momentum_rule;
SELI_INTERNAL extern const seli__opt_rule seli__opt_nesterov_rule;
SELI_INTERNAL extern const seli__opt_rule seli__opt_rmsprop_rule;
SELI_INTERNAL extern const seli__opt_rule seli__opt_adagrad_rule;
SELI_INTERNAL extern const seli__opt_rule seli__opt_adam_rule;

/* A new optimizer module of rule's type with step count "t" = 0. */
SELI_INTERNAL seli_module *seli__opt_new(const seli__opt_rule *rule);
/* Check a setting before it is stored or used: finite, within [lo, hi]
 * (hi_open nonzero: below hi).  op and name go into the message. */
SELI_INTERNAL double seli__opt_check(const char *op, const char *name, double value, double lo,
                                     double hi, int hi_open);
/* The float attribute name of opt, checked as above. */
SELI_INTERNAL double seli__opt_get(const seli_module *opt, const char *name, double lo, double hi,
                                   int hi_open);

#endif
