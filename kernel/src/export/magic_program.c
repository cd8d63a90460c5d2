/* magic_program.c: a notebook's magics in the exported program.
 *
 *   %time STATEMENT, %%time    the code between two clock readings, and
 *                              the kernel's "CPU times ... Wall time" line
 *   %timeit, %%timeit          the statement as a function, timed as the
 *                              kernel times it (loops chosen the same way)
 *   %args A B                  main's argv when the program is run without
 *                              arguments of its own
 *   %link NAME                 a comment: link the program with -lNAME
 *   %whos, %lsmagic, %reset    a comment that says what was dropped
 *
 * An unknown magic is an export error, as it is an error in the kernel. */
#include "export/export_internal.h"
#include "magic/magic_internal.h"

#include <ctype.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char magic_timing_common[] =
    "/* What the notebook's %time and %timeit print, as the kernel prints it. */\n"
    "static double notebook_seconds(void)\n"
    "{\n"
    "    struct timespec ts;\n"
    "    clock_gettime(CLOCK_MONOTONIC, &ts);\n"
    "    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;\n"
    "}\n\n"
    "/* A duration with three significant digits and its unit: \"1.23 ms\". */\n"
    "static const char *notebook_duration(double t, char *buf, size_t size, double *unit)\n"
    "{\n"
    "    static const char *const names[] = {\"s\", \"ms\", \"\\xc2\\xb5s\", \"ns\"};\n"
    "    int k = 0;\n"
    "    double u = 1;\n"
    "    while (k < 3 && t < u * 0.9995) {\n"
    "        k++;\n"
    "        u *= 1e-3;\n"
    "    }\n"
    "    snprintf(buf, size, \"%.3g %s\", t / u, names[k]);\n"
    "    if (unit)\n"
    "        *unit = u;\n"
    "    return buf;\n"
    "}\n\n";

const char magic_timing_time[] =
    "struct notebook_timer {\n"
    "    double wall, user, sys;\n"
    "};\n\n"
    "static struct notebook_timer notebook_time_start(void)\n"
    "{\n"
    "    struct rusage r;\n"
    "    getrusage(RUSAGE_SELF, &r);\n"
    "    struct notebook_timer t = {notebook_seconds(),\n"
    "                               (double)r.ru_utime.tv_sec + 1e-6 * "
    "(double)r.ru_utime.tv_usec,\n"
    "                               (double)r.ru_stime.tv_sec + 1e-6 * "
    "(double)r.ru_stime.tv_usec};\n"
    "    return t;\n"
    "}\n\n"
    "static void notebook_time_report(struct notebook_timer t0)\n"
    "{\n"
    "    struct notebook_timer t = notebook_time_start();\n"
    "    char u[32], s[32], total[32], wall[32];\n"
    "    printf(\"CPU times: user %s, sys: %s, total: %s\\nWall time: %s\\n\",\n"
    "           notebook_duration(t.user - t0.user, u, sizeof u, NULL),\n"
    "           notebook_duration(t.sys - t0.sys, s, sizeof s, NULL),\n"
    "           notebook_duration(t.user - t0.user + t.sys - t0.sys, total, sizeof total, NULL),\n"
    "           notebook_duration(t.wall - t0.wall, wall, sizeof wall, NULL));\n"
    "}\n\n";

const char magic_timing_timeit[] =
    "static double notebook_loops(void (*body)(void), void (*setup)(void), long loops)\n"
    "{\n"
    "    if (setup)\n"
    "        setup();\n"
    "    double t0 = notebook_seconds();\n"
    "    for (long i = 0; i < loops; i++)\n"
    "        body();\n"
    "    return notebook_seconds() - t0;\n"
    "}\n\n"
    "/* runs runs of loops calls of body (loops 0: 1, 2, 5, 10, ... until one run\n"
    " * takes 0.2 s), then the mean and the spread per loop. */\n"
    "static void notebook_timeit(void (*body)(void), void (*setup)(void), long loops, int runs)\n"
    "{\n"
    "    for (long base = 1; loops == 0; base *= 10)\n"
    "        for (int m = 0; m < 3 && loops == 0; m++) {\n"
    "            long n = base * (m == 0 ? 1 : m == 1 ? 2 : 5);\n"
    "            if (notebook_loops(body, setup, n) >= 0.2 || n >= 1000000000L)\n"
    "                loops = n;\n"
    "        }\n"
    "    double mean = 0, var = 0, per[1000], unit;\n"
    "    for (int r = 0; r < runs; r++)\n"
    "        mean += (per[r] = notebook_loops(body, setup, loops) / (double)loops) / runs;\n"
    "    for (int r = 0; r < runs; r++)\n"
    "        var += (per[r] - mean) * (per[r] - mean) / runs;\n"
    "    char m[32], sd[32];\n"
    "    notebook_duration(mean, m, sizeof m, &unit);\n"
    "    const char *dot = strchr(m, '.');\n"
    "    int decimals = dot ? (int)strcspn(dot + 1, \" \") : 0;\n"
    "    snprintf(sd, sizeof sd, \"%.*f\", decimals, sqrt(var) / unit);\n"
    "    printf(\"%s \\xc2\\xb1 %s %s per loop (mean \\xc2\\xb1 std. dev. of %d run%s, %ld loop%s "
    "\"\n"
    "           \"each)\\n\", m, sd, strchr(m, ' ') + 1, runs, runs == 1 ? \"\" : \"s\", loops,\n"
    "           loops == 1 ? \"\" : \"s\");\n"
    "}\n\n";

