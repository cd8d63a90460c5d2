/* check.c: the exported program compiled by tcc before anything is
 * written, as the kernel compiles cells, so that a cell that does not
 * compile is an export error that names the cell and its line.
 *
 * Two things are only known once the compiler has seen the program: whether
 * a trailing expression has a value (a void call is run as a statement, as
 * the kernel runs it) and whether an initialiser is constant (else it is
 * stored when its cell runs).  The check writes both pieces under marker
 * names (emit.c); a diagnostic under a marker changes that piece to its
 * other form, and the program is compiled again. */
#include "export/export_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_diag(void *ctx, const char *message)
{
    /* one line a diagnostic on the pipe to the parent */
    FILE *f = ctx;
    for (const char *q = message; *q; q++)
        fputc(*q == '\n' ? ' ' : *q, f);
    fputc('\n', f);
}

/* In the child: compile, then report on f the diagnostics and a last line
 * "ok B..." with a 0 or 1 per wanted name (found or not). */
static void compile_child(const program *p, const char *src, const char *const *wanted, int nwanted,
                          FILE *f)
{
    jit_symbol syms[RUNTIME_MAX_SYMBOLS];
    strlist none = {0};
    int nsyms = runtime_symbols(syms, &none);
    void **addrs = xrealloc(NULL, (size_t)(nwanted + 1) * sizeof *addrs);
    jit_code *code =
        jit_compile(src, p->s->header_dir, syms, nsyms, wanted, addrs, nwanted, on_diag, f);
    if (code) {
        fputs("ok ", f);
        for (int i = 0; i < nwanted; i++)
            fputc(addrs[i] ? '1' : '0', f);
        fputc('\n', f);
    }
    fflush(f);
}

/* The compile runs in a child process: after some errors (a non-constant
 * initialiser at file scope) libtcc 0.9.27 keeps state that makes the next
 * compile in the same process fail, and the check compiles several times. */
int check_compile(const program *p, const char *src, const char *const *wanted, void **addrs,
                  int nwanted, strlist *diags)
{
    int fd[2];
    fflush(NULL);
    if (pipe(fd) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        strlist_add(diags, "error: cannot fork to compile the program");
        return -1;
    }
    if (pid == 0) {
        close(fd[0]);
        FILE *f = fdopen(fd[1], "w");
        if (f)
            compile_child(p, src, wanted, nwanted, f);
        _exit(0);
    }
    close(fd[1]);
    FILE *f = fdopen(fd[0], "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int ok = 0;
    while (f && (n = getline(&line, &cap, f)) > 0) {
        if (line[n - 1] == '\n')
            line[n - 1] = 0;
        if (!strncmp(line, "ok ", 3)) {
            ok = 1;
            for (int i = 0; i < nwanted; i++)
                addrs[i] = line[3 + i] == '1' ? (void *)&addrs[i] : NULL; /* found: not NULL */
        } else {
            strlist_add(diags, line);
        }
    }
    free(line);
    if (f)
        fclose(f);
    else
        close(fd[0]);
    int status;
    waitpid(pid, &status, 0);
    if (!ok && !diags->n)
        strlist_add(diags, "error: the compiler stopped (a crash of tcc)");
    return ok ? 0 : -1;
}

char *check_message(const char *diag, int cell)
{
    text_buf b = {0};
    int n = 0, line = 0, len = 0;
    if (sscanf(diag, "cell %d:%d: %n", &n, &line, &len) == 2 && len > 0)
        text_printf(&b, "cell %d, line %d: %s", n, line, diag + len);
    else if (sscanf(diag, "cell:%d: %n", &line, &len) == 1 && len > 0)
        text_printf(&b, "cell %d, line %d: %s", cell, line, diag + len);
    else
        text_printf(&b, "%s", diag);
    return text_take(&b);
}

/* Change the piece that the diagnostic d names by its marker; nonzero if
 * it named one. */
static int follow_marker(program *p, const char *d)
{
    int a = 0, k = 0;
    if (sscanf(d, "__seli_init_%d:", &a) == 1 && a >= 0 && a < p->nrecs) {
        p->recs[a].file_init = 0;
        return 1;
    }
    if (sscanf(d, "__seli_expr_%d_%d:", &a, &k) == 2)
        for (int c = 0; c < p->ncells; c++)
            if (p->cells[c].number == a && k >= 0 && k < p->cells[c].nsteps) {
                p->cells[c].steps[k].shown = 0;
                return 1;
            }
    return 0;
}

typedef struct finding {
    const char *name; /* the identifier looked for */
    const char *text; /* the text it is looked for in */
    int line;         /* the line of the text's start */
    int found;        /* its line, once found */
} finding;

static void find_ident(void *ctx, const char *id, size_t len)
{
    finding *f = ctx;
    if (f->found || len != strlen(f->name) || memcmp(id, f->name, len))
        return;
    f->found = f->line;
    for (const char *q = f->text; q < id; q++)
        f->found += *q == '\n';
}

/* The line where text (starting on line) first names name, or 0. */
static int names_at(const char *name, const char *text, int line)
{
    finding f = {name, text ? text : "", line, 0};
    cell_identifiers(f.text, find_ident, &f);
    return f.found;
}

/* "undefined symbol 'x'" comes from the linker, which knows no lines: the
 * first cell and line that name x, as "cell N, line L: ..." (malloc'd), or
 * NULL. */
static char *undefined_where(const program *p, const char *diag)
{
    const char *q = strstr(diag, "undefined symbol '");
    char name[256];
    if (!q || sscanf(q + 18, "%255[A-Za-z0-9_$]", name) != 1)
        return NULL;
    for (int c = 0; c < p->ncells; c++) {
        const xcell *cell = &p->cells[c];
        int line = 0;
        for (int i = 0; i < p->nrecs && !line; i++) {
            const record *r = &p->recs[i];
            if (!r->dead && r->cell == cell->number && r->kind == ITEM_FUNCTION)
                line = names_at(name, r->text, r->line);
        }
        for (int k = 0; k < cell->nsteps && !line; k++) {
            const step *st = &cell->steps[k];
            if (st->kind != STEP_NOTE)
                line = names_at(name, st->kind == STEP_INIT ? st->init : st->text, st->line);
        }
        if (line) {
            text_buf b = {0};
            text_printf(&b,
                        "cell %d, line %d: error: %s is declared but defined nowhere (no cell "
                        "defines it and no library the program links has it)",
                        cell->number, line, name);
            return text_take(&b);
        }
    }
    return NULL;
}

int check_program(program *p, const char *name)
{
    for (;;) {
        char *src = emit_program(p, name, "check", 1);
        strlist diags = {0};
        int rc = check_compile(p, src, NULL, NULL, 0, &diags);
        free(src);
        int changed = 0;
        for (int i = 0; i < diags.n && rc != 0; i++)
            changed |= follow_marker(p, diags.v[i]);
        if (rc == 0 || !changed) {
            if (rc != 0) {
                const char *first = diags.n ? diags.v[0] : "error: the program does not compile";
                for (int i = 0; i < diags.n; i++)
                    if (strstr(diags.v[i], "error")) {
                        first = diags.v[i];
                        break;
                    }
                char *m = undefined_where(p, first);
                if (!m)
                    m = check_message(first, 0);
                program_fail(p, "%s", m);
                free(m);
            }
            strlist_free(&diags);
            return rc;
        }
        strlist_free(&diags);
    }
}
