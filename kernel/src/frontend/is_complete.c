/* is_complete.c: is a cell complete, or does the user go on typing?  (For
 * is_complete_request: see session_is_complete.) */
#include "frontend/cell.h"
#include "frontend/lexer.h"

#include <stdlib.h>
#include <string.h>

const char *cell_is_complete(const char *code, int *depth)
{
    lexer lx;
    tokenize(code, &lx);
    char stack[256];
    int sp = 0, invalid = 0;
    for (int i = 0; i < lx.n && !invalid; i++) {
        const tok *t = &lx.t[i];
        if (tok_open(t)) {
            if (sp < (int)sizeof stack)
                stack[sp] = t->p[0];
            sp++;
        } else if (tok_close(t)) {
            char want = t->p[0] == ')' ? '(' : t->p[0] == ']' ? '[' : '{';
            if (sp == 0 || (sp <= (int)sizeof stack && stack[sp - 1] != want))
                invalid = 1;
            else
                sp--;
        }
    }
    int open = lx.open_comment || lx.open_string;
    free(lx.t);
    *depth = sp;
    if (invalid)
        return "invalid";
    if (sp > 0 || open)
        return "incomplete";
    return "complete";
}

char *cell_indent(int depth)
{
    int n = 4 * (depth > 8 ? 8 : depth > 0 ? depth : 0);
    char *indent = malloc((size_t)n + 1);
    if (indent) {
        memset(indent, ' ', (size_t)n);
        indent[n] = 0;
    }
    return indent;
}
