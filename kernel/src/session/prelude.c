/* prelude.c: the implicit headers as each unit needs them.
 *
 * The flattened headers (headers.c) are 125 KB, about a thousand of them
 * prototypes, and parsing them was most of a trivial cell's compile time.
 * A unit needs only the declarations of the names it mentions.  So the
 * headers are cut once into pieces (the lines of one item each), and a unit
 * gets:
 *   - every type, pragma and inline function of the headers;
 *   - the macros, prototypes and extern declarations of the identifiers it
 *     names, directly or through what those name (isnan's body names
 *     __MATH_TG), and those that the pieces above name.
 * Pieces keep their order.  Line markers are dropped: diagnostics in the
 * headers name no cell line anyway.  Token pasting can build a name that no
 * text mentions; the compiler then warns of an implicit declaration or an
 * undeclared name, and the session compiles the unit again with the headers
 * whole (session.c).  Only a name pasted inside a cell's #if would go
 * unnoticed (it would read as 0).  A unit that includes a header gets every
 * macro: the header tests guard macros that no cell names. */
#include "session/session_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef struct piece {
    size_t off, len; /* in text */
    size_t key;      /* the name it declares or #defines: 1 + offset in keys; else 0 */
    int lazy;        /* it has a key: emitted only when a unit needs it */
    int macro;       /* a #define or #undef */
    int next;        /* the next piece with the same key, or -1 */
    int dep, ndeps;  /* the pieces its text names: deps[dep .. dep + ndeps) */
} piece;

struct prelude {
    char *text; /* the pieces, each ending with '\n' */
    char *keys; /* NUL-separated */
    piece *pieces;
    int npieces;
    int *deps;
    int *slots; /* open addressing: 1 + the first piece with a key, or 0 */
    size_t mask;
    unsigned char *base; /* per piece: needed by every unit */
};

