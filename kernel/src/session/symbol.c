/* symbol.c: the functions and global variables that cells defined, by name
 * (see struct symbol in session_internal.h).  The other files of the session
 * look symbols up and set them here; this file calls none of them. */
#include "session/session_internal.h"

#include <stdlib.h>
#include <string.h>

symbol *session_symbol(session *s, const char *name)
{
    for (int i = 0; i < s->nsyms; i++)
        if (!strcmp(s->syms[i].name, name))
            return &s->syms[i];
    return NULL;
}

void symbol_set(session *s, const char *name, int function, void *addr, const char *sig,
                const char *decl)
{
    symbol *sym = session_symbol(s, name);
    if (!sym) {
        s->syms = xrealloc(s->syms, (size_t)(s->nsyms + 1) * sizeof *s->syms);
        sym = &s->syms[s->nsyms++];
        memset(sym, 0, sizeof *sym);
        sym->name = xstrdup(name);
    }
    free(sym->sig);
    free(sym->decl);
    sym->function = function;
    sym->addr = addr;
    sym->sig = xstrdup(sig);
    sym->decl = xstrdup(decl);
    sym->stub = 0;
}

/* Alike in shape to session_free_docs (docs.c), but other structs and fields:
 * boilerplate, no shared helper. */
void symbols_free(session *s)
{
    for (int i = 0; i < s->nsyms; i++) {
        free(s->syms[i].name);
        free(s->syms[i].sig);
        free(s->syms[i].decl);
    }
    free(s->syms);
    s->syms = NULL;
    s->nsyms = 0;
}
