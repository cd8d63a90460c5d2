/* unused.c: a function of the notebook whose body does not use one of its
 * parameters gets "(void)name;", the C idiom that says so.  A module's
 * forward function, say, takes (m, n, xs) because libseli calls it that
 * way, and often reads only xs; gcc -Wextra would warn about the others in
 * the exported program, and tcc never does in the kernel. */
#include "export/export_internal.h"

#include "frontend/lexer.h"

#include <stdlib.h>
#include <string.h>

typedef struct uses {
    const char *name;
    size_t len;
    int found;
} uses;

static void look(void *ctx, const char *id, size_t len)
{
    uses *u = ctx;
    u->found |= len == u->len && !memcmp(id, u->name, len);
}

static int is_keyword(const tok *t)
{
    static const char *const kw[] = {"void",     "int",      "char",   "short",    "long",
                                     "float",    "double",   "signed", "unsigned", "const",
                                     "volatile", "restrict", "struct", "union",    "enum",
                                     "_Bool",    "register"};
    for (size_t i = 0; i < sizeof kw / sizeof *kw; i++)
        if (tok_is(t, kw[i]))
            return 1;
    return 0;
}

/* The name that the parameter t[a..b) declares, or -1 (unnamed, "void"). */
static int param_name(const tok *t, int a, int b)
{
    for (int i = a; i + 2 < b; i++) /* a function pointer: (*name)(...) */
        if (tok_is(&t[i], "(") && tok_is(&t[i + 1], "*") && t[i + 2].kind == T_IDENT)
            return i + 2;
    while (b > a && tok_is(&t[b - 1], "]")) { /* int a[3] */
        int depth = 0;
        do {
            b--;
            depth += tok_is(&t[b], "]") - tok_is(&t[b], "[");
        } while (b > a && depth > 0);
    }
    if (b - a < 2 || t[b - 1].kind != T_IDENT || is_keyword(&t[b - 1]))
        return -1;
    return b - 1;
}

char *unused_params_marked(const char *text, int name_off)
{
    lexer lx;
    tokenize(text + name_off, &lx);
    text_buf b = {0};
    text_put(&b, "");
    int open = 1; /* after the name: the parameter list's '(' */
    if (lx.n < 2 || !tok_is(&lx.t[open], "(")) {
        free(lx.t);
        return xstrdup(text);
    }
    int close = tok_skip_group(lx.t, open, lx.n) - 1, body = close + 1;
    while (body < lx.n && !tok_is(&lx.t[body], "{"))
        body++;
    if (body >= lx.n) {
        free(lx.t);
        return xstrdup(text);
    }
    const char *body_at = lx.t[body].p;
    for (int a = open + 1; a < close;) {
        int e = a;
        while (e < close && !tok_is(&lx.t[e], ","))
            e = tok_open(&lx.t[e]) ? tok_skip_group(lx.t, e, close) : e + 1;
        int k = param_name(lx.t, a, e);
        if (k >= 0) {
            uses u = {lx.t[k].p, (size_t)lx.t[k].len, 0};
            cell_identifiers(body_at + 1, look, &u);
            if (!u.found)
                text_printf(&b, " (void)%.*s;", lx.t[k].len, lx.t[k].p);
        }
        a = e + 1;
    }
    text_buf out = {0};
    size_t head = (size_t)(body_at + 1 - text);
    text_putn(&out, text, head);
    text_put(&out, b.data);
    text_put(&out, text + head);
    free(b.data);
    free(lx.t);
    return text_take(&out);
}
