/* seed_write.c: seli_save_as(m, path, SELI_FORMAT_SEED), a model in the
 * seed's format (see seed_file.h), so that the seed's seli.load(path) reads
 * it back: each libseli module becomes the seed's class of the same name,
 * with the seed's attributes (net.Affine a net.Linear and a net.Bias, a
 * LayerNorm's scale its weight + offset), every parameter a net.Param, and
 * activations the seed's registry strings ("__registry__:jax.nn.elu").
 * Everything is described before anything is written: a module the seed
 * cannot represent is an error naming it, and no file is made. */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/seed_file.h"

#define REG "__registry__:"

typedef struct writer {
    int n;
    char *names[4096];
    void *bytes[4096];
    size_t lens[4096];
    char err[1024];
} writer;

static json_t *fail(writer *w, const char *where, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static json_t *fail(writer *w, const char *where, const char *format, ...)
{
    if (!w->err[0]) {
        char msg[800];
        va_list ap;
        va_start(ap, format);
        vsnprintf(msg, sizeof msg, format, ap);
        va_end(ap);
        snprintf(w->err, sizeof w->err, "at '%s': %s", where[0] ? where : "the root", msg);
    }
    return NULL;
}

static json_t *node(const char *cls)
{
    char c[128];
    snprintf(c, sizeof c, REG "%s", cls);
    return json_pack("{s:s}", "__class__", c);
}

/* Add the array as arr_<n>.npy (bool: as numpy's |b1) and return its placeholder. */
static json_t *placeholder(writer *w, const seli_tensor *t, int as_bool, const char *where)
{
    if (w->n == 4095)
        return fail(w, where, "more than 4095 arrays");
    size_t len = 0;
    void *bytes;
    if (as_bool) {
        unsigned char *b = malloc((size_t)t->size + 1);
        for (long k = 0; b && k < t->size; k++)
            b[k] = t->data[k] != 0;
        bytes = b ? seli__npy_encode_raw("|b1", t->ndim, t->shape, b, (size_t)t->size, &len) : NULL;
        free(b);
    } else {
        bytes = seli__npy_encode(t->ndim, t->shape, t->data, &len);
    }
    char name[32];
    snprintf(name, sizeof name, "arr_%d.npy", w->n);
    w->names[w->n] = strdup(name);
    w->bytes[w->n] = bytes;
    w->lens[w->n] = len;
    if (!bytes || !w->names[w->n])
        return fail(w, where, "out of memory");
    json_t *p = node("builtin.ArrayPlaceholder");
    json_object_set_new(p, "index", json_integer(w->n++));
    return p;
}

/* A net.Param holding t - sub (or no value yet), filled by init when the seed creates it. */
static json_t *param(writer *w, const seli_module *m, const char *name, double sub,
                     const char *init, const char *where)
{
    seli_tensor *t = seli_has(m, name) == SELI_ATTR_PARAM ? seli_get_param(m, name) : NULL;
    json_t *p = node("net.Param");
    json_t *i = node(init);
    if (strcmp(init, "net.init.Uniform") == 0) { /* the seed's default for weights */
        json_object_set_new(i, "init", json_string("Glorot"));
        json_object_set_new(i, "scale", json_real(1.0));
        json_object_set_new(i, "shift", json_real(0.0));
    }
    json_t *key = node("net.Key");
    json_object_set_new(key, "_key", json_null());
    json_object_set_new(key, "collection", json_string("init"));
    json_object_set_new(p, "collection", json_string("param"));
    json_object_set_new(p, "init", i);
    json_object_set_new(p, "rngs", key);
    if (!t) {
        json_object_set_new(p, "value", json_null());
        return p;
    }
    seli_scope_begin();
    json_t *v = placeholder(w, sub != 0 ? seli_add_scalar(t, (float)-sub) : t, 0, where);
    seli_scope_end();
    json_object_set_new(p, "value", v ? v : json_null());
    return p;
}

static json_t *module(writer *w, const seli_module *m, const char *where);

/* An activation module as the seed's registry string, or NULL if m is none. */
static json_t *activation(writer *w, const seli_module *m, const char *where)
{
    const char *type = seli_module_type(m);
    for (const seli__seed_activation *a = seli__seed_activations; a->seed; a++) {
        if (strcmp(a->type, type) != 0)
            continue;
        if ((!strcmp(type, "net.LeakyReLU") && seli_get_float(m, "slope") != 0.01f &&
             seli_get_float(m, "slope") != 0.01) ||
            (!strcmp(type, "net.ELU") && seli_get_float(m, "alpha") != 1))
            return fail(w, where,
                        "a %s with other settings than jax.nn's defaults, which the "
                        "seed stores as a bare function",
                        type);
        char s[64];
        snprintf(s, sizeof s, REG "%s", a->seed);
        return json_string(s);
    }
    if (!strcmp(type, "net.Tanh"))
        return fail(w, where,
                    "net.Tanh has no counterpart in the seed: its registry has no "
                    "jax.nn.tanh (use net.GELU, net.ELU, ... or write it as a module of your own)");
    return NULL;
}

static json_t *child(writer *w, const seli_module *c, const char *where)
{
    json_t *a = activation(w, c, where);
    return a || w->err[0] ? a : module(w, c, where);
}

static json_t *linear(writer *w, const seli_module *m, const char *where)
{
    json_t *j = node("net.Linear");
    json_object_set_new(j, "dim", json_integer(seli_get_int(m, "dim")));
    json_object_set_new(j, "weight", param(w, m, "weight", 0, "net.init.Uniform", where));
    return j;
}

/* The children of a Sequential, Add or Multiply as the list "modules". */
static json_t *list(writer *w, const seli_module *m, const char *type, const char *where)
{
    json_t *j = node(type), *mods = json_array();
    for (int i = 0; i < m->n; i++) {
        if (m->attrs[i].kind != SELI_ATTR_MODULE)
            continue;
        char at[256];
        snprintf(at, sizeof at, "%s%s%s", where, where[0] ? "." : "", m->attrs[i].name);
        json_t *c = child(w, m->attrs[i].v.module, at);
        json_array_append_new(mods, c ? c : json_null());
    }
    json_object_set_new(j, "modules", mods);
    return j;
}

/* Rearrange, Reduce, Repeat: the sizes "h=2, w=3" become "dims" {"h": 2, "w": 3}. */
static json_t *einops_layer(const seli_module *m, const char *type)
{
    json_t *j = node(type), *dims = json_object();
    json_object_set_new(j, "pattern", json_string(seli_get_str(m, "pattern")));
    if (seli_has(m, "reduction"))
        json_object_set_new(j, "reduction", json_string(seli_get_str(m, "reduction")));
    const char *s = seli_has(m, "sizes") ? seli_get_str(m, "sizes") : "";
    char name[64];
    long v;
    int used;
    while (sscanf(s, " %63[A-Za-z0-9_] = %ld%n", name, &v, &used) == 2) {
        json_object_set_new(dims, name, json_integer(v));
        s += used;
        while (*s == ',' || *s == ' ')
            s++;
    }
    if (strcmp(type, "net.Einsum") != 0)
        json_object_set_new(j, "dims", dims);
    else
        json_decref(dims);
    return j;
}

static json_t *attention(writer *w, const seli_module *m, const char *type, const char *where)
{
    int cross = !strcmp(type, "net.CrossAttention");
    json_t *j = node(type);
    long dim = seli_get_int(m, "dim"), hq = seli_get_int(m, "heads_q");
    json_object_set_new(j, "dim", json_integer(dim));
    json_object_set_new(j, "dim_head", json_integer(dim / hq));
    json_object_set_new(j, "heads_q", json_integer(hq));
    json_object_set_new(j, "heads_k", json_integer(seli_get_int(m, "heads_k")));
    if (!cross) {
        json_object_set_new(j, "norm",
                            json_boolean(seli_has(m, "norm") && seli_get_int(m, "norm")));
        json_object_set_new(j, "tanh_cap",
                            seli_has(m, "tanh_cap") ? json_real(seli_get_float(m, "tanh_cap"))
                                                    : json_null());
    }
    for (int i = 0; cross && i < 2; i++) {
        const char *b = i ? "mask" : "bias";
        json_object_set_new(
            j, b, seli_has(m, b) ? placeholder(w, seli_get_buffer(m, b), i, where) : json_null());
    }
    json_object_set_new(j, "scale",
                        seli_has(m, "scale") ? json_real(seli_get_float(m, "scale")) : json_null());
    json_object_set_new(j, "is_causal",
                        json_boolean(seli_has(m, "is_causal") && seli_get_int(m, "is_causal")));
    json_object_set_new(j, "key_value_seq_lengths", json_null());
    json_object_set_new(j, "implementation", json_null());
    const char *names[2] = {cross ? "q" : "qkv", "kv"};
    for (int i = 0; i < 1 + cross; i++)
        json_object_set_new(j, names[i], linear(w, seli_child(m, names[i]), where));
    return j;
}

/* A module of the user's own type: its attributes one to one. */
static json_t *generic(writer *w, const seli_module *m, const char *type, const char *where)
{
    json_t *j = node(type);
    for (int i = 0; i < m->n; i++) {
        const seli__slot *s = &m->attrs[i];
        char at[256];
        snprintf(at, sizeof at, "%s%s%s", where, where[0] ? "." : "", s->name);
        json_t *v = s->kind == SELI_ATTR_MODULE   ? child(w, s->v.module, at)
                    : s->kind == SELI_ATTR_PARAM  ? param(w, m, s->name, 0, "net.init.Zeros", at)
                    : s->kind == SELI_ATTR_BUFFER ? placeholder(w, s->v.tensor, 0, at)
                    : s->kind == SELI_ATTR_INT    ? json_integer(s->v.i)
                    : s->kind == SELI_ATTR_FLOAT  ? json_real(s->v.f)
                                                  : json_string(s->v.s);
        json_object_set_new(j, s->name, v ? v : json_null());
    }
    return j;
}

static json_t *module(writer *w, const seli_module *m, const char *where)
{
    const char *t = seli_module_type(m);
    if (!strcmp(t, "net.Sequential") || !strcmp(t, "net.Add") || !strcmp(t, "net.Multiply"))
        return list(w, m, t, where);
    if (!strcmp(t, "net.Linear"))
        return linear(w, m, where);
    if (!strcmp(t, "net.Bias") || !strcmp(t, "net.Affine")) {
        json_t *b = node("net.Bias");
        json_object_set_new(b, "bias", param(w, m, "bias", 0, "net.init.Zeros", where));
        if (t[4] == 'B')
            return b;
        json_t *j = node("net.Affine");
        json_object_set_new(j, "bias", b);
        json_object_set_new(j, "linear", linear(w, m, where));
        return j;
    }
    if (!strcmp(t, "net.Scale")) {
        json_t *j = node(t);
        json_object_set_new(j, "offset", json_integer(1));
        json_object_set_new(j, "scale", param(w, m, "scale", 1, "net.init.Zeros", where));
        return j;
    }
    if (!strcmp(t, "net.LayerNorm") || !strcmp(t, "net.RMSNorm")) {
        json_t *j = node(t);
        json_object_set_new(j, "eps", json_real(seli_get_float(m, "eps")));
        json_object_set_new(j, "offset", json_integer(1));
        json_object_set_new(j, "weight", param(w, m, "scale", 1, "net.init.Zeros", where));
        json_object_set_new(j, "bias", param(w, m, "offset", 0, "net.init.Zeros", where));
        return j;
    }
    if (!strcmp(t, "net.Identity"))
        return node(t);
    if (!strcmp(t, "net.Constant")) {
        json_t *j = node(t);
        json_object_set_new(j, "value", placeholder(w, seli_get_buffer(m, "value"), 0, where));
        return j;
    }
    if (!strcmp(t, "net.Rearrange") || !strcmp(t, "net.Reduce") || !strcmp(t, "net.Repeat") ||
        !strcmp(t, "net.Einsum"))
        return einops_layer(m, t);
    if (!strcmp(t, "net.DotProductAttention") || !strcmp(t, "net.CrossAttention"))
        return attention(w, m, t, where);
    json_t *a = activation(w, m, where);
    if (a || w->err[0])
        return w->err[0] ? NULL
                         : fail(w, where,
                                "a bare %s: the seed stores activations as functions "
                                "inside a module, not as a model of their own",
                                t);
    if (!strncmp(t, "net.", 4) || !strncmp(t, "opt.", 4))
        return fail(w, where, "the module type '%s' has no counterpart in the seed", t);
    return generic(w, m, t, where);
}

/* The JSON text as the seed's last entry: a 0-d '<U' array (UTF-32). */
static int add_text(writer *w, const char *text)
{
    size_t n = strlen(text);
    unsigned *u = malloc(4 * n + 4);
    if (!u)
        return -1;
    for (size_t i = 0; i < n; i++)
        u[i] = (unsigned char)text[i]; /* JSON_ENSURE_ASCII: one code point per byte */
    char descr[32], name[32];
    snprintf(descr, sizeof descr, "<U%zu", n ? n : 1);
    snprintf(name, sizeof name, "arr_%d.npy", w->n);
    w->bytes[w->n] = seli__npy_encode_raw(descr, 0, NULL, u, 4 * (n ? n : 1), &w->lens[w->n]);
    w->names[w->n] = strdup(name);
    free(u);
    return w->bytes[w->n++] && w->names[w->n - 1] ? 0 : -1;
}

void seli__seed_save(const seli_module *m, const char *path)
{
    writer *w = calloc(1, sizeof *w);
    if (!w)
        seli_error("seli_save_as: out of memory");
    json_t *tree = module(w, m, "");
    char *text = tree && !w->err[0] ? json_dumps(tree, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    json_decref(tree);
    if (!w->err[0] && (!text || add_text(w, text) != 0))
        snprintf(w->err, sizeof w->err, "out of memory");
    free(text);
    if (!w->err[0])
        seli__npz_write(path, w->n, (const char *const *)w->names, (const void *const *)w->bytes,
                        w->lens, w->err, sizeof w->err);
    char msg[1100];
    snprintf(msg, sizeof msg, "%s", w->err);
    for (int i = 0; i < w->n; i++)
        free(w->names[i]), free(w->bytes[i]);
    free(w);
    if (msg[0])
        seli_error("seli_save_as: '%s' in the seed's format: %s; nothing was written", path, msg);
}
