/* seed_read.c: seli_load of a file that the seed's seli.save wrote (see
 * seed_file.h for the format).
 *
 * The tree is walked twice: once to check everything (types, arrays,
 * shapes, dtypes), once to build, so a file that libseli cannot represent
 * gives an error naming what and where, never a partial model.  Each seed
 * class maps to libseli's module of the same name; where the two write a
 * layer differently the numbers are converted (the seed's LayerNorm scales
 * by weight + offset, libseli's by scale).  A class libseli does not have
 * is an error, unless a module type of that name is registered
 * (seli_register): then its attributes map one to one (children, Params as
 * parameters, arrays as buffers, numbers and strings). */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/seed_file.h"

#define REG "__registry__:"

static seli_module *leaky(void) { return seli_net_leaky_relu(0.01f); }

const seli__seed_activation seli__seed_activations[] = {
    {"jax.nn.relu", "net.ReLU", seli_net_relu},
    {"jax.nn.leaky_relu", "net.LeakyReLU", leaky},
    {"jax.nn.elu", "net.ELU", seli_net_elu},
    {"jax.nn.gelu", "net.GELU", seli_net_gelu},
    {"jax.nn.sigmoid", "net.Sigmoid", seli_net_sigmoid},
    {"jax.nn.softplus", "net.Softplus", seli_net_softplus},
    {NULL, NULL, NULL},
};

typedef struct reader {
    const char *path;
    seli__npz *zip;
    int narrays;
    int build; /* 0: check only; 1: build (everything was checked) */
    const json_t *root;
    seli__conversions conv;
    char err[1200];
} reader;

