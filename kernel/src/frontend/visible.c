/* visible.c: the names in scope at a point of a cell (see visible.h).
 *
 * The text before the point is split by cell_parse, as a cell is.  Then the
 * brackets still open at the point are walked from the outside in: the
 * text after the '{' of an open block is split the same way (a block holds
 * declarations and statements, as a cell does), and the parentheses that
 * own the block give the parameters of a function or the declaration of a
 * for loop.  A '{' that opens a struct body or an initialiser is no block:
 * nothing inside it is a name of the cell. */
#include "frontend/visible.h"

#include "frontend/lexer.h"

#include <stdlib.h>
#include <string.h>

typedef struct visible {
    cell_is_type_fn is_type;
    void *ctx;
    strlist types; /* typedef names (and macros naming types) of the levels read so far */
    strlist *out;
} visible;

/* A cell_is_type_fn: the typedef names read so far, then the caller's. */
static int visible_is_type(void *ctx, const char *name, size_t len)
{
    const visible *sc = ctx;
    for (int i = 0; i < sc->types.n; i++)
        if (strlen(sc->types.v[i]) == len && !memcmp(sc->types.v[i], name, len))
            return 1;
    return sc->is_type ? sc->is_type(sc->ctx, name, len) : 0;
}

/* Is the directive text "#define ..."? */
static int is_define(const char *text)
{
    const char *p = text + 1;
    while (*p == ' ' || *p == '\t')
        p++;
    return !strncmp(p, "define", 6) && !ident_char(p[6]);
}

/* Does the key name an identifier ("x"), not a tag ("struct x") nor a name
 * the kernel made up ("__seli_anon_...")? */
static int plain_name(const char *key)
{
    return key[0] && !strchr(key, ' ') && strncmp(key, "__seli_", 7) != 0;
}

/* Add the names that the items of text declare; learn its typedef names. */
static void declare(visible *sc, const char *text)
{
    cell c;
    cell_parse(text, visible_is_type, sc, &c);
    for (int i = 0; i < c.nitems; i++) {
        const cell_item *it = &c.items[i];
        if (it->kind == ITEM_DIRECTIVE) {
            /* "#define N 3": the key is "#N". */
            if (it->nnames == 1 && it->names[0][0] == '#' && is_define(it->text)) {
                strlist_add(sc->out, it->names[0] + 1);
                if (it->first_typedef == 0)
                    strlist_add(&sc->types, it->names[0] + 1);
            }
            continue;
        }
        if (it->kind == ITEM_STATEMENT || it->kind == ITEM_EXPRESSION)
            continue;
        for (int k = 0; k < it->nnames; k++) {
            if (!plain_name(it->names[k]))
                continue;
            strlist_add(sc->out, it->names[k]);
            if (it->kind == ITEM_TYPE && it->first_typedef >= 0 && k >= it->first_typedef)
                strlist_add(&sc->types, it->names[k]);
        }
    }
    cell_free(&c);
}

/* declare() for the tokens t[a..b), as one declaration. */
static void declare_tokens(visible *sc, const tok *t, int a, int b)
{
    if (a >= b)
        return;
    size_t len = (size_t)(t[b - 1].p + t[b - 1].len - t[a].p);
    char *text = xrealloc(NULL, len + 2);
    memcpy(text, t[a].p, len);
    memcpy(text + len, ";", 2);
    declare(sc, text);
    free(text);
}

/* The parameters in the parentheses that open at t[a] and end before t[b]:
 * one declaration per top-level comma. */
static void declare_parameters(visible *sc, const tok *t, int a, int b)
{
    int from = a + 1, depth = 0;
    for (int i = a + 1; i <= b; i++) {
        if (i == b || (depth == 0 && tok_is(&t[i], ","))) {
            declare_tokens(sc, t, from, i);
            from = i + 1;
        } else if (tok_open(&t[i])) {
            depth++;
        } else if (tok_close(&t[i])) {
            depth--;
        }
    }
}

