/* headers.c: the headers of the session and the type names they declare.
 *
 * The implicit headers (<stdio.h>, <stdlib.h>, <string.h>, <math.h>,
 * seli.h) are preprocessed once by tcc -E -dD into plain declarations and
 * cached on disk: a cell then pays one parse of them, not a walk through
 * glibc's headers.  Their typedef names, those of the headers that cells
 * include, and the types and macros of earlier cells tell the front end
 * which identifiers name types. */
#include "session/session_internal.h"

#include "util/file.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char implicit_headers[] = "#include <stdio.h>\n#include <stdlib.h>\n"
                                       "#include <string.h>\n#include <math.h>\n"
                                       "#include <seli.h>\n";

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int headers_implicit(const cell_item *it)
{
    if (it->kind != ITEM_DIRECTIVE || it->nnames != 1)
        return 0;
    static const char *const keys[] = {"#include <stdio.h>",
                                       "#include <stdlib.h>",
                                       "#include <string.h>",
                                       "#include <math.h>",
                                       "#include <seli.h>",
                                       "#include \"seli.h\"",
                                       NULL};
    for (int i = 0; keys[i]; i++)
        if (!strcmp(it->names[0], keys[i]))
            return 1;
    return 0;
}

/* buf gets name[0..len) as a string; 0 if it does not fit in size. */
static int copy_name(char *buf, size_t size, const char *name, size_t len)
{
    if (len >= size)
        return 0;
    memcpy(buf, name, len);
    buf[len] = 0;
    return 1;
}

/* Is key one of the n sorted strings of v? */
static int sorted_has(char **v, int n, const char *key)
{
    return n && bsearch(&key, v, (size_t)n, sizeof(char *), cmp_str);
}

int headers_type(void *ctx, const char *name, size_t len)
{
    const session *s = ctx;
    char buf[256];
    return copy_name(buf, sizeof buf, name, len) &&
           sorted_has(s->header_types, s->nheader_types, buf);
}

int session_is_type(void *ctx, const char *name, size_t len)
{
    session *s = ctx;
    char buf[256];
    if (!copy_name(buf, sizeof buf, name, len))
        return 0;
    for (int i = s->nentries - 1; i >= 0; i--) {
        const entry *e = &s->entries[i];
        if (e->first_typedef < 0)
            continue;
        /* A macro that names a type has the key "#name". */
        int skip = e->kind == ITEM_DIRECTIVE;
        for (int k = e->first_typedef; k < e->nnames; k++)
            if (!strcmp(e->names[k] + skip, buf))
                return 1;
    }
    if (sorted_has(s->header_types, s->nheader_types, buf) ||
        sorted_has(s->include_types, s->ninclude_types, buf))
        return 1;
    /* Known, and not a type: a macro of a cell, a symbol, a header's name. */
    char macro[260];
    snprintf(macro, sizeof macro, "#%s", buf);
    for (int i = 0; i < s->nentries; i++)
        if (s->entries[i].kind == ITEM_DIRECTIVE && s->entries[i].nnames == 1 &&
            !strcmp(s->entries[i].names[0], macro))
            return cell_macro_is_specifier(s->entries[i].text) ? 2 : -1;
    if (session_symbol(s, buf) || sorted_has(s->header_names, s->nheader_names, buf))
        return -1;
    return 0;
}

/* Learn the typedef names of the headers that the cell includes for the
 * first time (one preprocessing by tcc each), so that "clock_t *t0;" is a
 * declaration.  Returns nonzero if it learned a new name. */
