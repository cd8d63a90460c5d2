/* test_cell.c: the cell front end, on representative snippets.
 *
 * Each snippet is split into items and rendered as
 *   kind[:names] [what the session keeps of it]
 * where a variable shows [type = initialiser] (type without the name, "-"
 * for none), a function its prototype, everything else its text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "frontend/cell.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The session would know these typedefs from the headers and earlier cells. */
static int known_type(void *ctx, const char *name, size_t len)
{
    (void)ctx;
    static const char *const names[] = {"seli_tensor", "size_t", "point", NULL};
    for (int i = 0; names[i]; i++)
        if (strlen(names[i]) == len && !memcmp(names[i], name, len))
            return 1;
    return 0;
}

static void render(const char *code, char *out, size_t cap)
{
    cell c;
    cell_parse(code, known_type, NULL, &c);
    out[0] = 0;
    if (c.page) {
        snprintf(out, cap, "page:%s", c.page);
        cell_free(&c);
        return;
    }
    for (int i = 0; i < c.nitems; i++) {
        const cell_item *it = &c.items[i];
        size_t o = strlen(out);
        o += (size_t)snprintf(out + o, cap - o, "%s%s", i ? " | " : "", cell_kind_name(it->kind));
        for (int k = 0; k < it->nnames; k++)
            o += (size_t)snprintf(out + o, cap - o, "%s%s", k ? "," : ":", it->names[k]);
        if (it->kind == ITEM_VARIABLE)
            snprintf(out + o, cap - o, " [%s = %s]", it->type, it->init ? it->init : "-");
        else if (it->kind == ITEM_FUNCTION)
            snprintf(out + o, cap - o, " [%s]", it->proto);
        else
            snprintf(out + o, cap - o, " [%s]", it->text);
    }
    cell_free(&c);
}

