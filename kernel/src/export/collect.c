/* collect.c: a notebook's code cells, split by the session's front end
 * into the program's file-scope records and the steps each cell runs in
 * main.
 *
 * A definition replaces the earlier one of the same kind and name in place
 * (directives, types, prototypes), or, for functions and variables, takes
 * its place: the program keeps the last definition of every name, as the
 * session does after the last run of the notebook.  A variable of a cell
 * is a global, declared at file scope; its initialiser is stored by a step
 * of its cell, as the session stores it when the cell runs, except for a
 * variable defined once whose initialiser is constant (check.c decides),
 * which keeps it at file scope. */
#include "export/export_internal.h"

#include "frontend/lexer.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void program_fail(program *p, const char *format, ...)
{
    if (p->error)
        return;
    char msg[4096];
    va_list ap;
    va_start(ap, format);
    vsnprintf(msg, sizeof msg, format, ap);
    va_end(ap);
    p->error = xstrdup(msg);
}

/* Records replace records of their own class: directives, types,
 * declarations, and definitions (a function or a variable). */
static int kind_class(cell_item_kind k)
{
    return k == ITEM_DIRECTIVE ? 0 : k == ITEM_TYPE ? 1 : k == ITEM_DECLARATION ? 2 : 3;
}

static int shares_key(char *const *a, int na, char *const *b, int nb)
{
    for (int i = 0; i < na; i++)
        for (int j = 0; j < nb; j++)
            if (!strcmp(a[i], b[j]))
                return 1;
    return 0;
}

static char **copy_names(char *const *names, int n)
{
    char **v = n ? xrealloc(NULL, (size_t)n * sizeof *v) : NULL;
    for (int i = 0; i < n; i++)
        v[i] = xstrdup(names[i]);
    return v;
}

static void record_clear(record *r)
{
    free(r->text);
    free(r->proto);
    free(r->init);
    strings_free(r->names, r->nnames);
}

/* The record that item (kind, names) replaces, or a new one; returns its index. */
static int record_for(program *p, cell_item_kind kind, char *const *names, int nnames)
{
    int found = -1;
    for (int i = 0; i < p->nrecs && nnames; i++) {
        record *r = &p->recs[i];
        if (r->dead || kind_class(r->kind) != kind_class(kind) ||
            !shares_key(r->names, r->nnames, names, nnames))
            continue;
        if (found < 0) {
            found = i;
        } else { /* a definition that replaces two (an enum's constants): one is enough */
            record_clear(r);
            memset(r, 0, sizeof *r);
            r->dead = 1;
        }
    }
    if (found >= 0) {
        int first = p->recs[found].first;
        record_clear(&p->recs[found]);
        memset(&p->recs[found], 0, sizeof p->recs[found]);
        p->recs[found].first = first;
        return found;
    }
    array_grow(&p->recs, p->nrecs, sizeof *p->recs);
    memset(&p->recs[p->nrecs], 0, sizeof p->recs[p->nrecs]);
    p->recs[p->nrecs].first = p->ncells; /* the cell being collected */
    return p->nrecs++;
}

void collect_record(program *p, cell_item_kind kind, int cell, int line, const char *text,
                    const char *proto, const char *name)
{
    char *names[1] = {(char *)name};
    int i = record_for(p, kind, names, name ? 1 : 0);
    record *r = &p->recs[i];
    r->kind = kind;
    r->cell = cell;
    r->line = line;
    r->text = xstrdup(text);
    r->proto = proto ? xstrdup(proto) : NULL;
    r->names = copy_names(names, name ? 1 : 0);
    r->nnames = name ? 1 : 0;
}

/* The session's preamble mirrors the records' directives and types, so
 * that later cells are split (typedef names) and probed (#if) as the
 * kernel would split them. */
static void mirror_entry(session *s, const cell_item *it)
{
    int at = -1;
    for (int i = 0; i < s->nentries && at < 0; i++)
        if (s->entries[i].kind == it->kind &&
            shares_key(s->entries[i].names, s->entries[i].nnames, it->names, it->nnames))
            at = i;
    if (at < 0) {
        array_grow(&s->entries, s->nentries, sizeof *s->entries);
        at = s->nentries++;
    } else {
        entry_free(&s->entries[at]);
    }
    entry *e = &s->entries[at];
    e->kind = it->kind;
    e->text = xstrdup(it->text);
    e->names = copy_names(it->names, it->nnames);
    e->nnames = it->nnames;
    e->first_typedef = it->first_typedef;
}

void collect_step(xcell *cur, step_kind kind, int line, const char *text)
{
    array_grow(&cur->steps, cur->nsteps, sizeof *cur->steps);
    step *st = &cur->steps[cur->nsteps++];
    memset(st, 0, sizeof *st);
    st->kind = kind;
    st->line = line;
    st->text = text ? xstrdup(text) : NULL;
    st->shown = 1;
    st->rec = -1;
}

