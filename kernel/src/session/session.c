/* session.c: the persistent C session (see session.h): its life, and the
 * execution of a cell.
 *
 * A cell goes: conditional groups resolved (conditional.c) -> split into
 * items (cell.c) -> the plan of what it redefines (redefine.c) -> one
 * translation unit (translation_unit.c) -> compiled by libtcc against earlier cells
 * (jit.c) -> committed: the session changes only now -> run under the guard
 * (guard.c), calling into the kernel through runtime.c. */
#include "session/session_internal.h"

#include "runtime/guard.h"
#include "seli.h"
#include "session/traceback.h"
#include "util/clock.h"

#include <ctype.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where seli.h is when nothing says otherwise: the Makefile compiles in
 * the work tree's libseli/include, and `make install` the installed one. */
#ifndef SELI_HEADER_DIR
#define SELI_HEADER_DIR "libseli/include"
#endif

/* ------------------------------------------------------------ life */

const char *session_header_dir(void)
{
    const char *env = getenv("SELI_HEADER_DIR");
    return env && *env ? env : SELI_HEADER_DIR;
}

session *session_new(const char *header_dir)
{
    session *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->header_dir = xstrdup(header_dir ? header_dir : session_header_dir());
    s->book = traceback_book_new();
    /* tcc allocates and frees a few MB per cell; by default glibc gives them
     * back to the system and takes them again, page fault by page fault,
     * which doubled the compile time of a small cell (2.7 -> 1.1 ms). */
    mallopt(M_TOP_PAD, 16 << 20);
    mallopt(M_TRIM_THRESHOLD, 32 << 20);
    if (guard_init() < 0) {
        fputs("seli-kernel: cannot install the signal guard\n", stderr);
        session_free(s);
        return NULL;
    }
    cell parsed;
    if (headers_load(s, &parsed) < 0) {
        session_free(s);
        return NULL;
    }
    session_load_docs(s, s->flattened ? &parsed : NULL);
    cell_free(&parsed);
    return s;
}

void session_free(session *s)
{
    if (!s)
        return;
    cdtors_finish(s);
    runtime_forget(s);
    traceback_book_free(s->book);
    free(s->last_unit);
    for (int i = 0; i < s->nentries; i++)
        entry_free(&s->entries[i]);
    free(s->entries);
    symbols_free(s);
    for (int i = 0; i < s->ncodes; i++)
        jit_code_free(s->codes[i]);
    free(s->codes);
    headers_free(s);
    session_free_docs(s);
    free(s->header_dir);
    stale_free(s);
    strings_free(s->main_args, s->nmain_args);
    free(s);
}

/* ---------------------------------------------------------- diagnostics */

typedef struct diags {
    strlist lines;
    int errors;
} diags;

/* "cell:3: error: x" -> "line 3: error: x". */
static void add_diag(diags *d, const char *msg)
{
    const char *p = strstr(msg, "cell:");
    if (strstr(msg, "error"))
        d->errors++;
    if (p && (p == msg || p[-1] == ' ') && isdigit((unsigned char)p[5])) {
        char *end;
        long line = strtol(p + 5, &end, 10);
        if (*end == ':') {
            end++;
            while (*end == ' ')
                end++;
            char buf[4096];
            snprintf(buf, sizeof buf, "line %ld: %s", line, end);
            strlist_add(&d->lines, buf);
            return;
        }
    }
    if (!strncmp(msg, "tcc: ", 5))
        msg += 5;
    strlist_add(&d->lines, msg);
}

/* A diagnostic of tcc's, with the user's names (internal_names.c). */
static void on_diag(void *ctx, const char *msg)
{
    char *named = user_names(msg);
    add_diag(ctx, named);
    free(named);
}

static void set_error(exec_result *out, const char *ename, const char *evalue, char **lines, int n)
{
    out->status = EXEC_ERROR;
    out->ename = xstrdup(ename);
    out->evalue = xstrdup(evalue);
    out->traceback = xrealloc(NULL, (size_t)(n ? n : 1) * sizeof *out->traceback);
    for (int i = 0; i < n; i++)
        out->traceback[i] = xstrdup(lines[i]);
    out->ntraceback = n;
}

/* ------------------------------------------------------------ executing */

/* What runs under the guard: the cell's statements, then main if the cell
 * asks for it (program.c). */
typedef struct cell_run {
    session *s;
    void *cell_main; /* __seli_cell_main, or NULL */
    int program;     /* then run the session's main */
} cell_run;