static const struct {
    const char *code;
    const char *expect;
} snippets[] = {
    {"int n = 3;",
     "variable:n [int = 3]"},
    {"int a, b = 2;",
     "variable:a [int = -] | variable:b [int = 2]"},
    {"double square(double v) { return v * v; }",
     "function:square [double square(double v);]"},
    {"static int helper(int x) { return x + 1; }",
     "function:helper [int helper(int x);]"},
    {"static inline int tiny(void) { return 1; }",
     "function:tiny [int tiny(void);]"},
    {"printf(\"hi\\n\");",
     "statement [printf(\"hi\\n\");]"},
    {"square(3) + n",
     "expression [square(3) + n]"},
    {"n += 1; pts[0].x = square(2);",
     "statement [n += 1;] | statement [pts[0].x = square(2);]"},
    {"typedef struct { float x, y; } point;",
     "type:point [typedef struct { float x, y; } point;]"},
    {"typedef struct node { int v; struct node *next; } node;",
     "type:struct node,node [typedef struct node { int v; struct node *next; } node;]"},
    {"struct p { int x; } s1, *s2 = &s1;",
     "type:struct p [struct p { int x; };] | variable:s1 [struct p = -] | variable:s2 [struct p * = &s1]"},
    {"struct q { int y; };",
     "type:struct q [struct q { int y; };]"},
    {"struct q;",
     "type:struct q [struct q;]"},
    {"enum { RED, GREEN };",
     "type:enum __seli_anon_94c921f0,RED,GREEN [enum __seli_anon_94c921f0 { RED, GREEN };]"},
    {"enum color { C1, C2 } col = C2;",
     "type:enum color,C1,C2 [enum color { C1, C2 };] | variable:col [enum color = C2]"},
    {"union u { int i; float f; } un;",
     "type:union u [union u { int i; float f; };] | variable:un [union u = -]"},
    {"int (*fp)(int) = helper;",
     "variable:fp [int (*)(int) = helper]"},
    {"int arr[] = {1, 2, 3};",
     "variable:arr [int [] = {1, 2, 3}]"},
    {"char msg[] = \"a { brace\";",
     "variable:msg [char [] = \"a { brace\"]"},
    {"float grid[3][4];",
     "variable:grid [float [3][4] = -]"},
    {"extern int shared;",
     "declaration:shared [extern int shared;]"},
    {"double f(double), g;",
     "declaration:f [double f(double);] | variable:g [double = -]"},
    {"int puts(const char *);",
     "declaration:puts [int puts(const char *);]"},
    {"const char *s = \"}\";",
     "variable:s [const char * = \"}\"]"},
    {"unsigned long long big = 1ULL << 40;",
     "variable:big [unsigned long long = 1ULL << 40]"},
    {"seli_tensor *t = seli_zeros(SELI_SHAPE(2, 3));",
     "variable:t [seli_tensor * = seli_zeros(SELI_SHAPE(2, 3))]"},
    {"point pt = {1, 2};",
     "variable:pt [point = {1, 2}]"},
    {"point *pts = malloc(3 * sizeof *pts);",
     "variable:pts [point * = malloc(3 * sizeof *pts)]"},
    {"#include <time.h>",
     "directive:#include <time.h> [#include <time.h>]"},
    {"#define SQ(x) ((x) * (x))",
     "directive:#SQ [#define SQ(x) ((x) * (x))]"},
    {"#define LONG_MACRO(a, b) \\\n    ((a) + (b))",
     "directive:#LONG_MACRO [#define LONG_MACRO(a, b) \\\n    ((a) + (b))]"},
    {"#undef SQ",
     "directive:#SQ [#undef SQ]"},
    {"#pragma once",
     "directive:#pragma once [#pragma once]"},
    {"for (int i = 0; i < 3; i++) { printf(\"}\"); }",
     "statement [for (int i = 0; i < 3; i++) { printf(\"}\"); }]"},
    {"for (int i = 0; i < 3; i++) total += i;",
     "statement [for (int i = 0; i < 3; i++) total += i;]"},
    {"if (n > 2) { n--; } else { n++; }",
     "statement [if (n > 2) { n--; } else { n++; }]"},
    {"if (n) n = 0; else if (m) m = 0; else k = 1;",
     "statement [if (n) n = 0; else if (m) m = 0; else k = 1;]"},
    {"while (n < 10) n++;",
     "statement [while (n < 10) n++;]"},
    {"do { n--; } while (n > 0);",
     "statement [do { n--; } while (n > 0);]"},
    {"do n--; while (n > 0);",
     "statement [do n--; while (n > 0);]"},
    {"switch (n) { case 1: break; default: n = 0; }",
     "statement [switch (n) { case 1: break; default: n = 0; }]"},
    {"{ int local = 1; local++; }",
     "statement [{ int local = 1; local++; }]"},
    {"/* comment { with braces } */ int c1 = 1; // trailing {",
     "variable:c1 [int = 1]"},
    {"x = (point){1, 2};",
     "statement [x = (point){1, 2};]"},
    {"p = &(int[]){1, 2, 3}[0]",
     "expression [p = &(int[]){1, 2, 3}[0]]"},
    {"n",
     "expression [n]"},
    {"?seli_add",
     "page:seli_add"},
    {"seli_add?",
     "page:seli_add"},
    {"volatile int vol = 0;",
     "variable:vol [volatile int = 0]"},
    {"_Bool flag = 1;",
     "variable:flag [_Bool = 1]"},
    {"point mid(point a, point b) { point r = {(a.x + b.x) / 2, (a.y + b.y) / 2}; return r; }",
     "function:mid [point mid(point a, point b);]"},
    {"size_t count = sizeof(int);",
     "variable:count [size_t = sizeof(int)]"},
    {"int x = 5",
     "variable:x [int = 5]"},
    {"return;",
     "statement [return;]"},
    {"label: n++;",
     "statement [label: n++;]"},
    {"int total = 0;\n/* { */\nfor (int i = 0; i < 3; i++) {\n    total += i;\n}\ntotal",
     "variable:total [int = 0] | statement [for (int i = 0; i < 3; i++) {\n    total += i;\n}] | expression [total]"},
    {"#include <string.h>\ntypedef struct { float x, y; } point;\nint n = 3;\npoint *pts = malloc(n * sizeof *pts);\ndouble square(double v) { return v * v; }\nprintf(\"n=%d\\n\", n);",
     "directive:#include <string.h> [#include <string.h>] | type:point [typedef struct { float x, y; } point;] | variable:n [int = 3] | variable:pts [point * = malloc(n * sizeof *pts)] | function:square [double square(double v);] | statement [printf(\"n=%d\\n\", n);]"},
    {"int f(void)\n{\n    return 1;\n}\nint g = f();",
     "function:f [int f(void);] | variable:g [int = f()]"},
    {"const int N = 4; double w[N];",
     "variable:N [const int = 4] | variable:w [double [N] = -]"},
    {"struct { int a; } anon_var;",
     "type:struct __seli_anon_39667737 [struct __seli_anon_39667737 { int a; };] | variable:anon_var [struct __seli_anon_39667737 = -]"},
    {"typedef enum { LOW, HIGH } level;",
     "type:LOW,HIGH,level [typedef enum { LOW, HIGH } level;]"},
    {"typedef double (*binop)(double, double);",
     "type:binop [typedef double (*binop)(double, double);]"},
    {"typedef double (*binop)(double, double);\nbinop add_op = 0;",
     "type:binop [typedef double (*binop)(double, double);] | variable:add_op [binop = 0]"},
    {"#include <setjmp.h>\njmp_buf jb;\nint use(void){ return sizeof(jb) > 0; }\nuse()",
     "directive:#include <setjmp.h> [#include <setjmp.h>] | variable:jb [jmp_buf = -] | function:use [int use(void);] | expression [use()]"},
    {"static jmp_buf jb2, *pjb = &jb2;",
     "variable:jb2 [jmp_buf = -] | variable:pjb [jmp_buf * = &jb2]"},
    {"#define T double\nT x = 1;\nT *px = &x;",
     "directive:#T [#define T double] | variable:x [T = 1] | variable:px [T * = &x]"},
    {"#define forever for (;;)\nforever x++;",
     "directive:#forever [#define forever for (;;)] | statement [forever x++;]"},
    {"#define N 3\nN * k;",
     "directive:#N [#define N 3] | statement [N * k;]"},
    {"int (*pick(int k))(int, int) { return k ? add : sub; }",
     "function:pick [int (*pick(int k))(int, int);]"},
    {"void (*handler(int sig, void (*fn)(int)))(int);",
     "declaration:handler [void (*handler(int sig, void(*fn)(int)))(int);]"},
    {"int (*table[2])(int) = {0, 0};",
     "variable:table [int (*[2])(int) = {0, 0}]"},
    /* Issue 20: real C programs. */
    {"double \xd0\xbf\xd1\x80\xd0\xb8 = 0.1;",
     "variable:\xd0\xbf\xd1\x80\xd0\xb8 [double = 0.1]"},
    {"__attribute__((constructor)) void ctor(void) { }",
     "function:ctor [__attribute__((constructor)) void ctor(void);]"},
    {"__attribute__((constructor)) static void c3(void) { }",
     "function:c3 [__attribute__((constructor)) void c3(void);]"},
    {"_Alignas(16) static int al = 3;",
     "variable:al [_Alignas(16) int = 3]"},
    {"extern void vide(void); __asm__(\"vide: ret\\n.L1: nop; two:\");",
     "declaration:vide [void vide(void);] | statement:vide,two [__asm__(\"vide: ret\\n.L1: nop; two:\");]"},
    {"asm(\"",
     "statement [asm(\"]"},
    {"// only a comment",
     ""},
    {"",
     ""},
};

