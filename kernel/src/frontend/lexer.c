/* lexer.c: the tokens of C text (see lexer.h), and what the cell front end
 * answers from tokens alone: normalised text and identifiers (is_complete.c
 * reads completeness from them). */
#include "frontend/cell.h"
#include "frontend/lexer.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static void push_tok(lexer *lx, tok_kind k, const char *p, int len, int line)
{
    if (lx->n == lx->cap) {
        lx->cap = lx->cap ? 2 * lx->cap : 64;
        lx->t = xrealloc(lx->t, (size_t)lx->cap * sizeof *lx->t);
    }
    lx->t[lx->n++] = (tok){k, p, len, line};
}

static const char *const puncts3[] = {"<<=", ">>=", "...", NULL};
static const char *const puncts2[] = {
    "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
    "+=", "-=", "*=", "/=", "%=", "&=", "^=", "|=", "##", NULL};

/* Skip a comment starting at p (which points at '/'); returns the end, counts
 * newlines into *line, sets *open when the comment does not end. */
static const char *skip_comment(const char *p, int *line, int *open)
{
    if (p[1] == '/') {
        while (*p && *p != '\n')
            p++;
        return p;
    }
    p += 2;
    while (*p && !(p[0] == '*' && p[1] == '/')) {
        if (*p == '\n')
            (*line)++;
        p++;
    }
    if (!*p) {
        *open = 1;
        return p;
    }
    return p + 2;
}

static const char *skip_quoted(const char *p, int *open)
{
    char q = *p++;
    while (*p && *p != q && *p != '\n') {
        if (*p == '\\' && p[1])
            p++;
        p++;
    }
    if (*p != q) {
        *open = 1;
        return p;
    }
    return p + 1;
}

void tokenize(const char *src, lexer *lx)
{
    memset(lx, 0, sizeof *lx);
    const char *p = src;
    int line = 1;
    int at_line_start = 1;
    while (*p) {
        if (*p == '\n') {
            line++;
            p++;
            at_line_start = 1;
            continue;
        }
        if (isspace((unsigned char)*p)) {
            p++;
            continue;
        }
        if (p[0] == '\\' && p[1] == '\n') {
            p += 2;
            line++;
            continue;
        }
        if (p[0] == '/' && (p[1] == '/' || p[1] == '*')) {
            p = skip_comment(p, &line, &lx->open_comment);
            continue;
        }
        const char *s = p;
        int l0 = line;
        if (*p == '#' && at_line_start) {
            /* A directive runs to the end of the line, with continuations. */
            while (*p && *p != '\n') {
                if (p[0] == '\\' && p[1] == '\n') {
                    p += 2;
                    line++;
                } else if (p[0] == '/' && p[1] == '*') {
                    p = skip_comment(p, &line, &lx->open_comment);
                } else if (p[0] == '/' && p[1] == '/') {
                    while (*p && *p != '\n')
                        p++;
                } else if (*p == '"' || *p == '\'') {
                    int dummy = 0;
                    p = skip_quoted(p, &dummy);
                } else {
                    p++;
                }
            }
            const char *e = p;
            while (e > s && isspace((unsigned char)e[-1]))
                e--;
            push_tok(lx, T_DIRECTIVE, s, (int)(e - s), l0);
            continue;
        }
        at_line_start = 0;
        if (isalpha((unsigned char)*p) || *p == '_' || *p == '$' || (unsigned char)*p >= 0x80) {
            while (ident_char(*p))
                p++;
            push_tok(lx, T_IDENT, s, (int)(p - s), l0);
        } else if (isdigit((unsigned char)*p) || (*p == '.' && isdigit((unsigned char)p[1]))) {
            while (isalnum((unsigned char)*p) || *p == '.' || *p == '_' ||
                   ((*p == '+' || *p == '-') && strchr("eEpP", p[-1])))
                p++;
            push_tok(lx, T_NUMBER, s, (int)(p - s), l0);
        } else if (*p == '"' || *p == '\'') {
            p = skip_quoted(p, &lx->open_string);
            push_tok(lx, *s == '"' ? T_STRING : T_CHAR, s, (int)(p - s), l0);
        } else {
            int len = 1;
            for (int i = 0; puncts3[i]; i++)
                if (!strncmp(p, puncts3[i], 3))
                    len = 3;
            if (len == 1)
                for (int i = 0; puncts2[i]; i++)
                    if (!strncmp(p, puncts2[i], 2))
                        len = 2;
            p += len;
            push_tok(lx, T_PUNCT, s, len, l0);
        }
    }
}