/* text with its first identifier "main" renamed notebook_main (malloc'd). */
static char *rename_main(const char *text)
{
    lexer lx;
    tokenize(text, &lx);
    text_buf b = {0};
    text_put(&b, "");
    const char *rest = text;
    for (int i = 0; i < lx.n; i++)
        if (lx.t[i].kind == T_IDENT && lx.t[i].len == 4 && !memcmp(lx.t[i].p, "main", 4)) {
            text_putn(&b, text, (size_t)(lx.t[i].p - text));
            text_put(&b, "notebook_main");
            rest = lx.t[i].p + 4;
            break;
        }
    text_put(&b, rest);
    free(lx.t);
    return text_take(&b);
}

static int is_main_call(const cell_item *it)
{
    char *n = cell_normalize(it->text);
    int yes = !strcmp(n, "main();") || !strcmp(n, "main()");
    free(n);
    return yes;
}

static void add_main(program *p, int cell, const cell_item *it)
{
    char *marked = unused_params_marked(it->text, it->name_off);
    char *text = rename_main(marked), *proto = rename_main(it->proto);
    free(marked);
    collect_record(p, ITEM_FUNCTION, cell, it->line, text, proto, "notebook_main");
    char *n = cell_normalize(it->proto);
    p->main_void = !strncmp(n, "void ", 5) || !strncmp(n, "static void ", 12);
    p->main_params = !strstr(n, "main(void)") && !strstr(n, "main()");
    free(n);
    free(text);
    free(proto);
}

static int is_zero_init(const char *init)
{
    char *n = cell_normalize(init);
    int z = !strcmp(n, "{0}") || !strcmp(n, "{}") || !strcmp(n, "{ 0 }") || !strcmp(n, "{ }");
    free(n);
    return z;
}

/* A global: its declaration at file scope, and the step that stores its
 * initialiser when the cell runs. */
static void add_variable(program *p, xcell *cur, const cell_item *it)
{
    int before = 0;
    for (int i = 0; i < p->nrecs && !before; i++)
        before = !p->recs[i].dead && p->recs[i].kind == ITEM_VARIABLE &&
                 !strcmp(p->recs[i].names[0], it->names[0]);
    int r = record_for(p, ITEM_VARIABLE, it->names, 1);
    record *rec = &p->recs[r];
    rec->kind = ITEM_VARIABLE;
    rec->cell = cur->number;
    rec->line = it->line;
    rec->names = copy_names(it->names, 1);
    rec->nnames = 1;
    if (it->unsized && it->init) { /* its size comes from the initialiser */
        text_buf b = {0};
        text_printf(&b, "%s = %s", it->decl, it->init);
        rec->text = text_take(&b);
        return;
    }
    rec->text = xstrdup(it->decl);
    int zero = !it->init || is_zero_init(it->init);
    if (!before && !zero) { /* defined once so far: try its initialiser at file scope */
        rec->init = xstrdup(it->init);
        rec->init_line = it->init_line;
        rec->file_init = 1;
    }
    /* A variable defined again stores its initialiser at run time, in
     * every cell that defines it (earlier steps too: they name it). */
    for (int c = 0; before && c < p->ncells; c++)
        for (int k = 0; k < p->cells[c].nsteps; k++)
            if (p->cells[c].steps[k].kind == STEP_INIT && p->cells[c].steps[k].rec == r)
                p->cells[c].steps[k].rec = -1;
    if (zero && !before)
        return;
    collect_step(cur, STEP_INIT, zero ? it->line : it->init_line, NULL);
    step *st = &cur->steps[cur->nsteps - 1];
    st->name = xstrdup(it->names[0]);
    st->decl = xstrdup(it->decl);
    st->init = zero ? NULL : xstrdup(it->init);
    st->again = before;
    st->rec = before ? -1 : r;
}

/* text without the tag that the front end gives an anonymous struct, union
 * or enum ("enum __seli_anon_1f2e { A, B };" -> "enum { A, B };"). */
static char *without_anon_tag(const char *text)
{
    text_buf b = {0};
    text_put(&b, "");
    const char *q = text, *a;
    while ((a = strstr(q, " __seli_anon_"))) {
        text_putn(&b, q, (size_t)(a - q));
        q = a + 13;
        while (isxdigit((unsigned char)*q) || *q == '_')
            q++;
    }
    text_put(&b, q);
    return text_take(&b);
}

/* A macro's key: "#name" (an #include's key has a space). */
static int macro_key(const cell_item *it)
{
    return it->nnames == 1 && it->names[0][0] == '#' && !strchr(it->names[0], ' ');
}