/* text as a C string literal (with its quotes) appended to b. */
static void c_string(text_buf *b, const char *text)
{
    text_put(b, "\"");
    for (const char *q = text; *q; q++) {
        if (*q == '"' || *q == '\\')
            text_printf(b, "\\%c", *q);
        else if (*q == '\n')
            text_put(b, "\\n");
        else
            text_putn(b, q, 1);
    }
    text_put(b, "\"");
}

/* The statement text on line (1-based): blank lines before it, so that
 * errors keep the cell's line numbers. */
static char *on_line(const char *text, int line)
{
    text_buf b = {0};
    for (int i = 1; i < line; i++)
        text_put(&b, "\n");
    text_put(&b, text);
    return text_take(&b);
}

static void magic_time_program(program *p, xcell *cur, const char *args, const char *body, int line)
{
    char start[128];
    p->timing |= TIMING_TIME;
    snprintf(start, sizeof start, "struct notebook_timer timer_%d = notebook_time_start();", line);
    collect_step(cur, STEP_CODE, line, start);
    char *code = body ? xstrdup(body) : on_line(args, line);
    collect_code(p, cur, code);
    free(code);
    snprintf(start, sizeof start, "notebook_time_report(timer_%d);", line);
    collect_step(cur, STEP_CODE, line, start);
}

/* Read "-n N" and "-r R" from the start of *a; 0, or -1 after an error. */
static int timeit_options(program *p, xcell *cur, int line, const char **a, long *loops, int *runs)
{
    for (;;) {
        while (**a == ' ' || **a == '\t')
            (*a)++;
        if ((*a)[0] != '-' || ((*a)[1] != 'n' && (*a)[1] != 'r') ||
            !isspace((unsigned char)(*a)[2]))
            return 0;
        char opt = (*a)[1], *end;
        long v = strtol(*a + 2, &end, 10);
        if (end == *a + 2 || v < 1 || (opt == 'r' && v > 1000)) {
            program_fail(p,
                         "cell %d, line %d: %%timeit -%c takes a positive number (-r at most "
                         "1000): %%timeit -n 1000 -r 7 x += 1;",
                         cur->number, line, opt);
            return -1;
        }
        if (opt == 'n')
            *loops = v;
        else
            *runs = (int)v;
        *a = end;
    }
}

/* The statements of a timed function's body, one level in, and its "}". */
static void body_text(text_buf *b, const char *code)
{
    while (*code == '\n' || *code == ' ' || *code == '\t')
        code++;
    size_t n = strlen(code);
    while (n && (code[n - 1] == '\n' || code[n - 1] == ' ' || code[n - 1] == '\t'))
        n--;
    for (const char *q = code; q < code + n;) {
        const char *eol = memchr(q, '\n', (size_t)(code + n - q));
        size_t len = eol ? (size_t)(eol - q) : (size_t)(code + n - q);
        text_put(b, len ? "    " : "");
        text_putn(b, q, len);
        if (!eol && len && q[len - 1] != ';' && q[len - 1] != '}')
            text_put(b, ";"); /* "%timeit x++" needs no ';' in the kernel either */
        text_put(b, "\n");
        q += len + (eol != NULL);
    }
    text_put(b, "}");
}