int tok_is(const tok *t, const char *s)
{
    return (int)strlen(s) == t->len && !memcmp(t->p, s, (size_t)t->len);
}

int tok_open(const tok *t) { return t->kind == T_PUNCT && t->len == 1 && strchr("({[", t->p[0]); }

int tok_close(const tok *t) { return t->kind == T_PUNCT && t->len == 1 && strchr(")}]", t->p[0]); }

/* Index after the bracket group that opens at i (or n if unbalanced). */
int tok_skip_group(const tok *t, int i, int n)
{
    int depth = 0;
    for (; i < n; i++) {
        if (tok_open(&t[i]))
            depth++;
        else if (tok_close(&t[i]) && --depth == 0)
            return i + 1;
    }
    return n;
}

/* ------------------------------------------------------------ joining */

/* A byte of a UTF-8 sequence (>= 0x80) is part of an identifier, as in
 * tcc: C99 allows universal characters in names ("double привет"). */
int ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '$' || (unsigned char)c >= 0x80;
}

int word_char(char c) { return isalnum((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80; }

const char *directive_word(const tok *t, size_t *len)
{
    const char *p = t->p + 1;
    while (*p == ' ' || *p == '\t')
        p++;
    const char *w = p;
    while (ident_char(*p))
        p++;
    *len = (size_t)(p - w);
    return w;
}

/* Does b end with a number (or a part of one, such as "1.")? */
static int ends_in_number(const text_buf *b)
{
    size_t i = b->len;
    while (i > 0 && (ident_char(b->data[i - 1]) || b->data[i - 1] == '.'))
        i--;
    return i < b->len && isdigit((unsigned char)b->data[i]);
}

/* Append token text with the spacing rules of cell_normalize. */
void tok_join(text_buf *b, const tok *t)
{
    if (t->kind == T_DIRECTIVE)
        return;
    if (b->len) {
        char prev = b->data[b->len - 1];
        char c = t->p[0];
        int space = 1;
        if (prev == '(' || prev == '[' || prev == '.' ||
            (prev == '>' && b->len >= 2 && b->data[b->len - 2] == '-'))
            space = 0;
        if (strchr(")],;[.", c) || (c == '(' && (ident_char(prev) || prev == ')' || prev == ']')))
            space = 0;
        if (c == '-' && t->len == 2 && t->p[1] == '>' && prev != '-')
            space = 0;
        if (prev == '*' && (ident_char(c) || c == '*' || c == '('))
            space = 0;
        if (c == '*' && prev == '(')
            space = 0;
        if ((c == '+' || c == '-') && t->len == 2 && t->p[1] == c && prev != c)
            space = 0;
        /* Joined text must split into the same tokens: "1 .x" is not "1.x". */
        if ((c == '.' || c == '+' || c == '-' || prev == '.' || t->kind == T_NUMBER) &&
            ends_in_number(b))
            space = 1;
        if (prev == '.' && t->kind == T_NUMBER)
            space = 1;
        if (prev == '#' && b->len == 1)
            space = 0;
        if (space)
            text_putn(b, " ", 1);
    }
    text_putn(b, t->p, (size_t)t->len);
}

char *tok_join_range(const tok *t, int a, int b, int skip)
{
    text_buf s = {0};
    for (int i = a; i < b; i++)
        if (i != skip)
            tok_join(&s, &t[i]);
    return text_take(&s);
}

char *cell_normalize(const char *text)
{
    lexer lx;
    tokenize(text, &lx);
    char *r = tok_join_range(lx.t, 0, lx.n, -1);
    free(lx.t);
    return r;
}

void cell_identifiers(const char *text, void (*fn)(void *ctx, const char *id, size_t len),
                      void *ctx)
{
    lexer lx;
    tokenize(text, &lx);
    for (int i = 0; i < lx.n; i++) {
        if (lx.t[i].kind == T_IDENT) {
            fn(ctx, lx.t[i].p, (size_t)lx.t[i].len);
        } else if (lx.t[i].kind == T_DIRECTIVE) {
            /* A directive's body (a macro's replacement) names things too;
             * skip its first word ("#define"). */
            const char *p = lx.t[i].p + 1, *end = lx.t[i].p + lx.t[i].len;
            while (p < end && (*p == ' ' || *p == '\t'))
                p++;
            while (p < end && ident_char(*p))
                p++;
            char *body = xstrndup(p, (size_t)(end - p));
            cell_identifiers(body, fn, ctx);
            free(body);
        }
    }
    free(lx.t);
}
