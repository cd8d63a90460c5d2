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
 *   __seli_cell_main, which runs the cell's constructors (cdtors.c), then
 *     calls the statement functions in order.
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

static void line_mark(text_buf *b, int line) { text_printf(b, "\n#line %d \"cell\"\n", line); }

/* Append the declaration text (ending with ';') of name.  A variable of an
 * earlier cell is declared hidden: addressed directly, not through the GOT
 * (see jit_near). */
static void declare(text_buf *b, session *s, const plan *p, const char *text, const char *name)
{
    size_t n = strlen(text);
    const symbol *sym = strlist_has(&p->replaced, name) ? NULL : session_symbol(s, name);
    if (sym && !sym->function && jit_near(sym->addr) && n && text[n - 1] == ';') {
        text_putn(b, text, n - 1);
        text_put(b, " __attribute((__visibility__(\"hidden\")));");
    } else {
        text_put(b, text);
    }
}

/* A unit being written: its text, and the run of statements (a static
 * function __seli_seg_N) that is open, if any. */
typedef struct unit {
    text_buf b;
    session *s;
    const plan *p;
    int nseg; /* statement functions so far */
    int open; /* one is open */
} unit;

/* Inside a function the unit names, __func__ (and tcc's __FUNCTION__)
 * say the user's name: an assert shows it (internal_names.c). */
static void func_name_begin(text_buf *b, const char *name)
{
    text_printf(b, "\n#define __func__ \"%s\"\n#define __FUNCTION__ \"%s\"\n", name, name);
}

static void func_name_end(text_buf *b) { text_put(b, "\n#undef __func__\n#undef __FUNCTION__\n"); }

/* File-scope text follows: close the statement function. */
static void file_scope(unit *u)
{
    if (u->open) {
        text_put(&u->b, "\n}\n");
        func_name_end(&u->b);
        u->open = 0;
    }
}

/* Statements follow: open a statement function unless one is open. */
static void statement_scope(unit *u)
{
    if (!u->open) {
        func_name_begin(&u->b, CELL_FUNCTION_NAME);
        text_printf(&u->b, "\n#line 1 \"<seli>\"\nstatic void __seli_seg_%d(void) {", ++u->nseg);
        u->open = 1;
    }
}

/* The runtime's declarations and the preamble of earlier cells, minus the
 * entries the cell replaces or hides. */
static void emit_preamble(unit *u)
{
    text_put(&u->b, "\n#line 1 \"<seli>\"\n");
    /* glibc's <sys/cdefs.h> defines __attribute__ away for a compiler that
     * is not GCC; tcc knows attributes (cleanup, constructor, aligned...),
     * and a cell's must work as in a program that does not include
     * <stdio.h>.  The implicit headers above are already read. */
    text_put(&u->b, "#undef __attribute__\n");
    text_put(&u->b, runtime_decls);
    text_put(&u->b, "#line 1 \"<session>\"\n");
    for (int i = 0; i < u->s->nentries; i++) {
        const entry *e = &u->s->entries[i];
        if (u->p->excluded[i])
            continue;
        if (e->kind == ITEM_VARIABLE || e->kind == ITEM_DECLARATION)
            declare(&u->b, u->s, u->p, e->text, e->names[0]);
        else
            text_put(&u->b, e->text);
        text_put(&u->b, "\n");
    }
}

/* A directive, a type or a declaration, at file scope. */
static void emit_file_scope_item(unit *u, const cell_item *it)
{
    file_scope(u);
    line_mark(&u->b, it->line);
    if (it->kind == ITEM_DECLARATION)
        declare(&u->b, u->s, u->p, it->text, it->names[0]);
    else
        text_put(&u->b, it->text);
    text_put(&u->b, "\n");
}

/* Is it main, returning int?  C99: reaching the end of main returns 0
 * (tcc knows it for "main", not for the name the body is compiled under). */
static int is_int_main(const cell_item *it)
{
    if (strcmp(it->names[0], "main") || !it->proto)
        return 0;
    char *n = cell_normalize(it->proto);
    int yes = !strncmp(n, "int main(", 9);
    free(n);
    return yes;
}

