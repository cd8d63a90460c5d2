/* emit.c: the program's text.
 *
 *   a comment that says how to build and run it
 *   the includes the session has implicitly, and what the timing magics need
 *   the directives and types of every cell, in cell order
 *   a prototype for every function, so that any code may call any of them
 *   the cells' global variables
 *   the helpers of the timing magics, then the cells' functions
 *   main: each cell's steps in a block of its own, after a comment that
 *     holds the markdown before the cell and "cell N"
 *
 * With lines (the check, check.c), every piece is preceded by #line with
 * the cell's name and line, and the pieces whose form is not decided yet
 * (a trailing expression that may be void, an initialiser that may not be
 * constant) by #line with a marker name instead. */
#include "export/export_internal.h"

#include "frontend/lexer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct writer {
    text_buf b;
    const program *p;
    int lines;
    int last_cell; /* the cell of the last record written, for its comment */
} writer;

/* text, each line after indent. */
static void put_indented(text_buf *b, const char *text, const char *indent)
{
    for (const char *q = text; *q;) {
        const char *eol = strchr(q, '\n');
        size_t n = eol ? (size_t)(eol - q) : strlen(q);
        if (n)
            text_put(b, indent);
        text_putn(b, q, n);
        text_put(b, "\n");
        q = eol ? eol + 1 : q + n;
    }
}

static void line_mark(writer *w, int cell, int line)
{
    if (w->lines)
        text_printf(&w->b, "#line %d \"cell %d\"\n", line, cell);
}

/* "cell N" above the first record written at cell c (N is c: where the
 * record stands, though its text may come from a later cell). */
static void record_head(writer *w, const record *r, int c)
{
    if (!w->lines && c != w->last_cell)
        text_printf(&w->b, "\n/* cell %d */\n", c);
    w->last_cell = c;
    line_mark(w, r->cell, r->line);
}

/* The markdown as a comment ("*" and "/" kept apart). */
static void markdown_comment(text_buf *b, const char *md)
{
    text_put(b, "\n    /*\n");
    for (const char *q = md; *q;) {
        const char *eol = strchr(q, '\n');
        size_t n = eol ? (size_t)(eol - q) : strlen(q);
        while (n && (q[n - 1] == ' ' || q[n - 1] == '\r'))
            n--;
        text_put(b, n ? "     * " : "     *");
        for (size_t i = 0; i < n; i++) {
            text_putn(b, q + i, 1);
            if (q[i] == '*' && i + 1 < n && q[i + 1] == '/')
                text_put(b, " ");
        }
        text_put(b, "\n");
        q = eol ? eol + 1 : q + strlen(q);
    }
    text_put(b, "     */\n");
}

static void emit_head(writer *w, const char *name, const char *stem)
{
    const program *p = w->p;
    text_buf *b = &w->b;
    text_printf(b,
                "/* %s.c: the notebook %s as a C program, written by seli-kernel export.\n"
                " *\n"
                " * Build and run it against the installed libseli:\n"
                " *   gcc -O2 -Wall %s.c $(pkg-config --cflags --libs seli)",
                stem, name, stem);
    for (int i = 0; i < p->links.n; i++)
        text_printf(b, strchr(p->links.v[i], '/') ? " %s" : " -l%s", p->links.v[i]);
    text_printf(b,
                " -o %s\n"
                " *   ./%s\n"
                " * Its figures go to %s-fig-N.svg.  \"cell N\" is the notebook's N-th code "
                "cell;\n"
                " * each cell's statements run in main, in a block of their own. */\n"
                "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n#include "
                "<math.h>\n#include <seli.h>\n",
                stem, stem, stem);
    if (p->timing)
        text_put(b, "#include <sys/resource.h>\n#include <time.h>\n");
}

/* A global variable, with its initialiser when that is written at file
 * scope (under a marker for the check: it may not be constant). */
static void emit_variable(writer *w, const record *r, int i)
{
    text_buf *b = &w->b;
    text_put(b, r->text);
    if (r->file_init && r->init) {
        text_put(b, " =");
        if (w->lines)
            text_printf(b, "\n#line 1 \"__seli_init_%d\"\n", i);
        else
            text_put(b, " ");
        text_put(b, r->init);
    }
    text_put(b, ";\n");
}

