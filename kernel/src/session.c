/* session.c: the persistent C session (see session.h).
 *
 * How a cell becomes code.  The front end (cell.c) splits the cell into
 * items.  One translation unit is built:
 *
 *   the implicit headers (flattened once at start-up, see jit.h)
 *   the preamble: every directive, type, prototype and extern declaration
 *     of earlier cells, in the order they were defined
 *   the cell's items in source order: file-scope items as they are; each
 *     run of statements becomes a static function; a variable becomes a
 *     global definition plus a statement that initialises it at run time
 *   __seli_cell_main, which calls the statement functions in order.
 *
 * `#line` directives keep diagnostics on the cell's own lines.  The unit is
 * compiled by libtcc against the symbols of earlier cells; only when that
 * succeeds does the session change (a cell that fails to compile changes
 * nothing), and then the cell runs under the guard.
 *
 * Redefinition (documented for users in docs and README):
 * - A type, macro or prototype replaces the entry of the same name.
 *   Re-running an identical definition is a no-op.
 * - A variable declared again with the same type (same text, same
 *   definitions of the types and macros it names) keeps its storage: the
 *   new initialiser, or zero without one, is stored into it, and functions
 *   compiled earlier see the new value.  With another type it is a new
 *   variable; functions compiled earlier keep the old one.
 * - A function defined again with the same prototype replaces the old one
 *   everywhere: earlier cells call it through a trampoline.  With another
 *   prototype it is a new function; earlier code keeps calling the old one.
 * - Declarations of earlier cells that use a type or macro that the cell
 *   redefines are hidden from that cell and follow the new definition
 *   afterwards. */
#include "session_internal.h"

#include "guard.h"
#include "seli.h"

#include <ctype.h>
#include <dirent.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef SELI_HEADER_DIR
#define SELI_HEADER_DIR "libseli/include"
#endif

static const char implicit_headers[] = "#include <stdio.h>\n#include <stdlib.h>\n"
                                       "#include <string.h>\n#include <math.h>\n"
                                       "#include <seli.h>\n";

static const char runtime_decls[] =
    "void __seli_result_begin(void);\n"
    "void __seli_result_end(void);\n"
    "void *__seli_copy(void *, const void *, unsigned long);\n"
    "void __seli_zero(void *, unsigned long);\n";

/* ----------------------------------------------------------- utilities */

void *sx_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("seli-kernel: out of memory\n", stderr);
        abort();
    }
    return q;
}

char *sx_strndup(const char *s, size_t n)
{
    char *r = sx_realloc(NULL, n + 1);
    memcpy(r, s, n);
    r[n] = 0;
    return r;
}

char *sx_strdup(const char *s) { return sx_strndup(s, strlen(s)); }

typedef struct sbuf {
    char *s;
    size_t n, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        b->s = sx_realloc(b->s, b->cap);
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = 0;
}

static void sb_str(sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof buf) {
        char *big = sx_realloc(NULL, (size_t)n + 1);
        va_start(ap, fmt);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        va_end(ap);
        sb_add(b, big, (size_t)n);
        free(big);
    } else {
        sb_add(b, buf, (size_t)n);
    }
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec * 1e-6;
}

typedef struct strlist {
    char **v;
    int n;
} strlist;

static void sl_add(strlist *l, const char *s)
{
    l->v = sx_realloc(l->v, (size_t)(l->n + 1) * sizeof *l->v);
    l->v[l->n++] = sx_strdup(s);
}

static int sl_has(const strlist *l, const char *s)
{
    for (int i = 0; i < l->n; i++)
        if (!strcmp(l->v[i], s))
            return 1;
    return 0;
}

