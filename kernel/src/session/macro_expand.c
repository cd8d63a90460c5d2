/* macro_expand.c: a cell whose top-level lines invoke macros of the
 * session, expanded before it is split (see cell_macro_probe). */
#include "session/session_internal.h"

#include <stdlib.h>
#include <string.h>

/* The kind (cell_macro_kind) of the macro name[0..len) that an earlier
 * cell defined, or 0. */
static int session_macro(void *ctx, const char *name, size_t len)
{
    const session *s = ctx;
    for (int i = 0; i < s->nentries; i++) {
        const entry *e = &s->entries[i];
        if (e->kind == ITEM_DIRECTIVE && e->nnames == 1 && e->names[0][0] == '#' &&
            strlen(e->names[0] + 1) == len && !memcmp(e->names[0] + 1, name, len))
            return cell_macro_kind(e->text, NULL, NULL);
    }
    return 0;
}

char *session_expand_macros(session *s, const char *code)
{
    int ncalls = 0;
    char *probe = cell_macro_probe(code, session_macro, s, &ncalls);
    if (!probe)
        return NULL;
    /* The session's macros, then the cell's and its invocations: nothing
     * is included, so the other names stay for the compiler. */
    text_buf b = {0};
    for (int i = 0; i < s->nentries; i++) {
        const entry *e = &s->entries[i];
        if (e->kind == ITEM_DIRECTIVE && e->nnames == 1 && e->names[0][0] == '#' &&
            strncmp(e->names[0], "#include", 8)) {
            text_put(&b, e->text);
            text_put(&b, "\n");
        }
    }
    text_put(&b, probe);
    free(probe);
    char *out = jit_preprocess(b.data, s->header_dir);
    free(b.data);
    char *expanded = out ? cell_macro_splice(code, session_macro, s, out) : NULL;
    free(out);
    return expanded;
}
