/* optimizer.c: one optimization step, shared by every update rule (see
 * seli/optim.h and optim_private.h).
 *
 * A step runs in a scope of its own: evaluate the loss, take its gradients
 * with respect to every parameter (seli_vjp), find which parameters the loss
 * touched, check everything, and only then let the rule update the touched
 * parameters and their state buffers in place. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/module_private.h"
#include "optim/optim_private.h"
#include "autodiff/tape.h"

static const seli__opt_rule *const rules[] = {
    &seli__opt_sgd_rule,     &seli__opt_momentum_rule, &seli__opt_nesterov_rule,
    &seli__opt_rmsprop_rule, &seli__opt_adagrad_rule,  &seli__opt_adam_rule,
};
#define NRULES (int)(sizeof rules / sizeof rules[0])

static const seli__opt_rule *rule_of(const seli_module *m)
{
    const char *type = seli_module_type(m);
    for (int i = 0; i < NRULES; i++)
        if (strcmp(type, rules[i]->type) == 0)
            return rules[i];
    return NULL;
}

int seli_is_optimizer(const seli_module *m) { return m && rule_of(m) != NULL; }

/* Each rule's type is also in nn/registry.c's table of built-in types, so
 * a fresh program can load a saved optimizer. */
seli_module *seli__opt_new(const seli__opt_rule *rule)
{
    seli_module *m = seli_module_new(rule->type, NULL);
    seli_set_int(m, "t", 0);
    return m;
}

double seli__opt_check(const char *op, const char *name, double value, double lo, double hi,
                       int hi_open)
{
    if (!(value >= lo) || (hi_open ? !(value < hi) : !(value <= hi)))
        seli_error("%s: %s = %g is out of range; it must be in [%g, %g%s", op, name, value, lo, hi,
                   hi_open ? ")" : "]");
    return value;
}

double seli__opt_get(const seli_module *opt, const char *name, double lo, double hi, int hi_open)
{
    const seli__slot *slot = seli__find_slot(opt, name);
    double v = slot && slot->kind == SELI_ATTR_FLOAT ? slot->v.f
               : slot && slot->kind == SELI_ATTR_INT ? (double)slot->v.i
                                                     : NAN;
    if (v >= lo && (hi_open ? v < hi : v <= hi))
        return v; /* the common case, without building a message */
    char op[64];
    snprintf(op, sizeof op, "seli_minimize (%s)", seli_module_type(opt));
    if (!slot || (slot->kind != SELI_ATTR_FLOAT && slot->kind != SELI_ATTR_INT))
        seli_error("%s: the optimizer has no number \"%s\"; set it with seli_set_float(opt, "
                   "\"%s\", value) or make the optimizer with its constructor",
                   op, name, name);
    return seli__opt_check(op, name, v, lo, hi, hi_open);
}

/* ------------------------------------------------------------------ */
/* the step                                                             */
/* ------------------------------------------------------------------ */

/* What one step works on: n parameters with their state keys. */
typedef struct step {
    const char *op;
    seli_module *opt;
    const seli__opt_rule *rule;
    seli__opt_hyper hyper;
    long t;
    int hint; /* where the next state lookup starts */
} step;

/* "v.layers.0.weight" in the step's scope. */
static char *state_name(const char *prefix, const char *key)
{
    size_t np = strlen(prefix), nk = strlen(key);
    char *s = seli__scope_alloc(np + nk + 2);
    memcpy(s, prefix, np);
    s[np] = '.';
    memcpy(s + np + 1, key, nk + 1);
    return s;
}

/* The attribute `name` of the optimizer.  State buffers are looked up in
 * the order they were created, so starting after the previous hit finds
 * each at the first comparison. */
static const seli__slot *find_state(step *s, const char *name)
{
    const seli_module *m = s->opt;
    for (int k = 0; k < m->n; k++) {
        int i = (s->hint + k) % m->n;
        if (strcmp(m->attrs[i].name, name) == 0) {
            s->hint = i + 1;
            return &m->attrs[i];
        }
    }
    return NULL;
}

/* The existing state buffer (NULL if none yet), after checking its shape. */
static seli_tensor *existing_state(step *s, const char *name, const char *key,
                                   const seli_tensor *param)
{
    const seli__slot *slot = find_state(s, name);
    if (!slot)
        return NULL;
    if (slot->kind != SELI_ATTR_BUFFER)
        seli_error("%s: the optimizer's attribute \"%s\" should be its state for \"%s\" but is not "
                   "a buffer; do not set attributes of that name on an optimizer",
                   s->op, name, key);
    seli_tensor *b = slot->v.tensor;
    if (!seli_same_shape(b, param)) {
        char bs[64];
        seli_shape_str(b, bs, sizeof bs);
        seli_error("%s: the optimizer's state for \"%s\" has shape %s but the parameter now has "
                   "shape %s; the model changed under the optimizer, so use a new optimizer for it",
                   s->op, key, bs, seli__shape(param));
    }
    return b;
}

