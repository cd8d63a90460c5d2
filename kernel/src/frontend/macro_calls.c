/* macro_calls.c: a top-level line that invokes a macro of the session
 * (see cell_macro_probe in cell.h).
 *
 * "#define def(S) struct s##S f##S(int x) { ... }" then "def(1)" at top
 * level is a function definition, but only the preprocessor can say so: the
 * front end sees a call.  Such invocations are replaced by their expansion
 * before the cell is split; other macros stay for the compiler. */
#include "frontend/cell.h"
#include "frontend/lexer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MARK "__seli_expand_"

int cell_macro_kind(const char *directive, const char **name, size_t *len)
{
    tok t = {T_DIRECTIVE, directive, (int)strlen(directive), 1};
    size_t wl;
    const char *w = directive_word(&t, &wl);
    if (wl != 6 || strncmp(w, "define", 6))
        return 0;
    const char *p = w + wl;
    while (*p == ' ' || *p == '\t')
        p++;
    const char *nm = p;
    while (ident_char(*p))
        p++;
    if (name) {
        *name = nm;
        *len = (size_t)(p - nm);
    }
    if (p == nm)
        return 0;
    if (*p == '(')
        return 1;
    /* An object-like macro matters when its text holds a statement or a
     * body: "#define DEFINE_F int f(void) { return 1; }". */
    return strpbrk(p, "{;") ? 2 : 0;
}

/* The kind of macro the directive t defines (cell_macro_kind), its name. */
static int macro_kind(const tok *t, const char **name, size_t *len)
{
    char *text = xstrndup(t->p, (size_t)t->len);
    int kind = cell_macro_kind(text, name, len);
    if (kind)
        *name = t->p + (*name - text);
    free(text);
    return kind;
}

static int is_define_or_undef(const tok *t)
{
    size_t wl;
    const char *w = directive_word(t, &wl);
    return (wl == 6 && !strncmp(w, "define", 6)) || (wl == 5 && !strncmp(w, "undef", 5));
}

/* The invocations: at the start of a top-level chunk (after ';', a '}'
 * that closes a top-level group, a directive or another invocation), a
 * macro that the cell defined above or is_macro knows (see
 * cell_macro_kind), with its arguments.  calls[2k], calls[2k + 1]: the
 * tokens of invocation k. */
static int find_calls(const lexer *lx, cell_is_type_fn is_macro, void *ctx, int *calls)
{
    const tok *t = lx->t;
    strlist own[3] = {{0}, {0}, {0}}; /* the cell's macros, by kind */
    int n = 0, depth = 0, start = 1;
    for (int i = 0; i < lx->n; i++) {
        const char *nm;
        size_t len;
        if (t[i].kind == T_DIRECTIVE) {
            int kind = macro_kind(&t[i], &nm, &len);
            if (kind) {
                char *name = xstrndup(nm, len);
                strlist_add(&own[kind], name);
                free(name);
            }
            start = depth == 0;
            continue;
        }
        if (start && depth == 0 && t[i].kind == T_IDENT) {
            char *name = xstrndup(t[i].p, (size_t)t[i].len);
            int kind = strlist_has(&own[1], name)   ? 1
                       : strlist_has(&own[2], name) ? 2
                       : is_macro                   ? is_macro(ctx, t[i].p, (size_t)t[i].len)
                                                    : 0;
            free(name);
            int call = kind == 1 && i + 1 < lx->n && tok_is(&t[i + 1], "(");
            if (call || kind == 2) {
                int end = call ? tok_skip_group(t, i + 1, lx->n) : i + 1;
                calls[2 * n] = i;
                calls[2 * n + 1] = end;
                n++;
                i = end - 1;
                continue; /* the next token starts a chunk */
            }
        }
        start = 0;
        if (tok_open(&t[i]))
            depth++;
        else if (tok_close(&t[i]) && depth > 0)
            depth--;
        if (depth == 0 && (tok_is(&t[i], ";") || tok_is(&t[i], "}")))
            start = 1;
    }
    for (int k = 0; k < 3; k++)
        strlist_free(&own[k]);
    return n;
}

