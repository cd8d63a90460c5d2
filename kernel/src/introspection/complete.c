/* complete.c: completions for complete_request.
 *
 * Candidates: the C keywords, every public libseli name (read from the
 * headers at start-up), the public names of the implicit libc headers,
 * every name that earlier cells declared, and the names that the cell being
 * written declares before the cursor and that are in scope there (visible.c):
 * its globals, and the locals and parameters of the blocks the cursor is in. */
#include "frontend/lexer.h"
#include "frontend/visible.h"
#include "session/session_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *const keywords[] = {
    "auto",          "break",    "case",     "char",     "const",     "continue",
    "default",       "do",       "double",   "else",     "enum",      "extern",
    "float",         "for",      "goto",     "if",       "inline",    "int",
    "long",          "register", "restrict", "return",   "short",     "signed",
    "sizeof",        "static",   "struct",   "switch",   "typedef",   "union",
    "unsigned",      "void",     "volatile", "while",    "_Alignas",  "_Alignof",
    "_Atomic",       "_Bool",    "_Complex", "_Generic", "_Noreturn", "_Static_assert",
    "_Thread_local", "NULL",     NULL};

typedef struct names {
    char **v;
    int n, cap;
} names;

static void add(names *l, const char *s, size_t n, const char *prefix, size_t plen)
{
    if (n < plen || strncmp(s, prefix, plen))
        return;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->v = xrealloc(l->v, (size_t)l->cap * sizeof *l->v);
    }
    l->v[l->n++] = xstrndup(s, n);
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int session_complete_name(session *s, const char *code, int cursor, char ***matches, int *start,
                          int *end)
{
    *matches = NULL;
    int len = code ? (int)strlen(code) : 0;
    if (cursor < 0 || cursor > len)
        cursor = len;
    int a = cursor;
    while (a > 0 && word_char(code[a - 1]))
        a--;
    *start = a;
    *end = cursor;
    size_t plen = (size_t)(cursor - a);
    if (plen == 0 || isdigit((unsigned char)code[a]))
        return 0;
    char *prefix = xstrndup(code + a, plen);
    names l = {0};
    for (int i = 0; keywords[i]; i++)
        add(&l, keywords[i], strlen(keywords[i]), prefix, plen);
    for (int i = 0; i < s->ndocs; i++)
        add(&l, s->docs[i].name, strlen(s->docs[i].name), prefix, plen);
    for (int i = 0; i < s->nheader_names; i++)
        add(&l, s->header_names[i], strlen(s->header_names[i]), prefix, plen);
    for (int i = 0; i < s->nsyms; i++)
        add(&l, s->syms[i].name, strlen(s->syms[i].name), prefix, plen);
    for (int i = 0; i < s->nentries; i++) {
        const entry *e = &s->entries[i];
        for (int k = 0; k < e->nnames; k++) {
            const char *n = e->names[k];
            if (n[0] == '#') {
                if (strncmp(n, "#include", 8) && !strchr(n, ' '))
                    add(&l, n + 1, strlen(n + 1), prefix, plen);
            } else if (!strchr(n, ' ') && strncmp(n, "__seli_", 7)) {
                add(&l, n, strlen(n), prefix, plen);
            }
        }
    }
    /* The cell itself, before the word being completed. */
    strlist local = {0};
    visible_names(code, (size_t)a, session_is_type, s, &local);
    for (int i = 0; i < local.n; i++)
        add(&l, local.v[i], strlen(local.v[i]), prefix, plen);
    strlist_free(&local);
    free(prefix);
    if (l.n > 0) /* qsort must not get NULL, even for no element */
        qsort(l.v, (size_t)l.n, sizeof *l.v, cmp);
    int n = 0;
    for (int i = 0; i < l.n; i++) {
        if (n && !strcmp(l.v[n - 1], l.v[i])) {
            free(l.v[i]);
            continue;
        }
        l.v[n++] = l.v[i];
    }
    *matches = l.v;
    return n;
}
