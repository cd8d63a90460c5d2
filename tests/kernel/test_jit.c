/* test_jit.c: cells compiled and run by the session, without any socket. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "seli.h"
#include "session/session.h"
#include "session/session_internal.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------ harness */

/* What one cell did: its status, its stdout, and its result (the text/plain
 * shown while session_in_result() was nonzero). */
typedef struct run {
    exec_result r;
    char out[8192];
    char result[4096];
    int displays; /* text/plain shown outside the result */
} run;

static session *S;
static char result_buf[4096];
static int other_displays;

static void test_display(void *user, int n, const char *const *mimes, const char *const *data,
                         const char *display_id, int update)
{
    (void)user;
    (void)display_id;
    (void)update;
    for (int i = 0; i < n; i++)
        if (!strcmp(mimes[i], "text/plain")) {
            if (session_in_result(S))
                snprintf(result_buf, sizeof result_buf, "%s", data[i]);
            else
                other_displays++;
        }
}

static void test_clear(void *user, int wait)
{
    (void)user;
    (void)wait;
}

static void execute(const char *code, run *x)
{
    memset(x, 0, sizeof *x);
    result_buf[0] = 0;
    other_displays = 0;
    fflush(stdout);
    char path[] = "/tmp/seli-test-jit-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    int saved = dup(1);
    dup2(fd, 1);
    session_execute(S, code, &x->r);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    lseek(fd, 0, SEEK_SET);
    ssize_t n = read(fd, x->out, sizeof x->out - 1);
    x->out[n > 0 ? n : 0] = 0;
    close(fd);
    unlink(path);
    snprintf(x->result, sizeof x->result, "%s", result_buf);
    x->displays = other_displays;
}

/* Run a cell that must succeed; returns its result text. */
static const char *ok(const char *code)
{
    static run x;
    exec_result_clear(&x.r);
    execute(code, &x);
    if (x.r.status != EXEC_OK) {
        fprintf(stderr, "cell failed: %s\n%s: %s\n", code, x.r.ename, x.r.evalue);
        for (int i = 0; i < x.r.ntraceback; i++)
            fprintf(stderr, "  %s\n", x.r.traceback[i]);
    }
    assert_int_equal(x.r.status, EXEC_OK);
    return x.result;
}

static int setup(void **state)
{
    (void)state;
    S = session_new(NULL);
    assert_non_null(S);
    seli_sink sink = {test_display, test_clear, NULL};
    seli_set_sink(&sink);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    seli_set_sink(NULL);
    session_free(S);
    S = NULL;
    return 0;
}

/* --------------------------------------------------------------- tests */

static void test_issue_example_runs_cell_by_cell(void **state)
{
    (void)state;
    run x;
    execute("/* cell 1 */\n"
            "#include <string.h>\n"
            "typedef struct { float x, y; } point;\n"
            "int n = 3;\n"
            "point *pts = malloc(n * sizeof *pts);      /* a non-constant initialiser */\n"
            "double square(double v) { return v * v; }\n"
            "printf(\"n=%d\\n\", n);\n",
            &x);
    assert_int_equal(x.r.status, EXEC_OK);
    assert_string_equal(x.out, "n=3\n");
    exec_result_clear(&x.r);
    execute("n += 1; pts[0].x = square(2);\nprintf(\"%d %g\\n\", n, pts[0].x);", &x);
    assert_int_equal(x.r.status, EXEC_OK);
    assert_string_equal(x.out, "4 4\n");
    exec_result_clear(&x.r);
    execute("double square(double v) { return v * v + 0.0; }\nint n = 10;", &x);
    assert_int_equal(x.r.status, EXEC_OK);
    assert_string_equal(x.out, "");
    assert_string_equal(x.result, "");
    exec_result_clear(&x.r);
    execute("square(3) + n", &x);
    assert_int_equal(x.r.status, EXEC_OK);
    assert_string_equal(x.result, "19");
    exec_result_clear(&x.r);
    /* Re-running cell 1 as it is works too. */
    ok("free(pts);");
    ok("typedef struct { float x, y; } point;\nint n = 3;\n"
       "point *pts = malloc(n * sizeof *pts);\ndouble square(double v) { return v * v; }");
    assert_string_equal(ok("n + square(2)"), "7");
    ok("free(pts);");
}

