/* magic_whos.c: %whos, the session's variables as a table sorted by name:
 * name, type and value.  Tensors show their shape and dtype, modules their
 * type and parameter count, arrays their elements.  The table is shown as
 * text/plain and as an HTML table (JupyterLab shows that one). */
#include "magic/magic_internal.h"
#include "value/value.h"

#include "seli.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WHOS_VALUE_MAX 70 /* characters of a value in the table */

/* An array type "int [2][3]": the element kind and the dims; 0 if the type
 * is no array of a scalar kind with numeric sizes. */
static int array_type(const char *type, value_array *a)
{
    const char *br = strstr(type, " [");
    if (!br)
        return 0;
    char *base = xstrndup(type, (size_t)(br - type));
    a->kind = value_kind_of(base);
    free(base);
    a->esize = value_kind_size(a->kind);
    a->ndim = 0;
    for (const char *p = br + 1; *p == '['; a->ndim++) {
        char *end;
        long n = strtol(p + 1, &end, 10);
        if (a->ndim == VALUE_MAX_DIMS || end == p + 1 || *end != ']' || n <= 0)
            return 0;
        a->dims[a->ndim] = (size_t)n;
        p = end + 1;
    }
    return a->kind != VALUE_UNKNOWN;
}

/* The value of the variable at addr of the given type, as one line
 * (malloc'd), written through the scratch buffer b: reading the value may
 * fault, and then the guard jumps out of here, so what is allocated while
 * reading belongs to the caller's table. */
static char *whos_value(const char *type, const void *addr, text_buf *b)
{
    b->len = 0;
    text_put(b, "");
    value_array a = {0};
    int kind = value_kind_of(type);
    if (kind != VALUE_UNKNOWN) {
        value_scalar(b, kind, addr);
    } else if (!strcmp(type, "seli_tensor *") || !strcmp(type, "const seli_tensor *")) {
        const seli_tensor *t = *(seli_tensor *const *)addr;
        char shape[128];
        if (t)
            text_printf(b, "tensor, shape %s, float32", seli_shape_str(t, shape, sizeof shape));
        else
            text_put(b, "NULL");
    } else if (!strcmp(type, "seli_module *") || !strcmp(type, "const seli_module *")) {
        const seli_module *m = *(seli_module *const *)addr;
        if (m)
            text_printf(b, "module %s, %ld parameters", seli_module_type(m),
                        seli_module_param_count(m));
        else
            text_put(b, "NULL");
    } else if (array_type(type, &a)) {
        a.data = addr;
        value_array_put(b, &a);
    } else if (type[0] && type[strlen(type) - 1] == '*') {
        value_scalar(b, VALUE_POINTER, addr);
    } else {
        text_put(b, "<value>");
    }
    if (b->len > WHOS_VALUE_MAX) {
        b->data[WHOS_VALUE_MAX - 3] = 0;
        b->len = WHOS_VALUE_MAX - 3;
        text_put(b, "...");
    }
    return xstrndup(b->data, b->len);
}

typedef struct row {
    const char *name;
    char *type;
    char *value;
} row;

static int by_name(const void *a, const void *b)
{
    return strcmp(((const row *)a)->name, ((const row *)b)->name);
}

static void html_escaped(text_buf *b, const char *s)
{
    for (; *s; s++)
        if (*s == '<')
            text_put(b, "&lt;");
        else if (*s == '>')
            text_put(b, "&gt;");
        else if (*s == '&')
            text_put(b, "&amp;");
        else
            text_putn(b, s, 1);
}

/* Show the rows as a text table and as an HTML table. */
static void whos_show(const row *rows, int n)
{
    int wn = 8, wt = 4;
    for (int i = 0; i < n; i++) {
        int ln = (int)strlen(rows[i].name), lt = (int)strlen(rows[i].type);
        wn = ln > wn ? ln : wn;
        wt = lt > wt ? lt : wt;
    }
    text_buf t = {0}, h = {0};
    text_printf(&t, "%-*s   %-*s   %s\n", wn, "Variable", wt, "Type", "Data/Info");
    for (int i = 0; i < wn + wt + 6 + 9; i++)
        text_put(&t, "-");
    text_put(&h, "<table class=\"seli-whos\">\n<thead><tr><th>Variable</th><th>Type</th>"
                 "<th>Data/Info</th></tr></thead>\n<tbody>\n");
    for (int i = 0; i < n; i++) {
        text_printf(&t, "\n%-*s   %-*s   %s", wn, rows[i].name, wt, rows[i].type, rows[i].value);
        const char *cells[3] = {rows[i].name, rows[i].type, rows[i].value};
        text_put(&h, "<tr>");
        for (int c = 0; c < 3; c++) {
            text_put(&h, c == 0 ? "<td><code>" : "<td>");
            html_escaped(&h, cells[c]);
            text_put(&h, c == 0 ? "</code></td>" : "</td>");
        }
        text_put(&h, "</tr>\n");
    }
    text_put(&h, "</tbody>\n</table>");
    const char *mimes[2] = {"text/plain", "text/html"};
    const char *data[2] = {t.data, h.data};
    seli_display_bundle(2, mimes, data, NULL, 0);
    free(t.data);
    free(h.data);
}

/* The rows of the table, collected under the guard: a variable that points
 * into nowhere (a char * set to 8, say) ends %whos with SIGSEGV, not the
 * kernel. */
typedef struct table {
    session *s;
    row *rows;
    int n;
    text_buf scratch; /* whos_value's */
} table;

static void whos_collect(void *arg)
{
    table *t = arg;
    for (int i = 0; i < t->s->nsyms; i++) {
        const symbol *sym = &t->s->syms[i];
        if (sym->function || !strncmp(sym->name, "__seli", 6))
            continue;
        row *r = &t->rows[t->n];
        r->name = sym->name;
        r->type = xstrndup(sym->sig, strcspn(sym->sig, "\n"));
        r->value = NULL;
        t->n++;
        if (stale_has(t->s, sym->name))
            r->value = xstrdup("(stale: its type was redefined; declare it again)");
        else
            r->value = whos_value(r->type, sym->addr, &t->scratch);
    }
}

void magic_whos(session *s, const char *args, const char *body, int line, exec_result *out)
{
    table t = {s, xrealloc(NULL, (size_t)(s->nsyms + 1) * sizeof *t.rows), 0, {0}};
    session_guarded(s, whos_collect, &t, out);
    if (out->status == EXEC_OK && !t.n) {
        printf("The session has no variables yet.\n");
        fflush(stdout);
    } else if (out->status == EXEC_OK) {
        qsort(t.rows, (size_t)t.n, sizeof *t.rows, by_name);
        whos_show(t.rows, t.n);
    }
    for (int i = 0; i < t.n; i++) {
        free(t.rows[i].type);
        free(t.rows[i].value);
    }
    free(t.rows);
    free(t.scratch.data);
}
