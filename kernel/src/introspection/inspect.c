/* inspect.c: inspect_request: the documentation of the name at the cursor
 * (session_doc_for, session/docs.c). */
#include "frontend/lexer.h"
#include "session/session_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

char *session_inspect(session *s, const char *code, int cursor)
{
    if (!code)
        return NULL;
    int len = (int)strlen(code);
    if (cursor < 0)
        cursor = 0;
    if (cursor > len)
        cursor = len;
    int i = cursor;
    /* "seli_add(|" or "seli_add |": the name before. */
    if (!(i < len && word_char(code[i])) && !(i > 0 && word_char(code[i - 1])))
        while (i > 0 && (code[i - 1] == '(' || code[i - 1] == ' '))
            i--;
    int a = i, b = i;
    while (a > 0 && word_char(code[a - 1]))
        a--;
    while (b < len && word_char(code[b]))
        b++;
    if (a == b || isdigit((unsigned char)code[a]))
        return NULL;
    char *name = xstrndup(code + a, (size_t)(b - a));
    char *d = session_doc_for(s, name);
    free(name);
    return d;
}