static void test_variables_keep_their_values_across_cells(void **state)
{
    (void)state;
    ok("int a = 2; double d = 1.5; const char *s = \"x\"; int arr[3] = {1, 2, 3};");
    ok("a *= 10; d += a; arr[2] = 7;");
    assert_string_equal(ok("a"), "20");
    assert_string_equal(ok("d"), "21.5");
    assert_string_equal(ok("s"), "\"x\"");
    assert_string_equal(ok("arr[0] + arr[1] + arr[2]"), "10");
}

static void test_same_type_redefinition_is_seen_by_earlier_functions(void **state)
{
    (void)state;
    ok("int counter = 1;\nint get(void) { return counter; }");
    ok("int counter = 7;");
    assert_string_equal(ok("get()"), "7");
    /* Without an initialiser a redefinition starts again from zero. */
    ok("int counter;");
    assert_string_equal(ok("get()"), "0");
}

static void test_redefinition_with_another_type_is_a_new_variable(void **state)
{
    (void)state;
    ok("int v = 1;\nint old_v(void) { return v; }");
    ok("double v = 2.5;");
    assert_string_equal(ok("v"), "2.5");
    assert_string_equal(ok("old_v()"), "1");
}

static void test_redefined_function_is_called_by_earlier_functions(void **state)
{
    (void)state;
    ok("int f(void) { return 1; }\nint g(void) { return f() * 10; }");
    assert_string_equal(ok("g()"), "10");
    ok("int f(void) { return 2; }");
    assert_string_equal(ok("g()"), "20");
    /* A function pointer taken earlier follows too. */
    ok("int (*fp)(void) = f;");
    ok("int f(void) { return 3; }");
    assert_string_equal(ok("fp()"), "3");
}

static void test_types_and_macros_persist_and_can_be_redefined(void **state)
{
    (void)state;
    ok("#define SCALE 3\ntypedef struct { int a, b; } pair;\nstruct node { int v; struct node *next; } head = {4, NULL};\n"
       "enum color { RED, GREEN = 5 };");
    assert_string_equal(ok("pair p = {1, 2}; p.a + p.b + SCALE + head.v + GREEN"), "15");
    ok("#define SCALE 100");
    assert_string_equal(ok("SCALE"), "100");
    ok("typedef struct { int a, b, c; } pair;");
    assert_string_equal(ok("pair q = {1, 2, 3}; q.c + (int)sizeof(pair)"), "15");
}

static void test_trailing_expression_is_shown_by_type(void **state)
{
    (void)state;
    assert_string_equal(ok("1.5f"), "1.5");
    assert_string_equal(ok("0.1"), "0.1");
    assert_string_equal(ok("2 > 1"), "1");
    assert_string_equal(ok("(_Bool)1"), "true");
    assert_string_equal(ok("\"a\\n\""), "\"a\\n\"");
    assert_string_equal(ok("(char)65"), "'A' (65)");
    assert_string_equal(ok("(int *)0"), "NULL");
    assert_string_equal(ok("10000000000ULL"), "10000000000");
    ok("typedef struct { float x, y; } pt; pt q = {1, 2};");
    /* A struct the session defines shows its fields; another one <value>. */
    assert_string_equal(ok("q"), "{ .x = 1, .y = 2 }");
    assert_string_equal(ok("div(7, 2)"), "<value>");
    assert_true(strncmp(ok("&q"), "0x", 2) == 0);
    assert_string_equal(ok("q.y"), "2");
    /* A void expression has no result, and is no error. */
    assert_string_equal(ok("free(NULL)"), "");
    /* A tensor shows like numpy. */
    assert_non_null(strstr(ok("seli_ones(SELI_SHAPE(2))"), "1."));
    /* A trailing comment does not hide the expression. */
    assert_string_equal(ok("40 + 2 // the answer"), "42");
}