int headers_learn(session *s, const cell *c)
{
    int learned = 0;
    for (int i = 0; i < c->nitems; i++) {
        const cell_item *it = &c->items[i];
        if (it->kind != ITEM_DIRECTIVE || it->nnames != 1 || strncmp(it->names[0], "#include", 8) ||
            headers_implicit(it))
            continue;
        int seen = 0;
        for (int k = 0; k < s->nlearned && !seen; k++)
            seen = !strcmp(s->learned[k], it->names[0]);
        if (seen)
            continue;
        s->learned = xrealloc(s->learned, (size_t)(s->nlearned + 1) * sizeof *s->learned);
        s->learned[s->nlearned++] = xstrdup(it->names[0]);
        text_buf b = {0};
        text_put(&b, it->text);
        text_put(&b, "\n");
        char *flat = jit_preprocess(b.data, s->header_dir);
        free(b.data);
        if (!flat)
            continue;
        cell h;
        cell_parse(flat, NULL, NULL, &h);
        free(flat);
        for (int k = 0; k < h.nitems; k++) {
            const cell_item *t = &h.items[k];
            for (int m = t->first_typedef; m >= 0 && m < t->nnames; m++) {
                const char *name = t->names[m] + (t->kind == ITEM_DIRECTIVE);
                if (session_is_type(s, name, strlen(name)) == 1)
                    continue;
                s->include_types = xrealloc(s->include_types, (size_t)(s->ninclude_types + 1) *
                                                                  sizeof *s->include_types);
                s->include_types[s->ninclude_types++] = xstrdup(name);
                qsort(s->include_types, (size_t)s->ninclude_types, sizeof(char *), cmp_str);
                learned = 1;
            }
        }
        cell_free(&h);
    }
    return learned;
}

static void collect_header_names(session *s, const char *text, cell *keep)
{
    cell c;
    cell_parse(text, NULL, NULL, &c);
    strlist types = {0}, names = {0};
    for (int i = 0; i < c.nitems; i++) {
        const cell_item *it = &c.items[i];
        if (it->first_typedef >= 0)
            for (int k = it->first_typedef; k < it->nnames; k++)
                strlist_add(&types, it->names[k] + (it->kind == ITEM_DIRECTIVE));
        for (int k = 0; k < it->nnames; k++) {
            const char *n = it->names[k];
            if (n[0] == '#' && (isalpha((unsigned char)n[1]) || n[1] == '_') && n[1] != '_')
                strlist_add(&names, n + 1);
            else if ((isalpha((unsigned char)n[0])) && !strchr(n, ' '))
                strlist_add(&names, n);
        }
    }
    if (keep)
        *keep = c;
    else
        cell_free(&c);
    qsort(types.v, (size_t)types.n, sizeof *types.v, cmp_str);
    qsort(names.v, (size_t)names.n, sizeof *names.v, cmp_str);
    s->header_types = types.v;
    s->nheader_types = types.n;
    s->header_names = names.v;
    s->nheader_names = names.n;
}

static unsigned long long fnv(unsigned long long h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ULL;
    return h;
}

static unsigned long long hash_file(unsigned long long h, const char *path)
{
    struct stat st;
    h = fnv(h, path, strlen(path));
    if (stat(path, &st) == 0) {
        long long v[2] = {(long long)st.st_mtime, (long long)st.st_size};
        h = fnv(h, v, sizeof v);
    }
    return h;
}

/* Where the flattened headers are cached: a name that changes whenever a
 * header (libseli's or the glibc ones included) changes.  NULL: no cache. */
static char *cache_path(const session *s)
{
    char dir[4096];
    if (cache_dir(dir, sizeof dir, NULL) < 0)
        return NULL;
    /* Bump when jit_flatten_headers writes its text differently. */
    static const char flatten_version[] = "flatten 2: ## restored";
    unsigned long long h = 14695981039346656037ULL;
    h = fnv(h, flatten_version, sizeof flatten_version);
    h = fnv(h, implicit_headers, sizeof implicit_headers);
    h = fnv(h, s->header_dir, strlen(s->header_dir));
    char path[4200];
    snprintf(path, sizeof path, "%s/seli.h", s->header_dir);
    h = hash_file(h, path);
    snprintf(path, sizeof path, "%s/seli", s->header_dir);
    DIR *d = opendir(path);
    if (d) {
        /* Order-independent: add the hashes of the files. */
        unsigned long long sum = 0;
        struct dirent *e;
        while ((e = readdir(d))) {
            snprintf(path, sizeof path, "%s/seli/%s", s->header_dir, e->d_name);
            sum += hash_file(14695981039346656037ULL, path);
        }
        closedir(d);
        h = fnv(h, &sum, sizeof sum);
    }
    static const char *const sys[] = {"/usr/include/stdio.h",    "/usr/include/stdlib.h",
                                      "/usr/include/string.h",   "/usr/include/math.h",
                                      "/usr/include/features.h", SELI_TCC};
    for (size_t i = 0; i < sizeof sys / sizeof *sys; i++)
        h = hash_file(h, sys[i]);
    char *r = xrealloc(NULL, strlen(dir) + 40);
    sprintf(r, "%s/headers-%016llx.i", dir, h);
    return r;
}