static size_t hash_name(const char *s, size_t n)
{
    size_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

/* The first piece whose key is name[0..n), or -1. */
static int lookup(const prelude *p, const char *name, size_t n)
{
    for (size_t i = hash_name(name, n) & p->mask;; i = (i + 1) & p->mask) {
        int k = p->slots[i] - 1;
        if (k < 0)
            return -1;
        const char *key = p->keys + p->pieces[k].key - 1;
        if (strncmp(key, name, n) == 0 && key[n] == 0)
            return k;
    }
}

static int is_line_marker(const char *t)
{
    if (*t++ != '#')
        return 0;
    while (*t == ' ' || *t == '\t')
        t++;
    return isdigit((unsigned char)*t) || strncmp(t, "line", 4) == 0;
}

/* The name of a piece made of the item it alone, when only a unit that
 * needs that name needs the piece: a macro (#define or #undef), or a
 * prototype or extern declaration.  NULL: every unit needs it. */
static const char *key_of(const cell_item *it)
{
    if (it->kind == ITEM_DIRECTIVE && it->nnames == 1 && it->names[0][0] == '#' &&
        (isalpha((unsigned char)it->names[0][1]) || it->names[0][1] == '_') &&
        !strchr(it->names[0], ' '))
        return it->names[0] + 1;
    if (it->kind == ITEM_DECLARATION && it->nnames == 1 && it->first_typedef < 0 &&
        !strchr(it->text, '{'))
        return it->names[0];
    return NULL;
}

static void add_piece(prelude *p, text_buf *text, text_buf *keys, const char *s, size_t n,
                      const char *key, int macro)
{
    piece *pc = &p->pieces[p->npieces++];
    memset(pc, 0, sizeof *pc);
    pc->off = text->len;
    text_putn(text, s, n);
    if (!text->len || text->data[text->len - 1] != '\n')
        text_put(text, "\n");
    pc->len = text->len - pc->off;
    pc->macro = macro;
    if (key) {
        pc->lazy = 1;
        pc->key = keys->len + 1;
        text_putn(keys, key, strlen(key) + 1);
    }
}

/* Worklist marking: want[k] set, and k pushed, for each piece k newly needed. */
typedef struct marker {
    const prelude *p;
    unsigned char *want;
    int *stack;
    int top;
} marker;

static void need_chain(marker *m, int k)
{
    for (; k >= 0; k = m->p->pieces[k].next)
        if (!m->want[k]) {
            m->want[k] = 1;
            m->stack[m->top++] = k;
        }
}

static void need_name(void *ctx, const char *id, size_t len)
{
    marker *m = ctx;
    need_chain(m, lookup(m->p, id, len));
}

static void close_over_deps(marker *m)
{
    while (m->top > 0) {
        const piece *pc = &m->p->pieces[m->stack[--m->top]];
        for (int d = 0; d < pc->ndeps; d++)
            need_chain(m, m->p->deps[pc->dep + d]);
    }
}

typedef struct dep_ctx {
    prelude *p;
    int self;
    int *deps, n, cap;
} dep_ctx;

static void add_dep(void *ctx, const char *id, size_t len)
{
    dep_ctx *d = ctx;
    int k = lookup(d->p, id, len);
    if (k < 0 || k == d->self)
        return;
    for (int i = d->p->pieces[d->self].dep; i < d->n; i++)
        if (d->deps[i] == k)
            return;
    if (d->n == d->cap) {
        d->cap = d->cap ? 2 * d->cap : 1024;
        d->deps = xrealloc(d->deps, (size_t)d->cap * sizeof *d->deps);
    }
    d->deps[d->n++] = k;
}

static void link_keys(prelude *p, int nkeys)
{
    size_t cap = 16;
    while (cap < 2 * (size_t)nkeys + 16)
        cap *= 2;
    p->mask = cap - 1;
    p->slots = xrealloc(NULL, cap * sizeof *p->slots);
    memset(p->slots, 0, cap * sizeof *p->slots);
    int *last = xrealloc(NULL, cap * sizeof *last);
    for (int k = 0; k < p->npieces; k++) {
        piece *pc = &p->pieces[k];
        pc->next = -1;
        if (!pc->key)
            continue;
        const char *key = p->keys + pc->key - 1;
        size_t n = strlen(key), i = hash_name(key, n) & p->mask;
        for (; p->slots[i]; i = (i + 1) & p->mask) {
            const char *other = p->keys + p->pieces[p->slots[i] - 1].key - 1;
            if (!strcmp(other, key))
                break;
        }
        if (p->slots[i])
            p->pieces[last[i]].next = k;
        else
            p->slots[i] = k + 1;
        last[i] = k;
    }
    free(last);
}

/* Where each line of flat starts: line[1] is the first, line[nlines + 1]
 * the end of the text (malloc'd).  *nlines gets the count. */
static const char **line_starts(const char *flat, int *nlines)
{
    int n = 1;
    for (const char *c = flat; *c; c++)
        n += *c == '\n';
    const char **line = xrealloc(NULL, (size_t)(n + 2) * sizeof *line);
    int l = 1;
    line[l++] = flat;
    for (const char *c = flat; *c; c++)
        if (*c == '\n')
            line[l++] = c + 1;
    line[l] = flat + strlen(flat);
    *nlines = n;
    return line;
}

/* Cut the flattened headers (whose lines start at line[]) into p's pieces,
 * their text and keys: runs of whole lines, from the line where an item
 * starts to the line where the next one starts, the text as written,
 * storage classes included (an item's own text drops "static inline").
 * -1 if the items' lines are out of order. */
static int cut_pieces(prelude *p, const cell *headers, const char **line, int nlines,
                      text_buf *text, text_buf *keys)
{
    for (int i = 0; i < headers->nitems;) {
        const cell_item *it = &headers->items[i];
        int first = it->line, j = i + 1;
        while (j < headers->nitems && headers->items[j].line <= first)
            j++;
        int next = j < headers->nitems ? headers->items[j].line : nlines + 1;
        if (first < 1 || next > nlines + 1 || next <= first)
            return -1;
        int start = i, declarations = 1;
        for (; i < j; i++)
            declarations &=
                headers->items[i].kind == ITEM_DECLARATION && key_of(&headers->items[i]) != NULL;
        if (j == start + 1 && it->kind == ITEM_DIRECTIVE && is_line_marker(it->text))
            continue;
        if (j == start + 1 || !declarations) {
            add_piece(p, text, keys, line[first], (size_t)(line[next] - line[first]),
                      j == start + 1 ? key_of(it) : NULL, it->kind == ITEM_DIRECTIVE);
            continue;
        }
        /* Prototypes sharing a line (math.h's "sin" and "__sin"): one
         * piece each, from the item's own text. */
        for (int k = start; k < j; k++) {
            const cell_item *d = &headers->items[k];
            add_piece(p, text, keys, d->text, strlen(d->text), key_of(d), 0);
        }
    }
    return 0;
}

/* What each piece names: its deps. */
static void name_deps(prelude *p)
{
    dep_ctx d = {p, 0, NULL, 0, 0};
    for (int k = 0; k < p->npieces; k++) {
        piece *pc = &p->pieces[k];
        char *t = xstrndup(p->text + pc->off, pc->len);
        d.self = k;
        pc->dep = d.n;
        cell_identifiers(t, add_dep, &d);
        pc->ndeps = d.n - pc->dep;
        free(t);
    }
    p->deps = d.deps;
}

/* Every unit needs the pieces without a key (types, inline functions) and
 * what they name: p->base. */
static void mark_base(prelude *p)
{
    p->base = xrealloc(NULL, (size_t)p->npieces + 1);
    memset(p->base, 0, (size_t)p->npieces + 1);
    marker m = {p, p->base, xrealloc(NULL, ((size_t)p->npieces + 1) * sizeof(int)), 0};
    for (int k = 0; k < p->npieces; k++)
        if (!p->pieces[k].key) {
            p->base[k] = 1;
            m.stack[m.top++] = k;
        }
    close_over_deps(&m);
    free(m.stack);
}

prelude *prelude_new(const char *flat, const cell *headers)
{
    int nlines;
    const char **line = line_starts(flat, &nlines);
    prelude *p = xrealloc(NULL, sizeof *p);
    memset(p, 0, sizeof *p);
    /* At most one piece per item. */
    p->pieces = xrealloc(NULL, (size_t)(headers->nitems + 1) * sizeof *p->pieces);
    text_buf text = {0}, keys = {0};
    int ok = cut_pieces(p, headers, line, nlines, &text, &keys) == 0;
    free(line);
    if (!ok) {
        /* The parse is not what this expects. */
        free(text.data);
        free(keys.data);
        free(p->pieces);
        free(p);
        return NULL;
    }
    p->text = text_take(&text);
    p->keys = keys.data ? keys.data : xstrdup("");
    link_keys(p, p->npieces);
    name_deps(p);
    mark_base(p);
    return p;
}

/* A run of free()s like cell_free's and jit.c's: each frees its own fields. */
void prelude_free(prelude *p)
{
    if (!p)
        return;
    free(p->text);
    free(p->keys);
    free(p->pieces);
    free(p->deps);
    free(p->slots);
    free(p->base);
    free(p);
}

/* Does text have an #include directive?  An included header tests guard
 * macros (__sigset_t_defined...) that no cell names. */
static int includes(const char *text)
{
    for (const char *q = strchr(text, '#'); q; q = strchr(q + 1, '#')) {
        const char *b = q;
        while (b > text && (b[-1] == ' ' || b[-1] == '\t'))
            b--;
        if (b > text && b[-1] != '\n')
            continue;
        const char *w = q + 1;
        while (*w == ' ' || *w == '\t')
            w++;
        if (!strncmp(w, "include", 7))
            return 1;
    }
    return 0;
}

void prelude_emit(const prelude *p, const char *rest, text_buf *out)
{
    marker m = {p, xrealloc(NULL, (size_t)p->npieces + 1),
                xrealloc(NULL, ((size_t)p->npieces + 1) * sizeof(int)), 0};
    memcpy(m.want, p->base, (size_t)p->npieces + 1);
    cell_identifiers(rest, need_name, &m);
    close_over_deps(&m);
    if (includes(rest))
        for (int k = 0; k < p->npieces; k++)
            m.want[k] |= p->pieces[k].macro;
    for (int k = 0; k < p->npieces; k++)
        if (!p->pieces[k].lazy || m.want[k])
            text_putn(out, p->text + p->pieces[k].off, p->pieces[k].len);
    free(m.want);
    free(m.stack);
}

int prelude_declares(const prelude *p, const char *name)
{
    for (int k = lookup(p, name, strlen(name)); k >= 0; k = p->pieces[k].next)
        if (p->pieces[k].lazy)
            return 1;
    return 0;
}