static void fail(reader *r, const char *where, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(reader *r, const char *where, const char *format, ...)
{
    if (r->err[0])
        return;
    char msg[900];
    va_list ap;
    va_start(ap, format);
    vsnprintf(msg, sizeof msg, format, ap);
    va_end(ap);
    snprintf(r->err, sizeof r->err, "'%s' (a file of the seed, seli 0.1.2): at '%s': %s", r->path,
             where[0] ? where : "the root", msg);
}

/* The registered class of a JSON node ("net.Affine"), or NULL. */
static const char *class_of(const json_t *j)
{
    const char *c = json_string_value(json_object_get(j, "__class__"));
    return c && strncmp(c, REG, strlen(REG)) == 0 ? c + strlen(REG) : NULL;
}

static const seli__seed_activation *activation(const json_t *j)
{
    const char *s = json_string_value(j);
    if (!s || strncmp(s, REG, strlen(REG)) != 0)
        return NULL;
    for (const seli__seed_activation *a = seli__seed_activations; a->seed; a++)
        if (strcmp(a->seed, s + strlen(REG)) == 0)
            return a;
    return NULL;
}

static const seli__npz_entry *array_entry(reader *r, int i)
{
    char name[32];
    snprintf(name, sizeof name, "arr_%d.npy", i);
    return seli__npz_find(r->zip, name);
}

/* The array of a placeholder node, as a float32 tensor in the current
 * scope (NULL while checking). */
static seli_tensor *array(reader *r, const json_t *j, const char *where)
{
    const char *c = class_of(j);
    json_int_t i = json_integer_value(json_object_get(j, "index"));
    if (!c || strcmp(c, "builtin.ArrayPlaceholder") != 0 || i < 0 || i >= r->narrays) {
        fail(r, where, "expected an array (an ArrayPlaceholder with an index below %d)",
             r->narrays);
        return NULL;
    }
    const seli__npz_entry *e = array_entry(r, (int)i);
    seli__npy npy;
    char why[512];
    if (seli__npy_parse(e->bytes, e->len, &npy, why, sizeof why) != 0 || npy.kind == 'U') {
        fail(r, where, "the array arr_%d is not numeric: %s", (int)i,
             npy.kind == 'U' ? "text" : why);
        return NULL;
    }
    if (!r->build) {
        seli__conversion_add(&r->conv, &npy);
        return NULL;
    }
    seli_tensor *t = seli_zeros(npy.ndim, npy.shape);
    seli__npy_copy(&npy, t->data);
    return t;
}

/* The value of the net.Param at j[key], or NULL (none yet, or checking). */
static seli_tensor *param(reader *r, const json_t *j, const char *key, const char *where)
{
    const json_t *p = json_object_get(j, key);
    const char *c = class_of(p);
    char at[256];
    snprintf(at, sizeof at, "%s%s%s", where, where[0] ? "." : "", key);
    if (!c || strcmp(c, "net.Param") != 0) {
        fail(r, at, "expected a net.Param");
        return NULL;
    }
    const json_t *v = json_object_get(p, "value");
    return v && !json_is_null(v) ? array(r, v, at) : NULL;
}

/* Set m's parameter name to t + add (t may be NULL: not created yet). */
static void put(seli_module *m, const char *name, seli_tensor *t, double add)
{
    if (t)
        seli_set_param(m, name, add != 0 ? seli_add_scalar(t, (float)add) : t);
}

static double number(const json_t *j, const char *key, double fallback)
{
    const json_t *v = json_object_get(j, key);
    return json_is_number(v) ? json_number_value(v) : fallback;
}

static seli_module *module(reader *r, const json_t *j, const char *where);

/* The seed writes an object met a second time (jax.nn.elu between every
 * layer, say) as a builtin.PathKey: the path of its first place, a list of
 * AttrKey (an attribute) and ItemKey (a list index).  The node there, or
 * NULL with an error. */
static const json_t *resolve(reader *r, const json_t *v, const char *where)
{
    const char *c = class_of(v);
    if (!c || strcmp(c, "builtin.PathKey") != 0)
        return v;
    const json_t *at = r->root, *k;
    size_t i;
    json_array_foreach(json_object_get(v, "path"), i, k)
    {
        const json_t *key = json_object_get(k, "key");
        at = json_is_integer(key) && json_is_array(at)
                 ? json_array_get(at, (size_t)json_integer_value(key))
                 : json_object_get(at, json_string_value(key) ? json_string_value(key) : "");
    }
    if (!at)
        fail(r, where, "a reference (builtin.PathKey) to a place the file does not have");
    else if (!json_is_string(at))
        fail(r, where,
             "the same %s appears at two places (shared weights), which libseli's "
             "modules cannot do; give each place a module of its own",
             class_of(at) ? class_of(at) : "object");
    return at && json_is_string(at) ? at : NULL;
}

/* A child at j[key]: a module or an activation's registry string. */
static seli_module *child(reader *r, const json_t *v, const char *where)
{
    if (!(v = resolve(r, v, where)))
        return NULL;
    const seli__seed_activation *a = activation(v);
    if (a)
        return r->build ? a->make() : NULL;
    if (json_is_string(v)) {
        fail(r, where,
             "the function \"%s\" has no libseli module (libseli has jax.nn's relu, "
             "leaky_relu, elu, gelu, sigmoid and softplus)",
             json_string_value(v) +
                 (strncmp(json_string_value(v), REG, strlen(REG)) ? 0 : strlen(REG)));
        return NULL;
    }
    return module(r, v, where);
}

static seli_module *list_module(reader *r, const json_t *j, const char *type, const char *where)
{
    const json_t *list = json_object_get(j, "modules");
    if (!json_is_array(list)) {
        fail(r, where, "a %s without its list \"modules\"", type);
        return NULL;
    }
    seli_module *m = r->build ? seli_module_create(type) : NULL;
    size_t i;
    const json_t *v;
    json_array_foreach(list, i, v)
    {
        char at[256];
        snprintf(at, sizeof at, "%s%s%zu", where, where[0] ? "." : "", i);
        seli_module *c = child(r, v, at);
        if (m)
            seli_net_append(m, c);
    }
    return m;
}

/* A net.Linear node as libseli's net.Linear (dim and weight). */
static seli_module *linear(reader *r, const json_t *j, const char *where)
{
    seli_tensor *w = param(r, j, "weight", where);
    if (!json_is_integer(json_object_get(j, "dim")))
        fail(r, where, "a net.Linear without an integer \"dim\"");
    if (!r->build)
        return NULL;
    seli_module *m = seli_net_linear((int)json_integer_value(json_object_get(j, "dim")));
    put(m, "weight", w, 0);
    return m;
}

static seli_module *norm_or_scale(reader *r, const json_t *j, const char *c, const char *where)
{
    double offset = number(j, "offset", 1);
    if (strcmp(c, "net.Scale") == 0) {
        seli_tensor *s = param(r, j, "scale", where);
        seli_module *m = r->build ? seli_net_scale() : NULL;
        if (m)
            put(m, "scale", s, offset); /* the seed scales by scale + offset */
        return m;
    }
    seli_tensor *w = param(r, j, "weight", where), *b = param(r, j, "bias", where);
    if (!r->build)
        return NULL;
    seli_module *m = strcmp(c, "net.LayerNorm") == 0 ? seli_net_layernorm() : seli_net_rmsnorm();
    seli_set_float(m, "eps", number(j, "eps", 1e-6));
    put(m, "scale", w, offset); /* weight + offset */
    put(m, "offset", b, 0);
    return m;
}

/* Rearrange, Reduce, Repeat: "dims" {"h": 2} become the sizes "h=2". */
static seli_module *einops_layer(reader *r, const json_t *j, const char *c, const char *where)
{
    const char *pattern = json_string_value(json_object_get(j, "pattern"));
    const char *reduction = json_string_value(json_object_get(j, "reduction"));
    char sizes[256] = "";
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)json_object_get(j, "dims"), key, v)
    {
        if (!json_is_integer(v))
            fail(r, where, "the size \"%s\" is not an integer", key);
        size_t n = strlen(sizes);
        snprintf(sizes + n, sizeof sizes - n, "%s%s=%ld", n ? ", " : "", key,
                 (long)json_integer_value(v));
    }
    if (!pattern || (strcmp(c, "net.Reduce") == 0 && !reduction))
        fail(r, where, "a %s without its pattern%s", c,
             strcmp(c, "net.Reduce") == 0 ? " and reduction" : "");
    if (!r->build)
        return NULL;
    if (strcmp(c, "net.Einsum") == 0)
        return seli_net_einsum(pattern);
    if (strcmp(c, "net.Reduce") == 0)
        return seli_net_reduce(pattern, reduction, sizes);
    return strcmp(c, "net.Rearrange") == 0 ? seli_net_rearrange(pattern, sizes)
                                           : seli_net_repeat(pattern, sizes);
}

