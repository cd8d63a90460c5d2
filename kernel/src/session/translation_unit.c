/* translation_unit.c: the translation unit of a cell.
 *
 * The front end (cell.c) splits the cell into items; the unit is
 *
 *   the implicit headers (flattened once at start-up, see headers.c), only
 *     the declarations that the rest of the unit names (prelude.c)
 *   the preamble: every directive, type, prototype and extern declaration
 *     of earlier cells, in the order they were defined
 *   the cell's items in source order: file-scope items as they are; each
 *     run of statements becomes a static function; a variable becomes a
 *     global definition plus a statement that initialises it at run time
 *   __seli_cell_main, which calls the statement functions in order.
 *
 * `#line` directives keep diagnostics on the cell's own lines.  The unit is
 * compiled by libtcc against the symbols of earlier cells (session.c). */
#include "session/session_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_zero_init(const char *init)
{
    char *n = cell_normalize(init);
    int z = !strcmp(n, "{0}") || !strcmp(n, "{}") || !strcmp(n, "{ 0 }") || !strcmp(n, "{ }");
    free(n);
    return z;
}

static void line_mark(sbuf *b, int line) { sb_printf(b, "\n#line %d \"cell\"\n", line); }

/* Append the declaration text (ending with ';') of name.  A variable of an
 * earlier cell is declared hidden: addressed directly, not through the GOT
 * (see jit_near). */
static void declare(sbuf *b, session *s, const plan *p, const char *text, const char *name)
{
    size_t n = strlen(text);
    const symbol *sym = sl_has(&p->replaced, name) ? NULL : session_symbol(s, name);
    if (sym && !sym->function && jit_near(sym->addr) && n && text[n - 1] == ';') {
        sb_add(b, text, n - 1);
        sb_str(b, " __attribute((__visibility__(\"hidden\")));");
    } else {
        sb_str(b, text);
    }
}

