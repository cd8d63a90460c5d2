/* module.c: the module object.
 *
 * A module is a registered type, a parent link and a list of named
 * attributes in the order they were first set.  It owns everything in that
 * list: child modules, parameter and buffer tensors (heap tensors), strings.
 * Parameters are created lazily by seli_param from the module's key, which
 * seli_set_rngs derives from a seed and the module's path.
 *
 * Every public function checks its arguments, and only then changes state. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "nn/module_private.h"

/* ------------------------------------------------------------------ */
/* small helpers                                                        */
/* ------------------------------------------------------------------ */

/* FNV-1a: a path component as a 32-bit number for seli_fold_in. */
static unsigned name_hash(const char *s)
{
    unsigned h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static const char *kind_name(seli_attr_kind kind)
{
    switch (kind) {
    case SELI_ATTR_MODULE:
        return "a child module";
    case SELI_ATTR_PARAM:
        return "a parameter";
    case SELI_ATTR_BUFFER:
        return "a buffer";
    case SELI_ATTR_INT:
        return "an integer";
    case SELI_ATTR_FLOAT:
        return "a float";
    case SELI_ATTR_STR:
        return "a string";
    default:
        return "nothing";
    }
}

static void check_module(const char *op, const seli_module *m, const char *argname)
{
    if (!m)
        seli_error("%s: %s is NULL (create a module first, e.g. with seli_module_new or a "
                   "seli_net_* constructor)",
                   op, argname);
}

static void check_name(const char *op, const char *name)
{
    if (!name || !name[0])
        seli_error("%s: the attribute name is %s; give a non-empty name such as \"weight\"", op,
                   name ? "empty" : "NULL");
}

/* The checks of every op(m, name, ...): m a live module, name a usable name. */
static void check_attr(const char *op, const seli_module *m, const char *name)
{
    check_module(op, m, "m");
    check_name(op, name);
}

static seli_module *alloc_module(const char *op, seli__type *type)
{
    seli_module *m = seli__xmalloc(op, sizeof *m);
    memset(m, 0, sizeof *m);
    m->type = type;
    return m;
}

seli_module *seli_module_new(const char *type, seli_forward_fn forward)
{
    seli__check_type_name("seli_module_new", type);
    return alloc_module("seli_module_new", seli__type_register(type, forward));
}

seli_module *seli_module_create(const char *type)
{
    seli__check_type_name("seli_module_create", type);
    seli__type *t = seli__type_find(type);
    if (!t)
        seli_error("seli_module_create: no module type \"%s\" is registered; run the code that "
                   "defines it first (seli_module_new or seli_register(\"%s\", forward))",
                   type, type);
    return alloc_module("seli_module_create", t);
}

const char *seli_module_type(const seli_module *m)
{
    check_module("seli_module_type", m, "m");
    return m->type->name;
}

/* ------------------------------------------------------------------ */
/* calling                                                              */
/* ------------------------------------------------------------------ */

seli_tensor *seli_calln(seli_module *m, int n, seli_tensor *const *xs)
{
    check_module("seli_call", m, "the module");
    if (n < 0 || (n > 0 && !xs))
        seli_error("seli_call: %d inputs at %p; pass n >= 0 and an array of n tensors", n,
                   (const void *)xs);
    for (int i = 0; i < n; i++)
        if (!xs[i])
            seli_error("seli_call: input %d of the %s at '%s' is NULL", i, m->type->name,
                       seli__path(m, NULL));
    if (!m->type->forward)
        seli_error("seli_call: modules of type %s have no forward function, so they cannot be "
                   "called (register one with seli_register(\"%s\", forward))",
                   m->type->name, m->type->name);
    seli_tensor *y = m->type->forward(m, n, xs);
    if (!y)
        seli_error("seli_call: the forward function of %s returned NULL; it must return a "
                   "tensor",
                   m->type->name);
    return y;
}

seli_tensor *seli_call(seli_module *m, seli_tensor *x) { return seli_calln(m, 1, &x); }

seli_tensor *seli_call2(seli_module *m, seli_tensor *x, seli_tensor *y)
{
    seli_tensor *xs[2] = {x, y};
    return seli_calln(m, 2, xs);
}

/* ------------------------------------------------------------------ */
/* paths                                                                */
/* ------------------------------------------------------------------ */

const char *seli__path(const seli_module *m, const char *name)
{
    static char bufs[4][1024];
    static int next;
    char *b = bufs[next++ & 3];
    const char *parts[64];
    int np = 0;
    if (name)
        parts[np++] = name;
    for (const seli_module *p = m; p && p->parent && np < 64; p = p->parent)
        parts[np++] = p->name;
    size_t len = 0;
    b[0] = 0;
    for (int i = np - 1; i >= 0; i--) {
        int w = snprintf(b + len, sizeof bufs[0] - len, "%s%s", len ? "." : "", parts[i]);
        if (w < 0 || (size_t)w >= sizeof bufs[0] - len)
            break;
        len += (size_t)w;
    }
    return b;
}

char *seli_module_path(const seli_module *m)
{
    check_module("seli_module_path", m, "m");
    return seli__xstrdup("seli_module_path", seli__path(m, NULL));
}

seli_module *seli_module_parent(const seli_module *m)
{
    check_module("seli_module_parent", m, "m");
    return m->parent;
}

/* ------------------------------------------------------------------ */
/* slots                                                                */
/* ------------------------------------------------------------------ */

seli__slot *seli__find_slot(const seli_module *m, const char *name)
{
    for (int i = 0; i < m->n; i++)
        if (strcmp(m->attrs[i].name, name) == 0)
            return &m->attrs[i];
    return NULL;
}

static void free_tree(seli_module *m);

static void free_value(seli__slot *s)
{
    switch (s->kind) {
    case SELI_ATTR_MODULE:
        s->v.module->parent = NULL;
        free_tree(s->v.module);
        break;
    case SELI_ATTR_PARAM:
    case SELI_ATTR_BUFFER:
        seli_tensor_free(s->v.tensor);
        break;
    case SELI_ATTR_STR:
        free(s->v.s);
        break;
    default:
        break;
    }
    s->kind = SELI_ATTR_NONE;
}

/* The slot for name, emptied (an old value is freed) or appended, now of
 * the given kind; the caller stores the value.  Call only after every check
 * passed. */
static seli__slot *take_slot(const char *op, seli_module *m, const char *name, seli_attr_kind kind)
{
    seli__slot *s = seli__find_slot(m, name);
    if (s) {
        free_value(s);
        s->kind = kind;
        return s;
    }
    if (m->n == m->cap) {
        int cap = m->cap ? 2 * m->cap : 4;
        seli__slot *a = realloc(m->attrs, (size_t)cap * sizeof *a);
        if (!a)
            seli_error("%s: out of memory", op);
        m->attrs = a;
        m->cap = cap;
    }
    s = &m->attrs[m->n];
    s->name = seli__xstrdup(op, name);
    s->kind = kind;
    m->n++;
    return s;
}

/* A list of m's attribute names for "it has: ..." hints. */
static const char *names_hint(const seli_module *m)
{
    static char b[512];
    size_t len = 0;
    b[0] = 0;
    if (m->n == 0)
        return "it has no attributes yet";
    len = (size_t)snprintf(b, sizeof b, "it has: ");
    for (int i = 0; i < m->n && len < sizeof b - 64; i++)
        len += (size_t)snprintf(b + len, sizeof b - len, "%s%s", i ? ", " : "", m->attrs[i].name);
    return b;
}

/* The slot name of kind `kind`, or an error naming what is there instead. */
static seli__slot *get_slot(const char *op, const seli_module *m, const char *name,
                            seli_attr_kind kind)
{
    check_attr(op, m, name);
    seli__slot *s = seli__find_slot(m, name);
    if (!s)
        seli_error("%s: the %s at '%s' has no attribute '%s' (%s)", op, m->type->name,
                   seli__path(m, NULL), name, names_hint(m));
    if (s->kind != kind)
        seli_error("%s: '%s' of the %s is %s, not %s", op, seli__path(m, name), m->type->name,
                   kind_name(s->kind), kind_name(kind));
    return s;
}

/* ------------------------------------------------------------------ */
/* keys                                                                 */
/* ------------------------------------------------------------------ */

static void spread_keys(seli_module *m, seli_key key)
{
    m->has_key = 1;
    m->key = key;
    for (int i = 0; i < m->n; i++)
        if (m->attrs[i].kind == SELI_ATTR_MODULE)
            spread_keys(m->attrs[i].v.module, seli_fold_in(key, name_hash(m->attrs[i].name)));
}

seli_module *seli_set_rngs(seli_module *m, unsigned long long seed)
{
    check_module("seli_set_rngs", m, "the module");
    spread_keys(m, seli_seed(seed));
    return m;
}

int seli_has_rngs(const seli_module *m)
{
    check_module("seli_has_rngs", m, "m");
    return m->has_key;
}

/* ------------------------------------------------------------------ */
/* attributes                                                           */
/* ------------------------------------------------------------------ */

void seli_set_child(seli_module *m, const char *name, seli_module *child)
{
    check_attr("seli_set_child", m, name);
    check_module("seli_set_child", child, "child");
    seli__slot *old = seli__find_slot(m, name);
    if (old && old->kind == SELI_ATTR_MODULE && old->v.module == child)
        return;
    if (child->parent)
        seli_error("seli_set_child: the %s given as '%s' is already the child '%s'; a module "
                   "has one parent (put a copy here with seli_module_copy)",
                   child->type->name, seli__path(m, name), seli__path(child, NULL));
    for (const seli_module *p = m; p; p = p->parent)
        if (p == child)
            seli_error("seli_set_child: making the %s a child of itself (or of its own "
                       "descendant '%s') would form a cycle; use seli_module_copy",
                       child->type->name, seli__path(m, name));
    seli__slot *s = take_slot("seli_set_child", m, name, SELI_ATTR_MODULE);
    s->v.module = child;
    child->parent = m;
    child->name = s->name;
    if (m->has_key)
        spread_keys(child, seli_fold_in(m->key, name_hash(name)));
}

seli_module *seli_child(const seli_module *m, const char *name)
{
    return get_slot("seli_child", m, name, SELI_ATTR_MODULE)->v.module;
}

void seli_set_int(seli_module *m, const char *name, long value)
{
    check_attr("seli_set_int", m, name);
    take_slot("seli_set_int", m, name, SELI_ATTR_INT)->v.i = value;
}

long seli_get_int(const seli_module *m, const char *name)
{
    return get_slot("seli_get_int", m, name, SELI_ATTR_INT)->v.i;
}

void seli_set_float(seli_module *m, const char *name, double value)
{
    check_attr("seli_set_float", m, name);
    take_slot("seli_set_float", m, name, SELI_ATTR_FLOAT)->v.f = value;
}

double seli_get_float(const seli_module *m, const char *name)
{
    check_attr("seli_get_float", m, name);
    seli__slot *s = seli__find_slot(m, name);
    if (s && s->kind == SELI_ATTR_INT)
        return (double)s->v.i;
    return get_slot("seli_get_float", m, name, SELI_ATTR_FLOAT)->v.f;
}

void seli_set_str(seli_module *m, const char *name, const char *value)
{
    check_attr("seli_set_str", m, name);
    if (!value)
        seli_error("seli_set_str: the value for '%s' is NULL; pass a string (\"\" is fine)", name);
    char *copy = seli__xstrdup("seli_set_str", value); /* value may be the old string itself */
    take_slot("seli_set_str", m, name, SELI_ATTR_STR)->v.s = copy;
}

const char *seli_get_str(const seli_module *m, const char *name)
{
    return get_slot("seli_get_str", m, name, SELI_ATTR_STR)->v.s;
}

void seli_set_init(seli_module *m, const char *name, seli_init init)
{
    char buf[96];
    check_attr("seli_set_init", m, name);
    seli_init_str(init, buf, sizeof buf);
    seli_set_str(m, name, buf);
}

seli_init seli_get_init(const seli_module *m, const char *name, seli_init fallback)
{
    check_attr("seli_get_init", m, name);
    seli__slot *s = seli__find_slot(m, name);
    if (!s)
        return fallback;
    if (s->kind != SELI_ATTR_STR)
        seli_error("seli_get_init: '%s' is %s, not an initializer (store one with "
                   "seli_set_init)",
                   seli__path(m, name), kind_name(s->kind));
    return seli_init_parse(s->v.s);
}

seli_attr_kind seli_has(const seli_module *m, const char *name)
{
    check_attr("seli_has", m, name);
    seli__slot *s = seli__find_slot(m, name);
    return s ? s->kind : SELI_ATTR_NONE;
}

void seli_del(seli_module *m, const char *name)
{
    check_attr("seli_del", m, name);
    seli__slot *s = seli__find_slot(m, name);
    if (!s)
        seli_error("seli_del: the %s at '%s' has no attribute '%s' (%s)", m->type->name,
                   seli__path(m, NULL), name, names_hint(m));
    free_value(s);
    free(s->name);
    int i = (int)(s - m->attrs);
    memmove(&m->attrs[i], &m->attrs[i + 1], (size_t)(m->n - i - 1) * sizeof *s);
    m->n--;
}

int seli_module_nattrs(const seli_module *m)
{
    check_module("seli_module_nattrs", m, "m");
    return m->n;
}

static seli_attr view(const seli__slot *s)
{
    seli_attr a;
    memset(&a, 0, sizeof a);
    a.name = s->name;
    a.kind = s->kind;
    switch (s->kind) {
    case SELI_ATTR_MODULE:
        a.module = s->v.module;
        break;
    case SELI_ATTR_PARAM:
    case SELI_ATTR_BUFFER:
        a.tensor = s->v.tensor;
        break;
    case SELI_ATTR_INT:
        a.i = s->v.i;
        break;
    case SELI_ATTR_FLOAT:
        a.f = s->v.f;
        break;
    case SELI_ATTR_STR:
        a.s = s->v.s;
        break;
    default:
        break;
    }
    return a;
}

seli_attr seli_module_attr(const seli_module *m, int i)
{
    check_module("seli_module_attr", m, "m");
    if (i < 0 || i >= m->n)
        seli_error("seli_module_attr: index %d is out of range; the %s has %d attributes "
                   "(0..%d)",
                   i, m->type->name, m->n, m->n - 1);
    return view(&m->attrs[i]);
}

/* ------------------------------------------------------------------ */
/* parameters and buffers                                               */
/* ------------------------------------------------------------------ */

static void check_shape(const char *op, const seli_module *m, const char *name, int ndim,
                        const long *shape)
{
    if (ndim < 0 || ndim > SELI_MAX_DIMS || (ndim > 0 && !shape))
        seli_error("%s: '%s' asked for with %d dimensions%s; pass 0..%d dimensions, e.g. "
                   "SELI_SHAPE(in, out)",
                   op, seli__path(m, name), ndim, ndim > 0 && !shape ? " and a NULL shape" : "",
                   SELI_MAX_DIMS);
    for (int i = 0; i < ndim; i++)
        if (shape[i] < 1)
            seli_error("%s: '%s' asked for with shape %s; every dimension must be at least 1", op,
                       seli__path(m, name), seli__dims(ndim, shape));
}

static int shape_equals(const seli_tensor *t, int ndim, const long *shape)
{
    if (t->ndim != ndim)
        return 0;
    for (int i = 0; i < ndim; i++)
        if (t->shape[i] != shape[i])
            return 0;
    return 1;
}

static seli_tensor *heap_copy(const seli_tensor *value, int on_tape)
{
    seli_tensor *t = seli_tensor_new(value->ndim, value->shape);
    memcpy(t->data, value->data, (size_t)value->size * sizeof(float));
    return on_tape ? seli_requires_grad(t) : t;
}

seli_tensor *seli_param(seli_module *m, const char *name, seli_init init, int ndim,
                        const long *shape)
{
    check_attr("seli_param", m, name);
    check_shape("seli_param", m, name, ndim, shape);
    seli__slot *s = seli__find_slot(m, name);
    if (s) {
        if (s->kind != SELI_ATTR_PARAM)
            seli_error("seli_param: '%s' of the %s is already %s; give the parameter another "
                       "name",
                       seli__path(m, name), m->type->name, kind_name(s->kind));
        if (!shape_equals(s->v.tensor, ndim, shape))
            seli_error("seli_param: parameter '%s' of the %s was created with shape %s but is "
                       "now asked for with shape %s; the module was first called with inputs "
                       "of another shape: call it with inputs like the first ones, or make a "
                       "new module for the new shape",
                       seli__path(m, name), m->type->name, seli__shape(s->v.tensor),
                       seli__dims(ndim, shape));
        return s->v.tensor;
    }
    if (!m->has_key)
        seli_error("seli_param: parameter '%s' of the %s is needed but the model has no random "
                   "keys yet; call seli_set_rngs(model, seed) on the whole model before its "
                   "first call",
                   seli__path(m, name), m->type->name);
    seli__init_check("seli_param", seli__path(m, name), init, ndim, shape);

    seli_scope_begin();
    seli_tensor *v = seli_init_sample(init, seli_fold_in(m->key, name_hash(name)), ndim, shape);
    seli_tensor *t = heap_copy(v, 0);
    seli_scope_end();
    seli_requires_grad(t);
    s = take_slot("seli_param", m, name, SELI_ATTR_PARAM);
    s->v.tensor = t;
    return t;
}

seli_tensor *seli_get_param(const seli_module *m, const char *name)
{
    check_attr("seli_get_param", m, name);
    seli__slot *s = seli__find_slot(m, name);
    if (!s)
        seli_error("seli_get_param: the %s at '%s' has no parameter '%s' yet; parameters are "
                   "created on the module's first call, so call it once first (%s)",
                   m->type->name, seli__path(m, NULL), name, names_hint(m));
    return get_slot("seli_get_param", m, name, SELI_ATTR_PARAM)->v.tensor;
}

static seli_tensor *set_tensor(const char *op, seli_module *m, const char *name,
                               const seli_tensor *value, seli_attr_kind kind)
{
    check_attr(op, m, name);
    seli__check(op, value, "value");
    seli__slot *s = seli__find_slot(m, name);
    if (s && s->kind == kind && seli_same_shape(s->v.tensor, value)) {
        if (s->v.tensor != value)
            memmove(s->v.tensor->data, value->data, (size_t)value->size * sizeof(float));
        return s->v.tensor;
    }
    seli_tensor *t = heap_copy(value, kind == SELI_ATTR_PARAM);
    s = take_slot(op, m, name, kind);
    s->v.tensor = t;
    return t;
}

seli_tensor *seli_set_param(seli_module *m, const char *name, const seli_tensor *value)
{
    return set_tensor("seli_set_param", m, name, value, SELI_ATTR_PARAM);
}

seli_tensor *seli_set_buffer(seli_module *m, const char *name, const seli_tensor *value)
{
    return set_tensor("seli_set_buffer", m, name, value, SELI_ATTR_BUFFER);
}

/* Shaped like seli_param, but each message says what a buffer is. */
seli_tensor *seli_buffer(seli_module *m, const char *name, int ndim, const long *shape)
{
    check_attr("seli_buffer", m, name);
    check_shape("seli_buffer", m, name, ndim, shape);
    seli__slot *s = seli__find_slot(m, name);
    if (s) {
        if (s->kind != SELI_ATTR_BUFFER)
            seli_error("seli_buffer: '%s' of the %s is already %s; give the buffer another "
                       "name",
                       seli__path(m, name), m->type->name, kind_name(s->kind));
        if (!shape_equals(s->v.tensor, ndim, shape))
            seli_error("seli_buffer: buffer '%s' of the %s has shape %s but is now asked for "
                       "with shape %s; did the parameter it belongs to change shape? Make a "
                       "new module for the new shape",
                       seli__path(m, name), m->type->name, seli__shape(s->v.tensor),
                       seli__dims(ndim, shape));
        return s->v.tensor;
    }
    seli_tensor *t = seli_tensor_new(ndim, shape);
    s = take_slot("seli_buffer", m, name, SELI_ATTR_BUFFER);
    s->v.tensor = t;
    return t;
}

seli_tensor *seli_get_buffer(const seli_module *m, const char *name)
{
    return get_slot("seli_get_buffer", m, name, SELI_ATTR_BUFFER)->v.tensor;
}

/* ------------------------------------------------------------------ */
/* the tree                                                             */
/* ------------------------------------------------------------------ */

typedef struct {
    char *s;
    size_t len, cap;
} pathbuf;

static void path_push(pathbuf *p, const char *name)
{
    size_t need = p->len + strlen(name) + 2;
    if (need > p->cap) {
        size_t cap = need * 2;
        char *s = realloc(p->s, cap);
        if (!s)
            seli_error("seli_module_visit: out of memory for a path");
        p->s = s;
        p->cap = cap;
    }
    p->len += (size_t)sprintf(p->s + p->len, "%s%s", p->len ? "." : "", name);
}

static void visit(seli_module *m, pathbuf *p, seli_visit_fn fn, void *ctx)
{
    for (int i = 0; i < m->n; i++) {
        size_t len = p->len;
        seli_attr a = view(&m->attrs[i]);
        path_push(p, a.name);
        fn(p->s, &a, ctx);
        if (a.kind == SELI_ATTR_MODULE)
            visit(a.module, p, fn, ctx);
        p->len = len;
        p->s[len] = 0;
    }
}

void seli_module_visit(seli_module *m, seli_visit_fn fn, void *ctx)
{
    check_module("seli_module_visit", m, "m");
    if (!fn)
        seli_error("seli_module_visit: the visit function is NULL");
    pathbuf p = {0};
    p.s = seli__xmalloc("seli_module_visit", 64);
    p.cap = 64;
    p.s[0] = 0;
    visit(m, &p, fn, ctx);
    free(p.s);
}

static void collect_param(const char *path, const seli_attr *a, void *ctx)
{
    seli_param_list *l = ctx;
    if (a->kind != SELI_ATTR_PARAM)
        return;
    if ((l->n & (l->n - 1)) == 0) { /* grow at powers of two */
        size_t cap = l->n ? 2 * (size_t)l->n : 1;
        char **paths = realloc(l->paths, cap * sizeof *paths);
        if (paths)
            l->paths = paths;
        seli_tensor **params = realloc(l->params, cap * sizeof *params);
        if (params)
            l->params = params;
        if (!paths || !params)
            seli_error("seli_module_params: out of memory");
    }
    l->paths[l->n] = seli__xstrdup("seli_module_params", path);
    l->params[l->n] = a->tensor;
    l->n++;
}

seli_param_list seli_module_params(seli_module *m)
{
    check_module("seli_module_params", m, "m");
    seli_param_list l = {0, NULL, NULL};
    seli_module_visit(m, collect_param, &l);
    return l;
}

void seli_param_list_free(seli_param_list *list)
{
    if (!list)
        return;
    for (int i = 0; i < list->n; i++)
        free(list->paths[i]);
    free(list->paths);
    free(list->params);
    list->n = 0;
    list->paths = NULL;
    list->params = NULL;
}

/* The slot at a dotted path under m; names may themselves contain dots, so
 * each slot is tried as a prefix of the path. */
static const seli__slot *find_path(const seli_module *m, const char *path)
{
    for (int i = 0; i < m->n; i++) {
        const seli__slot *s = &m->attrs[i];
        size_t len = strlen(s->name);
        if (strncmp(path, s->name, len) != 0)
            continue;
        if (path[len] == 0)
            return s;
        if (path[len] == '.' && s->kind == SELI_ATTR_MODULE) {
            const seli__slot *found = find_path(s->v.module, path + len + 1);
            if (found)
                return found;
        }
    }
    return NULL;
}

seli_tensor *seli_module_find_param(const seli_module *m, const char *path)
{
    check_attr("seli_module_find_param", m, path);
    const seli__slot *s = find_path(m, path);
    return s && s->kind == SELI_ATTR_PARAM ? s->v.tensor : NULL;
}

seli_module *seli_module_find(const seli_module *m, const char *path)
{
    check_attr("seli_module_find", m, path);
    const seli__slot *s = find_path(m, path);
    return s && s->kind == SELI_ATTR_MODULE ? s->v.module : NULL;
}

long seli_module_param_count(const seli_module *m)
{
    check_module("seli_module_param_count", m, "m");
    long count = 0;
    for (int i = 0; i < m->n; i++) {
        if (m->attrs[i].kind == SELI_ATTR_PARAM)
            count += m->attrs[i].v.tensor->size;
        else if (m->attrs[i].kind == SELI_ATTR_MODULE)
            count += seli_module_param_count(m->attrs[i].v.module);
    }
    return count;
}

static seli_module *copy_tree(const seli_module *m)
{
    seli_module *c = alloc_module("seli_module_copy", m->type);
    c->has_key = m->has_key;
    c->key = m->key;
    if (m->n) {
        c->attrs = seli__xmalloc("seli_module_copy", (size_t)m->n * sizeof *c->attrs);
        c->cap = m->n;
    }
    for (int i = 0; i < m->n; i++) {
        const seli__slot *s = &m->attrs[i];
        seli__slot *d = &c->attrs[i];
        d->name = seli__xstrdup("seli_module_copy", s->name);
        d->kind = s->kind;
        switch (s->kind) {
        case SELI_ATTR_MODULE:
            d->v.module = copy_tree(s->v.module);
            d->v.module->parent = c;
            d->v.module->name = d->name;
            break;
        case SELI_ATTR_PARAM:
            d->v.tensor = heap_copy(s->v.tensor, 1);
            break;
        case SELI_ATTR_BUFFER:
            d->v.tensor = heap_copy(s->v.tensor, 0);
            break;
        case SELI_ATTR_STR:
            d->v.s = seli__xstrdup("seli_module_copy", s->v.s);
            break;
        default:
            d->v = s->v;
            break;
        }
        c->n = i + 1;
    }
    return c;
}

seli_module *seli_module_copy(const seli_module *m)
{
    check_module("seli_module_copy", m, "m");
    return copy_tree(m);
}

static void free_tree(seli_module *m)
{
    for (int i = 0; i < m->n; i++) {
        free_value(&m->attrs[i]);
        free(m->attrs[i].name);
    }
    free(m->attrs);
    free(m);
}

void seli_module_free(seli_module *m)
{
    if (!m)
        return;
    if (m->parent)
        seli_error("seli_module_free: the %s is the child '%s' of a %s, which owns it; free "
                   "the root module instead, or remove it with seli_del(parent, \"%s\")",
                   m->type->name, seli__path(m, NULL), m->parent->type->name, m->name);
    free_tree(m);
}
