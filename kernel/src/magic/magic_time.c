/* magic_time.c: %time and %%time (one run: wall and CPU time) and %timeit
 * and %%timeit (the mean and the spread of many loops, as IPython times
 * Python).
 *
 * %timeit compiles its statement as the body of a function of the session
 * (so it sees every variable of earlier cells), then calls it in a loop
 * under the guard: an interrupt or a crash ends the timing like any cell.
 * Without -n, the number of loops is chosen as Python's timeit.autorange
 * does: 1, 2, 5, 10, 20, 50, ... until one run of them takes 0.2 s. */
#include "magic/magic_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define TIMEIT_BODY "__seli_timeit_body"
#define TIMEIT_SETUP "__seli_timeit_setup"
#define TIMEIT_RUNS 7
#define TIMEIT_MAX_RUNS 1000

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* A duration as IPython writes it: three significant digits and a unit
 * ("1.23 µs", "456 ms"); *unit gets the unit's size in seconds. */
static void format_duration(double t, char *buf, size_t size, double *unit)
{
    static const struct {
        const char *name;
        double size;
    } units[] = {{"s", 1}, {"ms", 1e-3}, {"\xc2\xb5s", 1e-6}, {"ns", 1e-9}};
    int k = 0;
    while (k < 3 && t < units[k].size * 0.9995)
        k++;
    snprintf(buf, size, "%.3g %s", t / units[k].size, units[k].name);
    if (unit)
        *unit = units[k].size;
}

