/* save.c: seli_save and seli_load (see seli/save.h).
 *
 * The file is an .npz: one .npy entry per parameter or buffer, named by its
 * dotted path, and the entry "seli.json" describing the module tree:
 *
 *     {"format": "seli.module", "version": 1,
 *      "module": {"type": "net.Sequential", "key": [k0, k1],
 *                 "attrs": [{"name": "0", "kind": "module", "module": {...}},
 *                           {"name": "weight", "kind": "param",
 *                            "entry": "0.weight.npy", "shape": [1, 16]},
 *                           {"name": "dim", "kind": "int", "value": 16},
 *                           {"name": "lr", "kind": "float", "value": 0.001},
 *                           {"name": "act", "kind": "str", "value": "elu"}]}}
 *
 * Loading reads the whole file, checks the JSON, every type, every entry and
 * every shape first, and only then builds the module, so a bad file gives a
 * clear error and no half-built module. */
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/module_private.h"
#include "io/npz.h"
#include "io/seed_file.h"

#define JSON_ENTRY "seli.json"
#define FORMAT_NAME "seli.module"
#define FORMAT_VERSION 1

/* ------------------------------------------------------------------ */
/* saving                                                               */
/* ------------------------------------------------------------------ */

typedef struct writer {
    int n, cap;
    char **names;
    void **bytes;
    size_t *lens;
    char err[1024];
} writer;

static void writer_free(writer *w)
{
    for (int i = 0; i < w->n; i++) {
        free(w->names[i]);
        free(w->bytes[i]);
    }
    free(w->names);
    free(w->bytes);
    free(w->lens);
}

/* Add an entry (name malloc'd here, bytes taken over); -1 if out of memory. */
static int writer_add(writer *w, const char *name, void *bytes, size_t len)
{
    if (w->n == w->cap) {
        int cap = w->cap ? 2 * w->cap : 16;
        char **names = realloc(w->names, (size_t)cap * sizeof *names);
        if (names)
            w->names = names;
        void **b = realloc(w->bytes, (size_t)cap * sizeof *b);
        if (b)
            w->bytes = b;
        size_t *lens = realloc(w->lens, (size_t)cap * sizeof *lens);
        if (lens)
            w->lens = lens;
        if (!names || !b || !lens) {
            free(bytes);
            return -1;
        }
        w->cap = cap;
    }
    char *copy = strdup(name);
    if (!copy) {
        free(bytes);
        return -1;
    }
    w->names[w->n] = copy;
    w->bytes[w->n] = bytes;
    w->lens[w->n] = len;
    w->n++;
    return 0;
}

static int writer_has(const writer *w, const char *name)
{
    for (int i = 0; i < w->n; i++)
        if (strcmp(w->names[i], name) == 0)
            return 1;
    return 0;
}

static char *join_path(const char *prefix, const char *name)
{
    size_t n = strlen(prefix) + strlen(name) + 2;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s%s%s", prefix, prefix[0] ? "." : "", name);
    return s;
}

/* The .npy entry for the tensor at path: "path.npy", made unique if two
 * paths collide (a buffer named "a.b" next to a child "a" with "b"). */
static json_t *save_tensor(writer *w, const char *path, const seli_tensor *t)
{
    size_t n = strlen(path) + 32;
    char *entry = malloc(n);
    if (!entry)
        return NULL;
    snprintf(entry, n, "%s.npy", path);
    for (int k = 2; writer_has(w, entry) || strcmp(entry, JSON_ENTRY) == 0; k++)
        snprintf(entry, n, "%s~%d.npy", path, k);
    size_t len;
    void *bytes = seli__npy_encode(t->ndim, t->shape, t->data, &len);
    json_t *shape = json_array();
    for (int i = 0; shape && i < t->ndim; i++)
        json_array_append_new(shape, json_integer(t->shape[i]));
    json_t *j = NULL;
    if (!bytes || !shape) {
        free(bytes);
        json_decref(shape);
    } else if (writer_add(w, entry, bytes, len) != 0) { /* it freed bytes */
        json_decref(shape);
    } else {
        j = json_pack("{s:s, s:o}", "entry", entry, "shape", shape);
    }
    free(entry);
    return j;
}