/* The file-scope text of cell c: what it defined first (a function that a
 * later cell defines again is only declared here), then the functions whose
 * last definition it holds. */
static void emit_cell_records(writer *w, int c)
{
    const program *p = w->p;
    text_buf *b = &w->b;
    for (int i = 0; i < p->nrecs; i++) {
        const record *r = &p->recs[i];
        if (r->dead || r->first != c || (r->kind == ITEM_FUNCTION && r->cell == c))
            continue;
        record_head(w, r, c);
        if (r->kind == ITEM_VARIABLE)
            emit_variable(w, r, i);
        else
            text_put(b, r->kind == ITEM_FUNCTION ? r->proto : r->text);
        text_put(b, r->kind == ITEM_VARIABLE ? "" : "\n");
    }
    for (int i = 0; i < p->nrecs; i++) {
        const record *r = &p->recs[i];
        if (!r->dead && r->kind == ITEM_FUNCTION && r->cell == c) {
            record_head(w, r, c);
            text_put(b, r->text);
            text_put(b, "\n");
        }
    }
}

/* Every cell's directives, types, declarations, variables and functions,
 * in cell order, as the session saw them. */
static void emit_records(writer *w)
{
    const program *p = w->p;
    text_buf *b = &w->b;
    if (p->timing) {
        text_put(b, "\n");
        text_put(b, magic_timing_common);
        if (p->timing & TIMING_TIME)
            text_put(b, magic_timing_time);
        if (p->timing & TIMING_TIMEIT)
            text_put(b, magic_timing_timeit);
    }
    w->last_cell = 0;
    for (int c = 1; c <= p->ncells; c++)
        emit_cell_records(w, c);
}

/* Main replays the macros that a cell defines again (or undefines), so
 * that each cell's statements see the value they saw in the notebook:
 * first their first definition, then each later one before its cell. */
static void emit_macro_start(writer *w)
{
    const program *p = w->p;
    for (int i = 0; i < p->nrecs; i++) {
        const record *r = &p->recs[i];
        if (r->dead || r->kind != ITEM_DIRECTIVE || r->redef || r->nnames != 1)
            continue;
        int again = 0;
        for (int k = i + 1; k < p->nrecs && !again; k++)
            again = p->recs[k].redef && !strcmp(p->recs[k].names[0], r->names[0]);
        if (again) {
            line_mark(w, r->first, r->line);
            text_printf(&w->b, "#undef %s\n%s\n", r->names[0] + 1, r->text);
        }
    }
}

static void emit_macro_changes(writer *w, int c)
{
    const program *p = w->p;
    for (int i = 0; i < p->nrecs; i++) {
        const record *r = &p->recs[i];
        if (!r->dead && r->redef && r->first == c) {
            line_mark(w, r->first, r->line);
            text_printf(&w->b, "%s\n", r->text);
        }
    }
}

/* A variable's initialiser (or zero) stored when its cell runs. */
static void emit_init(writer *w, const step *st)
{
    text_buf *b = &w->b;
    if (st->rec >= 0 && w->p->recs[st->rec].file_init)
        return;
    if (!st->init) {
        if (st->again)
            text_printf(b, "memset((void *)&%s, 0, sizeof %s);\n", st->name, st->name);
        return;
    }
    char *n = cell_normalize(st->decl);
    int plain =
        !strchr(n, '[') && !strstr(n, "const ") && st->init[strspn(st->init, " \t\n")] != '{';
    free(n);
    if (plain) {
        text_printf(b, "%s = ", st->name);
        text_put(b, st->init);
        text_put(b, ";\n");
    } else {
        text_printf(b, "{\n    __typeof__(%s) init__%s = ", st->name, st->name);
        text_put(b, st->init);
        text_printf(b, ";\n    memcpy((void *)&%s, &init__%s, sizeof %s);\n}\n", st->name, st->name,
                    st->name);
    }
}

/* Has the expression a comma outside brackets? */
static int top_level_comma(const char *e)
{
    lexer lx;
    tokenize(e, &lx);
    int depth = 0, comma = 0;
    for (int i = 0; i < lx.n && !comma; i++) {
        depth += tok_open(&lx.t[i]) - tok_close(&lx.t[i]);
        comma = depth == 0 && tok_is(&lx.t[i], ",");
    }
    free(lx.t);
    return comma;
}