static void test_snippets_are_classified_and_rewritten(void **state)
{
    (void)state;
    int n = (int)(sizeof snippets / sizeof *snippets);
    assert_true(n >= 40);
    int failed = 0;
    for (int i = 0; i < n; i++) {
        char out[4096];
        render(snippets[i].code, out, sizeof out);
        if (strcmp(out, snippets[i].expect)) {
            fprintf(stderr, "snippet %d: %s\n  got:    %s\n  wanted: %s\n", i, snippets[i].code,
                    out, snippets[i].expect);
            failed++;
        }
    }
    assert_int_equal(failed, 0);
}

static void test_items_know_their_cell_lines(void **state)
{
    (void)state;
    cell c;
    cell_parse("// intro\nint a = 1;\n\ndouble f(double x)\n{\n    return x;\n}\nprintf(\"%d\", a);\n"
               "int b =\n    a + 1;\na + b",
               NULL, NULL, &c);
    assert_int_equal(c.nitems, 5);
    assert_int_equal(c.items[0].line, 2);
    assert_int_equal(c.items[1].line, 4);
    assert_int_equal(c.items[2].line, 8);
    assert_int_equal(c.items[3].line, 9);
    assert_int_equal(c.items[3].init_line, 10);
    assert_int_equal(c.items[4].line, 11);
    assert_int_equal(c.items[4].kind, ITEM_EXPRESSION);
    cell_free(&c);
}