static void run_main(void *arg)
{
    cell_run *r = arg;
    if (r->cell_main) {
        void (*fn)(void);
        memcpy(&fn, &r->cell_main, sizeof fn);
        fn();
    }
    if (r->program)
        program_run(r->s);
}

/* The labels the cell's file-scope asm defines (each one is wanted). */
static int cell_labels(const cell *c)
{
    int n = 0;
    for (int i = 0; i < c->nitems; i++)
        n += c->items[i].kind == ITEM_STATEMENT ? c->items[i].nnames : 0;
    return n;
}

static jit_code *compile_unit(session *s, const cell *c, const plan *p, int expr_mode,
                              int whole_headers, void **addrs, diags *d)
{
    char *src = unit_build(s, c, p, expr_mode, whole_headers);
    if (getenv("SELI_DUMP_CELL")) {
        const char *tail = strstr(src, "#line 1 \"<session>\"");
        fprintf(stderr, "---- unit (%zu bytes, %zu after the headers) ----\n%s\n----\n",
                strlen(src), tail ? strlen(tail) : strlen(src), tail ? tail : src);
    }
    /* Symbols: earlier cells' functions and variables, minus what this cell
     * defines anew, and the runtime helpers. */
    jit_symbol *syms =
        xrealloc(NULL, (size_t)(s->nsyms + c->nitems + RUNTIME_MAX_SYMBOLS) * sizeof *syms);
    int n = 0;
    for (int i = 0; i < s->nsyms; i++)
        if (!strlist_has(&p->replaced, s->syms[i].name) && !stale_has(s, s->syms[i].name))
            syms[n++] = (jit_symbol){s->syms[i].name, s->syms[i].addr};
    for (int i = 0; i < c->nitems; i++)
        if (p->tramp[i] || p->stub[i])
            syms[n++] = (jit_symbol){c->items[i].names[0], p->tramp[i] ? p->tramp[i] : p->stub[i]};
    n += runtime_symbols(syms + n, &p->replaced);
    const char **wanted =
        xrealloc(NULL, (size_t)(3 * c->nitems + 1 + cell_labels(c)) * sizeof *wanted);
    strlist impl = {0};
    int nw = 0;
    wanted[nw++] = "__seli_cell_main";
    for (int i = 0; i < c->nitems; i++) {
        const cell_item *it = &c->items[i];
        if (it->kind == ITEM_FUNCTION && p->tramp[i]) {
            char name[300];
            snprintf(name, sizeof name, IMPL_PREFIX "%s", it->names[0]);
            strlist_add(&impl, name);
            wanted[nw++] = impl.v[impl.n - 1];
        } else if (it->kind == ITEM_FUNCTION || (it->kind == ITEM_VARIABLE && !p->reuse[i])) {
            wanted[nw++] = it->names[0];
        } else if (it->kind == ITEM_STATEMENT) {
            for (int k = 0; k < it->nnames; k++) /* the labels of a file-scope asm */
                wanted[nw++] = it->names[k];
        }
    }
    for (int i = 0; i < c->nitems; i++)
        if (p->stub[i]) {
            char name[64];
            snprintf(name, sizeof name, STUB_PREFIX "%d", i);
            strlist_add(&impl, name);
            wanted[nw++] = impl.v[impl.n - 1];
        }
    for (int i = 0; i < c->nitems; i++)
        if (c->items[i].kind == ITEM_VARIABLE && c->items[i].unsized && c->items[i].init) {
            char name[300];
            snprintf(name, sizeof name, COUNT_PREFIX "%s", c->items[i].names[0]);
            strlist_add(&impl, name);
            wanted[nw++] = impl.v[impl.n - 1];
        }
    jit_code *code = jit_compile(src, s->header_dir, syms, n, wanted, addrs, nw, on_diag, d);
    if (code) {
        /* Kept for the cell's traceback (traceback.h): the unit after the
         * implicit headers, which headers_emit gives again. */
        const char *rest = strstr(src, "\n#line 1 \"<seli>\"\n");
        free(s->last_unit);
        s->last_unit = xstrdup(rest ? rest : src);
        s->last_whole = rest ? whole_headers : -1;
    }
    free(src);
    free(syms);
    free(wanted);
    strlist_free(&impl);
    return code;
}

/* Is name a global variable of the session (cell_unsupported's question)? */
static int global_variable(void *ctx, const char *name, size_t len)
{
    (void)len;
    const symbol *sym = session_symbol(ctx, name);
    return sym && !sym->function;
}

/* Does the cell use what tcc cannot compile?  Then out is a CompileError
 * on its line that says so in one sentence; nonzero. */