static json_t *float_value(double v)
{
    if (isnan(v))
        return json_string("nan");
    if (isinf(v))
        return json_string(v > 0 ? "inf" : "-inf");
    return json_real(v);
}

static json_t *save_module(writer *w, const seli_module *m, const char *prefix)
{
    json_t *attrs = json_array();
    json_t *j = json_pack("{s:s, s:o}", "type", seli_module_type(m), "attrs", attrs);
    if (!j)
        return NULL;
    if (m->has_key)
        json_object_set_new(j, "key",
                            json_pack("[I, I]", (json_int_t)m->key.k[0], (json_int_t)m->key.k[1]));
    int n = seli_module_nattrs(m);
    for (int i = 0; i < n; i++) {
        seli_attr a = seli_module_attr(m, i);
        char *path = join_path(prefix, a.name);
        json_t *item = NULL;
        if (path) {
            switch (a.kind) {
            case SELI_ATTR_MODULE: {
                json_t *child = save_module(w, a.module, path);
                if (child)
                    item = json_pack("{s:s, s:o}", "kind", "module", "module", child);
                break;
            }
            case SELI_ATTR_PARAM:
            case SELI_ATTR_BUFFER:
                item = save_tensor(w, path, a.tensor);
                if (item)
                    json_object_set_new(
                        item, "kind", json_string(a.kind == SELI_ATTR_PARAM ? "param" : "buffer"));
                break;
            case SELI_ATTR_INT:
                item = json_pack("{s:s, s:I}", "kind", "int", "value", (json_int_t)a.i);
                break;
            case SELI_ATTR_FLOAT:
                item = json_pack("{s:s, s:o}", "kind", "float", "value", float_value(a.f));
                break;
            case SELI_ATTR_STR:
                item = json_pack("{s:s, s:s}", "kind", "str", "value", a.s);
                break;
            default:
                break;
            }
        }
        free(path);
        if (!item || json_object_set_new(item, "name", json_string(a.name)) != 0 ||
            json_array_append_new(attrs, item) != 0) {
            json_decref(j);
            return NULL;
        }
    }
    return j;
}

void seli_save(const seli_module *m, const char *path)
{
    if (!m)
        seli_error(
            "seli_save: the module is NULL (create a module first, e.g. with seli_module_new "
            "or a seli_net_* constructor)");
    if (!path || !path[0])
        seli_error("seli_save: the path is %s; give a file name such as \"model.npz\"",
                   path ? "empty" : "NULL");
    seli_module_type(m); /* checks that m is a live module */

    writer w = {0};
    json_t *tree = save_module(&w, m, "");
    json_t *root = tree ? json_pack("{s:s, s:i, s:o}", "format", FORMAT_NAME, "version",
                                    FORMAT_VERSION, "module", tree)
                        : NULL;
    char *text = root ? json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(root);
    if (!text || writer_add(&w, JSON_ENTRY, text, strlen(text)) != 0) {
        writer_free(&w);
        seli_error("seli_save: out of memory while describing the module for '%s'", path);
    }
    int rc = seli__npz_write(path, w.n, (const char *const *)w.names, (const void *const *)w.bytes,
                             w.lens, w.err, sizeof w.err);
    if (rc != 0) {
        char msg[1100];
        snprintf(msg, sizeof msg, "%s", w.err);
        writer_free(&w);
        seli_error("seli_save: %s", msg);
    }
    writer_free(&w);
}

void seli_save_as(const seli_module *m, const char *path, seli_format format)
{
    if (format == SELI_FORMAT_SELI) {
        seli_save(m, path);
        return;
    }
    if (format != SELI_FORMAT_SEED)
        seli_error("seli_save_as: format %d is not SELI_FORMAT_SELI or SELI_FORMAT_SEED",
                   (int)format);
    if (!m)
        seli_error("seli_save_as: the module is NULL (create a module first)");
    if (!path || !path[0])
        seli_error("seli_save_as: the path is %s; give a file name such as \"model.npz\"",
                   path ? "empty" : "NULL");
    seli_module_type(m); /* checks that m is a live module */
    seli__seed_save(m, path);
}