static void test_function_text_drops_storage_words_but_keeps_lines(void **state)
{
    (void)state;
    cell c;
    cell_parse("static inline int\nh(int v)\n{ return v; }", NULL, NULL, &c);
    assert_int_equal(c.nitems, 1);
    assert_int_equal(c.items[0].kind, ITEM_FUNCTION);
    assert_null(strstr(c.items[0].text, "static"));
    assert_null(strstr(c.items[0].text, "inline"));
    assert_non_null(strstr(c.items[0].text, "int\nh(int v)\n{ return v; }"));
    assert_int_equal(strncmp(c.items[0].text + c.items[0].name_off, "h(int v)", 8), 0);
    cell_free(&c);
}

static void test_typedef_names_are_learned_within_the_cell(void **state)
{
    (void)state;
    cell c;
    cell_parse("typedef int myint;\nmyint *p = 0;\nmyint (q);", NULL, NULL, &c);
    assert_int_equal(c.nitems, 3);
    assert_int_equal(c.items[1].kind, ITEM_VARIABLE);
    assert_string_equal(c.items[1].type, "myint *");
    assert_int_equal(c.items[2].kind, ITEM_VARIABLE);
    assert_int_equal(c.items[0].first_typedef, 0);
    cell_free(&c);
}

static void test_conditional_groups_are_probed_then_selected(void **state)
{
    (void)state;
    int n = -1;
    assert_null(cell_conditional_probe("int a = 1;\n#define X 2\n", &n));
    assert_int_equal(n, 0);
    const char *code = "#if A\nint a;\n#elif B\n#ifdef C\nint c;\n#endif\n#else\nint d;\n#endif\nx";
    char *probe = cell_conditional_probe(code, &n);
    assert_int_equal(n, 4);
    assert_string_equal(probe, "#line 1 \"cell\"\n#if A\nchar __seli_branch_0 = 1;\n"
                               "#line 3 \"cell\"\n#elif B\nchar __seli_branch_1 = 1;\n"
                               "#line 4 \"cell\"\n#ifdef C\nchar __seli_branch_2 = 1;\n"
                               "#line 6 \"cell\"\n#endif\n"
                               "#line 7 \"cell\"\n#else\nchar __seli_branch_3 = 1;\n"
                               "#line 9 \"cell\"\n#endif\n");
    free(probe);
    /* B and C taken: only "int c;" and what follows the group stay. */
    int taken[4] = {0, 1, 1, 0};
    char *sel = cell_select_branches(code, taken, 4);
    assert_string_equal(sel, "     \n      \n       \n        \nint c;\n      \n     \n      \n"
                             "      \nx");
    free(sel);
    /* A file included inside a body brings code: it stays out of the probe
     * (a program that includes itself: "int main() { #include SELF }"). */
    int nb = 0;
    char *body = cell_conditional_probe("#ifndef INSIDE\n#include <stdio.h>\nint main(void) {\n"
                                         "#define INSIDE\n#include \"prog.c\"\n}\n#endif",
                                         &nb);
    assert_int_equal(nb, 1);
    assert_non_null(strstr(body, "#include <stdio.h>"));
    assert_non_null(strstr(body, "#define INSIDE"));
    assert_null(strstr(body, "prog.c"));
    free(body);
}

