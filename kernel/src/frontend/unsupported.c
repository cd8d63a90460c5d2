/* unsupported.c: what tcc cannot compile, said in one sentence before it
 * tries.  tcc 0.9.27 has no complex types, no thread-local storage, no
 * 128-bit integers, no atomics, and no variable-length arrays inside a
 * struct; what it says instead (an error deep inside a system header, "';'
 * expected", or nothing and a crash at run time for a VLA in a struct)
 * does not tell a student why.  The cell is checked token by token; the
 * first use of such a feature gives its line and a sentence that says what
 * to use instead, which the session reports as a CompileError. */
#include "frontend/cell.h"
#include "frontend/lexer.h"
#include "util/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct feature {
    const char *token; /* an identifier, or "#include <x>" for a header */
    const char *message;
} features[] = {
    {"#include <complex.h>",
     "tcc has no complex types, so <complex.h> cannot be used; keep the real and imaginary parts "
     "in a struct { double re, im; } and write the arithmetic out"},
    {"_Complex", "tcc has no complex types (_Complex); keep the real and imaginary parts in a "
                 "struct { double re, im; } and write the arithmetic out"},
    {"_Thread_local", "tcc has no thread-local storage (_Thread_local); use an ordinary global, "
                      "or give each thread its own state through its argument"},
    {"__thread", "tcc has no thread-local storage (__thread); use an ordinary global, or give each "
                 "thread its own state through its argument"},
    {"__int128", "tcc has no 128-bit integers (__int128); use int64_t or uint64_t from "
                 "<stdint.h>, or a double when the value may be approximate"},
    {"__int128_t", "tcc has no 128-bit integers (__int128_t); use int64_t from <stdint.h>"},
    {"__uint128_t", "tcc has no 128-bit integers (__uint128_t); use uint64_t from <stdint.h>"},
    {"_Atomic", "tcc has no atomics (_Atomic); protect the shared variable with a "
                "pthread_mutex_t from <pthread.h>"},
    {"#include <stdatomic.h>", "tcc has no atomics, so <stdatomic.h> cannot be used; protect "
                               "shared variables with a pthread_mutex_t from <pthread.h>"},
};

/* Is the identifier t a variable: a global of the session or of the cell,
 * or a parameter or local declared in the cell ("int n")? */
static int names_variable(cell_is_type_fn is_global, void *ctx, const cell *c, const tok *all,
                          int n, const tok *t)
{
    char name[128];
    if (t->len >= (int)sizeof name)
        return 0;
    memcpy(name, t->p, (size_t)t->len);
    name[t->len] = 0;
    if (is_global && is_global(ctx, name, strlen(name)))
        return 1;
    for (int i = 0; i < c->nitems; i++)
        if (c->items[i].kind == ITEM_VARIABLE && !strcmp(c->items[i].names[0], name))
            return 1;
    static const char *const types[] = {"int", "long", "short", "unsigned", "size_t", "char"};
    for (int i = 1; i < n; i++)
        if (all[i].len == t->len && !memcmp(all[i].p, t->p, (size_t)t->len))
            for (size_t k = 0; k < sizeof types / sizeof *types; k++)
                if (tok_is(&all[i - 1], types[k]))
                    return 1;
    return 0;
}

/* The line of a struct or union body (from token i) that sizes an array
 * member by a variable, or 0. */
static int vla_member(cell_is_type_fn is_global, void *ctx, const cell *c, const tok *t, int n,
                      int i)
{
    int open = i + 1 < n && t[i + 1].kind == T_IDENT ? i + 2 : i + 1;
    if (open >= n || !tok_is(&t[open], "{"))
        return 0;
    int end = tok_skip_group(t, open, n);
    for (int k = open + 1; k < end; k++)
        if (tok_is(&t[k], "[")) {
            int close = tok_skip_group(t, k, n);
            for (int m = k + 1; m < close - 1; m++)
                if (t[m].kind == T_IDENT && names_variable(is_global, ctx, c, t, n, &t[m]))
                    return t[m].line;
        }
    return 0;
}

const char *cell_unsupported(const char *code, const cell *c, cell_is_type_fn is_global, void *ctx,
                             int *line_out)
{
    const char *message = NULL;
    lexer lx;
    tokenize(code, &lx);
    int found = 0;
    for (int i = 0; i < lx.n && !found; i++) {
        const tok *t = &lx.t[i];
        for (size_t f = 0; f < sizeof features / sizeof *features && !found; f++) {
            const char *name = features[f].token;
            if (t->kind == T_DIRECTIVE && name[0] == '#') {
                size_t len;
                const char *w = directive_word(t, &len);
                char *text = xstrndup(t->p, (size_t)t->len);
                char header[64];
                snprintf(header, sizeof header, "%.*s", (int)strcspn(name + 10, ">"), name + 10);
                char *at = strstr(text, header);
                size_t hl = strlen(header);
                found = len == 7 && !memcmp(w, "include", 7) && at && at > text &&
                        (at[-1] == '<' || at[-1] == '"') && (at[hl] == '>' || at[hl] == '"');
                free(text);
            } else if (t->kind == T_IDENT) {
                found = (int)strlen(name) == t->len && !memcmp(name, t->p, (size_t)t->len);
            }
            if (found) {
                message = features[f].message;
                *line_out = t->line;
            }
        }
        int line = t->kind == T_IDENT && (tok_is(t, "struct") || tok_is(t, "union"))
                       ? vla_member(is_global, ctx, c, lx.t, lx.n, i)
                       : 0;
        if (line && !found) {
            found = 1;
            message = "tcc cannot compile a struct with a variable-length array member; give the "
                      "array a constant size, or make the member a pointer and malloc it";
            *line_out = line;
        }
    }
    free(lx.t);
    return message;
}
