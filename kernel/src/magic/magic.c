/* magic.c: finding the magics of a cell and running them (see magic.h),
 * the table of magics, %lsmagic, and the error of an unknown magic. */
#include "magic/magic_internal.h"

#include "frontend/lexer.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void magic_lsmagic(session *s, const char *args, const char *body, int line,
                          exec_result *out);

/* Every magic: its name, whether it is a cell magic (%%name), its usage and
 * what it does, as %lsmagic shows them. */
static const struct magic {
    const char *name;
    int cell;
    magic_fn fn;
    const char *usage;
    const char *help;
} magics[] = {
    {"timeit", 0, magic_timeit, "%timeit [-n N] [-r R] STATEMENT",
     "time a statement: R runs (7) of N loops (chosen so that a run takes 0.2 s)"},
    {"timeit", 1, magic_timeit, "%%timeit [-n N] [-r R] [SETUP]",
     "time the cell's body; SETUP runs before each run"},
    {"time", 0, magic_time, "%time STATEMENT", "run a statement once; print wall and CPU time"},
    {"time", 1, magic_time, "%%time", "run the cell once; print wall and CPU time"},
    {"whos", 0, magic_whos, "%whos", "a table of the session's variables: name, type, value"},
    {"reset", 0, magic_reset, "%reset -f",
     "forget every variable, function, type and macro, without restarting"},
    {"link", 0, magic_link, "%link NAME",
     "load libNAME.so (or a path) so that cells can call it after including its header"},
    {"args", 0, magic_args, "%args A B C", "the arguments that main receives from now on"},
    {"lsmagic", 0, magic_lsmagic, "%lsmagic", "this list"},
};
#define NMAGICS ((int)(sizeof magics / sizeof *magics))

void magic_error(exec_result *out, const char *ename, const char *format, ...)
{
    char msg[2048], line[2200];
    va_list ap;
    va_start(ap, format);
    vsnprintf(msg, sizeof msg, format, ap);
    va_end(ap);
    snprintf(line, sizeof line, "%s: %s", ename, msg);
    exec_result_clear(out);
    out->status = EXEC_ERROR;
    out->ename = xstrdup(ename);
    out->evalue = xstrdup(msg);
    out->traceback = xrealloc(NULL, sizeof *out->traceback);
    out->traceback[0] = xstrdup(line);
    out->ntraceback = 1;
}

int magic_words(const char *args, strlist *words)
{
    const char *p = args;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p || *p == '\n')
            break;
        text_buf w = {0};
        text_put(&w, "");
        while (*p && *p != ' ' && *p != '\t' && *p != '\n') {
            if (*p == '\'' || *p == '"') {
                char q = *p++;
                while (*p && *p != q)
                    text_putn(&w, p++, 1);
                if (*p)
                    p++;
            } else {
                text_putn(&w, p++, 1);
            }
        }
        strlist_add(words, w.data);
        free(w.data);
    }
    return words->n;
}

static void magic_lsmagic(session *s, const char *args, const char *body, int line,
                          exec_result *out)
{
    printf("Magics: a line that starts with %% (or a cell that starts with %%%%).\n\n");
    for (int i = 0; i < NMAGICS; i++)
        printf("  %-34s %s\n", magics[i].usage, magics[i].help);
    fflush(stdout);
}

/* The magic called name (of the cell kind, or the line kind), or NULL. */
static const struct magic *magic_find(const char *name, size_t len, int cell)
{
    for (int i = 0; i < NMAGICS; i++)
        if (magics[i].cell == cell && strlen(magics[i].name) == len &&
            !memcmp(magics[i].name, name, len))
            return &magics[i];
    return NULL;
}

static void unknown_magic(exec_result *out, const char *name, size_t len, int cell)
{
    text_buf known = {0};
    for (int i = 0; i < NMAGICS; i++)
        text_printf(&known, "%s%s%s", known.len ? ", " : "", magics[i].cell ? "%%" : "%",
                    magics[i].name);
    magic_error(out, "UsageError",
                "unknown magic %s%.*s; the known magics are %s (%%lsmagic says "
                "what each does)",
                cell ? "%%" : "%", (int)len, name, known.data);
    free(known.data);
}