/* Build the translation unit, showing the trailing expression by expr_mode. */
char *unit_build(session *s, const cell *c, const plan *p, int expr_mode, int whole_headers)
{
    sbuf b = {0};
    sb_str(&b, "\n#line 1 \"<seli>\"\n");
    sb_str(&b, runtime_decls);
    sb_str(&b, "#line 1 \"<session>\"\n");
    for (int i = 0; i < s->nentries; i++) {
        const entry *e = &s->entries[i];
        if (p->excluded[i])
            continue;
        if (e->kind == ITEM_VARIABLE || e->kind == ITEM_DECLARATION)
            declare(&b, s, p, e->text, e->names[0]);
        else
            sb_str(&b, e->text);
        sb_str(&b, "\n");
    }
    int nseg = 0, open = 0;
#define OPEN_SEG()                                                                                 \
    do {                                                                                           \
        if (!open) {                                                                               \
            sb_printf(&b, "\n#line 1 \"<seli>\"\nstatic void __seli_seg_%d(void) {", ++nseg);      \
            open = 1;                                                                              \
        }                                                                                          \
    } while (0)
#define CLOSE_SEG()                                                                                \
    do {                                                                                           \
        if (open) {                                                                                \
            sb_str(&b, "\n}\n");                                                                   \
            open = 0;                                                                              \
        }                                                                                          \
    } while (0)
    for (int i = 0; i < c->nitems; i++) {
        const cell_item *it = &c->items[i];
        switch (it->kind) {
        case ITEM_DIRECTIVE:
        case ITEM_TYPE:
            if (p->noop[i])
                break;
            CLOSE_SEG();
            line_mark(&b, it->line);
            sb_str(&b, it->text);
            sb_str(&b, "\n");
            break;
        case ITEM_DECLARATION:
            if (p->noop[i])
                break;
            CLOSE_SEG();
            line_mark(&b, it->line);
            declare(&b, s, p, it->text, it->names[0]);
            sb_str(&b, "\n");
            break;
        case ITEM_FUNCTION:
            CLOSE_SEG();
            line_mark(&b, it->line);
            if (p->tramp[i]) {
                /* Calls go through the trampoline (even in this cell), the
                 * body is compiled under another name. */
                sb_str(&b, it->proto);
                line_mark(&b, it->line);
                sb_add(&b, it->text, (size_t)it->name_off);
                sb_str(&b, IMPL_PREFIX);
                sb_str(&b, it->text + it->name_off);
            } else {
                sb_str(&b, it->text);
            }
            sb_str(&b, "\n");
            break;
        case ITEM_VARIABLE: {
            const char *name = it->names[0];
            if (!p->reuse[i]) {
                CLOSE_SEG();
                line_mark(&b, it->line);
                sb_str(&b, it->decl);
                if (it->unsized && it->init) {
                    sb_str(&b, " = ");
                    line_mark(&b, it->init_line);
                    sb_str(&b, it->init);
                }
                sb_str(&b, ";\n");
            }
            if (it->unsized)
                break;
            if (it->init && !is_zero_init(it->init)) {
                OPEN_SEG();
                line_mark(&b, it->init_line);
                sb_printf(&b, "{ __typeof__(%s) __seli_v = ", name);
                sb_str(&b, it->init);
                sb_printf(&b, "; __seli_copy((void *)&%s, (void *)&__seli_v, sizeof %s); }\n", name,
                          name);
            } else if (p->reuse[i]) {
                OPEN_SEG();
                sb_printf(&b, "__seli_zero((void *)&%s, sizeof %s);\n", name, name);
            }
            break;
        }
        case ITEM_STATEMENT:
            OPEN_SEG();
            line_mark(&b, it->line);
            sb_str(&b, it->text);
            sb_str(&b, "\n");
            break;
        case ITEM_EXPRESSION:
            OPEN_SEG();
            line_mark(&b, it->line);
            if (expr_mode == EXPR_STATEMENT) {
                sb_str(&b, it->text);
                sb_str(&b, ";\n");
                break;
            }
            /* A void expression or a function is an error here. */
            sb_str(&b, "(void)sizeof(__typeof__(");
            sb_str(&b, it->text);
            sb_str(&b, ") [1]);");
            line_mark(&b, it->line);
            if (expr_mode == EXPR_KNOWN) {
                /* Fails (under a file name that says why) when seli_show
                 * does not know the type.  Not _Static_assert: tcc leaks
                 * when one fails. */
                sb_str(&b, "\n#line 1 \"" UNKNOWN_TYPE "\"\n(void)sizeof(char[seli_show_known((");
                sb_str(&b, it->text);
                sb_str(&b, ")) ? 1 : -1]);");
                line_mark(&b, it->line);
            }
            if (expr_mode == EXPR_POINTER) {
                sb_str(&b, "__seli_result_begin(); seli_show_pointer((const void *)(");
                sb_str(&b, it->text);
                sb_str(&b, ")); __seli_result_end();\n");
            } else {
                sb_str(&b, "__seli_result_begin(); seli_show((");
                sb_str(&b, it->text);
                sb_str(&b, ")); __seli_result_end();\n");
            }
            break;
        }
    }
    CLOSE_SEG();
#undef OPEN_SEG
#undef CLOSE_SEG
    for (int i = 0; i < c->nitems; i++)
        if (p->stub[i])
            sb_printf(&b,
                      "\n#line 1 \"<seli>\"\nvoid " STUB_PREFIX
                      "%d(void) { __seli_undefined(\"%s\"); }\n",
                      i, c->items[i].names[0]);
    sb_str(&b, "\n#line 1 \"<seli>\"\nvoid __seli_cell_main(void) {");
    for (int k = 1; k <= nseg; k++)
        sb_printf(&b, " __seli_seg_%d();", k);
    sb_str(&b, " }\n");
    sbuf unit = {0};
    headers_emit(s, b.s, whole_headers, &unit);
    free(b.s);
    return unit.s;
}

void headers_emit(const session *s, const char *rest, int whole, sbuf *out)
{
    if (s->prelude && !whole)
        prelude_emit(s->prelude, rest, out);
    else
        sb_str(out, s->headers);
    sb_str(out, rest);
}

char *unit_probe(const session *s, const char *probe)
{
    sbuf b = {0};
    sb_str(&b, "\n#line 1 \"<session>\"\n");
    for (int i = 0; i < s->nentries; i++)
        if (s->entries[i].kind == ITEM_DIRECTIVE) {
            sb_str(&b, s->entries[i].text);
            sb_str(&b, "\n");
        }
    sb_str(&b, probe);
    sbuf unit = {0};
    headers_emit(s, b.s, 0, &unit);
    free(b.s);
    return sb_take(&unit);
}