/* The options DotProductAttention and CrossAttention share. */
static void attention_options(reader *r, const json_t *j, seli_module *m, const char *where)
{
    const json_t *lengths = json_object_get(j, "key_value_seq_lengths");
    if (lengths && !json_is_null(lengths))
        fail(r, where,
             "key_value_seq_lengths is set; libseli's attention has no sequence "
             "lengths (pass a mask instead)");
    if (!m)
        return;
    if (json_is_true(json_object_get(j, "is_causal")))
        seli_set_int(m, "is_causal", 1);
    if (json_is_number(json_object_get(j, "scale")))
        seli_set_float(m, "scale", number(j, "scale", 0));
    if (json_is_true(json_object_get(j, "norm")))
        seli_set_int(m, "norm", 1);
    if (json_is_number(json_object_get(j, "tanh_cap")))
        seli_set_float(m, "tanh_cap", number(j, "tanh_cap", 0));
}

static seli_module *attention(reader *r, const json_t *j, const char *c, const char *where)
{
    int dim = (int)json_integer_value(json_object_get(j, "dim"));
    int hq = (int)json_integer_value(json_object_get(j, "heads_q"));
    int hk = (int)json_integer_value(json_object_get(j, "heads_k"));
    if (dim < 1 || hq < 1 || hk < 1 || dim % hq || hq % hk)
        fail(r, where, "a %s with dim %d, heads_q %d, heads_k %d", c, dim, hq, hk);
    int cross = strcmp(c, "net.CrossAttention") == 0;
    char at[256];
    seli_module *parts[2];
    const char *names[2] = {cross ? "q" : "qkv", "kv"};
    for (int i = 0; i < 1 + cross; i++) {
        snprintf(at, sizeof at, "%s%s%s", where, where[0] ? "." : "", names[i]);
        parts[i] = linear(r, json_object_get(j, names[i]), at);
    }
    seli_tensor *bias = NULL, *mask = NULL;
    const json_t *b = json_object_get(j, "bias"), *k = json_object_get(j, "mask");
    if (cross && b && !json_is_null(b))
        bias = array(r, b, where);
    if (cross && k && !json_is_null(k))
        mask = array(r, k, where);
    seli_module *m = !r->build ? NULL
                     : cross   ? seli_net_cross_attention(dim, hq, hk)
                               : seli_net_dot_product_attention(dim, hq, hk);
    attention_options(r, j, m, where);
    if (!m)
        return NULL;
    for (int i = 0; i < 1 + cross; i++) {
        seli_del(m, names[i]);
        seli_set_child(m, names[i], parts[i]);
    }
    if (bias)
        seli_set_buffer(m, "bias", bias);
    if (mask)
        seli_set_buffer(m, "mask", mask);
    return m;
}

