/* traceback.c: the frames of a failed cell in the user's words (see
 * traceback.h). */
#include "session/traceback.h"

#include "session/session_internal.h"

#include "runtime/debuginfo.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMPL_NAME "__seli_impl_" /* a function called through a trampoline */
#define SEG_NAME "__seli_seg_"   /* a run of a cell's statements */
#define RUN_SHOWN 2              /* frames shown at each end of a long run */

typedef struct book_cell {
    int number;
    char *code;
    char *unit; /* after the implicit headers */
    int whole;  /* the headers were whole (-1: unit is the whole unit) */
    const jit_code *jc;
    const unsigned char *cell_main;
    debuginfo *dbg;
    long base; /* the address of .text's start in memory */
    int tried; /* dbg was loaded (or failed to) */
} book_cell;

struct traceback_book {
    book_cell *cells;
    int ncells;
    int number;
};

traceback_book *traceback_book_new(void)
{
    traceback_book *b = xrealloc(NULL, sizeof *b);
    memset(b, 0, sizeof *b);
    return b;
}

void traceback_book_free(traceback_book *b)
{
    if (!b)
        return;
    for (int i = 0; i < b->ncells; i++) {
        free(b->cells[i].code);
        free(b->cells[i].unit);
        debuginfo_free(b->cells[i].dbg);
    }
    free(b->cells);
    free(b);
}

void traceback_book_number(traceback_book *b, int number) { b->number = number; }

void traceback_book_add(traceback_book *b, const char *code, char *unit, int whole,
                        const jit_code *jc, const void *cell_main)
{
    array_grow(&b->cells, b->ncells, sizeof *b->cells);
    b->cells[b->ncells++] =
        (book_cell){b->number, xstrdup(code), unit, whole, jc, cell_main, NULL, 0, 0};
}

/* The whole unit of c, as it was compiled (malloc'd). */
static char *whole_unit(const session *s, const book_cell *c)
{
    if (c->whole < 0)
        return xstrdup(c->unit);
    text_buf t = {0};
    headers_emit(s, c->unit, c->whole, &t);
    return text_take(&t);
}

char *traceback_book_unit(const session *s, int i)
{
    const traceback_book *b = s->book;
    if (i < 0)
        i += b->ncells;
    return i >= 0 && i < b->ncells ? whole_unit(s, &b->cells[i]) : NULL;
}

/* The cell whose code holds pc, its line information loaded, or NULL. */
static book_cell *cell_at(session *s, const void *pc)
{
    traceback_book *b = s->book;
    for (int i = b->ncells - 1; i >= 0; i--) {
        book_cell *c = &b->cells[i];
        if (!jit_code_contains(c->jc, pc))
            continue;
        if (!c->tried) {
            c->tried = 1;
            char *unit = whole_unit(s, c);
            c->dbg = debuginfo_load(unit, s->header_dir);
            free(unit);
            long main_off = c->dbg ? debuginfo_symbol(c->dbg, "__seli_cell_main") : -1;
            c->base = (long)(intptr_t)c->cell_main - main_off;
            if (main_off < 0 ||
                !debuginfo_matches(c->dbg, (const unsigned char *)(intptr_t)c->base)) {
                debuginfo_free(c->dbg); /* not the code that runs: say nothing wrong */
                c->dbg = NULL;
            }
        }
        return c->dbg ? c : NULL;
    }
    return NULL;
}

/* One line of the traceback before it is written out. */
typedef enum { E_FRAME, E_CALL, E_GAP } entry_kind;
typedef struct tb_entry {
    entry_kind kind;
    const book_cell *cell;
    const char *fn; /* the user's name; NULL for a cell's statements */
    int line;
    long count; /* E_GAP: frames not kept */
} tb_entry;

/* The user's name of the function called name in a unit, or NULL for a
 * cell's statements; "" for the kernel's own (not shown). */
static const char *user_function(const char *name)
{
    if (!strncmp(name, IMPL_NAME, strlen(IMPL_NAME)))
        return name + strlen(IMPL_NAME);
    if (!strncmp(name, SEG_NAME, strlen(SEG_NAME)))
        return NULL;
    if (!strncmp(name, "__seli_", 7))
        return "";
    return name;
}

/* Is a callee worth naming: libseli's API, or a function of the C library
 * that the cell called (not abort, exit and their kin, nor internals)? */
static int callee_shown(const char *name)
{
    static const char *const quiet[] = {"abort", "exit", "_Exit", "_exit", "quick_exit", "raise"};
    if (!name || name[0] == '_')
        return 0;
    for (size_t i = 0; i < sizeof quiet / sizeof *quiet; i++)
        if (!strcmp(name, quiet[i]))
            return 0;
    return 1;
}

/* Turn one kept frame into entries (its callee, then itself). */
static void add_frame(session *s, const backtrace_frame *f, tb_entry **v, int *n)
{
    book_cell *c = cell_at(s, f->pc);
    if (!c)
        return;
    long off = (long)(intptr_t)f->pc - c->base;
    long at = f->exact ? off : off - 1; /* inside the call, not after it */
    const char *name = debuginfo_function(c->dbg, at);
    const char *fn = name ? user_function(name) : "";
    if (fn && !*fn)
        return;
    const char *file = NULL;
    int line = debuginfo_line(c->dbg, at, &file);
    if (!file || strcmp(file, "cell"))
        line = 0;
    if (f->called_out && !f->exact) {
        const char *callee = debuginfo_call(c->dbg, off);
        if (callee_shown(callee)) {
            array_grow(v, *n, sizeof **v);
            (*v)[(*n)++] = (tb_entry){E_CALL, NULL, callee, 0, 0};
        }
    }
    array_grow(v, *n, sizeof **v);
    (*v)[(*n)++] = (tb_entry){E_FRAME, c, fn, line, 0};
}

