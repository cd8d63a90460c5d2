/* conditional.c: top-level conditional groups of a cell (see
 * cell_conditional_probe in cell.h). */
#include "frontend/cell.h"
#include "frontend/lexer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { COND_NONE, COND_IF, COND_ELSE, COND_ENDIF } cond_kind;

/* Is the directive token a conditional one? */
static cond_kind conditional(const tok *t)
{
    if (t->kind != T_DIRECTIVE)
        return COND_NONE;
    size_t n;
    const char *w = directive_word(t, &n);
#define WORD(s) (n == sizeof s - 1 && !strncmp(w, s, n))
    if (WORD("if") || WORD("ifdef") || WORD("ifndef"))
        return COND_IF;
    if (WORD("elif") || WORD("else"))
        return COND_ELSE;
    if (WORD("endif"))
        return COND_ENDIF;
#undef WORD
    return COND_NONE;
}

static int is_include(const tok *t)
{
    size_t n;
    const char *w = directive_word(t, &n);
    return n == 7 && !strncmp(w, "include", 7);
}

char *cell_conditional_probe(const char *code, int *nbranches)
{
    lexer lx;
    tokenize(code, &lx);
    text_buf b = {0};
    int k = 0, depth = 0;
    for (int i = 0; i < lx.n; i++) {
        const tok *t = &lx.t[i];
        if (t->kind != T_DIRECTIVE) {
            depth += tok_open(t) ? 1 : tok_close(t) && depth > 0 ? -1 : 0;
            continue;
        }
        /* A file included inside a body ("int main() { #include SELF }")
         * brings code, which has no place among directives alone. */
        if (depth > 0 && is_include(t))
            continue;
        char line[64];
        snprintf(line, sizeof line, "#line %d \"cell\"\n", t->line);
        text_put(&b, line);
        text_putn(&b, t->p, (size_t)t->len);
        text_put(&b, "\n");
        cond_kind ck = conditional(t);
        if (ck == COND_IF || ck == COND_ELSE) {
            snprintf(line, sizeof line, "char __seli_branch_%d = 1;\n", k++);
            text_put(&b, line);
        }
    }
    free(lx.t);
    *nbranches = k;
    if (!k) {
        free(b.data);
        return NULL;
    }
    return b.data;
}

char *cell_select_branches(const char *code, const int *taken, int nbranches)
{
    lexer lx;
    tokenize(code, &lx);
    char *r = xstrndup(code, strlen(code));
    int stack[64], sp = 0, k = 0;
    for (int i = 0; i < lx.n; i++) {
        const tok *t = &lx.t[i];
        cond_kind ck = conditional(t);
        int keep = 1;
        for (int m = 0; m < sp && m < 64; m++)
            keep &= stack[m];
        if (ck == COND_IF) {
            if (sp < 64)
                stack[sp] = k < nbranches && taken[k];
            sp++;
            k++;
        } else if (ck == COND_ELSE) {
            if (sp > 0 && sp <= 64)
                stack[sp - 1] = k < nbranches && taken[k];
            k++;
        } else if (ck == COND_ENDIF) {
            sp = sp > 0 ? sp - 1 : 0;
        }
        if (ck == COND_NONE && keep)
            continue;
        char *p = r + (t->p - code);
        for (int m = 0; m < t->len; m++)
            if (p[m] != '\n')
                p[m] = ' ';
    }
    free(lx.t);
    return r;
}