/* 100000 -> "100,000". */
static void format_count(long n, char *buf, size_t size)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%ld", n), o = 0;
    for (int i = 0; i < len && o + 2 < (int)size; i++) {
        if (i && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = 0;
}

/* --------------------------------------------------------------- %timeit */

typedef struct timing {
    void (*body)(void);
    void (*setup)(void);
    long loops; /* 0: choose */
    int runs;
    double per_loop[TIMEIT_MAX_RUNS];
} timing;

static double time_loops(const timing *t, long loops)
{
    if (t->setup)
        t->setup();
    double t0 = now_s();
    for (long i = 0; i < loops; i++)
        t->body();
    return now_s() - t0;
}

/* What runs under the guard: choose the loops, then time the runs. */
static void timeit_run(void *arg)
{
    timing *t = arg;
    for (long base = 1; !t->loops; base *= 10)
        for (int m = 0; m < 3 && !t->loops; m++) {
            long n = base * (m == 0 ? 1 : m == 1 ? 2 : 5);
            if (time_loops(t, n) >= 0.2 || n >= 1000000000L)
                t->loops = n;
        }
    for (int r = 0; r < t->runs; r++)
        t->per_loop[r] = time_loops(t, t->loops) / (double)t->loops;
}

static void timeit_report(const timing *t)
{
    double mean = 0, var = 0;
    for (int r = 0; r < t->runs; r++)
        mean += t->per_loop[r] / t->runs;
    for (int r = 0; r < t->runs; r++)
        var += (t->per_loop[r] - mean) * (t->per_loop[r] - mean) / t->runs;
    char m[64], sd[64], loops[32];
    double unit;
    format_duration(mean, m, sizeof m, &unit);
    /* The spread in the mean's unit, with as many decimals as the mean. */
    const char *dot = strchr(m, '.');
    int decimals = dot ? (int)strcspn(dot + 1, " ") : 0;
    double s = sqrt(var) / unit;
    snprintf(sd, sizeof sd, "%.*f", decimals, s);
    if (s > 0 && atof(sd) == 0)
        snprintf(sd, sizeof sd, "%.2g", s);
    format_count(t->loops, loops, sizeof loops);
    printf("%s \xc2\xb1 %s %s per loop (mean \xc2\xb1 std. dev. of %d run%s, %s loop%s each)\n", m,
           sd, strchr(m, ' ') + 1, t->runs, t->runs == 1 ? "" : "s", loops,
           t->loops == 1 ? "" : "s");
    fflush(stdout);
}

/* Read "-n N" and "-r R" from the start of *p; 0, or -1 after an error. */
static int timeit_options(const char **p, timing *t, exec_result *out)
{
    for (;;) {
        while (**p == ' ' || **p == '\t')
            (*p)++;
        if ((*p)[0] != '-' || ((*p)[1] != 'n' && (*p)[1] != 'r') ||
            !isspace((unsigned char)(*p)[2]))
            return 0;
        char opt = (*p)[1];
        char *end;
        long v = strtol(*p + 2, &end, 10);
        if (end == *p + 2 || v < 1 || (opt == 'r' && v > TIMEIT_MAX_RUNS)) {
            magic_error(out, "UsageError",
                        "%%timeit -%c takes a positive number%s: %%timeit -n 1000 -r 7 x += 1;",
                        opt, opt == 'r' ? " (at most 1000)" : "");
            return -1;
        }
        if (opt == 'n')
            t->loops = v;
        else
            t->runs = (int)v;
        *p = end;
    }
}

static void *function_of(session *s, const char *name)
{
    const symbol *sym = session_symbol(s, name);
    return sym ? sym->addr : NULL;
}

void magic_timeit(session *s, const char *args, const char *body, int line, exec_result *out)
{
    timing t = {0};
    t.runs = TIMEIT_RUNS;
    const char *p = args;
    if (timeit_options(&p, &t, out) < 0)
        return;
    const char *stmt = body ? body : p, *setup = body ? p : "";
    const char *q = stmt;
    while (isspace((unsigned char)*q))
        q++;
    if (!*q) {
        magic_error(out, "UsageError",
                    body ? "%%%%timeit needs a body: the lines after it"
                         : "%%timeit needs a statement: %%timeit x = f(3);");
        return;
    }
    /* The statement keeps its cell lines: a body starts on the line after
     * %%timeit, a statement on the magic's own line. */
    text_buf src = {0};
    for (int i = 1; i < line; i++)
        text_put(&src, "\n");
    text_printf(&src, "void " TIMEIT_SETUP "(void) { %s ;} void " TIMEIT_BODY "(void) {%s", setup,
                body ? "\n" : " ");
    text_put(&src, stmt);
    text_put(&src, "\n;}\n");
    session_execute(s, src.data, out);
    free(src.data);
    if (out->status != EXEC_OK)
        return;
    void *b = function_of(s, TIMEIT_BODY), *st = function_of(s, TIMEIT_SETUP);
    memcpy(&t.body, &b, sizeof b);
    memcpy(&t.setup, &st, sizeof st);
    if (!t.body)
        return;
    session_guarded(s, timeit_run, &t, out);
    if (out->status == EXEC_OK)
        timeit_report(&t);
}

/* ----------------------------------------------------------------- %time */

static double cpu_s(const struct timeval *tv) { return (double)tv->tv_sec + 1e-6 * tv->tv_usec; }

void magic_time(session *s, const char *args, const char *body, int line, exec_result *out)
{
    const char *code = body ? body : args;
    text_buf src = {0};
    for (int i = 1; i < line + (body ? 1 : 0); i++)
        text_put(&src, "\n");
    text_put(&src, code);
    struct rusage r0, r1;
    getrusage(RUSAGE_SELF, &r0);
    double t0 = now_s();
    session_execute(s, src.data, out);
    double wall = now_s() - t0;
    getrusage(RUSAGE_SELF, &r1);
    free(src.data);
    double user = cpu_s(&r1.ru_utime) - cpu_s(&r0.ru_utime);
    double sys = cpu_s(&r1.ru_stime) - cpu_s(&r0.ru_stime);
    char u[64], sy[64], tot[64], w[64];
    format_duration(user, u, sizeof u, NULL);
    format_duration(sys, sy, sizeof sy, NULL);
    format_duration(user + sys, tot, sizeof tot, NULL);
    format_duration(wall, w, sizeof w, NULL);
    printf("CPU times: user %s, sys: %s, total: %s\nWall time: %s\n", u, sy, tot, w);
    fflush(stdout);
}