/* A module of a type registered by the user: attributes one to one. */
static seli_module *generic(reader *r, const json_t *j, const char *c, const char *where)
{
    seli_module *m = r->build ? seli_module_create(c) : NULL;
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)j, key, v)
    {
        char at[256];
        snprintf(at, sizeof at, "%s%s%s", where, where[0] ? "." : "", key);
        const char *vc = class_of(v);
        if (strcmp(key, "__class__") == 0 || json_is_null(v))
            continue;
        if (vc && strcmp(vc, "net.Param") == 0) {
            seli_tensor *t = param(r, j, key, where);
            if (m && t)
                seli_set_param(m, key, t);
        } else if (vc && strcmp(vc, "builtin.ArrayPlaceholder") == 0) {
            seli_tensor *t = array(r, v, at);
            if (m)
                seli_set_buffer(m, key, t);
        } else if (vc || (json_is_string(v) && !strncmp(json_string_value(v), REG, strlen(REG)))) {
            seli_module *ch = child(r, v, at);
            if (m)
                seli_set_child(m, key, ch);
        } else if (json_is_integer(v) || json_is_boolean(v)) {
            if (m)
                seli_set_int(m, key,
                             json_is_integer(v) ? (long)json_integer_value(v) : json_is_true(v));
        } else if (json_is_real(v) || json_is_string(v)) {
            if (m && json_is_real(v))
                seli_set_float(m, key, json_real_value(v));
            else if (m)
                seli_set_str(m, key, json_string_value(v));
        } else {
            fail(r, at,
                 "the attribute \"%s\" of a %s is a JSON %s, which a libseli module cannot "
                 "hold",
                 key, c, json_is_array(v) ? "list" : "dict");
        }
    }
    return m;
}

