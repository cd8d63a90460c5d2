/* redefine.c: how a cell's definitions replace those of earlier cells: the
 * plan made before compiling, committed once the cell compiled.
 *
 * The rules (documented for users in docs and README):
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
 *   afterwards.
 * - A prototype of a function that nothing defines yet links to a stub (a
 *   LinkError when called) until a later cell defines the function. */
#include "session/session_internal.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int entry_has(const entry *e, const char *name)
{
    for (int i = 0; i < e->nnames; i++)
        if (!strcmp(e->names[i], name))
            return 1;
    return 0;
}

void entry_free(entry *e)
{
    free(e->text);
    strings_free(e->names, e->nnames);
}

/* ------------------------------------------------------------ the plan */

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
    text_buf *b;
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
    if (strlist_has(&x->seen, name))
        return;
    strlist_add(&x->seen, name);
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
                    text_put(x->b, "\n");
                    text_put(x->b, it->text);
                    return;
                }
    }
    for (int i = x->s->nentries - 1; i >= 0; i--) {
        const entry *e = &x->s->entries[i];
        if (e->kind != ITEM_TYPE && e->kind != ITEM_DIRECTIVE)
            continue;
        for (int m = 0; m < 5; m++)
            if (entry_has(e, keys[m])) {
                text_put(x->b, "\n");
                text_put(x->b, e->text);
                return;
            }
    }
}

static char *var_signature(session *s, const cell *c, int upto, const cell_item *it)
{
    text_buf b = {0};
    text_put(&b, it->type);
    sig_ctx x = {s, c, upto, &b, {0}};
    cell_identifiers(it->type, sig_ident, &x);
    strlist_free(&x.seen);
    return b.data;
}