/* The implicit headers preprocessed once (see jit_flatten_headers), from the
 * cache when an earlier kernel made them. */
/* Remove the cached headers-*.i files other than keep (made for headers
 * that have changed since), so that the cache does not grow with every
 * change of libseli's headers. */
static void forget_old_headers(const char *keep)
{
    const char *slash = strrchr(keep, '/');
    if (!slash)
        return;
    char dir[4096];
    snprintf(dir, sizeof dir, "%.*s", (int)(slash - keep), keep);
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (strncmp(e->d_name, "headers-", 8) || n < 10 || strcmp(e->d_name + n - 2, ".i") ||
            !strcmp(e->d_name, slash + 1))
            continue;
        char old[4400];
        snprintf(old, sizeof old, "%s/%s", dir, e->d_name);
        unlink(old);
    }
    closedir(d);
}

static char *flat_headers(const session *s)
{
    char *path = cache_path(s);
    char *text = path ? file_read(path) : NULL;
    if (!text) {
        text = jit_flatten_headers(implicit_headers, s->header_dir);
        if (text && path && file_write_atomic(path, text, strlen(text)) == 0)
            forget_old_headers(path);
    }
    free(path);
    return text;
}

void headers_emit(const session *s, const char *rest, int whole, text_buf *out)
{
    if (s->prelude && !whole)
        prelude_emit(s->prelude, rest, out);
    else
        text_put(out, s->headers);
    text_put(out, rest);
}

static int compile_probe(session *s)
{
    text_buf b = {0};
    headers_emit(s, "\nint __seli_probe(void) { return (int)sizeof(seli_tensor *); }\n", 0, &b);
    void *addr = NULL;
    const char *want = "__seli_probe";
    jit_code *code = jit_compile(b.data, s->header_dir, NULL, 0, &want, &addr, 1, NULL, NULL);
    free(b.data);
    if (!code)
        return -1;
    jit_code_free(code);
    return 0;
}

int headers_load(session *s, cell *parsed)
{
    *parsed = (cell){0};
    const char *noflat = getenv("SELI_NO_FLATTEN");
    char *flat = (noflat && *noflat == '1') ? NULL : flat_headers(s);
    if (flat) {
        s->headers = flat;
        s->flattened = 1;
        if (compile_probe(s) < 0) {
            free(s->headers);
            s->headers = NULL;
            s->flattened = 0;
        }
    }
    if (!s->headers) {
        s->headers = xstrdup(implicit_headers);
        if (compile_probe(s) < 0) {
            fprintf(stderr, "seli-kernel: the implicit headers do not compile (is seli.h in %s?)\n",
                    s->header_dir);
            return -1;
        }
    }
    if (s->flattened) {
        collect_header_names(s, s->headers, parsed);
        const char *whole = getenv("SELI_WHOLE_HEADERS");
        if (!whole || *whole != '1')
            s->prelude = prelude_new(s->headers, parsed);
        if (s->prelude && compile_probe(s) < 0) {
            fprintf(stderr,
                    "seli-kernel: the headers in pieces do not compile; taking them whole\n");
            prelude_free(s->prelude);
            s->prelude = NULL;
        }
    } else {
        /* Without a flattened copy, learn the names from the files. */
        static const char *const files[] = {"/usr/include/stdio.h", "/usr/include/stdlib.h",
                                            "/usr/include/string.h", "/usr/include/math.h"};
        text_buf b = {0};
        for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
            FILE *f = fopen(files[i], "r");
            if (!f)
                continue;
            char buf[8192];
            size_t n;
            while ((n = fread(buf, 1, sizeof buf, f)) > 0)
                text_putn(&b, buf, n);
            fclose(f);
        }
        text_put(&b,
                 "\ntypedef struct seli_tensor seli_tensor;\ntypedef struct seli_key seli_key;\n");
        text_put(&b, "typedef unsigned long size_t;\ntypedef struct _IO_FILE FILE;\n");
        collect_header_names(s, b.data, NULL);
        free(b.data);
    }
    return 0;
}

void headers_free(session *s)
{
    strings_free(s->header_types, s->nheader_types);
    strings_free(s->header_names, s->nheader_names);
    strings_free(s->learned, s->nlearned);
    strings_free(s->include_types, s->ninclude_types);
    prelude_free(s->prelude);
    free(s->headers);
}