static void test_compile_error_is_one_error_with_cell_lines(void **state)
{
    (void)state;
    run x;
    execute("int a = 1;\nint b = 2;\nint c = a + undefined_y;\n", &x);
    assert_int_equal(x.r.status, EXEC_ERROR);
    assert_string_equal(x.r.ename, "CompileError");
    assert_true(x.r.ntraceback >= 1);
    for (int i = 0; i < x.r.ntraceback; i++)
        assert_true(strncmp(x.r.traceback[i], "line ", 5) == 0);
    assert_non_null(strstr(x.r.traceback[0], "line 3: error:"));
    assert_non_null(strstr(x.r.traceback[0], "undefined_y"));
    exec_result_clear(&x.r);
    /* An error in a function body on the cell's fifth line. */
    execute("// a comment\n\nint helper(int v)\n{\n    return v + undefined_z;\n}\n", &x);
    assert_int_equal(x.r.status, EXEC_ERROR);
    assert_non_null(strstr(x.r.traceback[0], "line 5:"));
    exec_result_clear(&x.r);
    /* And in a trailing expression. */
    execute("int ok_var = 1;\n\nok_var + nothing_here", &x);
    assert_int_equal(x.r.status, EXEC_ERROR);
    assert_non_null(strstr(x.r.traceback[0], "line 3:"));
    exec_result_clear(&x.r);
}

static void test_failed_cell_changes_nothing(void **state)
{
    (void)state;
    ok("int keep = 5;\nint twice(int v) { return 2 * v; }");
    run x;
    execute("int keep = 6;\nint twice(int v) { return 3 * v; }\nint fresh = 1;\ndouble oops = ;", &x);
    assert_int_equal(x.r.status, EXEC_ERROR);
    exec_result_clear(&x.r);
    assert_string_equal(ok("keep"), "5");
    assert_string_equal(ok("twice(4)"), "8");
    execute("fresh", &x);
    assert_int_equal(x.r.status, EXEC_ERROR);
    exec_result_clear(&x.r);
}

static void expect_fault(const char *code, const char *ename)
{
    run x;
    execute(code, &x);
    assert_int_equal(x.r.status, EXEC_ERROR);
    assert_string_equal(x.r.ename, ename);
    assert_true(x.r.ntraceback >= 1);
    exec_result_clear(&x.r);
    /* The session lives on with its variables. */
    assert_string_equal(ok("survivor + 1"), "42");
    ok("survivor = 41;");
}

static void test_faults_become_errors_and_the_session_lives_on(void **state)
{
    (void)state;
    ok("int survivor = 41; int *null_ptr = 0; int zero = 0;");
    expect_fault("*null_ptr = 1;", "SIGSEGV");
    expect_fault("abort();", "SIGABRT");
    expect_fault("int q = 1 / zero;", "SIGFPE");
    ok("int deep(int d) { volatile char pad[512]; pad[0] = (char)d; return deep(d + 1) + pad[0]; }");
    expect_fault("deep(0);", "SIGSEGV");
    expect_fault("#include <signal.h>\nraise(SIGILL);", "SIGILL");
    /* Output written before the fault is kept. */
    run x;
    execute("printf(\"before\\n\"); *null_ptr = 2;", &x);
    assert_string_equal(x.out, "before\n");
    exec_result_clear(&x.r);
}

static void expect_exit(const char *code, const char *evalue_has)
{
    run x;
    execute(code, &x);
    assert_int_equal(x.r.status, EXEC_ERROR);
    assert_string_equal(x.r.ename, "SystemExit");
    if (!strstr(x.r.evalue, evalue_has))
        fprintf(stderr, "evalue: %s\n", x.r.evalue);
    assert_non_null(strstr(x.r.evalue, evalue_has));
    assert_non_null(strstr(x.r.evalue, "restart the kernel"));
    exec_result_clear(&x.r);
    assert_string_equal(ok("survivor + 1"), "42");
}