/* ------------------------------------------------------------------ */
/* loading: checks                                                      */
/* ------------------------------------------------------------------ */

typedef struct loader {
    const char *path;
    seli__npz zip;
    seli__conversions conv;
    char err[1536];
} loader;

static int bad(loader *l, const char *where, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static int bad(loader *l, const char *where, const char *format, ...)
{
    char msg[1024];
    va_list args;
    va_start(args, format);
    vsnprintf(msg, sizeof msg, format, args);
    va_end(args);
    if (where && where[0])
        snprintf(l->err, sizeof l->err, "'%s': at \"%s\": %s", l->path, where, msg);
    else
        snprintf(l->err, sizeof l->err, "'%s': %s", l->path, msg);
    return -1;
}

/* The shape of a JSON array of sizes; -1 if it is not one. */
static int json_shape(const json_t *j, int *ndim, long *shape)
{
    if (!json_is_array(j) || json_array_size(j) > SELI_MAX_DIMS)
        return -1;
    *ndim = (int)json_array_size(j);
    for (int i = 0; i < *ndim; i++) {
        const json_t *v = json_array_get(j, (size_t)i);
        if (!json_is_integer(v) || json_integer_value(v) < 0)
            return -1;
        shape[i] = (long)json_integer_value(v);
    }
    return 0;
}

static int check_tensor(loader *l, const char *where, const json_t *a)
{
    const char *entry = json_string_value(json_object_get(a, "entry"));
    int ndim;
    long shape[SELI_MAX_DIMS];
    if (!entry || json_shape(json_object_get(a, "shape"), &ndim, shape) != 0)
        return bad(l, where, "the module tree lacks a valid \"entry\" or \"shape\" (corrupt file)");
    const seli__npz_entry *e = seli__npz_find(&l->zip, entry);
    if (!e)
        return bad(l, where, "the array entry '%s' is missing from the archive", entry);
    seli__npy npy;
    char why[512];
    if (seli__npy_parse(e->bytes, e->len, &npy, why, sizeof why) != 0)
        return bad(l, where, "the array entry '%s' is invalid: %s", entry, why);
    if (npy.kind == 'U')
        return bad(l, where, "the array entry '%s' holds text ('%s'), not numbers", entry,
                   npy.descr);
    seli__conversion_add(&l->conv, &npy);
    int same = npy.ndim == ndim;
    for (int i = 0; same && i < ndim; i++)
        same = npy.shape[i] == shape[i];
    if (!same) {
        return bad(l, where,
                   "the array entry '%s' has shape %s but the module tree says %s (the file is "
                   "inconsistent)",
                   entry, seli__dims(npy.ndim, npy.shape), seli__dims(ndim, shape));
    }
    return 0;
}

static int check_module(loader *l, const json_t *j, const char *where, int depth)
{
    if (depth > 1000)
        return bad(l, where, "the module tree is nested too deeply (corrupt file)");
    if (!json_is_object(j))
        return bad(l, where, "a module is not a JSON object (corrupt file)");
    const char *type = json_string_value(json_object_get(j, "type"));
    if (!type || !type[0])
        return bad(l, where, "a module has no type name (corrupt file)");
    if (!seli_is_registered(type))
        return bad(l, where,
                   "the module type \"%s\" is not registered in this program; register it with "
                   "seli_register(\"%s\", forward) before loading (or create one module of it "
                   "with seli_module_new)",
                   type, type);
    const json_t *key = json_object_get(j, "key");
    if (key &&
        (!json_is_array(key) || json_array_size(key) != 2 ||
         !json_is_integer(json_array_get(key, 0)) || !json_is_integer(json_array_get(key, 1))))
        return bad(l, where, "the module's key is not a pair of integers (corrupt file)");
    const json_t *attrs = json_object_get(j, "attrs");
    if (!json_is_array(attrs))
        return bad(l, where, "the module of type \"%s\" has no attribute list (corrupt file)",
                   type);
    size_t i;
    const json_t *a;
    json_array_foreach(attrs, i, a)
    {
        const char *name = json_string_value(json_object_get(a, "name"));
        const char *kind = json_string_value(json_object_get(a, "kind"));
        if (!name || !name[0] || !kind)
            return bad(l, where, "attribute %zu has no name or kind (corrupt file)", i);
        for (size_t k = 0; k < i; k++)
            if (strcmp(name,
                       json_string_value(json_object_get(json_array_get(attrs, k), "name"))) == 0)
                return bad(l, where, "the attribute \"%s\" appears twice (corrupt file)", name);
        char *sub = join_path(where, name);
        if (!sub)
            return bad(l, where, "out of memory");
        const json_t *value = json_object_get(a, "value");
        int rc = 0;
        if (strcmp(kind, "module") == 0)
            rc = check_module(l, json_object_get(a, "module"), sub, depth + 1);
        else if (strcmp(kind, "param") == 0 || strcmp(kind, "buffer") == 0)
            rc = check_tensor(l, sub, a);
        else if (strcmp(kind, "int") == 0)
            rc = json_is_integer(value) ? 0 : bad(l, sub, "the integer has no integer value");
        else if (strcmp(kind, "float") == 0)
            rc = json_is_number(value) ||
                         (json_is_string(value) && (strcmp(json_string_value(value), "nan") == 0 ||
                                                    strcmp(json_string_value(value), "inf") == 0 ||
                                                    strcmp(json_string_value(value), "-inf") == 0))
                     ? 0
                     : bad(l, sub, "the float has no number value");
        else if (strcmp(kind, "str") == 0)
            rc = json_is_string(value) ? 0 : bad(l, sub, "the string has no string value");
        else
            rc = bad(l, sub, "unknown attribute kind \"%s\" (a newer seli, or a corrupt file)",
                     kind);
        free(sub);
        if (rc)
            return rc;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* loading: building (everything was checked)                           */
/* ------------------------------------------------------------------ */

static seli_tensor *entry_tensor(loader *l, const json_t *a)
{
    const seli__npz_entry *e =
        seli__npz_find(&l->zip, json_string_value(json_object_get(a, "entry")));
    seli__npy npy;
    char why[16];
    seli__npy_parse(e->bytes, e->len, &npy, why, sizeof why);
    seli_tensor *t = seli_zeros(npy.ndim, npy.shape);
    seli__npy_copy(&npy, t->data);
    return t;
}

static double float_of(const json_t *v)
{
    if (json_is_number(v))
        return json_number_value(v);
    const char *s = json_string_value(v);
    return strcmp(s, "nan") == 0 ? NAN : strcmp(s, "inf") == 0 ? INFINITY : -INFINITY;
}

static seli_module *build_module(loader *l, const json_t *j)
{
    seli_module *m = seli_module_create(json_string_value(json_object_get(j, "type")));
    size_t i;
    const json_t *a;
    json_array_foreach(json_object_get(j, "attrs"), i, a)
    {
        const char *name = json_string_value(json_object_get(a, "name"));
        const char *kind = json_string_value(json_object_get(a, "kind"));
        const json_t *value = json_object_get(a, "value");
        if (strcmp(kind, "module") == 0) {
            seli_set_child(m, name, build_module(l, json_object_get(a, "module")));
        } else if (strcmp(kind, "param") == 0 || strcmp(kind, "buffer") == 0) {
            seli_scope_begin();
            seli_tensor *t = entry_tensor(l, a);
            if (kind[0] == 'p')
                seli_set_param(m, name, t);
            else
                seli_set_buffer(m, name, t);
            seli_scope_end();
        } else if (strcmp(kind, "int") == 0) {
            seli_set_int(m, name, (long)json_integer_value(value));
        } else if (strcmp(kind, "float") == 0) {
            seli_set_float(m, name, float_of(value));
        } else {
            seli_set_str(m, name, json_string_value(value));
        }
    }
    const json_t *key = json_object_get(j, "key");
    if (key) {
        m->has_key = 1;
        m->key.k[0] = (unsigned)json_integer_value(json_array_get(key, 0));
        m->key.k[1] = (unsigned)json_integer_value(json_array_get(key, 1));
    }
    return m;
}

/* A short list of the archive's entries, for "this is not a seli file". */
static void list_entries(const seli__npz *z, char *buf, size_t n)
{
    size_t k = 0;
    buf[0] = 0;
    for (int i = 0; i < z->count && k + 1 < n; i++) {
        if (i == 6) {
            snprintf(buf + k, n - k, ", ...");
            break;
        }
        k += (size_t)snprintf(buf + k, n - k, "%s'%s'", i ? ", " : "", z->entries[i].name);
    }
}

seli_module *seli_load(const char *path)
{
    if (!path || !path[0])
        seli_error("seli_load: the path is %s; give a file name such as \"model.npz\"",
                   path ? "empty" : "NULL");
    loader l = {.path = path};
    if (seli__npz_read(path, &l.zip, l.err, sizeof l.err) != 0) {
        char msg[1600];
        snprintf(msg, sizeof msg, "%s", l.err);
        seli_error("seli_load: %s", msg);
    }
    json_t *root = NULL;
    const seli__npz_entry *e = seli__npz_find(&l.zip, JSON_ENTRY);
    if (!e && seli__is_seed_file(&l.zip))
        return seli__seed_load(path, &l.zip);
    if (!e) {
        char names[512];
        list_entries(&l.zip, names, sizeof names);
        bad(&l, NULL,
            "the archive has no '" JSON_ENTRY "' entry describing the module tree, so it was not "
            "written by seli_save (its entries: %s); numpy reads such files with numpy.load",
            l.zip.count ? names : "none");
    } else {
        json_error_t jerr;
        root = json_loadb((const char *)e->bytes, e->len, 0, &jerr);
        if (!root) {
            bad(&l, NULL, "the '" JSON_ENTRY "' entry is not valid JSON (line %d: %s)", jerr.line,
                jerr.text);
        } else if (!json_is_object(root) || !json_string_value(json_object_get(root, "format")) ||
                   strcmp(json_string_value(json_object_get(root, "format")), FORMAT_NAME) != 0) {
            bad(&l, NULL,
                "the '" JSON_ENTRY "' entry is not a seli module description "
                "(\"format\" is not \"" FORMAT_NAME "\")");
        } else if (!json_is_integer(json_object_get(root, "version")) ||
                   json_integer_value(json_object_get(root, "version")) > FORMAT_VERSION ||
                   json_integer_value(json_object_get(root, "version")) < 1) {
            bad(&l, NULL,
                "the file's format version is not %d; it was written by another "
                "version of seli",
                FORMAT_VERSION);
        } else {
            check_module(&l, json_object_get(root, "module"), "", 0);
        }
    }
    if (l.err[0]) {
        char msg[1600];
        snprintf(msg, sizeof msg, "%s", l.err);
        json_decref(root);
        seli__npz_free(&l.zip);
        seli_error("seli_load: %s", msg);
    }
    seli_module *m = build_module(&l, json_object_get(root, "module"));
    json_decref(root);
    seli__npz_free(&l.zip);
    seli__conversion_note(m, &l.conv);
    return m;
}

void seli__conversion_add(seli__conversions *c, const seli__npy *a)
{
    if (a->kind == 'f' && a->itemsize == 4)
        return;
    c->count++;
    if (!strstr(c->dtypes, a->descr) && strlen(c->dtypes) + strlen(a->descr) + 3 < sizeof c->dtypes)
        snprintf(c->dtypes + strlen(c->dtypes), sizeof c->dtypes - strlen(c->dtypes), "%s%s",
                 c->dtypes[0] ? ", " : "", a->descr);
}

void seli__conversion_note(seli_module *m, const seli__conversions *c)
{
    if (!c->count)
        return;
    char note[160];
    snprintf(note, sizeof note, "converted on load: %d array%s of dtype %s to float32", c->count,
             c->count == 1 ? "" : "s", c->dtypes);
    seli_set_str(m, "load_note", note);
}