void plan_free(plan *p, int nitems)
{
    strings_free(p->sig, nitems);
    free(p->noop);
    free(p->reuse);
    free(p->excluded);
    free(p->tramp);
    free(p->stub);
    strlist_free(&p->defined);
    strlist_free(&p->replaced);
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

/* Does it (a file-scope asm) define the label name? */
static int asm_defines(const cell_item *it, const char *name)
{
    for (int k = 0; it->kind == ITEM_STATEMENT && k < it->nnames; k++)
        if (!strcmp(it->names[k], name))
            return 1;
    return 0;
}

/* Is name a function that nothing defines: no earlier cell, not this cell,
 * not the process (libc, libseli)?  Its prototype then gets a stub. */
static int undefined_function(session *s, const cell *c, const char *name)
{
    if (!jit_has_trampolines() || session_symbol(s, name) || dlsym(RTLD_DEFAULT, name))
        return 0;
    for (int i = 0; i < c->nitems; i++)
        if ((c->items[i].kind == ITEM_FUNCTION && !strcmp(c->items[i].names[0], name)) ||
            asm_defines(&c->items[i], name))
            return 0;
    return 1;
}

/* The signature of variable item i, and whether it keeps its storage. */
static void plan_variable(session *s, const cell *c, int i, plan *p)
{
    const cell_item *it = &c->items[i];
    p->sig[i] = var_signature(s, c, i, it);
    const symbol *old = session_symbol(s, it->names[0]);
    /* A stale variable (stale.c) has left the preamble: declared again, it
     * is a new one. */
    p->reuse[i] = old && !old->function && !it->unsized && !stale_has(s, it->names[0]) &&
                  !strcmp(old->sig, p->sig[i]);
}

/* Mark the entries the cell redefines (1) and those that depend on a name
 * in deps (2), which grows with the names they define. */
static void exclude_entries(session *s, plan *p, strlist *deps)
{
    for (int i = 0; i < s->nentries; i++) {
        entry *e = &s->entries[i];
        for (int k = 0; k < e->nnames && !p->excluded[i]; k++)
            if (strlist_has(&p->defined, e->names[k]))
                p->excluded[i] = 1;
        if (p->excluded[i] || !deps->n)
            continue;
        dep_ctx d = {deps, 0};
        cell_identifiers(e->text, dep_ident, &d);
        if (d.hit) {
            p->excluded[i] = 2;
            if (e->kind == ITEM_TYPE || e->kind == ITEM_DIRECTIVE)
                for (int k = 0; k < e->nnames; k++) {
                    const char *id = key_ident(e->names[k]);
                    if (id && !strlist_has(deps, id))
                        strlist_add(deps, id);
                }
        }
    }
}

void plan_make(session *s, const cell *c, plan *p)
{
    int n = c->nitems;
    p->noop = calloc((size_t)n + 1, sizeof *p->noop);
    p->reuse = calloc((size_t)n + 1, sizeof *p->reuse);
    p->sig = calloc((size_t)n + 1, sizeof *p->sig);
    p->excluded = calloc((size_t)s->nentries + 1, sizeof *p->excluded);
    p->tramp = calloc((size_t)n + 1, sizeof *p->tramp);
    p->stub = calloc((size_t)n + 1, sizeof *p->stub);
    p->defined = (strlist){0};
    p->replaced = (strlist){0};
    strlist deps = {0};
    for (int i = 0; i < n; i++) {
        const cell_item *it = &c->items[i];
        switch (it->kind) {
        case ITEM_DIRECTIVE:
        case ITEM_TYPE:
            p->noop[i] = headers_implicit(it) || same_as_entry(s, it);
            break;
        case ITEM_DECLARATION:
            p->noop[i] = headers_implicit(it) || same_as_entry(s, it);
            if (it->declares_function && undefined_function(s, c, it->names[0]))
                p->stub[i] = jit_trampoline_new(NULL);
            break;
        case ITEM_FUNCTION:
            if (jit_has_trampolines()) {
                /* The same prototype keeps the trampoline: earlier code
                 * then calls the new definition; so does a function that
                 * was only declared. */
                char *sig = cell_normalize(it->proto);
                const symbol *old = session_symbol(s, it->names[0]);
                p->tramp[i] = old && old->function && (old->stub || !strcmp(old->sig, sig))
                                  ? old->addr
                                  : jit_trampoline_new(NULL);
                free(sig);
            }
            break;
        case ITEM_VARIABLE:
            plan_variable(s, c, i, p);
            break;
        default:
            break;
        }
        /* The labels of a file-scope asm replace the symbols of those names. */
        for (int k = 0; it->kind == ITEM_STATEMENT && k < it->nnames; k++)
            strlist_add(&p->replaced, it->names[k]);
        if (it->kind == ITEM_STATEMENT || it->kind == ITEM_EXPRESSION || p->noop[i] || p->reuse[i])
            continue;
        if (it->kind == ITEM_FUNCTION || it->kind == ITEM_VARIABLE)
            strlist_add(&p->replaced, it->names[0]);
        for (int k = 0; k < it->nnames; k++) {
            strlist_add(&p->defined, it->names[k]);
            if (it->kind == ITEM_TYPE || it->kind == ITEM_DIRECTIVE) {
                const char *id = key_ident(it->names[k]);
                if (id && !strlist_has(&deps, id))
                    strlist_add(&deps, id);
            }
        }
    }
    exclude_entries(s, p, &deps);
    strlist_free(&deps);
}

/* ---------------------------------------------------------- committing */

static entry entry_from(const cell_item *it, const char *text)
{
    entry e = {it->kind, xstrdup(text), NULL, it->nnames, it->first_typedef};
    e.names = xrealloc(NULL, (size_t)(it->nnames ? it->nnames : 1) * sizeof *e.names);
    for (int k = 0; k < it->nnames; k++)
        e.names[k] = xstrdup(it->names[k]);
    return e;
}

/* The labels of a file-scope asm, from addrs[*w]: addresses, never
 * trampolines that a C definition could retarget. */
static void commit_labels(session *s, const cell_item *it, void **addrs, int *w)
{
    for (int k = 0; k < it->nnames; k++) {
        void *addr = addrs[(*w)++];
        if (addr)
            symbol_set(s, it->names[k], 0, addr, "asm", it->text);
    }
}

void plan_commit(session *s, const cell *c, const plan *p, void **addrs, jit_code *code)
{
    /* The preamble: kept entries, the cell's definitions, then the entries
     * that depend on something the cell redefined. */
    int cap = s->nentries + c->nitems;
    entry *next = xrealloc(NULL, (size_t)(cap ? cap : 1) * sizeof *next);
    int n = 0;
    for (int i = 0; i < s->nentries; i++) {
        if (!p->excluded[i])
            next[n++] = s->entries[i];
        else if (p->excluded[i] == 1)
            entry_free(&s->entries[i]);
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
            text_buf b = {0};
            text_put(&b, "extern ");
            text_put(&b, it->decl);
            text_put(&b, ";");
            next[n++] = entry_from(it, b.data);
            free(b.data);
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
                symbol_set(s, it->names[0], 1, p->tramp[i], sig, it->proto);
            } else {
                symbol_set(s, it->names[0], 1, addr, sig, it->proto);
            }
            free(sig);
        } else if (it->kind == ITEM_VARIABLE && !p->reuse[i]) {
            void *addr = addrs[w++];
            if (addr)
                symbol_set(s, it->names[0], 0, addr, p->sig[i], it->decl);
        } else if (it->kind == ITEM_STATEMENT) {
            commit_labels(s, it, addrs, &w);
        }
    }
    for (int i = 0; i < c->nitems; i++) {
        const cell_item *it = &c->items[i];
        void *addr = p->stub[i] ? addrs[w++] : NULL;
        if (!addr)
            continue;
        jit_trampoline_set(p->stub[i], addr);
        char *sig = cell_normalize(it->text);
        symbol_set(s, it->names[0], 1, p->stub[i], sig, it->text);
        session_symbol(s, it->names[0])->stub = 1;
        free(sig);
    }
    s->codes = xrealloc(s->codes, (size_t)(s->ncodes + 1) * sizeof *s->codes);
    s->codes[s->ncodes++] = code;
}

void plan_commit_sizes(session *s, const cell *c, const plan *p, void **addrs)
{
    int w = 1;
    for (int i = 0; i < c->nitems; i++) {
        const cell_item *it = &c->items[i];
        w += it->kind == ITEM_FUNCTION || (it->kind == ITEM_VARIABLE && !p->reuse[i]);
        w += p->stub[i] != NULL;
    }
    for (int i = 0; i < c->nitems; i++) {
        const cell_item *it = &c->items[i];
        if (it->kind != ITEM_VARIABLE || !it->unsized || !it->init)
            continue;
        const unsigned long *count = addrs[w++];
        for (int k = s->nentries - 1; count && k >= 0; k--) {
            entry *e = &s->entries[k];
            char *br = strstr(e->text, "[]");
            if (e->kind != ITEM_VARIABLE || strcmp(e->names[0], it->names[0]) || !br)
                continue;
            text_buf b = {0};
            text_putn(&b, e->text, (size_t)(br - e->text));
            text_printf(&b, "[%lu]%s", *count, br + 2);
            free(e->text);
            e->text = b.data;
            break;
        }
    }
}