static int unsupported(session *s, const char *code, const cell *c, exec_result *out)
{
    int line = 0;
    const char *why = cell_unsupported(code, c, global_variable, s, &line);
    if (!why)
        return 0;
    char buf[1024];
    snprintf(buf, sizeof buf, "line %d: error: %s", line, why);
    char *lines[] = {buf};
    set_error(out, "CompileError", buf, lines, 1);
    return 1;
}

/* Does a diagnostic quote a name that the headers declare but the unit
 * left out (a name built by token pasting, see prelude.c)? */
static int misses_header_name(const session *s, const diags *d)
{
    for (int i = 0; i < d->lines.n; i++)
        for (const char *q = strchr(d->lines.v[i], '\''); q; q = strchr(q + 1, '\'')) {
            const char *end = strchr(q + 1, '\'');
            if (!end)
                break;
            char name[256];
            if ((size_t)(end - q - 1) < sizeof name) {
                memcpy(name, q + 1, (size_t)(end - q - 1));
                name[end - q - 1] = 0;
                if (prelude_declares(s->prelude, name))
                    return 1;
            }
            q = end;
        }
    return 0;
}

static jit_code *compile_cell(session *s, const cell *c, const plan *p, int expr_mode, void **addrs,
                              diags *d)
{
    jit_code *code = compile_unit(s, c, p, expr_mode, 0, addrs, d);
    if (s->prelude && misses_header_name(s, d)) {
        jit_code_free(code);
        strlist_free(&d->lines);
        d->errors = 0;
        code = compile_unit(s, c, p, expr_mode, 1, addrs, d);
    }
    return code;
}

static void session_run(session *s, const char *code, exec_result *out);

/* A failed compilation: one CompileError with the cell's own diagnostics
 * and the unplaced ones (link errors), without warnings about the headers. */
static void compile_error(exec_result *out, diags *d)
{
    int k = 0;
    for (int i = 0; i < d->lines.n; i++) {
        const char *l = d->lines.v[i];
        if (strncmp(l, "line ", 5) && strstr(l, "warning"))
            free(d->lines.v[i]);
        else
            d->lines.v[k++] = d->lines.v[i];
    }
    d->lines.n = k;
    set_error(out, "CompileError", d->lines.n ? d->lines.v[0] : "compilation failed", d->lines.v,
              d->lines.n);
}

/* The cell without the branches of its conditional groups that the
 * preprocessor does not take (see cell_conditional_probe): malloc'd, or
 * NULL with out set to a CompileError. */
static char *select_branches(session *s, const char *code, const char *probe, int n,
                             exec_result *out)
{
    char *src = unit_probe(s, probe);
    strlist names = {0};
    for (int k = 0; k < n; k++) {
        char name[64];
        snprintf(name, sizeof name, "__seli_branch_%d", k);
        strlist_add(&names, name);
    }
    void **addrs = xrealloc(NULL, (size_t)n * sizeof *addrs);
    diags d = {{0}, 0};
    jit_code *jc = jit_compile(src, s->header_dir, NULL, 0, (const char *const *)names.v, addrs, n,
                               on_diag, &d);
    free(src);
    strlist_free(&names);
    char *selected = NULL;
    if (jc) {
        int *taken = xrealloc(NULL, (size_t)n * sizeof *taken);
        for (int k = 0; k < n; k++)
            taken[k] = addrs[k] != NULL;
        selected = cell_select_branches(code, taken, n);
        free(taken);
        jit_code_free(jc);
    } else {
        compile_error(out, &d);
    }
    strlist_free(&d.lines);
    free(addrs);
    return selected;
}

void session_execute(session *s, const char *code, exec_result *out)
{
    memset(out, 0, sizeof *out);
    out->status = EXEC_OK;
    int nbranches = 0;
    char *probe = cell_conditional_probe(code, &nbranches);
    char *selected = NULL;
    if (probe) {
        selected = select_branches(s, code, probe, nbranches, out);
        free(probe);
        if (!selected) {
            self_include_explain(out);
            return;
        }
        code = selected;
    }
    char *expanded = session_expand_macros(s, code);
    session_run(s, expanded ? expanded : code, out);
    free(expanded);
    free(selected);
}

/* A "?name" cell: the documentation to page. */
static void page_name(session *s, const char *name, exec_result *out)
{
    out->page = session_doc_for(s, name);
    if (!out->page) {
        char buf[512];
        snprintf(buf, sizeof buf, "No documentation found for '%s'.", name);
        out->page = xstrdup(buf);
    }
}