static seli_module *module(reader *r, const json_t *j, const char *where)
{
    const char *c = class_of(j);
    if (!c) {
        fail(r, where, "expected a module (a JSON object with its \"__class__\")");
        return NULL;
    }
    if (!strcmp(c, "net.Sequential") || !strcmp(c, "net.Add") || !strcmp(c, "net.Multiply"))
        return list_module(r, j, c, where);
    if (!strcmp(c, "net.Linear"))
        return linear(r, j, where);
    if (!strcmp(c, "net.Bias") || !strcmp(c, "net.Affine")) {
        int affine = c[4] == 'A';
        char at[256];
        snprintf(at, sizeof at, "%s%sbias", where, where[0] ? "." : "");
        seli_tensor *b =
            param(r, affine ? json_object_get(j, "bias") : j, "bias", affine ? at : where);
        seli_module *lin = affine ? linear(r, json_object_get(j, "linear"), where) : NULL;
        if (!r->build)
            return NULL;
        if (!affine) {
            seli_module *m = seli_net_bias();
            put(m, "bias", b, 0);
            return m;
        }
        seli_module *m = seli_net_affine(
            (int)json_integer_value(json_object_get(json_object_get(j, "linear"), "dim")));
        if (seli_has(lin, "weight"))
            seli_set_param(m, "weight", seli_get_param(lin, "weight"));
        put(m, "bias", b, 0);
        seli_module_free(lin);
        return m;
    }
    if (!strcmp(c, "net.Scale") || !strcmp(c, "net.LayerNorm") || !strcmp(c, "net.RMSNorm"))
        return norm_or_scale(r, j, c, where);
    if (!strcmp(c, "net.Identity"))
        return r->build ? seli_net_identity() : NULL;
    if (!strcmp(c, "net.Constant")) {
        seli_tensor *t = array(r, json_object_get(j, "value"), where);
        return r->build ? seli_net_constant(t) : NULL;
    }
    if (!strcmp(c, "net.Rearrange") || !strcmp(c, "net.Reduce") || !strcmp(c, "net.Repeat") ||
        !strcmp(c, "net.Einsum"))
        return einops_layer(r, j, c, where);
    if (!strcmp(c, "net.DotProductAttention") || !strcmp(c, "net.CrossAttention"))
        return attention(r, j, c, where);
    if (strncmp(c, "net.", 4) != 0 && strncmp(c, "opt.", 4) != 0 && seli_is_registered(c))
        return generic(r, j, c, where);
    fail(r, where, "the module type '%s' has no counterpart in libseli%s", c,
         strncmp(c, "net.", 4) && strncmp(c, "opt.", 4)
             ? "; register a module type of that name (seli_register) to load it as your own"
             : "");
    return NULL;
}

int seli__is_seed_file(const seli__npz *zip)
{
    for (int i = 0; i < zip->count; i++) {
        char name[32];
        snprintf(name, sizeof name, "arr_%d.npy", i);
        if (!seli__npz_find(zip, name))
            return 0;
    }
    return zip->count > 0;
}

seli_module *seli__seed_load(const char *path, seli__npz *zip)
{
    reader r = {.path = path, .zip = zip, .narrays = zip->count - 1};
    seli__npy npy;
    char why[512];
    const seli__npz_entry *e = array_entry(&r, r.narrays);
    char *text = NULL;
    json_t *root = NULL;
    if (seli__npy_parse(e->bytes, e->len, &npy, why, sizeof why) != 0 ||
        !(text = seli__npy_text(&npy)))
        fail(&r, "", "its last entry, arr_%d, is not the JSON text of the module tree", r.narrays);
    json_error_t jerr;
    if (text && !(root = json_loads(text, 0, &jerr)))
        fail(&r, "", "the module tree is not valid JSON (line %d: %s)", jerr.line, jerr.text);
    free(text);
    r.root = root;
    if (root)
        module(&r, root, "");
    if (r.err[0]) {
        char msg[1300];
        snprintf(msg, sizeof msg, "%s", r.err);
        json_decref(root);
        seli__npz_free(zip);
        seli_error("seli_load: %s", msg);
    }
    r.build = 1;
    seli_scope_begin();
    seli_module *m = module(&r, root, "");
    seli_scope_end();
    json_decref(root);
    seli__npz_free(zip);
    seli__conversion_note(m, &r.conv);
    return m;
}