/* The function's text, with "return 0;" before the body's '}' for main. */
static void put_function_text(text_buf *b, const cell_item *it, size_t from)
{
    const char *text = it->text + from;
    const char *close = strrchr(text, '}');
    if (!is_int_main(it) || !close) {
        text_put(b, text);
        return;
    }
    text_putn(b, text, (size_t)(close - text));
    text_put(b, " return 0; ");
    text_put(b, close);
}

static void emit_function(unit *u, const cell_item *it, int through_trampoline)
{
    file_scope(u);
    line_mark(&u->b, it->line);
    if (through_trampoline) {
        /* Calls go through the trampoline (even in this cell), the body is
         * compiled under another name; __func__ still says the user's. */
        text_put(&u->b, it->proto);
        func_name_begin(&u->b, it->names[0]);
        line_mark(&u->b, it->line);
        text_putn(&u->b, it->text, (size_t)it->name_off);
        text_put(&u->b, IMPL_PREFIX);
        put_function_text(&u->b, it, (size_t)it->name_off);
        func_name_end(&u->b);
    } else {
        put_function_text(&u->b, it, 0);
    }
    text_put(&u->b, "\n");
}

/* A global: its definition (unless it keeps its storage), then the
 * statement that stores its initialiser (or zero, when it is kept). */
static void emit_variable(unit *u, const cell_item *it, int reuse)
{
    const char *name = it->names[0];
    if (!reuse) {
        file_scope(u);
        line_mark(&u->b, it->line);
        text_put(&u->b, it->decl);
        if (it->unsized && it->init) {
            text_put(&u->b, " = ");
            line_mark(&u->b, it->init_line);
            text_put(&u->b, it->init);
        }
        text_put(&u->b, ";\n");
        if (it->unsized && it->init)
            text_printf(&u->b,
                        "const unsigned long " COUNT_PREFIX "%s = sizeof %s / sizeof %s[0];\n",
                        name, name, name);
    }
    if (it->unsized)
        return;
    if (it->init && !is_zero_init(it->init)) {
        statement_scope(u);
        line_mark(&u->b, it->init_line);
        text_printf(&u->b, "{ __typeof__(%s) __seli_v = ", name);
        text_put(&u->b, it->init);
        text_printf(&u->b, "; __seli_copy((void *)&%s, (void *)&__seli_v, sizeof %s); }\n", name,
                    name);
    } else if (reuse) {
        statement_scope(u);
        text_printf(&u->b, "__seli_zero((void *)&%s, sizeof %s);\n", name, name);
    }
}

static void emit_statement(unit *u, const cell_item *it)
{
    statement_scope(u);
    line_mark(&u->b, it->line);
    text_put(&u->b, it->text);
    text_put(&u->b, "\n");
}

/* The trailing expression (item i of c), shown as expr_mode says. */
static void emit_expression(unit *u, const cell *c, int i, int expr_mode)
{
    const cell_item *it = &c->items[i];
    text_buf *b = &u->b;
    int by_type = expr_mode == EXPR_KNOWN || expr_mode == EXPR_FIELDS;
    if (by_type) {
        /* Arrays, and structs the session defines, are shown by their
         * elements (show.c); the functions that write fields only when the
         * value needs them. */
        file_scope(u);
        show_declare(b, u->s, c, i, u->p, expr_mode == EXPR_FIELDS);
    }
    statement_scope(u);
    line_mark(b, it->line);
    if (expr_mode == EXPR_STATEMENT) {
        text_put(b, it->text);
        text_put(b, ";\n");
        return;
    }
    /* A void expression or a function is an error here. */
    text_put(b, "(void)sizeof(__typeof__(");
    text_put(b, it->text);
    text_put(b, ") [1]);");
    line_mark(b, it->line);
    if (by_type)
        show_result(b, it->text, it->line, expr_mode == EXPR_FIELDS);
    else if (expr_mode == EXPR_POINTER) {
        text_put(b, "__seli_result_begin(); seli_show_pointer((const void *)(");
        text_put(b, it->text);
        text_put(b, ")); __seli_result_end();\n");
    } else {
        text_put(b, "__seli_result_begin(); seli_show((");
        text_put(b, it->text);
        text_put(b, ")); __seli_result_end();\n");
    }
}