/* Are the directives a and b the same, blanks aside? */
static int same_directive(const char *a, const char *b)
{
    for (;;) {
        while (isspace((unsigned char)*a) || *a == '\\')
            a++;
        while (isspace((unsigned char)*b) || *b == '\\')
            b++;
        if (*a != *b)
            return 0;
        if (!*a)
            return 1;
        a++;
        b++;
    }
}

/* A macro defined again, or undefined, after its first definition: a
 * record of its own at this cell, which main replays (see emit.c), so that
 * the code of every cell sees the value it saw in the notebook.  Nonzero
 * if it is one (or the same definition again, which changes nothing). */
static int macro_again(program *p, xcell *cur, const cell_item *it)
{
    if (!macro_key(it))
        return 0;
    int last = -1;
    for (int i = 0; i < p->nrecs; i++)
        if (!p->recs[i].dead && p->recs[i].kind == ITEM_DIRECTIVE && p->recs[i].nnames == 1 &&
            !strcmp(p->recs[i].names[0], it->names[0]))
            last = i;
    if (last < 0)
        return 0;
    const char *old = p->recs[last].text;
    if (p->recs[last].redef && !strncmp(old, "#undef ", 7) && strchr(old, '\n'))
        old = strchr(old, '\n') + 1; /* the "#undef" this export wrote before it */
    if (same_directive(old, it->text))
        return 1;
    array_grow(&p->recs, p->nrecs, sizeof *p->recs);
    record *r = &p->recs[p->nrecs++];
    memset(r, 0, sizeof *r);
    r->kind = ITEM_DIRECTIVE;
    r->first = r->cell = cur->number;
    r->line = it->line;
    r->redef = 1;
    text_buf t = {0};
    const char *w = it->text + 1;
    while (*w == ' ' || *w == '\t')
        w++;
    const char *lw = p->recs[last].text + 1; /* after an #undef, no #undef is needed */
    while (*lw == ' ' || *lw == '\t')
        lw++;
    if (!strncmp(w, "define", 6) && strncmp(lw, "undef", 5))
        text_printf(&t, "#undef %s\n", it->names[0] + 1);
    text_put(&t, it->text);
    r->text = text_take(&t);
    r->names = copy_names(it->names, 1);
    r->nnames = 1;
    return 1;
}

/* One item of a cell: a record, a step, or both. */
static void add_item(program *p, xcell *cur, const cell_item *it)
{
    switch (it->kind) {
    case ITEM_DIRECTIVE:
    case ITEM_TYPE:
    case ITEM_DECLARATION: {
        if (headers_implicit(it))
            return; /* the program includes them anyway */
        if (it->kind != ITEM_DECLARATION)
            mirror_entry(p->s, it);
        if (it->kind == ITEM_DIRECTIVE && macro_again(p, cur, it))
            return;
        int i = record_for(p, it->kind, it->names, it->nnames);
        record *r = &p->recs[i];
        r->kind = it->kind;
        r->cell = cur->number;
        r->line = it->line;
        r->text = it->nnames && !strcmp(it->names[0], "main") ? rename_main(it->text)
                                                              : without_anon_tag(it->text);
        r->names = copy_names(it->names, it->nnames);
        r->nnames = it->nnames;
        return;
    }
    case ITEM_FUNCTION:
        if (!strcmp(it->names[0], "main"))
            add_main(p, cur->number, it);
        else {
            char *text = unused_params_marked(it->text, it->name_off);
            collect_record(p, ITEM_FUNCTION, cur->number, it->line, text, it->proto, it->names[0]);
            free(text);
        }
        return;
    case ITEM_VARIABLE:
        add_variable(p, cur, it);
        return;
    case ITEM_STATEMENT:
    case ITEM_EXPRESSION:
        if (is_main_call(it)) {
            collect_step(cur, STEP_MAIN, it->line, NULL);
        } else {
            collect_step(cur, it->kind == ITEM_STATEMENT ? STEP_CODE : STEP_SHOW, it->line,
                         it->text);
        }
        return;
    }
}

/* code without the branches of its #if groups that the preprocessor does
 * not take, given the directives of the cells before (as session.c
 * resolves them); NULL after an error. */
static char *resolve_conditionals(program *p, xcell *cur, const char *code)
{
    int n = 0;
    char *probe = cell_conditional_probe(code, &n);
    if (!probe)
        return xstrdup(code);
    char *src = unit_probe(p->s, probe);
    free(probe);
    strlist names = {0}, diags = {0};
    for (int k = 0; k < n; k++) {
        char name[64];
        snprintf(name, sizeof name, "__seli_branch_%d", k);
        strlist_add(&names, name);
    }
    void **addrs = xrealloc(NULL, (size_t)n * sizeof *addrs);
    char *selected = NULL;
    if (check_compile(p, src, (const char *const *)names.v, addrs, n, &diags) == 0) {
        int *taken = xrealloc(NULL, (size_t)n * sizeof *taken);
        for (int k = 0; k < n; k++)
            taken[k] = addrs[k] != NULL;
        selected = cell_select_branches(code, taken, n);
        free(taken);
    } else {
        char *m =
            check_message(diags.n ? diags.v[0] : "error: the #if does not compile", cur->number);
        program_fail(p, "%s", m);
        free(m);
    }
    free(src);
    free(addrs);
    strlist_free(&names);
    strlist_free(&diags);
    return selected;
}