static void sl_free(strlist *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* --------------------------------------------------- runtime for cells */

static session *current;

static void rt_result_begin(void)
{
    if (current)
        current->in_result = 1;
}

static void rt_result_end(void)
{
    if (current)
        current->in_result = 0;
}

static void *rt_copy(void *dst, const void *src, unsigned long n) { return memcpy(dst, src, n); }

static void rt_zero(void *dst, unsigned long n) { memset(dst, 0, n); }

/* ------------------------------------------------------------ lookups */

static symbol *find_symbol(session *s, const char *name)
{
    for (int i = 0; i < s->nsyms; i++)
        if (!strcmp(s->syms[i].name, name))
            return &s->syms[i];
    return NULL;
}

static int entry_has(const entry *e, const char *name)
{
    for (int i = 0; i < e->nnames; i++)
        if (!strcmp(e->names[i], name))
            return 1;
    return 0;
}

static int is_type_cb(void *ctx, const char *name, size_t len)
{
    session *s = ctx;
    char buf[256];
    if (len >= sizeof buf)
        return 0;
    memcpy(buf, name, len);
    buf[len] = 0;
    for (int i = s->nentries - 1; i >= 0; i--) {
        const entry *e = &s->entries[i];
        if (e->kind != ITEM_TYPE || e->first_typedef < 0)
            continue;
        for (int k = e->first_typedef; k < e->nnames; k++)
            if (!strcmp(e->names[k], buf))
                return 1;
    }
    const char *key = buf;
    return s->nheader_types &&
           bsearch(&key, s->header_types, (size_t)s->nheader_types, sizeof(char *), cmp_str);
}

/* --------------------------------------------------------- start-up */

static void collect_header_names(session *s, const char *text, cell *keep)
{
    cell c;
    cell_parse(text, NULL, NULL, &c);
    strlist types = {0}, names = {0};
    for (int i = 0; i < c.nitems; i++) {
        const cell_item *it = &c.items[i];
        if (it->kind == ITEM_TYPE && it->first_typedef >= 0)
            for (int k = it->first_typedef; k < it->nnames; k++)
                sl_add(&types, it->names[k]);
        for (int k = 0; k < it->nnames; k++) {
            const char *n = it->names[k];
            if (n[0] == '#' && (isalpha((unsigned char)n[1]) || n[1] == '_') && n[1] != '_')
                sl_add(&names, n + 1);
            else if ((isalpha((unsigned char)n[0])) && !strchr(n, ' '))
                sl_add(&names, n);
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

/* ------------------------------------------------ the flattened headers */

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
    const char *base = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    char dir[4096];
    if (base && *base)
        snprintf(dir, sizeof dir, "%s/seli", base);
    else if (home && *home)
        snprintf(dir, sizeof dir, "%s/.cache/seli", home);
    else
        return NULL;
    unsigned long long h = 14695981039346656037ULL;
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
    static const char *const sys[] = {"/usr/include/stdio.h", "/usr/include/stdlib.h",
                                      "/usr/include/string.h", "/usr/include/math.h",
                                      "/usr/include/features.h", "/usr/bin/tcc"};
    for (size_t i = 0; i < sizeof sys / sizeof *sys; i++)
        h = hash_file(h, sys[i]);
    char *r = sx_realloc(NULL, strlen(dir) + 40);
    sprintf(r, "%s/headers-%016llx.i", dir, h);
    return r;
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    sbuf b = {0};
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sb_add(&b, buf, n);
    fclose(f);
    return b.s;
}

static void write_text(const char *path, const char *text)
{
    char dir[4200];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        return;
    *slash = 0;
    char *parent = strrchr(dir, '/');
    if (parent) {
        *parent = 0;
        mkdir(dir, 0755);
        *parent = '/';
    }
    mkdir(dir, 0755);
    char tmp[4300];
    snprintf(tmp, sizeof tmp, "%s.%d.tmp", path, (int)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return;
    size_t n = strlen(text);
    int ok = fwrite(text, 1, n, f) == n;
    ok &= fclose(f) == 0;
    if (!ok || rename(tmp, path) != 0)
        unlink(tmp);
}

/* The implicit headers preprocessed once (see jit_flatten_headers), from the
 * cache when an earlier kernel made them. */
static char *flat_headers(const session *s)
{
    char *path = cache_path(s);
    char *text = path ? read_text(path) : NULL;
    if (!text) {
        text = jit_flatten_headers(implicit_headers, s->header_dir);
        if (text && path)
            write_text(path, text);
    }
    free(path);
    return text;
}

static int compile_probe(session *s)
{
    sbuf b = {0};
    sb_str(&b, s->headers);
    sb_str(&b, "\nint __seli_probe(void) { return (int)sizeof(seli_tensor *); }\n");
    void *addr = NULL;
    const char *want = "__seli_probe";
    jit_code *code = jit_compile(b.s, s->header_dir, NULL, 0, &want, &addr, 1, NULL, NULL);
    free(b.s);
    if (!code)
        return -1;
    jit_code_free(code);
    return 0;
}

session *session_new(const char *header_dir)
{
    session *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    const char *env = getenv("SELI_HEADER_DIR");
    if (env && *env)
        header_dir = env;
    if (!header_dir)
        header_dir = SELI_HEADER_DIR;
    s->header_dir = sx_strdup(header_dir);
    /* tcc allocates and frees a few MB per cell; by default glibc gives them
     * back to the system and takes them again, page fault by page fault,
     * which doubled the compile time of a small cell (2.7 -> 1.1 ms). */
    mallopt(M_TOP_PAD, 16 << 20);
    mallopt(M_TRIM_THRESHOLD, 32 << 20);
    if (guard_init() < 0) {
        fputs("seli-kernel: cannot install the signal guard\n", stderr);
        session_free(s);
        return NULL;
    }
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
        s->headers = sx_strdup(implicit_headers);
        if (compile_probe(s) < 0) {
            fprintf(stderr, "seli-kernel: the implicit headers do not compile (is seli.h in %s?)\n",
                    s->header_dir);
            session_free(s);
            return NULL;
        }
    }
    cell parsed = {0};
    if (s->flattened) {
        collect_header_names(s, s->headers, &parsed);
    } else {
        /* Without a flattened copy, learn the names from the files. */
        static const char *const files[] = {"/usr/include/stdio.h", "/usr/include/stdlib.h",
                                            "/usr/include/string.h", "/usr/include/math.h"};
        sbuf b = {0};
        for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
            FILE *f = fopen(files[i], "r");
            if (!f)
                continue;
            char buf[8192];
            size_t n;
            while ((n = fread(buf, 1, sizeof buf, f)) > 0)
                sb_add(&b, buf, n);
            fclose(f);
        }
        sb_str(&b, "\ntypedef struct seli_tensor seli_tensor;\ntypedef struct seli_key seli_key;\n");
        sb_str(&b, "typedef unsigned long size_t;\ntypedef struct _IO_FILE FILE;\n");
        collect_header_names(s, b.s, NULL);
        free(b.s);
    }
    session_load_docs(s, s->flattened ? &parsed : NULL);
    cell_free(&parsed);
    return s;
}

static void free_entry(entry *e)
{
    free(e->text);
    for (int k = 0; k < e->nnames; k++)
        free(e->names[k]);
    free(e->names);
}

void session_free(session *s)
{
    if (!s)
        return;
    if (current == s)
        current = NULL;
    for (int i = 0; i < s->nentries; i++)
        free_entry(&s->entries[i]);
    free(s->entries);
    for (int i = 0; i < s->nsyms; i++) {
        free(s->syms[i].name);
        free(s->syms[i].sig);
        free(s->syms[i].decl);
    }
    free(s->syms);
    for (int i = 0; i < s->ncodes; i++)
        jit_code_free(s->codes[i]);
    free(s->codes);
    for (int i = 0; i < s->nheader_types; i++)
        free(s->header_types[i]);
    free(s->header_types);
    for (int i = 0; i < s->nheader_names; i++)
        free(s->header_names[i]);
    free(s->header_names);
    session_free_docs(s);
    free(s->headers);
    free(s->header_dir);
    free(s);
}

/* ---------------------------------------------------------- planning */

static int implicit_include(const cell_item *it)
{
    if (it->kind != ITEM_DIRECTIVE || it->nnames != 1)
        return 0;
    static const char *const keys[] = {"#include <stdio.h>", "#include <stdlib.h>",
                                       "#include <string.h>", "#include <math.h>",
                                       "#include <seli.h>", "#include \"seli.h\"", NULL};
    for (int i = 0; keys[i]; i++)
        if (!strcmp(it->names[0], keys[i]))
            return 1;
    return 0;
}

/* Is the item a definition identical to the preamble's (re-running it is a
 * no-op)? */
static int same_as_entry(const session *s, const cell_item *it)
{
    for (int i = 0; i < s->nentries; i++) {
        const entry *e = &s->entries[i];
        if (e->kind == it->kind && !strcmp(e->text, it->text))
            return 1;
    }
    return 0;
}

typedef struct sig_ctx {
    session *s;
    const cell *c;
    int upto;
    sbuf *b;
    strlist seen;
} sig_ctx;

/* Append the definition of the type or macro named id (as the cell sees it
 * before item upto) to the signature. */
static void sig_ident(void *ctx, const char *id, size_t len)
{
    sig_ctx *x = ctx;
    char name[256], keys[5][270];
    if (len >= sizeof name)
        return;
    memcpy(name, id, len);
    name[len] = 0;
    if (sl_has(&x->seen, name))
        return;
    sl_add(&x->seen, name);
    snprintf(keys[0], sizeof keys[0], "%s", name);
    snprintf(keys[1], sizeof keys[1], "#%s", name);
    snprintf(keys[2], sizeof keys[2], "struct %s", name);
    snprintf(keys[3], sizeof keys[3], "union %s", name);
    snprintf(keys[4], sizeof keys[4], "enum %s", name);
    for (int i = x->upto - 1; i >= 0; i--) {
        const cell_item *it = &x->c->items[i];
        if (it->kind != ITEM_TYPE && it->kind != ITEM_DIRECTIVE)
            continue;
        for (int k = 0; k < it->nnames; k++)
            for (int m = 0; m < 5; m++)
                if (!strcmp(it->names[k], keys[m])) {
                    sb_str(x->b, "\n");
                    sb_str(x->b, it->text);
                    return;
                }
    }
    for (int i = x->s->nentries - 1; i >= 0; i--) {
        const entry *e = &x->s->entries[i];
        if (e->kind != ITEM_TYPE && e->kind != ITEM_DIRECTIVE)
            continue;
        for (int m = 0; m < 5; m++)
            if (entry_has(e, keys[m])) {
                sb_str(x->b, "\n");
                sb_str(x->b, e->text);
                return;
            }
    }
}

static char *var_signature(session *s, const cell *c, int upto, const cell_item *it)
{
    sbuf b = {0};
    sb_str(&b, it->type);
    sig_ctx x = {s, c, upto, &b, {0}};
    cell_identifiers(it->type, sig_ident, &x);
    sl_free(&x.seen);
    return b.s;
}

typedef struct plan {
    int *noop;  /* per item: an identical definition is already there */
    int *reuse; /* per item: a variable that keeps its storage */
    char **sig; /* per variable item: its signature */
    strlist defined; /* names whose old entries and symbols the cell replaces */
    int *excluded;   /* per entry: 1 replaced, 2 hidden (depends on a redefinition) */
    void **tramp;    /* per function item: the trampoline that will call it */
} plan;

static void plan_free(plan *p, int nitems)
{
    for (int i = 0; i < nitems; i++)
        free(p->sig ? p->sig[i] : NULL);
    free(p->sig);
    free(p->noop);
    free(p->reuse);
    free(p->excluded);
    free(p->tramp);
    sl_free(&p->defined);
}

typedef struct dep_ctx {
    const strlist *deps;
    int hit;
} dep_ctx;

static void dep_ident(void *ctx, const char *id, size_t len)
{
    dep_ctx *d = ctx;
    if (d->hit)
        return;
    for (int i = 0; i < d->deps->n; i++)
        if (strlen(d->deps->v[i]) == len && !memcmp(d->deps->v[i], id, len)) {
            d->hit = 1;
            return;
        }
}

/* The identifier a key names: "#x" -> "x", "struct x" -> "x". */
static const char *key_ident(const char *key)
{
    if (key[0] == '#')
        return strncmp(key, "#include", 8) ? key + 1 : NULL;
    const char *sp = strrchr(key, ' ');
    return sp ? sp + 1 : key;
}

static void make_plan(session *s, const cell *c, plan *p)
{
    int n = c->nitems;
    p->noop = calloc((size_t)n + 1, sizeof *p->noop);
    p->reuse = calloc((size_t)n + 1, sizeof *p->reuse);
    p->sig = calloc((size_t)n + 1, sizeof *p->sig);
    p->excluded = calloc((size_t)s->nentries + 1, sizeof *p->excluded);
    p->tramp = calloc((size_t)n + 1, sizeof *p->tramp);
    p->defined = (strlist){0};
    strlist deps = {0};
    for (int i = 0; i < n; i++) {
        const cell_item *it = &c->items[i];
        switch (it->kind) {
        case ITEM_DIRECTIVE:
        case ITEM_TYPE:
        case ITEM_DECLARATION:
            p->noop[i] = implicit_include(it) || same_as_entry(s, it);
            break;
        case ITEM_FUNCTION:
            if (jit_has_trampolines()) {
                /* The same prototype keeps the trampoline: earlier code
                 * then calls the new definition. */
                char *sig = cell_normalize(it->proto);
                const symbol *old = find_symbol(s, it->names[0]);
                p->tramp[i] = old && old->function && !strcmp(old->sig, sig)
                                  ? old->addr
                                  : jit_trampoline_new(NULL);
                free(sig);
            }
            break;
        case ITEM_VARIABLE: {
            p->sig[i] = var_signature(s, c, i, it);
            const symbol *old = find_symbol(s, it->names[0]);
            p->reuse[i] = old && !old->function && !it->unsized && !strcmp(old->sig, p->sig[i]);
            break;
        }
        default:
            break;
        }
        if (it->kind == ITEM_STATEMENT || it->kind == ITEM_EXPRESSION || p->noop[i] ||
            p->reuse[i])
            continue;
        for (int k = 0; k < it->nnames; k++) {
            sl_add(&p->defined, it->names[k]);
            if (it->kind == ITEM_TYPE || it->kind == ITEM_DIRECTIVE) {
                const char *id = key_ident(it->names[k]);
                if (id && !sl_has(&deps, id))
                    sl_add(&deps, id);
            }
        }
    }
    for (int i = 0; i < s->nentries; i++) {
        entry *e = &s->entries[i];
        for (int k = 0; k < e->nnames && !p->excluded[i]; k++)
            if (sl_has(&p->defined, e->names[k]))
                p->excluded[i] = 1;
        if (p->excluded[i] || !deps.n)
            continue;
        dep_ctx d = {&deps, 0};
        cell_identifiers(e->text, dep_ident, &d);
        if (d.hit) {
            p->excluded[i] = 2;
            if (e->kind == ITEM_TYPE || e->kind == ITEM_DIRECTIVE)
                for (int k = 0; k < e->nnames; k++) {
                    const char *id = key_ident(e->names[k]);
                    if (id && !sl_has(&deps, id))
                        sl_add(&deps, id);
                }
        }
    }
    sl_free(&deps);
}

/* ----------------------------------------------------- building the unit */

static int is_zero_init(const char *init)
{
    char *n = cell_normalize(init);
    int z = !strcmp(n, "{0}") || !strcmp(n, "{}") || !strcmp(n, "{ 0 }") || !strcmp(n, "{ }");
    free(n);
    return z;
}

static void line_mark(sbuf *b, int line) { sb_printf(b, "\n#line %d \"cell\"\n", line); }

/* How the trailing expression is shown.  Its type is not known before
 * compiling, so the cell is compiled with the first of these and, when that
 * fails, with the next: a type seli_show knows, any other pointer (shown as
 * an address), any other value (<value>), and a void expression (no result). */
enum { EXPR_KNOWN, EXPR_POINTER, EXPR_VALUE, EXPR_STATEMENT };
#define UNKNOWN_TYPE "__seli_unknown_type"
#define IMPL_PREFIX "__seli_impl_"

/* Build the translation unit, showing the trailing expression by expr_mode. */
static char *build_unit(session *s, const cell *c, const plan *p, int expr_mode)
{
    sbuf b = {0};
    sb_str(&b, s->headers);
    sb_str(&b, "\n#line 1 \"<seli>\"\n");
    sb_str(&b, runtime_decls);
    sb_str(&b, "#line 1 \"<session>\"\n");
    for (int i = 0; i < s->nentries; i++)
        if (!p->excluded[i]) {
            sb_str(&b, s->entries[i].text);
            sb_str(&b, "\n");
        }
    int nseg = 0, open = 0;
#define OPEN_SEG()                                                                  \
    do {                                                                            \
        if (!open) {                                                                \
            sb_printf(&b, "\n#line 1 \"<seli>\"\nstatic void __seli_seg_%d(void) {", \
                      ++nseg);                                                      \
            open = 1;                                                               \
        }                                                                           \
    } while (0)
#define CLOSE_SEG()                  \
    do {                             \
        if (open) {                  \
            sb_str(&b, "\n}\n");     \
            open = 0;                \
        }                            \
    } while (0)
    for (int i = 0; i < c->nitems; i++) {
        const cell_item *it = &c->items[i];
        switch (it->kind) {
        case ITEM_DIRECTIVE:
        case ITEM_TYPE:
        case ITEM_DECLARATION:
            if (p->noop[i])
                break;
            CLOSE_SEG();
            line_mark(&b, it->line);
            sb_str(&b, it->text);
            sb_str(&b, "\n");
            break;
        case ITEM_FUNCTION:
            CLOSE_SEG();
            line_mark(&b, it->line);
            if (p->tramp[i]) {
                /* Calls go through the trampoline (even in this cell), the
                 * body is compiled under another name. */
                sb_str(&b, it->proto);
                line_mark(&b, it->line);
                sb_add(&b, it->text, (size_t)it->name_off);
                sb_str(&b, IMPL_PREFIX);
                sb_str(&b, it->text + it->name_off);
            } else {
                sb_str(&b, it->text);
            }
            sb_str(&b, "\n");
            break;
        case ITEM_VARIABLE: {
            const char *name = it->names[0];
            if (!p->reuse[i]) {
                CLOSE_SEG();
                line_mark(&b, it->line);
                sb_str(&b, it->decl);
                if (it->unsized && it->init) {
                    sb_str(&b, " = ");
                    line_mark(&b, it->init_line);
                    sb_str(&b, it->init);
                }
                sb_str(&b, ";\n");
            }
            if (it->unsized)
                break;
            if (it->init && !is_zero_init(it->init)) {
                OPEN_SEG();
                line_mark(&b, it->init_line);
                sb_printf(&b, "{ __typeof__(%s) __seli_v = ", name);
                sb_str(&b, it->init);
                sb_printf(&b, "; __seli_copy((void *)&%s, (void *)&__seli_v, sizeof %s); }\n", name,
                          name);
            } else if (p->reuse[i]) {
                OPEN_SEG();
                sb_printf(&b, "__seli_zero((void *)&%s, sizeof %s);\n", name, name);
            }
            break;
        }
        case ITEM_STATEMENT:
            OPEN_SEG();
            line_mark(&b, it->line);
            sb_str(&b, it->text);
            sb_str(&b, "\n");
            break;
        case ITEM_EXPRESSION:
            OPEN_SEG();
            line_mark(&b, it->line);
            if (expr_mode == EXPR_STATEMENT) {
                sb_str(&b, it->text);
                sb_str(&b, ";\n");
                break;
            }
            /* A void expression or a function is an error here. */
            sb_str(&b, "(void)sizeof(__typeof__(");
            sb_str(&b, it->text);
            sb_str(&b, ") [1]);");
            line_mark(&b, it->line);
            if (expr_mode == EXPR_KNOWN) {
                /* Fails (under a file name that says why) when seli_show
                 * does not know the type.  Not _Static_assert: tcc leaks
                 * when one fails. */
                sb_str(&b, "\n#line 1 \"" UNKNOWN_TYPE "\"\n(void)sizeof(char[seli_show_known((");
                sb_str(&b, it->text);
                sb_str(&b, ")) ? 1 : -1]);");
                line_mark(&b, it->line);
            }
            if (expr_mode == EXPR_POINTER) {
                sb_str(&b, "__seli_result_begin(); seli_show_pointer((const void *)(");
                sb_str(&b, it->text);
                sb_str(&b, ")); __seli_result_end();\n");
            } else {
                sb_str(&b, "__seli_result_begin(); seli_show((");
                sb_str(&b, it->text);
                sb_str(&b, ")); __seli_result_end();\n");
            }
            break;
        }
    }
    CLOSE_SEG();
#undef OPEN_SEG
#undef CLOSE_SEG
    sb_str(&b, "\n#line 1 \"<seli>\"\nvoid __seli_cell_main(void) {");
    for (int k = 1; k <= nseg; k++)
        sb_printf(&b, " __seli_seg_%d();", k);
    sb_str(&b, " }\n");
    return b.s;
}

/* ---------------------------------------------------------- diagnostics */

typedef struct diags {
    strlist lines;
    int errors;
} diags;

/* "cell:3: error: x" -> "line 3: error: x". */
static void on_diag(void *ctx, const char *msg)
{
    diags *d = ctx;
    const char *p = strstr(msg, "cell:");
    if (strstr(msg, "error"))
        d->errors++;
    if (p && (p == msg || p[-1] == ' ') && isdigit((unsigned char)p[5])) {
        char *end;
        long line = strtol(p + 5, &end, 10);
        if (*end == ':') {
            end++;
            while (*end == ' ')
                end++;
            char buf[4096];
            snprintf(buf, sizeof buf, "line %ld: %s", line, end);
            sl_add(&d->lines, buf);
            return;
        }
    }
    if (!strncmp(msg, "tcc: ", 5))
        msg += 5;
    sl_add(&d->lines, msg);
}

static void set_error(exec_result *out, const char *ename, const char *evalue, char **lines,
                      int n)
{
    out->status = EXEC_ERROR;
    out->ename = sx_strdup(ename);
    out->evalue = sx_strdup(evalue);
    out->traceback = sx_realloc(NULL, (size_t)(n ? n : 1) * sizeof *out->traceback);
    for (int i = 0; i < n; i++)
        out->traceback[i] = sx_strdup(lines[i]);
    out->ntraceback = n;
}

/* ------------------------------------------------------------ committing */

static entry entry_from(const cell_item *it, const char *text)
{
    entry e = {it->kind, sx_strdup(text), NULL, it->nnames, it->first_typedef};
    e.names = sx_realloc(NULL, (size_t)(it->nnames ? it->nnames : 1) * sizeof *e.names);
    for (int k = 0; k < it->nnames; k++)
        e.names[k] = sx_strdup(it->names[k]);
    return e;
}

static void set_symbol(session *s, const char *name, int function, void *addr, const char *sig,
                       const char *decl)
{
    symbol *sym = find_symbol(s, name);
    if (!sym) {
        s->syms = sx_realloc(s->syms, (size_t)(s->nsyms + 1) * sizeof *s->syms);
        sym = &s->syms[s->nsyms++];
        memset(sym, 0, sizeof *sym);
        sym->name = sx_strdup(name);
    }
    free(sym->sig);
    free(sym->decl);
    sym->function = function;
    sym->addr = addr;
    sym->sig = sx_strdup(sig);
    sym->decl = sx_strdup(decl);
}

static void commit(session *s, const cell *c, const plan *p, void **addrs, jit_code *code)
{
    /* The preamble: kept entries, the cell's definitions, then the entries
     * that depend on something the cell redefined. */
    int cap = s->nentries + c->nitems;
    entry *next = sx_realloc(NULL, (size_t)(cap ? cap : 1) * sizeof *next);
    int n = 0;
    for (int i = 0; i < s->nentries; i++) {
        if (!p->excluded[i])
            next[n++] = s->entries[i];
        else if (p->excluded[i] == 1)
            free_entry(&s->entries[i]);
    }
    for (int i = 0; i < c->nitems; i++) {
        const cell_item *it = &c->items[i];
        if (p->noop[i] || p->reuse[i])
            continue;
        if (it->kind == ITEM_DIRECTIVE || it->kind == ITEM_TYPE || it->kind == ITEM_DECLARATION) {
            next[n++] = entry_from(it, it->text);
        } else if (it->kind == ITEM_FUNCTION) {
            next[n++] = entry_from(it, it->proto);
        } else if (it->kind == ITEM_VARIABLE) {
            sbuf b = {0};
            sb_str(&b, "extern ");
            sb_str(&b, it->decl);
            sb_str(&b, ";");
            next[n++] = entry_from(it, b.s);
            free(b.s);
        }
    }
    for (int i = 0; i < s->nentries; i++)
        if (p->excluded[i] == 2)
            next[n++] = s->entries[i];
    free(s->entries);
    s->entries = next;
    s->nentries = n;

    /* The symbols. */
    int w = 1; /* addrs[0] is __seli_cell_main */
    for (int i = 0; i < c->nitems; i++) {
        const cell_item *it = &c->items[i];
        if (it->kind == ITEM_FUNCTION) {
            void *addr = addrs[w++];
            if (!addr)
                continue;
            char *sig = cell_normalize(it->proto);
            if (p->tramp[i]) {
                jit_trampoline_set(p->tramp[i], addr);
                set_symbol(s, it->names[0], 1, p->tramp[i], sig, it->proto);
            } else {
                set_symbol(s, it->names[0], 1, addr, sig, it->proto);
            }
            free(sig);
        } else if (it->kind == ITEM_VARIABLE && !p->reuse[i]) {
            void *addr = addrs[w++];
            if (addr)
                set_symbol(s, it->names[0], 0, addr, p->sig[i], it->decl);
        }
    }
    s->codes = sx_realloc(s->codes, (size_t)(s->ncodes + 1) * sizeof *s->codes);
    s->codes[s->ncodes++] = code;
}

/* ------------------------------------------------------------ executing */

/* Object and function pointers convert through memcpy (ISO C has no cast). */
static void *fn_to_ptr(void (*f)(void))
{
    void *p;
    memcpy(&p, &f, sizeof p);
    return p;
}

static void run_main(void *arg)
{
    void (*fn)(void);
    memcpy(&fn, &arg, sizeof fn);
    fn();
}

static jit_code *compile_cell(session *s, const cell *c, const plan *p, int expr_mode,
                              void **addrs, diags *d)
{
    char *src = build_unit(s, c, p, expr_mode);
    if (getenv("SELI_DUMP_CELL")) {
        const char *tail = strstr(src, "#line 1 \"<session>\"");
        fprintf(stderr, "---- unit ----\n%s\n----\n", tail ? tail : src);
    }
    /* Symbols: earlier cells' functions and variables, minus what this cell
     * defines anew, and the runtime helpers. */
    jit_symbol *syms = sx_realloc(NULL, (size_t)(s->nsyms + c->nitems + 4) * sizeof *syms);
    int n = 0;
    for (int i = 0; i < s->nsyms; i++)
        if (!sl_has(&p->defined, s->syms[i].name))
            syms[n++] = (jit_symbol){s->syms[i].name, s->syms[i].addr};
    for (int i = 0; i < c->nitems; i++)
        if (p->tramp[i])
            syms[n++] = (jit_symbol){c->items[i].names[0], p->tramp[i]};
    syms[n++] = (jit_symbol){"__seli_result_begin", fn_to_ptr(rt_result_begin)};
    syms[n++] = (jit_symbol){"__seli_result_end", fn_to_ptr(rt_result_end)};
    syms[n++] = (jit_symbol){"__seli_copy", fn_to_ptr((void (*)(void))rt_copy)};
    syms[n++] = (jit_symbol){"__seli_zero", fn_to_ptr((void (*)(void))rt_zero)};
    const char **wanted = sx_realloc(NULL, (size_t)(c->nitems + 1) * sizeof *wanted);
    strlist impl = {0};
    int nw = 0;
    wanted[nw++] = "__seli_cell_main";
    for (int i = 0; i < c->nitems; i++) {
        const cell_item *it = &c->items[i];
        if (it->kind == ITEM_FUNCTION && p->tramp[i]) {
            char name[300];
            snprintf(name, sizeof name, IMPL_PREFIX "%s", it->names[0]);
            sl_add(&impl, name);
            wanted[nw++] = impl.v[impl.n - 1];
        } else if (it->kind == ITEM_FUNCTION || (it->kind == ITEM_VARIABLE && !p->reuse[i])) {
            wanted[nw++] = it->names[0];
        }
    }
    jit_code *code = jit_compile(src, s->header_dir, syms, n, wanted, addrs, nw, on_diag, d);
    free(src);
    free(syms);
    free(wanted);
    sl_free(&impl);
    return code;
}

void session_execute(session *s, const char *code, exec_result *out)
{
    memset(out, 0, sizeof *out);
    out->status = EXEC_OK;
    cell c;
    cell_parse(code, is_type_cb, s, &c);
    if (c.page) {
        out->page = session_doc_for(s, c.page);
        if (!out->page) {
            char buf[512];
            snprintf(buf, sizeof buf, "No documentation found for '%s'.", c.page);
            out->page = sx_strdup(buf);
        }
        cell_free(&c);
        return;
    }
    if (c.nitems == 0) {
        cell_free(&c);
        return;
    }
    plan p;
    make_plan(s, &c, &p);
    void **addrs = sx_realloc(NULL, (size_t)(c.nitems + 1) * sizeof *addrs);
    diags d = {{0}, 0};
    int has_expr = c.nitems && c.items[c.nitems - 1].kind == ITEM_EXPRESSION;
    double t0 = now_ms();
    jit_code *jc = compile_cell(s, &c, &p, has_expr ? EXPR_KNOWN : EXPR_STATEMENT, addrs, &d);
    if (!jc && has_expr) {
        /* Not a type seli_show knows: a pointer, a struct, or void. */
        int unknown = 0;
        for (int i = 0; i < d.lines.n; i++)
            unknown |= strstr(d.lines.v[i], UNKNOWN_TYPE) != NULL;
        int mode = unknown ? EXPR_POINTER : EXPR_STATEMENT;
        for (; !jc && mode <= EXPR_STATEMENT; mode++) {
            sl_free(&d.lines);
            d.errors = 0;
            jc = compile_cell(s, &c, &p, mode, addrs, &d);
        }
    }
    s->last_compile_ms = now_ms() - t0;
    if (!jc) {
        /* Keep the cell's own diagnostics and the unplaced ones (link errors);
         * drop warnings about the headers. */
        int k = 0;
        for (int i = 0; i < d.lines.n; i++) {
            const char *l = d.lines.v[i];
            if (strncmp(l, "line ", 5) && strstr(l, "warning"))
                free(d.lines.v[i]);
            else
                d.lines.v[k++] = d.lines.v[i];
        }
        d.lines.n = k;
        set_error(out, "CompileError", d.lines.n ? d.lines.v[0] : "compilation failed",
                  d.lines.v, d.lines.n);
        sl_free(&d.lines);
        plan_free(&p, c.nitems);
        free(addrs);
        cell_free(&c);
        return;
    }
    /* Warnings about the cell's own lines go to stderr, as a compiler's do. */
    for (int i = 0; i < d.lines.n; i++)
        if (!strncmp(d.lines.v[i], "line ", 5))
            fprintf(stderr, "%s\n", d.lines.v[i]);
    fflush(stderr);
    sl_free(&d.lines);
    s->cells++;
    void *main_fn = addrs[0];
    commit(s, &c, &p, addrs, jc);
    plan_free(&p, c.nitems);
    free(addrs);
    cell_free(&c);
    if (!main_fn)
        return;

    session *prev = current;
    current = s;
    int scope_depth = seli_scope_depth();
    int no_grad_depth = seli_no_grad_depth();
    int signo = 0;
    char message[4096];
    guard_status st = guard_run(run_main, main_fn, &signo, message, sizeof message);
    fflush(stdout);
    fflush(stderr);
    s->in_result = 0;
    current = prev;
    if (st == GUARD_OK)
        return;
    seli_scope_unwind(scope_depth);
    seli_no_grad_unwind(no_grad_depth);
    char line[4200];
    switch (st) {
    case GUARD_SIGNAL: {
        const char *name = guard_signal_name(signo);
        snprintf(line, sizeof line, "%s: %s", name, guard_signal_text(signo));
        char *tb[2] = {line, "The cell was stopped; the session and its variables are intact."};
        set_error(out, name, guard_signal_text(signo), tb, 2);
        break;
    }
    case GUARD_INTERRUPT: {
        char *tb[1] = {"KeyboardInterrupt: the cell was interrupted"};
        set_error(out, "KeyboardInterrupt", "the cell was interrupted", tb, 1);
        break;
    }
    case GUARD_SELI_ERROR: {
        snprintf(line, sizeof line, "SeliError: %s", message);
        char *tb[1] = {line};
        set_error(out, "SeliError", message, tb, 1);
        break;
    }
    default:
        break;
    }
}

void exec_result_clear(exec_result *r)
{
    free(r->ename);
    free(r->evalue);
    for (int i = 0; i < r->ntraceback; i++)
        free(r->traceback[i]);
    free(r->traceback);
    free(r->page);
    memset(r, 0, sizeof *r);
}

int session_in_result(const session *s) { return s && s->in_result; }

void session_interrupt(session *s)
{
    (void)s;
    guard_interrupt();
}

double session_last_compile_ms(const session *s) { return s->last_compile_ms; }