char *cell_macro_probe(const char *code, cell_is_type_fn is_macro, void *ctx, int *ncalls)
{
    lexer lx;
    tokenize(code, &lx);
    int *calls = xrealloc(NULL, (size_t)(2 * lx.n + 2) * sizeof *calls);
    int n = find_calls(&lx, is_macro, ctx, calls);
    *ncalls = n;
    text_buf b = {0};
    for (int i = 0, k = 0; n && i < lx.n; i++) {
        if (lx.t[i].kind == T_DIRECTIVE && is_define_or_undef(&lx.t[i])) {
            text_putn(&b, lx.t[i].p, (size_t)lx.t[i].len);
            text_put(&b, "\n");
        } else if (k < n && i == calls[2 * k]) {
            const tok *a = &lx.t[i], *z = &lx.t[calls[2 * k + 1] - 1];
            /* __LINE__ in the expansion says the cell's line. */
            text_printf(&b, MARK "%d_\n#line %d\n", k, a->line);
            text_putn(&b, a->p, (size_t)(z->p + z->len - a->p));
            text_printf(&b, "\n" MARK "%d_\n", k);
            i = calls[2 * k + 1] - 1;
            k++;
        }
    }
    free(calls);
    free(lx.t);
    return n ? text_take(&b) : NULL;
}

/* The file name the preprocessor gave the probe, quoted as __FILE__ shows
 * it: from its first line marker ("# 1 \"/tmp/x.c\""), or "". */
static void probe_file(const char *out, char *quoted, size_t size)
{
    const char *q = strchr(out, '"');
    const char *e = q ? strchr(q + 1, '"') : NULL;
    const char *nl = strchr(out, '\n');
    quoted[0] = 0;
    if (out[0] == '#' && e && (!nl || e < nl) && (size_t)(e - q + 1) < size) {
        memcpy(quoted, q, (size_t)(e - q + 1));
        quoted[e - q + 1] = 0;
    }
}

/* line with __FILE__'s text (file, quoted) made the cell's: "cell". */
static void put_line(text_buf *b, const char *p, const char *e, const char *file)
{
    size_t fl = strlen(file);
    while (fl && p < e) {
        const char *f = p;
        while (f + fl <= e && memcmp(f, file, fl))
            f++;
        if (f + fl > e)
            break;
        text_putn(b, p, (size_t)(f - p));
        text_put(b, "\"cell\"");
        p = f + fl;
    }
    text_putn(b, p, (size_t)(e - p));
}

/* The text between the two markers of call k in the preprocessed output,
 * on one line, without line markers; NULL when missing. */
static char *expansion(const char *out, int k)
{
    char file[4096];
    probe_file(out, file, sizeof file);
    char mark[64];
    snprintf(mark, sizeof mark, MARK "%d_", k);
    const char *a = strstr(out, mark);
    const char *z = a ? strstr(a + strlen(mark), mark) : NULL;
    if (!z)
        return NULL;
    a += strlen(mark);
    text_buf b = {0};
    while (a < z) {
        const char *eol = memchr(a, '\n', (size_t)(z - a));
        const char *e = eol ? eol : z;
        const char *p = a;
        while (p < e && (*p == ' ' || *p == '\t'))
            p++;
        if (p < e && *p != '#') {
            put_line(&b, p, e, file);
            text_put(&b, " ");
        }
        a = eol ? eol + 1 : z;
    }
    return text_take(&b);
}

char *cell_macro_splice(const char *code, cell_is_type_fn is_macro, void *ctx,
                        const char *preprocessed)
{
    lexer lx;
    tokenize(code, &lx);
    int *calls = xrealloc(NULL, (size_t)(2 * lx.n + 2) * sizeof *calls);
    int n = find_calls(&lx, is_macro, ctx, calls);
    text_buf b = {0};
    const char *done = code;
    int ok = n > 0;
    for (int k = 0; ok && k < n; k++) {
        const tok *a = &lx.t[calls[2 * k]], *z = &lx.t[calls[2 * k + 1] - 1];
        char *x = expansion(preprocessed, k);
        if (!x) {
            ok = 0;
            break;
        }
        text_putn(&b, done, (size_t)(a->p - done));
        text_put(&b, x);
        free(x);
        /* The lines the invocation spanned stay lines. */
        for (int l = a->line; l < z->line; l++)
            text_put(&b, "\n");
        done = z->p + z->len;
    }
    if (ok)
        text_put(&b, done);
    free(calls);
    free(lx.t);
    if (!ok) {
        free(b.data);
        return NULL;
    }
    return text_take(&b);
}