static void emit_step(writer *w, const xcell *c, int k)
{
    text_buf *out = &w->b;
    const step *st = &c->steps[k];
    const program *p = w->p;
    if (st->kind != STEP_NOTE)
        line_mark(w, c->number, st->line);
    switch (st->kind) {
    case STEP_CODE:
        text_put(out, st->text);
        text_put(out, "\n");
        break;
    case STEP_INIT:
        emit_init(w, st);
        break;
    case STEP_SHOW:
        if (st->shown && w->lines) { /* a void expression fails here, under the marker */
            text_printf(out, "#line 1 \"__seli_expr_%d_%d\"\n(void)sizeof(__typeof__(", c->number,
                        k);
            text_put(out, st->text);
            text_put(out, ") [1]);\n");
            line_mark(w, c->number, st->line);
        }
        if (st->shown) { /* a comma at the top needs its own parentheses in a macro argument */
            int comma = top_level_comma(st->text);
            text_put(out, comma ? "seli_show((" : "seli_show(");
            text_put(out, st->text);
            text_put(out, comma ? "));\n" : ");\n");
        } else {
            text_put(out, st->text);
            text_put(out, ";\n");
        }
        break;
    case STEP_MAIN: {
        const char *args = p->main_params ? "(main_argc, main_argv)" : "()";
        if (p->main_void)
            text_printf(out, "notebook_main%s;\n", args);
        else
            text_printf(out,
                        "{\n    int status = notebook_main%s;\n    if (status != 0)\n"
                        "        printf(\"main returned %%d\\n\", status);\n}\n",
                        args);
        break;
    }
    case STEP_NOTE:
        text_printf(out, "/* %s */\n", st->text);
        break;
    }
}

/* Does any cell call the notebook's main with arguments? */
static int needs_argv(const program *p)
{
    for (int c = 0; c < p->ncells; c++)
        for (int k = 0; k < p->cells[c].nsteps; k++)
            if (p->cells[c].steps[k].kind == STEP_MAIN && p->main_params)
                return 1;
    return 0;
}

static void emit_main(writer *w, const char *stem)
{
    const program *p = w->p;
    text_buf *b = &w->b;
    int args = needs_argv(p) || p->uses_args;
    text_put(b, "\nint main(");
    text_put(b, args ? "int argc, char **argv)\n{\n" : "void)\n{\n");
    if (args)
        text_put(b, "    int main_argc = argc; /* what the notebook's main receives */\n"
                    "    char **main_argv = argv;\n");
    text_put(b, "    seli_set_figure_prefix(");
    text_printf(b, "\"");
    for (const char *q = stem; *q; q++)
        text_printf(b, *q == '"' || *q == '\\' ? "\\%c" : "%c", *q);
    text_put(b, "-fig\");\n");
    emit_macro_start(w);
    for (int c = 0; c < p->ncells; c++) {
        const xcell *cell = &p->cells[c];
        emit_macro_changes(w, cell->number);
        if (cell->markdown && !w->lines)
            markdown_comment(b, cell->markdown);
        if (!cell->nsteps) {
            if (!w->lines)
                text_printf(b, "%s    /* cell %d: definitions only (above) */\n",
                            cell->markdown ? "" : "\n", cell->number);
            continue;
        }
        if (!w->lines)
            text_printf(b, "%s    /* cell %d */\n", cell->markdown ? "" : "\n", cell->number);
        writer sub = {{0}, p, w->lines, 0};
        for (int k = 0; k < cell->nsteps; k++)
            emit_step(&sub, cell, k);
        text_put(b, "    {\n");
        if (sub.b.data)
            put_indented(b, sub.b.data, "        ");
        text_put(b, "    }\n");
        free(sub.b.data);
    }
    text_put(b, "    return 0;\n}\n");
}

char *emit_program(const program *p, const char *name, const char *stem, int lines)
{
    writer w = {{0}, p, lines, 0};
    emit_head(&w, name, stem);
    emit_records(&w);
    emit_main(&w, stem);
    return text_take(&w.b);
}