static void magic_timeit_program(program *p, xcell *cur, const char *args, const char *body,
                                 int line)
{
    long loops = 0;
    int runs = 7;
    if (timeit_options(p, cur, line, &args, &loops, &runs) < 0)
        return;
    p->timing |= TIMING_TIMEIT;
    const char *stmt = body ? body : args, *setup = body ? args : "";
    char name[64], setup_name[80], proto[128];
    snprintf(name, sizeof name, "timeit_cell%d_line%d", cur->number, line);
    text_buf b = {0};
    text_printf(&b, "void %s(void)\n{\n", name);
    body_text(&b, stmt);
    snprintf(proto, sizeof proto, "void %s(void);", name);
    collect_record(p, ITEM_FUNCTION, cur->number, line, b.data, proto, name);
    free(text_take(&b));
    snprintf(setup_name, sizeof setup_name, "NULL");
    const char *q = setup;
    while (isspace((unsigned char)*q))
        q++;
    if (*q) {
        snprintf(setup_name, sizeof setup_name, "%s_setup", name);
        text_printf(&b, "void %s(void)\n{\n", setup_name);
        body_text(&b, setup);
        snprintf(proto, sizeof proto, "void %s(void);", setup_name);
        collect_record(p, ITEM_FUNCTION, cur->number, line, b.data, proto, setup_name);
        free(text_take(&b));
    }
    text_printf(&b, "notebook_timeit(%s, %s, %ld, %d);", name, setup_name, loops, runs);
    collect_step(cur, STEP_CODE, line, b.data);
    free(b.data);
}

static void magic_args_program(program *p, xcell *cur, const char *args, int line)
{
    strlist w = {0};
    magic_words(args, &w);
    text_buf b = {0};
    text_printf(&b,
                "if (argc < 2) { /* %%args: main's arguments when the program gets none */\n"
                "    static char *args_%d[] = {\"main\"",
                line);
    for (int i = 0; i < w.n; i++) {
        text_put(&b, ", ");
        c_string(&b, w.v[i]);
    }
    text_printf(&b, ", NULL};\n    main_argc = %d;\n    main_argv = args_%d;\n}\n", w.n + 1, line);
    text_put(&b, "printf(\"main's arguments: argc = %d, argv = { \\\"%s\\\"\", main_argc, "
                 "main_argv[0]);\n"
                 "for (int i = 1; i < main_argc; i++)\n"
                 "    printf(\", \\\"%s\\\"\", main_argv[i]);\n"
                 "printf(\" }\\n\");");
    collect_step(cur, STEP_CODE, line, b.data);
    p->uses_args = 1;
    free(b.data);
    strlist_free(&w);
}

static void magic_link_program(program *p, xcell *cur, const char *args, int line)
{
    strlist w = {0};
    magic_words(args, &w);
    char note[600];
    if (w.n == 1) {
        char file[512];
        snprintf(file, sizeof file,
                 strchr(w.v[0], '/') || strstr(w.v[0], ".so") ? "%s" : "lib%s.so", w.v[0]);
        dlopen(file, RTLD_NOW | RTLD_GLOBAL); /* for the check, as %link does in the kernel */
        strlist_add(&p->links, w.v[0]);
        snprintf(note, sizeof note, "%%link %s: link the program with %s%s", w.v[0],
                 strchr(w.v[0], '/') ? "" : "-l", w.v[0]);
    } else {
        snprintf(note, sizeof note, "%%link%s dropped: it takes one library name", args);
    }
    collect_step(cur, STEP_NOTE, line, note);
    strlist_free(&w);
}

void magic_to_program(program *p, xcell *cur, const char *text, const char *body, int line)
{
    int cellm = text[1] == '%';
    const char *name = text + 1 + cellm, *args = name;
    while (isalnum((unsigned char)*args) || *args == '_')
        args++;
    size_t len = (size_t)(args - name);
#define IS(s) (len == strlen(s) && !memcmp(name, s, len))
    if (IS("time"))
        magic_time_program(p, cur, args, body, line);
    else if (IS("timeit"))
        magic_timeit_program(p, cur, args, body, line);
    else if (IS("args") && !cellm)
        magic_args_program(p, cur, args, line);
    else if (IS("link") && !cellm)
        magic_link_program(p, cur, args, line);
    else if ((IS("whos") || IS("lsmagic") || IS("reset")) && !cellm) {
        char note[300];
        snprintf(note, sizeof note, "%s dropped: %s", text,
                 IS("whos")    ? "a program has no session whose variables it could list"
                 : IS("reset") ? "a program cannot forget its definitions"
                               : "it lists the kernel's magics");
        collect_step(cur, STEP_NOTE, line, note);
    } else
        program_fail(p,
                     "cell %d, line %d: unknown magic %.*s; the kernel knows %%timeit, "
                     "%%time, %%whos, %%reset, %%link, %%args, %%lsmagic, %%%%timeit and %%%%time",
                     cur->number, line, (int)(len + 1 + cellm), text);
#undef IS
}