/* "SESSION_MAC" is a function-like macro of an earlier cell. */
static int session_macros(void *ctx, const char *name, size_t len)
{
    (void)ctx;
    return len == 11 && !memcmp(name, "SESSION_MAC", 11);
}

static void test_top_level_macro_invocations_are_expanded_in_place(void **state)
{
    (void)state;
    const char *code = "#define def(S) int f##S(void) { return S; }\n"
                       "def(1)\n"
                       "int x = def(2);\n"     /* not at the start of a chunk */
                       "SESSION_MAC(a,\n b)\n" /* spans two lines */
                       "other(3);";
    int n = -1;
    char *probe = cell_macro_probe(code, session_macros, NULL, &n);
    assert_int_equal(n, 2);
    assert_non_null(strstr(probe, "#define def(S)"));
    assert_non_null(strstr(probe, "__seli_expand_0_\n#line 2\ndef(1)\n__seli_expand_0_"));
    assert_non_null(
        strstr(probe, "__seli_expand_1_\n#line 4\nSESSION_MAC(a,\n b)\n__seli_expand_1_"));
    /* What the preprocessor would say. */
    const char *pp = "# 1 \"x\"\n__seli_expand_0_\nint f1(void) { return 1; }\n__seli_expand_0_\n"
                     "__seli_expand_1_\n# 5 \"x\"\nlong a = b;\n__seli_expand_1_\n";
    char *out = cell_macro_splice(code, session_macros, NULL, pp);
    assert_string_equal(out, "#define def(S) int f##S(void) { return S; }\n"
                             "int f1(void) { return 1; } \n"
                             "int x = def(2);\n"
                             "long a = b; \n\n"
                             "other(3);");
    free(out);
    assert_null(cell_macro_splice(code, session_macros, NULL, "no markers"));
    free(probe);
    assert_null(cell_macro_probe("int y = 1;\nplain(2);", session_macros, NULL, &n));
    assert_int_equal(n, 0);
}

static void test_normalize_and_identifiers(void **state)
{
    (void)state;
    char *n = cell_normalize("int  * a [ 3 ] ; /* c */ f ( x , y ) ->z");
    assert_string_equal(n, "int *a[3]; f(x, y)->z");
    free(n);
}

static void test_is_complete_cases(void **state)
{
    (void)state;
    static const struct {
        const char *code;
        const char *status;
        int depth;
    } cases[] = {
        {"int x = 1;", "complete", 0},
        {"", "complete", 0},
        {"for (int i = 0; i < 3; i++) {", "incomplete", 1},
        {"void f(void) {\n  if (x) {", "incomplete", 2},
        {"printf(\"%d\",", "incomplete", 1},
        {"int a[] = {1, 2,", "incomplete", 1},
        {"/* an open comment", "incomplete", 0},
        {"x = \"open string", "incomplete", 0},
        {"}", "invalid", 0},
        {"int x = 1; }", "invalid", 0},
        {"f(1]", "invalid", 1},
        {"char *s = \"{\"; // {", "complete", 0},
        {"/* { */ int y;", "complete", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int depth = -1;
        const char *st = cell_is_complete(cases[i].code, &depth);
        if (strcmp(st, cases[i].status))
            fprintf(stderr, "is_complete(%s) = %s\n", cases[i].code, st);
        assert_string_equal(st, cases[i].status);
        if (strcmp(st, "invalid"))
            assert_int_equal(depth, cases[i].depth);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_snippets_are_classified_and_rewritten),
        cmocka_unit_test(test_items_know_their_cell_lines),
        cmocka_unit_test(test_function_text_drops_storage_words_but_keeps_lines),
        cmocka_unit_test(test_typedef_names_are_learned_within_the_cell),
        cmocka_unit_test(test_conditional_groups_are_probed_then_selected),
        cmocka_unit_test(test_top_level_macro_invocations_are_expanded_in_place),
        cmocka_unit_test(test_normalize_and_identifiers),
        cmocka_unit_test(test_is_complete_cases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