/* Run the magic whose line starts at text ("%name args" or "%%name args");
 * body is the rest of the cell for a cell magic. */
static void run_magic(session *s, const char *text, const char *body, int line, exec_result *out)
{
    int cell = text[1] == '%';
    const char *name = text + 1 + cell;
    size_t len = 0;
    while (isalnum((unsigned char)name[len]) || name[len] == '_')
        len++;
    const struct magic *m = magic_find(name, len, cell);
    if (!m) {
        unknown_magic(out, name, len, cell);
        return;
    }
    const char *eol = strchr(name + len, '\n');
    char *args = eol ? xstrndup(name + len, (size_t)(eol - name - len)) : xstrdup(name + len);
    m->fn(s, args, body, line, out);
    free(args);
}

/* Where the cell's tokens that begin a line with '%' start. */
typedef struct starts {
    const char **at;
    int n;
} starts;

static void percent_tokens(const char *code, starts *st)
{
    lexer lx;
    tokenize(code, &lx);
    for (int i = 0; i < lx.n; i++)
        if (lx.t[i].p[0] == '%' && (lx.t[i].p == code || lx.t[i].p[-1] == '\n')) {
            array_grow(&st->at, st->n, sizeof *st->at);
            st->at[st->n++] = lx.t[i].p;
        }
    free(lx.t);
}

/* Does the line at p start a magic: '%' (or "%%") then a letter, where the
 * lexer sees a token (so not inside a comment or a string)? */
static int is_magic_line(const char *p, const starts *st)
{
    int token = 0;
    for (int i = 0; i < st->n && !token; i++)
        token = st->at[i] == p;
    if (!token)
        return 0;
    if (p[1] == '%')
        p++;
    return isalpha((unsigned char)p[1]);
}

/* Run the C of code that lies between from and to (its other lines blank,
 * so that errors keep the cell's line numbers). */
static void run_c(session *s, const char *code, const char *from, const char *to, exec_result *out)
{
    text_buf b = {0};
    text_put(&b, "");
    for (const char *p = code; p < from; p++)
        if (*p == '\n')
            text_put(&b, "\n");
    text_putn(&b, from, (size_t)(to - from));
    int blank = 1;
    for (const char *p = from; p < to && blank; p++)
        blank = isspace((unsigned char)*p);
    if (!blank)
        session_execute(s, b.data, out);
    free(b.data);
}

void magic_execute(session *s, const char *code, exec_result *out)
{
    memset(out, 0, sizeof *out);
    out->status = EXEC_OK;
    const char *first = code;
    while (*first == '\n')
        first++;
    if (first[0] == '%' && first[1] == '%' && isalpha((unsigned char)first[2])) {
        const char *eol = strchr(first, '\n');
        int line = 1 + (int)(first - code);
        run_magic(s, first, eol ? eol + 1 : "", line, out);
        return;
    }
    starts starts = {0};
    percent_tokens(code, &starts);
    int any = 0;
    for (const char *p = code; p && starts.n; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        any |= is_magic_line(p, &starts);
    if (!any) {
        free(starts.at);
        session_execute(s, code, out);
        return;
    }
    /* Line magics, in order with the C between them. */
    const char *chunk = code;
    int line = 1;
    for (const char *p = code; p && out->status == EXEC_OK; line++) {
        const char *eol = strchr(p, '\n');
        if (is_magic_line(p, &starts)) {
            run_c(s, code, chunk, p, out);
            if (out->status == EXEC_OK) {
                exec_result_clear(out);
                out->status = EXEC_OK;
                run_magic(s, p, NULL, line, out);
            }
            chunk = eol ? eol + 1 : p + strlen(p);
        }
        p = eol ? eol + 1 : NULL;
    }
    if (out->status == EXEC_OK) {
        exec_result_clear(out);
        out->status = EXEC_OK;
        run_c(s, code, chunk, chunk + strlen(chunk), out);
    }
    free(starts.at);
}