/* No gradient reached any parameter: say what to do (model is NULL for
 * seli_minimize_tensors).  Formatted only then, never on a normal step. */
static void no_parameter_touched(const step *s, const seli_module *model, int n)
{
    if (model)
        seli_error("%s: the loss does not depend on any parameter of the model (a %s with %d "
                   "parameters); compute it from the model's output, seli_call(model, x), so that "
                   "gradients reach the parameters",
                   s->op, seli_module_type(model), n);
    seli_error("%s: the function does not depend on any of the %d tensors being optimized; "
               "compute it from params[0..%d]",
               s->op, n, n - 1);
}

/* The loss has been evaluated in the step's scope: take the gradients of
 * the n parameters, check, and update those the loss touched. */
static float finish(step *s, const seli_tensor *loss, int n, char *const *keys,
                    seli_tensor *const *params, const seli_module *model)
{
    if (!loss)
        seli_error("%s: the loss function returned NULL; it must return a scalar tensor", s->op);
    if (loss->size != 1 || loss->ndim > 1)
        seli_error("%s: the loss has shape %s but must be a scalar; reduce it with "
                   "seli_mean_all or seli_sum_all",
                   s->op, seli__shape(loss));
    seli_tensor **grads = seli__scope_alloc(((size_t)n + 1) * sizeof *grads);
    char *touched = seli__scope_alloc((size_t)n + 1);
    int ntouched = 0;
    if (loss->node && n > 0) {
        seli_vjp(loss, NULL, n, params, grads, 0);
        /* seli_vjp stamps every tape node it reached from the loss */
        for (int i = 0; i < n; i++) {
            touched[i] = params[i]->node && params[i]->node->stamp == loss->node->stamp;
            ntouched += touched[i];
        }
    }
    float value = loss->data[0];
    if (ntouched == 0)
        no_parameter_touched(s, model, n);

    /* Find and check all state before changing any; missing state is
     * created below, as zeros. */
    int ns = s->rule->nstate;
    char **names = seli__scope_alloc(((size_t)n * 2 + 1) * sizeof *names);
    seli_tensor **found = seli__scope_alloc(((size_t)n * 2 + 1) * sizeof *found);
    for (int i = 0; i < n; i++)
        for (int k = 0; touched[i] && k < ns; k++) {
            names[2 * i + k] = state_name(s->rule->state[k], keys[i]);
            found[2 * i + k] = existing_state(s, names[2 * i + k], keys[i], params[i]);
        }

    seli_set_int(s->opt, "t", s->t);
    for (int i = 0; i < n; i++) {
        if (!touched[i])
            continue;
        float *state[2] = {NULL, NULL};
        for (int k = 0; k < ns; k++) {
            seli_tensor *b = found[2 * i + k];
            if (!b)
                b = seli_buffer(s->opt, names[2 * i + k], params[i]->ndim, params[i]->shape);
            state[k] = b->data;
        }
        s->rule->update(&s->hyper, params[i]->size, params[i]->data, grads[i]->data, state);
    }
    return value;
}

/* The parameters under m with their paths, in visit order, all in the
 * current scope (a training step must not pay for malloc and sprintf). */
typedef struct plist {
    int n, cap;
    char **keys;
    seli_tensor **params;
} plist;

static void collect(const seli_module *m, const char *prefix, size_t plen, plist *l)
{
    for (int i = 0; i < m->n; i++) {
        const seli__slot *slot = &m->attrs[i];
        if (slot->kind != SELI_ATTR_PARAM && slot->kind != SELI_ATTR_MODULE)
            continue;
        size_t nlen = strlen(slot->name);
        char *path = seli__scope_alloc(plen + nlen + 2);
        if (plen) {
            memcpy(path, prefix, plen);
            path[plen] = '.';
        }
        memcpy(path + (plen ? plen + 1 : 0), slot->name, nlen + 1);
        size_t len = plen ? plen + 1 + nlen : nlen;
        if (slot->kind == SELI_ATTR_MODULE) {
            collect(slot->v.module, path, len, l);
            continue;
        }
        if (!slot->v.tensor->node)
            continue; /* not on the tape: no gradient can reach it */
        if (l->n == l->cap) {
            int cap = l->cap ? 2 * l->cap : 16;
            char **keys = seli__scope_alloc((size_t)cap * sizeof *keys);
            seli_tensor **params = seli__scope_alloc((size_t)cap * sizeof *params);
            if (l->n) {
                memcpy(keys, l->keys, (size_t)l->n * sizeof *keys);
                memcpy(params, l->params, (size_t)l->n * sizeof *params);
            }
            l->keys = keys;
            l->params = params;
            l->cap = cap;
        }
        l->keys[l->n] = path;
        l->params[l->n++] = slot->v.tensor;
    }
}

