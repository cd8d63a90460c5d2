/* stale.c: a redefined type never reinterprets memory.
 *
 * When a cell redefines a struct, union, enum, typedef or macro, the
 * variables and functions of earlier cells whose declarations use it were
 * compiled for the old definition: their memory has the old layout.  They
 * become *stale*: their declarations leave the preamble and their symbols
 * are no longer linked, so a later cell that uses one fails to compile with
 * a message that names it and says to declare (or define) it again.  Code
 * compiled earlier keeps using them with the old layout, which is still
 * right for it.  Declaring the name again, with any type, ends its
 * staleness. */
#include "session/session_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Is it an entry that has storage or code behind it (a variable, a
 * function, a prototype), rather than a type or a directive? */
static int has_storage(const entry *e)
{
    return e->kind == ITEM_VARIABLE || e->kind == ITEM_FUNCTION || e->kind == ITEM_DECLARATION;
}

static void stale_remove(session *s, const char *name)
{
    for (int i = 0; i < s->stale.n; i++)
        if (!strcmp(s->stale.v[i], name)) {
            free(s->stale.v[i]);
            free(s->stale_why.v[i]);
            s->stale.v[i] = s->stale.v[s->stale.n - 1];
            s->stale_why.v[i] = s->stale_why.v[s->stale.n - 1];
            s->stale.n--;
            s->stale_why.n--;
            return;
        }
}

typedef struct why_ctx {
    const strlist *defined;
    const char *found;
} why_ctx;

/* The key ("struct point", "#N", "real") of the cell's definitions whose
 * identifier the text names. */
static void why_ident(void *ctx, const char *id, size_t len)
{
    why_ctx *w = ctx;
    for (int i = 0; i < w->defined->n && !w->found; i++) {
        const char *key = w->defined->v[i];
        const char *sp = strrchr(key, ' ');
        const char *ident = key[0] == '#' ? key + 1 : sp ? sp + 1 : key;
        if (strlen(ident) == len && !memcmp(ident, id, len))
            w->found = key;
    }
}

/* "struct point", "the macro N", "the type real": what changed, for the message. */
static char *why_text(const plan *p, const entry *e)
{
    why_ctx w = {&p->defined, NULL};
    cell_identifiers(e->text, why_ident, &w);
    const char *key = w.found ? w.found : "a type it uses";
    char buf[300];
    if (key[0] == '#')
        snprintf(buf, sizeof buf, "the macro %s", key + 1);
    else if (!strchr(key, ' ') && w.found)
        snprintf(buf, sizeof buf, "the type %s", key);
    else
        snprintf(buf, sizeof buf, "%s", key);
    return xstrdup(buf);
}

void stale_commit(session *s, const cell *c, plan *p)
{
    for (int i = 0; i < c->nitems; i++)
        if (c->items[i].nnames &&
            (c->items[i].kind == ITEM_FUNCTION || c->items[i].kind == ITEM_VARIABLE ||
             c->items[i].kind == ITEM_DECLARATION))
            stale_remove(s, c->items[i].names[0]);
    for (int i = 0; i < s->nentries; i++) {
        const entry *e = &s->entries[i];
        if (p->excluded[i] != 2 || !has_storage(e) || !e->nnames)
            continue;
        p->excluded[i] = 1; /* plan_commit drops it */
        stale_remove(s, e->names[0]);
        char *why = why_text(p, e);
        strlist_add(&s->stale, e->names[0]);
        strlist_add(&s->stale_why, why);
        free(why);
    }
}

int stale_has(const session *s, const char *name) { return strlist_has(&s->stale, name); }

/* The stale name that a diagnostic quotes ('pp'), with why it is stale. */
static int quoted_stale(const session *s, const plan *p, const char *line, char *name, size_t size,
                        char **why)
{
    for (const char *q = strchr(line, '\''); q; q = strchr(q + 1, '\'')) {
        const char *end = strchr(q + 1, '\'');
        if (!end)
            return 0;
        size_t n = (size_t)(end - q - 1);
        if (n && n < size) {
            memcpy(name, q + 1, n);
            name[n] = 0;
            for (int i = 0; i < s->stale.n; i++)
                if (!strcmp(s->stale.v[i], name)) {
                    *why = xstrdup(s->stale_why.v[i]);
                    return 1;
                }
            for (int i = 0; p && i < s->nentries; i++)
                if (p->excluded[i] == 2 && has_storage(&s->entries[i]) &&
                    !strcmp(s->entries[i].names[0], name)) {
                    *why = why_text(p, &s->entries[i]);
                    return 1;
                }
        }
        q = end;
    }
    return 0;
}

int stale_explain(const session *s, const plan *p, strlist *lines)
{
    for (int i = 0; i < lines->n; i++) {
        char name[256], *why = NULL;
        if (!quoted_stale(s, p, lines->v[i], name, sizeof name, &why))
            continue;
        const char *l = lines->v[i];
        char where[32] = "";
        if (!strncmp(l, "line ", 5))
            snprintf(where, sizeof where, "%.*s: ", (int)strcspn(l, ":"), l);
        char buf[1024];
        const symbol *sym = session_symbol((session *)s, name);
        int fn = sym && sym->function;
        snprintf(buf, sizeof buf,
                 "%serror: '%s' was %s with the old definition of %s, which a later cell "
                 "changed; %s '%s' again (or re-run the cell that %s it) to use it with the new "
                 "one",
                 where, name, fn ? "compiled" : "declared", why, fn ? "define" : "declare", name,
                 fn ? "defines" : "declares");
        free(why);
        strlist_free(lines);
        strlist_add(lines, buf);
        return 1;
    }
    return 0;
}

void stale_free(session *s)
{
    strlist_free(&s->stale);
    strlist_free(&s->stale_why);
}
