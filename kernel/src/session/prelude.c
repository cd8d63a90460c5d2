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

static void add_piece(prelude *p, sbuf *text, sbuf *keys, const char *s, size_t n,
                      const char *key, int macro)
{
    piece *pc = &p->pieces[p->npieces++];
    memset(pc, 0, sizeof *pc);
    pc->off = text->n;
    sb_add(text, s, n);
    if (!text->n || text->s[text->n - 1] != '\n')
        sb_str(text, "\n");
    pc->len = text->n - pc->off;
    pc->macro = macro;
    if (key) {
        pc->lazy = 1;
        pc->key = keys->n + 1;
        sb_add(keys, key, strlen(key) + 1);
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
        d->deps = sx_realloc(d->deps, (size_t)d->cap * sizeof *d->deps);
    }
    d->deps[d->n++] = k;
}

static void link_keys(prelude *p, int nkeys)
{
    size_t cap = 16;
    while (cap < 2 * (size_t)nkeys + 16)
        cap *= 2;
    p->mask = cap - 1;
    p->slots = sx_realloc(NULL, cap * sizeof *p->slots);
    memset(p->slots, 0, cap * sizeof *p->slots);
    int *last = sx_realloc(NULL, cap * sizeof *last);
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

prelude *prelude_new(const char *flat, const cell *headers)
{
    /* Pieces are runs of whole lines, from the line where an item starts to
     * the line where the next one starts: the text as written, storage
     * classes included (an item's own text drops "static inline"). */
    int nlines = 1;
    for (const char *c = flat; *c; c++)
        nlines += *c == '\n';
    const char **line = sx_realloc(NULL, (size_t)(nlines + 2) * sizeof *line);
    int l = 1;
    line[l++] = flat;
    for (const char *c = flat; *c; c++)
        if (*c == '\n')
            line[l++] = c + 1;
    line[l] = flat + strlen(flat);

    prelude *p = sx_realloc(NULL, sizeof *p);
    memset(p, 0, sizeof *p);
    /* At most one piece per item. */
    p->pieces = sx_realloc(NULL, (size_t)(headers->nitems + 1) * sizeof *p->pieces);
    sbuf text = {0}, keys = {0};
    for (int i = 0; i < headers->nitems;) {
        const cell_item *it = &headers->items[i];
        int first = it->line, j = i + 1;
        while (j < headers->nitems && headers->items[j].line <= first)
            j++;
        int next = j < headers->nitems ? headers->items[j].line : nlines + 1;
        if (first < 1 || next > nlines + 1 || next <= first) {
            /* Lines out of order: the parse is not what this expects. */
            free(line);
            free(text.s);
            free(keys.s);
            free(p->pieces);
            free(p);
            return NULL;
        }
        int start = i, declarations = 1;
        for (; i < j; i++)
            declarations &= headers->items[i].kind == ITEM_DECLARATION &&
                            key_of(&headers->items[i]) != NULL;
        if (j == start + 1 && it->kind == ITEM_DIRECTIVE && is_line_marker(it->text))
            continue;
        if (j == start + 1 || !declarations) {
            add_piece(p, &text, &keys, line[first], (size_t)(line[next] - line[first]),
                      j == start + 1 ? key_of(it) : NULL, it->kind == ITEM_DIRECTIVE);
            continue;
        }
        /* Prototypes sharing a line (math.h's "sin" and "__sin"): one
         * piece each, from the item's own text. */
        for (int k = start; k < j; k++) {
            const cell_item *d = &headers->items[k];
            add_piece(p, &text, &keys, d->text, strlen(d->text), key_of(d), 0);
        }
    }
    free(line);
    p->text = sb_take(&text);
    p->keys = keys.s ? keys.s : sx_strdup("");
    link_keys(p, p->npieces);

    /* What each piece names. */
    dep_ctx d = {p, 0, NULL, 0, 0};
    for (int k = 0; k < p->npieces; k++) {
        piece *pc = &p->pieces[k];
        char *t = sx_strndup(p->text + pc->off, pc->len);
        d.self = k;
        pc->dep = d.n;
        cell_identifiers(t, add_dep, &d);
        pc->ndeps = d.n - pc->dep;
        free(t);
    }
    p->deps = d.deps;

    /* Every unit needs what the types and inline functions name. */
    p->base = sx_realloc(NULL, (size_t)p->npieces + 1);
    memset(p->base, 0, (size_t)p->npieces + 1);
    marker m = {p, p->base, sx_realloc(NULL, ((size_t)p->npieces + 1) * sizeof(int)), 0};
    for (int k = 0; k < p->npieces; k++)
        if (!p->pieces[k].key) {
            p->base[k] = 1;
            m.stack[m.top++] = k;
        }
    close_over_deps(&m);
    free(m.stack);
    return p;
}

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

void prelude_emit(const prelude *p, const char *rest, sbuf *out)
{
    marker m = {p, sx_realloc(NULL, (size_t)p->npieces + 1),
                sx_realloc(NULL, ((size_t)p->npieces + 1) * sizeof(int)), 0};
    memcpy(m.want, p->base, (size_t)p->npieces + 1);
    cell_identifiers(rest, need_name, &m);
    close_over_deps(&m);
    if (includes(rest))
        for (int k = 0; k < p->npieces; k++)
            m.want[k] |= p->pieces[k].macro;
    for (int k = 0; k < p->npieces; k++)
        if (!p->pieces[k].lazy || m.want[k])
            sb_add(out, p->text + p->pieces[k].off, p->pieces[k].len);
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