static void test_exit_ends_the_cell_and_the_session_lives_on(void **state)
{
    (void)state;
    ok("int survivor = 41;");
    run x;
    execute("printf(\"before\\n\");\nexit(3);\nprintf(\"after\\n\");", &x);
    assert_string_equal(x.r.ename, "SystemExit");
    assert_string_equal(x.r.evalue, "the cell called exit(3); the kernel keeps your session "
                                    "\xe2\x80\x94 restart the kernel to start afresh");
    assert_string_equal(x.out, "before\n");
    exec_result_clear(&x.r);
    assert_string_equal(ok("survivor + 1"), "42");
    expect_exit("_Exit(0);", "_Exit(0)");
    expect_exit("quick_exit(7);", "quick_exit(7)");
    expect_exit("#include <unistd.h>\n_exit(1);", "_exit(1)");
    /* From a function of an earlier cell, and through a pointer. */
    ok("void leave(int v) { survivor = v; exit(v); }");
    expect_exit("leave(41);", "exit(41)");
    expect_exit("void (*quit)(int) = exit; quit(5);", "exit(5)");
    /* A forked child still exits for real. */
    assert_string_equal(ok("#include <unistd.h>\n#include <sys/wait.h>\n"
                           "int st; pid_t pid = fork(); if (pid == 0) exit(9);\n"
                           "waitpid(pid, &st, 0); WEXITSTATUS(st)"),
                        "9");
}

typedef struct interrupter {
    int delay_ms;
    double fired_at;
} interrupter;

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec * 1e-6;
}