/* Compile the cell.  A trailing expression is first shown as a type
 * seli_show knows; when that fails, as a pointer (if the type is unknown)
 * and then as a statement.  NULL with d holding the diagnostics. */
static jit_code *compile_with_fallbacks(session *s, const cell *c, const plan *p, void **addrs,
                                        diags *d)
{
    int has_expr = c->nitems && c->items[c->nitems - 1].kind == ITEM_EXPRESSION;
    jit_code *jc = compile_cell(s, c, p, has_expr ? EXPR_KNOWN : EXPR_STATEMENT, addrs, d);
    if (!jc && has_expr) {
        /* Not a scalar seli_show knows nor an array of them: a struct, a
         * pointer, or void. */
        int unknown = 0;
        for (int i = 0; i < d->lines.n; i++)
            unknown |= strstr(d->lines.v[i], UNKNOWN_TYPE) || strstr(d->lines.v[i], SHOW_FILE);
        for (int mode = unknown ? EXPR_FIELDS : EXPR_STATEMENT; !jc && mode <= EXPR_STATEMENT;
             mode++) {
            strlist_free(&d->lines);
            d->errors = 0;
            jc = compile_cell(s, c, p, mode, addrs, d);
        }
    }
    return jc;
}

/* The error that a cell which did not end normally (st, with the guard's
 * signo and message) reports. */
static void guard_error(guard_status st, int signo, char *message, exec_result *out)
{
    char line[4200];
    switch (st) {
    case GUARD_SIGNAL: {
        const char *name = guard_signal_name(signo);
        snprintf(line, sizeof line, "%s: %s", name, guard_signal_text(signo));
        char *tb[2] = {line, "The cell was stopped; the session and its variables are intact."};
        set_error(out, name, guard_signal_text(signo), tb, 2);
        break;
    }
    case GUARD_INTERRUPT: {
        char *tb[1] = {"KeyboardInterrupt: the cell was interrupted"};
        set_error(out, "KeyboardInterrupt", "the cell was interrupted", tb, 1);
        break;
    }
    case GUARD_SELI_ERROR: {
        if (strncmp(message, SELI_INTERRUPT_PREFIX, strlen(SELI_INTERRUPT_PREFIX)) == 0) {
            char *tb[1] = {message};
            set_error(out, "KeyboardInterrupt", message + strlen(SELI_INTERRUPT_PREFIX), tb, 1);
            break;
        }
        snprintf(line, sizeof line, "SeliError: %s", message);
        char *tb[1] = {line};
        set_error(out, "SeliError", message, tb, 1);
        break;
    }
    case GUARD_EXIT: {
        char text[256];
        snprintf(text, sizeof text,
                 "the cell called %s(%d); the kernel keeps your session \xe2\x80\x94 restart the "
                 "kernel to start afresh",
                 runtime_exit_called(), signo);
        snprintf(line, sizeof line, "SystemExit: %s", text);
        char *tb[1] = {line};
        set_error(out, "SystemExit", text, tb, 1);
        break;
    }
    case GUARD_RAISED: {
        const char *colon = strstr(message, ": ");
        char ename[64] = "Error";
        if (colon && colon - message < (int)sizeof ename)
            snprintf(ename, sizeof ename, "%.*s", (int)(colon - message), message);
        char *tb[1] = {message};
        set_error(out, ename, colon ? colon + 2 : message, tb, 1);
        break;
    }
    default:
        break;
    }
}

/* SELI_TRACEBACK=0 keeps no record of the cells: errors then name no
 * frames (for measuring what the record costs). */
static int tracebacks_on(void)
{
    static int on = -1;
    if (on < 0) {
        const char *v = getenv("SELI_TRACEBACK");
        on = !(v && !strcmp(v, "0"));
    }
    return on;
}

/* Colour the error's first line as ipykernel does (the name in red), and
 * put the frames of the user's code under it, innermost first. */
static void add_traceback(session *s, exec_result *out)
{
    strlist lines = {0};
    size_t n = strlen(out->ename);
    if (out->ntraceback && !strncmp(out->traceback[0], out->ename, n) &&
        out->traceback[0][n] == ':') {
        text_buf t = {0};
        text_printf(&t, TB_RED "%s" TB_RESET "%s", out->ename, out->traceback[0] + n);
        strlist_add(&lines, t.data);
        free(t.data);
    } else if (out->ntraceback) {
        strlist_add(&lines, out->traceback[0]);
    }
    if (tracebacks_on())
        traceback_format(s, guard_backtrace(), &lines);
    for (int i = 1; i < out->ntraceback; i++)
        strlist_add(&lines, out->traceback[i]);
    for (int i = 0; i < out->ntraceback; i++)
        free(out->traceback[i]);
    free(out->traceback);
    out->traceback = lines.v;
    out->ntraceback = lines.n;
}