static void emit_item(unit *u, const cell *c, int i, int expr_mode)
{
    const cell_item *it = &c->items[i];
    switch (it->kind) {
    case ITEM_DIRECTIVE:
    case ITEM_TYPE:
    case ITEM_DECLARATION:
        if (!u->p->noop[i])
            emit_file_scope_item(u, it);
        break;
    case ITEM_FUNCTION:
        emit_function(u, it, u->p->tramp[i] != NULL);
        break;
    case ITEM_VARIABLE:
        emit_variable(u, it, u->p->reuse[i]);
        break;
    case ITEM_STATEMENT:
        if (it->file_scope)
            emit_file_scope_item(u, it);
        else
            emit_statement(u, it);
        break;
    case ITEM_EXPRESSION:
        emit_expression(u, c, i, expr_mode);
        break;
    }
}

/* Does a function of c say "constructor" or "destructor" (an attribute)?
 * Its unit then hands its .init_array and .fini_array to cdtors.c. */
static int has_cdtors(const cell *c)
{
    for (int i = 0; i < c->nitems; i++)
        if (c->items[i].kind == ITEM_FUNCTION &&
            (strstr(c->items[i].text, "constructor") || strstr(c->items[i].text, "destructor")))
            return 1;
    return 0;
}

/* The stubs of declared, undefined functions, and __seli_cell_main, which
 * runs the constructors (cdtors.c) then the statement functions in order. */
static void emit_stubs_and_main(unit *u, const cell *c)
{
    for (int i = 0; i < c->nitems; i++)
        if (u->p->stub[i])
            text_printf(&u->b,
                        "\n#line 1 \"<seli>\"\nvoid " STUB_PREFIX
                        "%d(void) { __seli_undefined(\"%s\"); }\n",
                        i, c->items[i].names[0]);
    text_put(&u->b, "\n#line 1 \"<seli>\"\n");
    if (has_cdtors(c))
        text_put(&u->b, "extern void (*__init_array_start[])(void), (*__init_array_end[])(void),"
                        " (*__fini_array_start[])(void), (*__fini_array_end[])(void);\n");
    text_put(&u->b, "void __seli_cell_main(void) {");
    if (has_cdtors(c))
        text_put(&u->b, " __seli_cdtors(__init_array_start, __init_array_end, __fini_array_start,"
                        " __fini_array_end);");
    for (int k = 1; k <= u->nseg; k++)
        text_printf(&u->b, " __seli_seg_%d();", k);
    text_put(&u->b, " }\n");
}

/* Build the translation unit, showing the trailing expression by expr_mode. */
char *unit_build(session *s, const cell *c, const plan *p, int expr_mode, int whole_headers)
{
    unit u = {{0}, s, p, 0, 0};
    emit_preamble(&u);
    for (int i = 0; i < c->nitems; i++)
        emit_item(&u, c, i, expr_mode);
    file_scope(&u);
    emit_stubs_and_main(&u, c);
    text_buf whole = {0};
    headers_emit(s, u.b.data, whole_headers, &whole);
    free(u.b.data);
    return whole.data;
}

char *unit_probe(const session *s, const char *probe)
{
    text_buf b = {0};
    text_put(&b, "\n#line 1 \"<session>\"\n");
    for (int i = 0; i < s->nentries; i++)
        if (s->entries[i].kind == ITEM_DIRECTIVE) {
            text_put(&b, s->entries[i].text);
            text_put(&b, "\n");
        }
    text_put(&b, probe);
    text_buf whole = {0};
    headers_emit(s, b.data, 0, &whole);
    free(b.data);
    return text_take(&whole);
}