/* The source line `line` of a cell, without its indentation. */
static void put_source(text_buf *t, const char *code, int line)
{
    const char *p = code;
    for (int i = 1; p && i < line; i++) {
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    if (!p || line <= 0)
        return;
    while (*p == ' ' || *p == '\t')
        p++;
    size_t len = strcspn(p, "\r\n");
    text_putn(t, p, len);
}

/* "In [7], line 3, in f" without colours: its width. */
static size_t frame_head(const tb_entry *e, char *buf, size_t size, int colour)
{
    char num[32];
    if (e->cell->number > 0)
        snprintf(num, sizeof num, "%d", e->cell->number);
    else
        snprintf(num, sizeof num, " ");
    char where[96];
    if (e->line > 0)
        snprintf(where, sizeof where, "In [%s], line %d", num, e->line);
    else
        snprintf(where, sizeof where, "In [%s]", num);
    int w;
    if (e->fn)
        w = snprintf(buf, size, "%s%s%s, in %s%s%s:", colour ? TB_GREEN : "", where,
                     colour ? TB_RESET : "", colour ? TB_CYAN : "", e->fn, colour ? TB_RESET : "");
    else
        w = snprintf(buf, size, "%s%s%s:", colour ? TB_GREEN : "", where, colour ? TB_RESET : "");
    return w < 0 ? 0 : (size_t)w;
}

static void write_entry(const tb_entry *e, size_t width, strlist *lines)
{
    text_buf t = {0};
    char head[512];
    if (e->kind == E_CALL) {
        text_printf(&t, "  in %s%s%s", TB_CYAN, e->fn, TB_RESET);
    } else if (e->kind == E_GAP) {
        text_printf(&t, "  \xe2\x80\xa6 %ld more frames \xe2\x80\xa6", e->count);
    } else {
        size_t plain = frame_head(e, head, sizeof head, 0);
        frame_head(e, head, sizeof head, 1);
        text_printf(&t, "  %s%*s", head, (int)(width - plain + 3), "");
        put_source(&t, e->cell->code, e->line);
    }
    strlist_add(lines, t.data ? t.data : "");
    free(t.data);
}

static int same_function(const tb_entry *a, const tb_entry *b)
{
    return a->kind == E_FRAME && b->kind == E_FRAME && a->cell == b->cell && a->fn && b->fn &&
           !strcmp(a->fn, b->fn);
}

/* Write entries [i, j), a run of one function (j - i entries, a gap among
 * them counting as its frames), shortened when long. */
static void write_run(const tb_entry *v, int i, int j, size_t width, strlist *lines)
{
    long frames = 0;
    for (int k = i; k < j; k++)
        frames += v[k].kind == E_GAP ? v[k].count : 1;
    if (frames <= 2 * RUN_SHOWN + 1) {
        for (int k = i; k < j; k++)
            write_entry(&v[k], width, lines);
        return;
    }
    for (int k = i; k < i + RUN_SHOWN; k++)
        write_entry(&v[k], width, lines);
    char buf[512];
    snprintf(buf, sizeof buf, "  \xe2\x80\xa6 %ld more frames in %s%s%s \xe2\x80\xa6",
             frames - 2 * RUN_SHOWN, TB_CYAN, v[i].fn, TB_RESET);
    strlist_add(lines, buf);
    for (int k = j - RUN_SHOWN; k < j; k++)
        write_entry(&v[k], width, lines);
}

/* The end of the run that starts at i: frames of one function, and gaps
 * between two of them. */
static int run_end(const tb_entry *v, int n, int i)
{
    int j = i + 1;
    while (j < n) {
        if (same_function(&v[i], &v[j]))
            j++;
        else if (v[j].kind == E_GAP && j + 1 < n && same_function(&v[i], &v[j + 1]))
            j += 2;
        else
            break;
    }
    return j;
}

void traceback_format(session *s, const backtrace *bt, strlist *lines)
{
    tb_entry *v = NULL;
    int n = 0;
    int kept = bt->nfirst + bt->nlast;
    for (int i = 0; i < kept; i++) {
        if (i == bt->nfirst && backtrace_dropped(bt) > 0) {
            array_grow(&v, n, sizeof *v);
            v[n++] = (tb_entry){E_GAP, NULL, NULL, 0, backtrace_dropped(bt)};
        }
        add_frame(s, backtrace_kept(bt, i), &v, &n);
    }
    size_t width = 0;
    char head[512];
    for (int i = 0; i < n; i++)
        if (v[i].kind == E_FRAME) {
            size_t w = frame_head(&v[i], head, sizeof head, 0);
            width = w > width ? w : width;
        }
    for (int i = 0; i < n;) {
        int j = v[i].kind == E_FRAME && v[i].fn ? run_end(v, n, i) : i + 1;
        write_run(v, i, j, width, lines);
        i = j;
    }
    free(v);
}