/* The declaration that starts the parentheses of "for (" at t[a], which end
 * before t[b]: up to the first top-level ';'. */
static void declare_for_init(visible *sc, const tok *t, int a, int b)
{
    int i = a + 1;
    while (i < b && !tok_is(&t[i], ";"))
        i = tok_open(&t[i]) ? tok_skip_group(t, i, b) : i + 1;
    declare_tokens(sc, t, a + 1, i);
}

/* Index of the bracket that opens the group closed at t[close], or -1. */
static int group_start(const tok *t, int close)
{
    int depth = 0;
    for (int i = close; i >= 0; i--) {
        if (tok_close(&t[i]))
            depth++;
        else if (tok_open(&t[i]) && --depth == 0)
            return i;
    }
    return -1;
}

typedef enum { NOT_BLOCK, BLOCK, FUNCTION_BODY, FOR_BODY } block_kind;

/* What the '{' at t[o] opens; *paren gets the '(' of the parentheses just
 * before it (a function's parameters, a for loop's header). */
static block_kind block_at(const tok *t, int o, int *paren)
{
    if (o == 0)
        return BLOCK;
    const tok *p = &t[o - 1];
    if (p->kind == T_DIRECTIVE || tok_is(p, ";") || tok_is(p, "{") || tok_is(p, "}") ||
        tok_is(p, ":") || tok_is(p, "else") || tok_is(p, "do"))
        return BLOCK;
    if (!tok_is(p, ")"))
        return NOT_BLOCK; /* "= {", "struct s {", "enum {": no names of the cell inside */
    int a = group_start(t, o - 1);
    if (a <= 0 || !tok_is(&t[a], "("))
        return NOT_BLOCK; /* "(struct s){...}": a compound literal */
    *paren = a;
    const tok *w = &t[a - 1];
    if (tok_is(w, "for"))
        return FOR_BODY;
    if (tok_is(w, "if") || tok_is(w, "while") || tok_is(w, "switch") || tok_is(w, ")") ||
        tok_is(w, "__attribute__") || tok_is(w, "__attribute"))
        return BLOCK;
    if (w->kind != T_IDENT || tok_is(w, "return") || tok_is(w, "sizeof") || tok_is(w, "_Alignof") ||
        tok_is(w, "_Generic"))
        return NOT_BLOCK; /* "return (T){...}": a compound literal */
    return FUNCTION_BODY;
}

void visible_names(const char *code, size_t end, cell_is_type_fn is_type, void *ctx, strlist *out)
{
    char *text = xstrndup(code, strnlen(code, end));
    visible sc = {.is_type = is_type, .ctx = ctx, .out = out};
    declare(&sc, text);

    lexer lx;
    tokenize(text, &lx);
    const tok *t = lx.t;
    int *open = NULL, nopen = 0;
    for (int i = 0; i < lx.n; i++) {
        if (tok_open(&t[i])) {
            array_grow(&open, nopen, sizeof *open);
            open[nopen++] = i;
        } else if (tok_close(&t[i]) && nopen > 0) {
            nopen--;
        }
    }
    for (int k = 0; k < nopen; k++) {
        int o = open[k];
        if (tok_is(&t[o], "(")) {
            /* The point is in the header of a for loop. */
            if (o > 0 && tok_is(&t[o - 1], "for"))
                declare_for_init(&sc, t, o, lx.n);
            continue;
        }
        if (!tok_is(&t[o], "{"))
            continue;
        int paren = -1;
        block_kind kind = block_at(t, o, &paren);
        if (kind == NOT_BLOCK)
            continue;
        if (kind == FUNCTION_BODY)
            declare_parameters(&sc, t, paren, o - 1);
        else if (kind == FOR_BODY)
            declare_for_init(&sc, t, paren, o - 1);
        declare(&sc, t[o].p + 1);
    }
    free(open);
    free(lx.t);
    strlist_free(&sc.types);
    free(text);
}