static void *interrupt_later(void *arg)
{
    interrupter *it = arg;
    struct timespec ts = {it->delay_ms / 1000, (long)(it->delay_ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    it->fired_at = now_ms();
    session_interrupt(S);
    return NULL;
}

static void expect_interrupted(const char *code)
{
    interrupter it = {300, 0};
    pthread_t th;
    pthread_create(&th, NULL, interrupt_later, &it);
    run x;
    execute(code, &x);
    double done = now_ms();
    pthread_join(th, NULL);
    assert_int_equal(x.r.status, EXEC_ERROR);
    assert_string_equal(x.r.ename, "KeyboardInterrupt");
    assert_true(it.fired_at > 0);
    assert_true(done - it.fired_at < 2000.0);
    exec_result_clear(&x.r);
    assert_string_equal(ok("alive"), "1");
}

static void test_interrupt_from_another_thread_stops_an_endless_loop(void **state)
{
    (void)state;
    ok("int alive = 1;");
    expect_interrupted("for (;;);");
    expect_interrupted("volatile unsigned long spin = 0; while (1) spin++;");
}

static void test_interrupt_stops_a_cell_blocked_in_a_library_call(void **state)
{
    (void)state;
    ok("int alive = 1;");
    expect_interrupted("#include <unistd.h>\nfor (;;) sleep(1);");
}

static void test_seli_error_unwinds_the_cell_with_its_message(void **state)
{
    (void)state;
    ok("int after = 0;");
    run x;
    execute("seli_scope_begin(); seli_no_grad_begin();\n"
            "float v = seli_item(seli_zeros(SELI_SHAPE(2, 3)));\nafter = 1;",
            &x);
    assert_int_equal(x.r.status, EXEC_ERROR);
    assert_string_equal(x.r.ename, "SeliError");
    assert_non_null(strstr(x.r.evalue, "seli_item"));
    exec_result_clear(&x.r);
    assert_string_equal(ok("after"), "0");
    /* libseli's context is back where the cell found it. */
    assert_int_equal(seli_scope_depth(), 0);
    assert_int_equal(seli_no_grad_depth(), 0);
}

static void test_floating_point_on_globals_of_earlier_cells_is_exact(void **state)
{
    (void)state;
    /* tcc 0.9.27 read the second operand through the GOT wrongly: a + b was a. */
    ok("float a = 2, b = 3; double d = 5, e = 7;");
    assert_string_equal(ok("a + b"), "5");
    assert_string_equal(ok("a * b"), "6");
    assert_string_equal(ok("d + e"), "12");
    assert_string_equal(ok("d * e"), "35");
    assert_string_equal(ok("e - d"), "2");
    assert_string_equal(ok("float t = 1; t + a"), "3");
    assert_string_equal(ok("extern double e;\nd + e"), "12");
    assert_string_equal(ok("double sum(void) { return d + e; }\nsum() + (d < e)"), "13");
}

static void test_global_of_a_header_typedef_persists(void **state)
{
    (void)state;
    /* jmp_buf is an array typedef of <setjmp.h>, which the cell includes. */
    assert_string_equal(ok("#include <setjmp.h>\njmp_buf jb;\n"
                           "int use(void){ return sizeof(jb) > 0; }\nuse()"),
                        "1");
    /* The header's typedef names are known from then on, pointers included. */
    ok("jmp_buf *pj = &jb;\n#include <time.h>\nclock_t *no_clock = 0;");
    assert_string_equal(ok("pj == &jb && no_clock == 0 && use()"), "1");
}

static void test_macro_that_names_a_type_declares_globals(void **state)
{
    (void)state;
    ok("#define T double\nT x = 1.5;\nT *px = &x;");
    assert_string_equal(ok("x + *px"), "3");
    ok("#define real float");
    ok("real r = 2; real *pr = &r;");
    assert_string_equal(ok("*pr + r"), "4");
    /* A macro that is not a type still starts a statement. */
    ok("int count = 0;\n#define thrice for (int k_ = 0; k_ < 3; k_++)\nthrice count++;");
    ok("thrice count += 10;");
    assert_string_equal(ok("count"), "33");
}

static void test_conditional_groups_keep_only_the_branch_taken(void **state)
{
    (void)state;
    ok("#define USE_DOUBLE 1");
    ok("#if USE_DOUBLE\ntypedef double real;\ndouble scale = 2.5;\n"
       "#else\ntypedef float real;\nfloat scale = 1.5;\n#endif\n"
       "real twice(real v) { return 2 * v; }");
    assert_string_equal(ok("twice(scale) + sizeof(real)"), "13");
    /* Nested groups, #elif, and a branch not taken that would not compile. */
    assert_string_equal(ok("#ifdef NOPE\nint broken = ;\n"
                           "#elif defined(USE_DOUBLE) && USE_DOUBLE > 0\n"
                           "  #ifndef INNER\n  int inner = 7;\n  #endif\n#endif\ninner"),
                        "7");
    assert_string_equal(ok("#if 0\ndon't compile { this\n#endif\ninner + 1"), "8");
    /* The conditional directives do not join the preamble. */
    ok("#undef USE_DOUBLE\n#define USE_DOUBLE 0");
    assert_string_equal(ok("inner"), "7");
    /* An unbalanced group or an #error is a compile error on the cell's lines. */
    run x;
    execute("int fine = 1;\n#if 1\nint y = 1;", &x);
    assert_string_equal(x.r.ename, "CompileError");
    assert_non_null(strstr(x.r.evalue, "#endif"));
    exec_result_clear(&x.r);
    execute("\n#if !USE_DOUBLE\n#error no double\n#endif", &x);
    assert_string_equal(x.r.ename, "CompileError");
    assert_string_equal(x.r.evalue, "line 3: error: #error no double");
    exec_result_clear(&x.r);
}

static void test_function_returning_a_function_pointer_is_a_definition(void **state)
{
    (void)state;
    ok("int add(int a, int b) { return a + b; }\nint sub(int a, int b) { return a - b; }\n"
       "int (*pick(int k))(int, int) { return k ? add : sub; }");
    assert_string_equal(ok("pick(1)(2, 3) * 10 + pick(0)(2, 3)"), "49");
    ok("int (*pick(int k))(int, int) { return k ? sub : add; }");
    assert_string_equal(ok("pick(1)(2, 3)"), "-1");
}

static void test_prototype_links_to_a_definition_in_a_later_cell(void **state)
{
    (void)state;
    ok("int later(int);\nint use_later(void) { return later(2); }");
    run x;
    execute("use_later()", &x);
    assert_int_equal(x.r.status, EXEC_ERROR);
    assert_string_equal(x.r.ename, "LinkError");
    assert_non_null(strstr(x.r.evalue, "later() is declared but not defined"));
    exec_result_clear(&x.r);
    ok("int later(int v) { return v * 100; }");
    assert_string_equal(ok("use_later()"), "200");
    /* Declaring again a function that exists keeps it. */
    ok("double sq(double v) { return v * v; }");
    assert_string_equal(ok("double sq(double);\nsq(3)"), "9");
    assert_string_equal(ok("sq(4) + later(1)"), "116");
    /* Library functions are not stubbed. */
    assert_string_equal(ok("double cos(double);\ncos(0)"), "1");
}

static void test_top_level_statements_and_declarations_mix(void **state)
{
    (void)state;
    run x;
    execute("int total = 0;\n"
            "/* a comment with { braces */\n"
            "const char *brace = \"}{\";\n"
            "#define TWICE(v) (2 * (v))\n"
            "static int helper(int v) { return v + 1; }\n"
            "for (int i = 0; i < 4; i++) { total += helper(i); }\n"
            "if (total > 3) { total = TWICE(total); } else total = -1;\n"
            "{ int local = 5; total += local; }\n"
            "struct acc { int sum; } acc = {0};\n"
            "int (*op)(int) = helper;\n"
            "do { acc.sum += op(total); } while (acc.sum < 0);\n"
            "printf(\"%d %d %s\\n\", total, acc.sum, brace);\n",
            &x);
    assert_int_equal(x.r.status, EXEC_OK);
    assert_string_equal(x.out, "25 26 }{\n");
    exec_result_clear(&x.r);
    assert_string_equal(ok("helper(1) + acc.sum + TWICE(1)"), "30");
}

static void test_page_cell_shows_documentation(void **state)
{
    (void)state;
    run x;
    execute("?seli_add", &x);
    assert_int_equal(x.r.status, EXEC_OK);
    assert_non_null(x.r.page);
    assert_non_null(strstr(x.r.page, "seli_add("));
    assert_non_null(strstr(x.r.page, "a + b"));
    exec_result_clear(&x.r);
    ok("double area(double r) { return 3.14 * r * r; }");
    execute("area?", &x);
    assert_non_null(x.r.page);
    assert_non_null(strstr(x.r.page, "double area(double r)"));
    exec_result_clear(&x.r);
}

static int has(char **m, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(m[i], s))
            return 1;
    return 0;
}

static void free_matches(char **m, int n)
{
    for (int i = 0; i < n; i++)
        free(m[i]);
    free(m);
}

static void test_complete_offers_keywords_libseli_and_user_names(void **state)
{
    (void)state;
    ok("int my_counter = 0;\ndouble my_func(double v) { return v; }\n#define MY_MACRO 1");
    char **m;
    int start, end;
    const char *code = "x = seli_ad";
    int n = session_complete_name(S, code, (int)strlen(code), &m, &start, &end);
    assert_true(has(m, n, "seli_add"));
    assert_int_equal(start, 4);
    assert_int_equal(end, (int)strlen(code));
    for (int i = 0; i < n; i++)
        assert_true(strncmp(m[i], "seli_ad", 7) == 0);
    free_matches(m, n);
    n = session_complete_name(S, "my_", 3, &m, &start, &end);
    assert_true(has(m, n, "my_counter") && has(m, n, "my_func"));
    assert_int_equal(start, 0);
    free_matches(m, n);
    n = session_complete_name(S, "whi", 3, &m, &start, &end);
    assert_true(has(m, n, "while"));
    free_matches(m, n);
    n = session_complete_name(S, "MY_M", 4, &m, &start, &end);
    assert_true(has(m, n, "MY_MACRO"));
    free_matches(m, n);
    n = session_complete_name(S, "prin", 4, &m, &start, &end);
    assert_true(has(m, n, "printf"));
    free_matches(m, n);
}

static void test_inspect_shows_prototype_and_header_comment(void **state)
{
    (void)state;
    const char *code = "seli_tensor *t = seli_zeros(";
    char *d = session_inspect(S, code, (int)strlen(code));
    assert_non_null(d);
    assert_non_null(strstr(d, "seli_tensor *seli_zeros(int ndim, const long *shape);"));
    assert_non_null(strstr(d, "filled with zeros"));
    free(d);
    ok("int twice(int v) { return 2 * v; }");
    d = session_inspect(S, "twice", 2);
    assert_non_null(d);
    assert_non_null(strstr(d, "int twice(int v);"));
    free(d);
    assert_null(session_inspect(S, "no_such_name_here", 3));
}

static void test_is_complete_reports_brackets_and_comments(void **state)
{
    (void)state;
    char *indent;
    assert_string_equal(session_is_complete("int x = 1;", &indent), "complete");
    free(indent);
    assert_string_equal(session_is_complete("for (;;) {", &indent), "incomplete");
    assert_string_equal(indent, "    ");
    free(indent);
    assert_string_equal(session_is_complete("f(1,", &indent), "incomplete");
    free(indent);
    assert_string_equal(session_is_complete("/* open", &indent), "incomplete");
    free(indent);
    assert_string_equal(session_is_complete("}", &indent), "invalid");
    free(indent);
    assert_string_equal(session_is_complete("x = \"}\";", &indent), "complete");
    free(indent);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median_compile_ms(session *s, const char *code, int n)
{
    double t[64];
    for (int i = 0; i < n; i++) {
        exec_result r;
        session_execute(s, code, &r);
        assert_int_equal(r.status, EXEC_OK);
        exec_result_clear(&r);
        t[i] = session_last_compile_ms(s);
    }
    qsort(t, (size_t)n, sizeof *t, cmp_double);
    return t[n / 2];
}

/* A unit takes only the declarations it names (prelude.c): a trivial cell
 * compiles faster than with the headers whole, and cells that name libc
 * and libseli functions, macros and types, through macros too, still work. */
static void test_units_take_only_the_headers_they_name(void **state)
{
    (void)state;
    setenv("SELI_WHOLE_HEADERS", "1", 1);
    session *whole = session_new(NULL);
    unsetenv("SELI_WHOLE_HEADERS");
    assert_non_null(whole);
    assert_null(whole->prelude);
    assert_non_null(S->prelude);
    double fast = 0, slow = 0;
    for (int round = 0; round < 3; round++) {
        fast += median_compile_ms(S, "int x = 1;", 9);
        slow += median_compile_ms(whole, "int x = 1;", 9);
    }
    session_free(whole);
    fprintf(stderr, "per-cell compile of \"int x = 1;\": %.2f ms named headers, %.2f ms whole\n",
            fast / 3, slow / 3);
    assert_true(fast < slow);
    static const char *const cells[] = {
        "double r = sqrt(2.0) + sin(0.5) + fabs(-1.0);",
        /* isnan() reaches __isnanf by token pasting: compiled again whole. */
        "int nan_ok = isnan(NAN) && isinf(INFINITY) && !signbit(1.0f) && isnan((float)NAN);",
        "size_t len = strlen(\"abc\"); FILE *f = stdout; fflush(f);",
        "seli_tensor *t = seli_ones(SELI_SHAPE(2, 3));",
        "int c = EOF < 0 && RAND_MAX > 0; div_t dv = div(7, 2);",
        "long sum = 0; for (int i = 0; i < 10; i++) sum += labs(-i);",
    };
    for (size_t i = 0; i < sizeof cells / sizeof *cells; i++)
        ok(cells[i]);
    assert_string_equal(ok("r > 2.89 && r < 2.9 && nan_ok && len == 3 && c && dv.quot == 3 && sum == 45 && "
                           "seli_item(seli_sum_all(t)) == 6"),
                        "1");
}

/* The flattened headers are cached under $XDG_CACHE_HOME/seli; a kernel
 * that writes a new copy removes copies made for older headers. */
static void test_header_cache_keeps_only_the_current_copy(void **state)
{
    (void)state;
    char dir[] = "/tmp/seli-test-cache-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char sub[256], stale[300], other[300];
    snprintf(sub, sizeof sub, "%s/seli", dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    snprintf(stale, sizeof stale, "%s/headers-0123456789abcdef.i", sub);
    snprintf(other, sizeof other, "%s/notes.txt", sub);
    FILE *f = fopen(stale, "w");
    fputs("stale", f);
    fclose(f);
    f = fopen(other, "w");
    fputs("not ours", f);
    fclose(f);
    const char *old = getenv("XDG_CACHE_HOME");
    char *saved = old ? strdup(old) : NULL;
    setenv("XDG_CACHE_HOME", dir, 1);
    session *fresh = session_new(NULL);
    if (saved)
        setenv("XDG_CACHE_HOME", saved, 1);
    else
        unsetenv("XDG_CACHE_HOME");
    free(saved);
    assert_non_null(fresh);
    assert_int_equal(fresh->flattened, 1);
    session_free(fresh);
    assert_int_equal(access(stale, F_OK), -1); /* the stale copy is gone */
    assert_int_equal(access(other, F_OK), 0);  /* other files stay */
    int copies = 0;
    DIR *d = opendir(sub);
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d));)
        copies += !strncmp(e->d_name, "headers-", 8);
    closedir(d);
    assert_int_equal(copies, 1);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* The implicit headers are flattened once, so a cell does not walk the
 * glibc headers again: compare with a session that includes them. */
static void test_implicit_headers_cost_less_than_including_them(void **state)
{
    (void)state;
    assert_int_equal(S->flattened, 1);
    setenv("SELI_NO_FLATTEN", "1", 1);
    session *plain = session_new(NULL);
    unsetenv("SELI_NO_FLATTEN");
    assert_non_null(plain);
    assert_int_equal(plain->flattened, 0);
    double fast = 0, slow = 0;
    for (int round = 0; round < 3; round++) {
        fast += median_compile_ms(S, "int x = 1;", 9);
        slow += median_compile_ms(plain, "int x = 1;", 9);
    }
    fprintf(stderr, "per-cell compile of \"int x = 1;\": %.2f ms flattened, %.2f ms with #include\n",
            fast / 3, slow / 3);
    assert_true(fast < slow);
    session_free(plain);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_issue_example_runs_cell_by_cell, setup, teardown),
        cmocka_unit_test_setup_teardown(test_variables_keep_their_values_across_cells, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_same_type_redefinition_is_seen_by_earlier_functions,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_redefinition_with_another_type_is_a_new_variable,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_redefined_function_is_called_by_earlier_functions,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_types_and_macros_persist_and_can_be_redefined, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_trailing_expression_is_shown_by_type, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compile_error_is_one_error_with_cell_lines, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_failed_cell_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_faults_become_errors_and_the_session_lives_on, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_exit_ends_the_cell_and_the_session_lives_on, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_interrupt_from_another_thread_stops_an_endless_loop,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_interrupt_stops_a_cell_blocked_in_a_library_call,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_seli_error_unwinds_the_cell_with_its_message, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_floating_point_on_globals_of_earlier_cells_is_exact,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_global_of_a_header_typedef_persists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_macro_that_names_a_type_declares_globals, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_conditional_groups_keep_only_the_branch_taken, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_function_returning_a_function_pointer_is_a_definition, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prototype_links_to_a_definition_in_a_later_cell,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_top_level_statements_and_declarations_mix, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_page_cell_shows_documentation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_complete_offers_keywords_libseli_and_user_names,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_inspect_shows_prototype_and_header_comment, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_is_complete_reports_brackets_and_comments, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_implicit_headers_cost_less_than_including_them,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_units_take_only_the_headers_they_name, setup,
                                        teardown),
        cmocka_unit_test(test_header_cache_keeps_only_the_current_copy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