static plist model_params(const seli_module *m)
{
    plist l = {0, 0, NULL, NULL};
    collect(m, "", 0, &l);
    return l;
}

static void begin(step *s, const char *op, seli_module *opt)
{
    memset(s, 0, sizeof *s);
    s->op = op;
    if (!opt)
        seli_error("%s: the optimizer is NULL; make one with seli_opt_adam(lr)", op);
    s->rule = rule_of(opt);
    if (!s->rule)
        seli_error("%s: the first argument is a %s module, not an optimizer; make one with "
                   "seli_opt_adam(lr), seli_opt_sgd(lr), ...",
                   op, seli_module_type(opt));
    s->opt = opt;
    const seli__slot *t = seli__find_slot(opt, "t");
    if (!t || t->kind != SELI_ATTR_INT)
        seli_error("%s: the optimizer lost its step count \"t\"; make a new one", op);
    s->t = t->v.i + 1;
    s->rule->settings(opt, s->t, &s->hyper);
}

float seli_minimize(seli_module *opt, seli_loss_fn loss, seli_module *model, int n,
                    seli_tensor *const *inputs, void *ctx)
{
    step s;
    begin(&s, "seli_minimize", opt);
    if (!loss)
        seli_error("seli_minimize: the loss function is NULL; pass one such as seli_loss_mse");
    if (!model)
        seli_error("seli_minimize: the model is NULL (create a module first, e.g. with "
                   "seli_module_new or a seli_net_* constructor)");
    if (model == opt)
        seli_error("seli_minimize: the optimizer was passed as the model; pass the model to "
                   "train as the third argument");
    if (n < 0 || (n > 0 && !inputs))
        seli_error("seli_minimize: pass n >= 0 inputs and an array of n tensors (n = %d)", n);
    for (int i = 0; i < n; i++)
        seli__check("seli_minimize", inputs[i], "input");

    seli_scope_begin();
    seli_tensor *l = loss(model, n, inputs, ctx);
    /* after the loss: it may have created parameters */
    plist list = model_params(model);
    int np = list.n;
    char **keys = list.keys;
    seli_tensor **params = list.params;
    float value = finish(&s, l, np, keys, params, model);
    seli_scope_end();
    return value;
}

/* i >= 0 in decimal, in the current scope (the state key of params[i]). */
static char *decimal(int i)
{
    char digits[12];
    int len = 0;
    do
        digits[len++] = (char)('0' + i % 10);
    while ((i /= 10) > 0);
    char *s = seli__scope_alloc((size_t)len + 1);
    for (int k = 0; k < len; k++)
        s[k] = digits[len - 1 - k];
    s[len] = '\0';
    return s;
}

float seli_minimize_tensors(seli_module *opt, seli_objective_fn f, int n,
                            seli_tensor *const *params, void *ctx)
{
    step s;
    begin(&s, "seli_minimize_tensors", opt);
    if (!f)
        seli_error("seli_minimize_tensors: the function is NULL");
    if (n < 1 || !params)
        seli_error("seli_minimize_tensors: pass n >= 1 tensors to optimize (n = %d)", n);
    for (int i = 0; i < n; i++) {
        seli__check("seli_minimize_tensors", params[i], "params[i]");
        if (!params[i]->node || params[i]->node->vjp)
            seli_error("seli_minimize_tensors: params[%d] (shape %s) is not a leaf on the tape; "
                       "mark it with seli_requires_grad(t) once, before the first step",
                       i, seli__shape(params[i]));
        for (int j = 0; j < i; j++)
            if (params[j] == params[i])
                seli_error("seli_minimize_tensors: params[%d] and params[%d] are the same "
                           "tensor; pass each tensor once",
                           j, i);
    }

    seli_scope_begin();
    char **keys = seli__scope_alloc(((size_t)n + 1) * sizeof *keys);
    for (int i = 0; i < n; i++)
        keys[i] = decimal(i);
    seli_tensor *l = f(params, ctx);
    float value = finish(&s, l, n, keys, params, NULL);
    seli_scope_end();
    return value;
}