void collect_code(program *p, xcell *cur, const char *code)
{
    const char *q = code;
    while (isspace((unsigned char)*q))
        q++;
    if (!*q || p->error)
        return;
    char *selected = resolve_conditionals(p, cur, code);
    if (!selected)
        return;
    cell c;
    cell_parse(selected, session_is_type, p->s, &c);
    if (headers_learn(p->s, &c)) {
        cell_free(&c);
        cell_parse(selected, session_is_type, p->s, &c);
    }
    if (c.page) {
        char note[300];
        snprintf(note, sizeof note, "?%.200s dropped: it pages documentation in the notebook",
                 c.page);
        collect_step(cur, STEP_NOTE, 1, note);
    }
    int defines_main = 0;
    for (int i = 0; i < c.nitems; i++) {
        add_item(p, cur, &c.items[i]);
        defines_main |= c.items[i].kind == ITEM_FUNCTION && !strcmp(c.items[i].names[0], "main");
    }
    if (defines_main) /* a cell that defines main runs it */
        collect_step(cur, STEP_MAIN, c.items[c.nitems - 1].line, NULL);
    cell_free(&c);
    free(selected);
}

/* Does the line at p start a magic: '%' (or "%%") and a letter, where the
 * lexer sees a token (not inside a comment or a string)? */
static int magic_line(const char *p, const lexer *lx)
{
    int token = 0;
    for (int i = 0; i < lx->n && !token; i++)
        token = lx->t[i].p == p;
    if (!token || p[0] != '%')
        return 0;
    return isalpha((unsigned char)p[p[1] == '%' ? 2 : 1]);
}

/* code[from..to) with every other line blank: the cell's line numbers stay. */
static char *part(const char *code, const char *from, const char *to)
{
    text_buf b = {0};
    text_put(&b, "");
    for (const char *q = code; q < from; q++)
        if (*q == '\n')
            text_put(&b, "\n");
    text_putn(&b, from, (size_t)(to - from));
    return text_take(&b);
}

void collect_cell(program *p, int number, const char *source, const char *markdown)
{
    array_grow(&p->cells, p->ncells, sizeof *p->cells);
    xcell *cur = &p->cells[p->ncells++];
    memset(cur, 0, sizeof *cur);
    cur->number = number;
    cur->markdown = markdown ? xstrdup(markdown) : NULL;
    lexer lx;
    tokenize(source, &lx);
    const char *first = source;
    while (*first == '\n')
        first++;
    if (first[0] == '%' && first[1] == '%' && magic_line(first, &lx)) { /* a cell magic */
        const char *eol = strchr(first, '\n');
        char *body = eol ? part(source, eol + 1, eol + 1 + strlen(eol + 1)) : xstrdup("");
        char *head = xstrndup(first, eol ? (size_t)(eol - first) : strlen(first));
        magic_to_program(p, cur, head, body, 1 + (int)(first - source));
        free(head);
        free(body);
        free(lx.t);
        return;
    }
    /* Line magics, in order with the C between them, as magic.c runs them. */
    const char *chunk = source;
    int line = 1;
    for (const char *q = source; q && !p->error; line++) {
        const char *eol = strchr(q, '\n');
        if (magic_line(q, &lx)) {
            char *c = part(source, chunk, q);
            collect_code(p, cur, c);
            free(c);
            char *head = xstrndup(q, eol ? (size_t)(eol - q) : strlen(q));
            if (!p->error)
                magic_to_program(p, cur, head, NULL, line);
            free(head);
            chunk = eol ? eol + 1 : q + strlen(q);
        }
        q = eol ? eol + 1 : NULL;
    }
    char *c = part(source, chunk, chunk + strlen(chunk));
    collect_code(p, cur, c);
    free(c);
    free(lx.t);
}

void program_free(program *p)
{
    for (int i = 0; i < p->nrecs; i++)
        record_clear(&p->recs[i]);
    free(p->recs);
    for (int c = 0; c < p->ncells; c++) {
        for (int k = 0; k < p->cells[c].nsteps; k++) {
            step *st = &p->cells[c].steps[k];
            free(st->text);
            free(st->name);
            free(st->decl);
            free(st->init);
        }
        free(p->cells[c].steps);
        free(p->cells[c].markdown);
    }
    free(p->cells);
    strlist_free(&p->links);
    free(p->error);
    memset(p, 0, sizeof *p);
}
