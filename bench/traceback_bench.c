/* traceback_bench.c: what line information costs a cell.
 *
 * Runs notebook 06's code cells in a session (the engine, as the kernel
 * runs them), takes the translation unit of its largest cell, and times
 * compiling it: in memory without line information (what every cell
 * costs), in memory with tcc -g (what compiling every cell with lines would
 * cost), and to an ELF object with -g read back (debuginfo_load: what the
 * kernel does once for a cell that an error's traceback names).  Then the
 * trivial cell `int x = 1;` through session_execute, with the cells
 * recorded for tracebacks and without (SELI_TRACEBACK=0 is read once, so
 * the two runs are two processes: see the Makefile).  Medians.
 *
 *   traceback_bench NOTEBOOK.ipynb           compile times
 *   traceback_bench --trivial N              median of N trivial cells */
#include "runtime/debuginfo.h"
#include "session/session_internal.h"
#include "session/traceback.h"
#include "util/clock.h"

#include <fcntl.h>
#include <jansson.h>
#include <libtcc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RUNS 61

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *t, int n)
{
    qsort(t, (size_t)n, sizeof *t, cmp);
    return t[n / 2];
}

/* Compile src in memory (tcc_compile_string and tcc_relocate's sizing),
 * with options; milliseconds. */
static double compile_ms(const char *src, const char *include_dir, const char *options)
{
    double t0 = now_ms();
    TCCState *s = tcc_new();
    tcc_set_error_func(s, NULL, NULL);
    tcc_set_options(s, options);
    tcc_set_output_type(s, TCC_OUTPUT_MEMORY);
    tcc_add_include_path(s, include_dir);
    tcc_add_sysinclude_path(s, "/usr/lib/x86_64-linux-gnu/tcc/include");
    if (tcc_compile_string(s, src) < 0)
        fprintf(stderr, "traceback_bench: the unit does not compile (%s)\n", options);
    tcc_delete(s);
    return now_ms() - t0;
}

/* Silence the cells' own output (fd 1 and 2, progress bars included) while
 * they run: returns the saved descriptors' first. */
static int quiet(void)
{
    fflush(stdout);
    fflush(stderr);
    int saved = dup(1), null = open("/dev/null", O_WRONLY);
    dup(2); /* saved + 1, as long as nothing else opens files meanwhile */
    dup2(null, 1);
    dup2(null, 2);
    close(null);
    return saved;
}

static void loud(int saved)
{
    fflush(stdout);
    fflush(stderr);
    dup2(saved, 1);
    dup2(saved + 1, 2);
    close(saved);
    close(saved + 1);
}

static int trivial(int n)
{
    session *s = session_new(NULL);
    double *t = calloc((size_t)n, sizeof *t);
    for (int i = 0; i < n; i++) {
        exec_result r;
        double t0 = now_ms();
        session_execute(s, "int x = 1;", &r);
        t[i] = now_ms() - t0;
        exec_result_clear(&r);
    }
    const char *v = getenv("SELI_TRACEBACK");
    printf(
        "trivial cell `int x = 1;` through session_execute, cells %s: median %.3f ms (%d runs)\n",
        v && !strcmp(v, "0") ? "not recorded (SELI_TRACEBACK=0)" : "recorded for tracebacks",
        median(t, n), n);
    free(t);
    session_free(s);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--trivial"))
        return trivial(atoi(argv[2]));
    if (argc != 2) {
        fprintf(stderr, "usage: traceback_bench NOTEBOOK.ipynb | --trivial N\n");
        return 2;
    }
    json_t *nb = json_load_file(argv[1], 0, NULL);
    if (!nb) {
        fprintf(stderr, "traceback_bench: cannot read %s\n", argv[1]);
        return 1;
    }
    char dir[] = "/tmp/seli-tbbench-XXXXXX"; /* the notebook's figures go here */
    if (!mkdtemp(dir) || chdir(dir) < 0)
        return 1;
    session *s = session_new(NULL);
    size_t i;
    json_t *cell;
    char *unit = NULL;
    size_t largest = 0;
    json_array_foreach(json_object_get(nb, "cells"), i, cell)
    {
        if (strcmp(json_string_value(json_object_get(cell, "cell_type")), "code"))
            continue;
        text_buf code = {0};
        size_t k;
        json_t *line;
        json_array_foreach(json_object_get(cell, "source"), k, line)
            text_put(&code, json_string_value(line));
        exec_result r;
        int saved = quiet();
        session_execute(s, code.data ? code.data : "", &r);
        loud(saved);
        if (r.status != EXEC_OK)
            fprintf(stderr, "traceback_bench: a cell failed: %s\n", r.evalue);
        char *u = traceback_book_unit(s, -1);
        if (code.len > largest && u) {
            largest = code.len;
            free(unit);
            unit = u;
        } else {
            free(u);
        }
        exec_result_clear(&r);
        free(code.data);
    }
    if (!unit)
        return 1;
    double plain[RUNS], g[RUNS], object[RUNS];
    for (int r = 0; r < RUNS; r++) {
        plain[r] = compile_ms(unit, s->header_dir, "-std=c11");
        g[r] = compile_ms(unit, s->header_dir, "-std=c11 -g");
        double t0 = now_ms();
        debuginfo *d = debuginfo_load(unit, s->header_dir);
        object[r] = now_ms() - t0;
        if (!d)
            fprintf(stderr, "traceback_bench: debuginfo_load failed\n");
        debuginfo_free(d);
    }
    double mp = median(plain, RUNS), mg = median(g, RUNS), mo = median(object, RUNS);
    printf("notebook 06's largest cell (%zu bytes of C, a unit of %zu bytes), medians of %d:\n",
           largest, strlen(unit), RUNS);
    printf("  compiled in memory, no line information (every cell): %.3f ms\n", mp);
    printf("  compiled in memory with tcc -g:                      %.3f ms (%.1f%%)\n", mg,
           100.0 * mg / mp);
    printf("  with -g to an object and read (once, on an error):   %.3f ms (%.1f%%)\n", mo,
           100.0 * mo / mp);
    free(unit);
    session_free(s);
    json_decref(nb);
    return 0;
}