/* Run the compiled cell's main_fn under the guard; a fault, an interrupt,
 * a seli_error or exit() becomes an error in out. */
static void run_cell(session *s, void *main_fn, int program, exec_result *out)
{
    cell_run r = {s, main_fn, program};
    session_guarded(s, run_main, &r, out);
}

void session_guarded(session *s, void (*fn)(void *), void *arg, exec_result *out)
{
    session *prev = runtime_enter(s);
    int scope_depth = seli_scope_depth();
    int no_grad_depth = seli_no_grad_depth();
    int signo = 0;
    char message[4096];
    guard_status st = guard_run(fn, arg, &signo, message, sizeof message);
    fflush(stdout);
    fflush(stderr);
    s->in_result = 0;
    runtime_enter(prev);
    if (st == GUARD_OK)
        return;
    seli_scope_unwind(scope_depth);
    seli_no_grad_unwind(no_grad_depth);
    guard_error(st, signo, message, out);
    add_traceback(s, out);
}

/* session_execute after the conditional groups are resolved. */
static void session_run(session *s, const char *code, exec_result *out)
{
    cell c;
    cell_parse(code, session_is_type, s, &c);
    if (c.page)
        page_name(s, c.page, out);
    if (c.page || c.nitems == 0) {
        cell_free(&c);
        return;
    }
    if (headers_learn(s, &c)) {
        cell_free(&c);
        cell_parse(code, session_is_type, s, &c);
    }
    if (unsupported(s, code, &c, out)) {
        cell_free(&c);
        return;
    }
    int only_main = 0, program = program_wanted(s, &c, &only_main);
    if (only_main) {
        cell_free(&c);
        run_cell(s, NULL, 1, out);
        return;
    }
    plan p;
    plan_make(s, &c, &p);
    void **addrs = xrealloc(NULL, (size_t)(3 * c.nitems + 1 + cell_labels(&c)) * sizeof *addrs);
    diags d = {{0}, 0};
    double t0 = now_ms();
    jit_code *jc = compile_with_fallbacks(s, &c, &p, addrs, &d);
    s->last_compile_ms = now_ms() - t0;
    if (!jc) {
        stale_explain(s, &p, &d.lines);
        compile_error(out, &d);
        self_include_explain(out);
        strlist_free(&d.lines);
        plan_free(&p, c.nitems);
        free(addrs);
        cell_free(&c);
        return;
    }
    /* Warnings about the cell's own lines go to stderr, as a compiler's do. */
    for (int i = 0; i < d.lines.n; i++)
        if (!strncmp(d.lines.v[i], "line ", 5))
            fprintf(stderr, "%s\n", d.lines.v[i]);
    fflush(stderr);
    strlist_free(&d.lines);
    s->cells++;
    void *main_fn = addrs[0];
    stale_commit(s, &c, &p);
    plan_commit(s, &c, &p, addrs, jc);
    plan_commit_sizes(s, &c, &p, addrs);
    if (tracebacks_on())
        traceback_book_add(s->book, code, s->last_unit, s->last_whole, jc, main_fn);
    else
        free(s->last_unit);
    s->last_unit = NULL;
    plan_free(&p, c.nitems);
    free(addrs);
    cell_free(&c);
    if (main_fn)
        run_cell(s, main_fn, program, out);
}

void exec_result_clear(exec_result *r)
{
    free(r->ename);
    free(r->evalue);
    for (int i = 0; i < r->ntraceback; i++)
        free(r->traceback[i]);
    free(r->traceback);
    free(r->page);
    memset(r, 0, sizeof *r);
}

const char *session_is_complete(const char *code, char **indent)
{
    int depth = 0;
    const char *status = cell_is_complete(code ? code : "", &depth);
    if (indent)
        *indent = cell_indent(!strcmp(status, "incomplete") ? depth : 0);
    return status;
}

int session_in_result(const session *s) { return s && s->in_result; }

void session_interrupt(session *s)
{
    (void)s;
    guard_interrupt();
}

double session_last_compile_ms(const session *s) { return s->last_compile_ms; }

void session_set_cell_number(session *s, int number) { traceback_book_number(s->book, number); }
