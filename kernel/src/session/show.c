/* show.c: the code that shows a cell's result by its type, for what
 * seli_show (seli/show.h) shows only as an address or <value>:
 *
 *   int arr[] = {3, 1, 2}; arr        -> { 3, 1, 2 }
 *   double m[2][2] = {{1, 2}, {3, 4}}; m -> { { 1, 2 }, { 3, 4 } }
 *   struct point p = {1, 2}; p         -> { .x = 1, .y = 2 }
 *
 * The type of a result is not known before compiling, so the unit asks the
 * compiler: an array is a value whose type changes when it decays
 * (__SELI_ISARR), and tcc leaves the branches of a _Generic that it does
 * not take unchecked, so code that subscripts the value compiles for every
 * type (a char or a short changes too, into an int, which no array becomes).
 * Structs and unions are shown by their fields where the session
 * knows their definition: for each such type the unit gets a function that
 * writes its fields (value.c writes the values), chosen by _Generic.  All
 * this text is under the file name SHOW_FILE; if it does not compile, the
 * session falls back to seli_show. */
#include "session/session_internal.h"
#include "value/value.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The runtime's functions and the macros that look at a type. */
static const char show_decls[] =
    "void __seli_fmt_array(int, unsigned long, const void *, int, const unsigned long *,\n"
    "                      void (*)(void *, const void *));\n"
    "void __seli_fmt_struct(void (*)(void *, const void *), const void *);\n"
    "void __seli_fmt_text(void *, const char *);\n"
    "void __seli_fmt_field(void *, int, unsigned long, const void *, int, const unsigned long *,\n"
    "                      void (*)(void *, const void *));\n"
    "#define __SELI_ISARR(x) (!__builtin_types_compatible_p(__typeof__(x), __typeof__(1 ? (x) : "
    "(x))) && !__builtin_types_compatible_p(int, __typeof__(1 ? (x) : (x))))\n"
    "#define __SELI_IFARR(x, a, b) _Generic((char (*)[1 + __SELI_ISARR(x)])0, char (*)[2]: a, "
    "default: b)\n"
    "#define __SELI_SUB(x) __SELI_IFARR(x, (x)[0], (x))\n"
    "#define __SELI_KIND(x) _Generic((x), _Bool: 1, char: 2, signed char: 3, unsigned char: 4, "
    "short: 5, unsigned short: 6, int: 7, unsigned: 8, long: 9, unsigned long: 10, long long: 11, "
    "unsigned long long: 12, float: 13, double: 14, long double: 15, char *: 16, const char *: "
    "16, void *: 17, const void *: 17, default: 0)\n";

/* One struct or union type whose fields the session knows. */
typedef struct known {
    char *type; /* "struct point", or a typedef name */
    char *body; /* the normalised text between its braces */
} known;

static int keyword(const char *id)
{
    static const char *const kw[] = {"struct", "union",    "enum",   "const", "volatile",
                                     "signed", "unsigned", "int",    "char",  "short",
                                     "long",   "float",    "double", "_Bool", "void"};
    for (size_t i = 0; i < sizeof kw / sizeof *kw; i++)
        if (!strcmp(id, kw[i]))
            return 1;
    return 0;
}

/* The matching closing bracket of the one at p. */
static const char *closing(const char *p)
{
    int depth = 0;
    for (; *p; p++) {
        if (*p == '{' || *p == '(' || *p == '[')
            depth++;
        else if ((*p == '}' || *p == ')' || *p == ']') && --depth == 0)
            return p;
    }
    return NULL;
}

/* The name a declarator piece declares ("*next" -> next, "(*fn)(int)" ->
 * fn, "a[3]" -> a), or 0 when it has none; *ptr, *arr and *bits say what
 * it is. */
static int declarator(const char *piece, char *name, size_t size, int *ptr, int *arr, int *bits)
{
    *ptr = *arr = *bits = 0;
    name[0] = 0;
    const char *fnptr = strstr(piece, "( *");
    for (const char *p = piece; *p; p++) {
        if (*p == '{' || (*p == '[' && !fnptr)) {
            *arr |= *p == '[';
            const char *e = closing(p);
            if (!e)
                return 0;
            p = e;
            continue;
        }
        if (*p == '*')
            *ptr = 1;
        if (*p == ':') {
            *bits = 1;
            break;
        }
        if (fnptr && p > fnptr && *p == ')')
            break;
        if (isalpha((unsigned char)*p) || *p == '_') {
            size_t n = 0;
            while (isalnum((unsigned char)p[n]) || p[n] == '_')
                n++;
            if (n < size && !(fnptr && p < fnptr)) {
                memcpy(name, p, n);
                name[n] = 0;
            }
            p += n - 1;
        }
    }
    return name[0] && !keyword(name);
}

/* The typedefs __seli_t1..t4: the element types of __seli_t0, one
 * dimension at a time (a type that is no array stays itself). */
static void show_chain(text_buf *b)
{
    for (int k = 1; k <= VALUE_MAX_DIMS; k++)
        text_printf(b, "typedef __typeof__(__SELI_SUB(*(__seli_t%d *)0)) __seli_t%d;\n", k - 1, k);
}

/* Append the statement call(kind, esize, data_open x data_close, ndim, dims,
 * elem) for the value x whose type is __seli_t0, after show_chain. */
static void show_call(text_buf *b, const char *call, const char *data_open, const char *x,
                      const char *data_close)
{
    text_put(b, "const unsigned long __seli_d[] = {");
    for (int k = 1; k <= VALUE_MAX_DIMS; k++)
        text_printf(b, "%ssizeof(__seli_t%d) / sizeof(__seli_t%d)", k > 1 ? ", " : "", k - 1, k);
    text_printf(b, "};\n%s__SELI_KIND(*(__seli_t%d *)0), sizeof(__seli_t%d), %s%s%s, 0", call,
                VALUE_MAX_DIMS, VALUE_MAX_DIMS, data_open, x, data_close);
    for (int k = 0; k < VALUE_MAX_DIMS; k++)
        text_printf(b, " + __SELI_ISARR(*(__seli_t%d *)0)", k);
    text_printf(b, ", __seli_d, __SELI_ELEMFN(*(__seli_t%d *)0));\n", VALUE_MAX_DIMS);
}

/* Append to b the code that writes the field x (an lvalue such as "v->x"). */
static void field_code(text_buf *b, const char *x, int ptr, int arr, int bits)
{
    if (bits) {
        text_printf(b,
                    "__seli_fmt_field(b, __SELI_KIND(1 ? (%s) : (%s)), 0, (const void *)"
                    "(__typeof__(1 ? (%s) : (%s))[1]){%s}, 0, 0, 0);\n",
                    x, x, x, x, x);
    } else if (ptr && !arr) {
        text_printf(b,
                    "__seli_fmt_field(b, __SELI_KIND(%s) ? __SELI_KIND(%s) : 17, sizeof(%s), "
                    "(const void *)&(%s), 0, 0, 0);\n",
                    x, x, x, x);
    } else {
        text_put(b, "{ typedef __typeof__(");
        text_put(b, x);
        text_put(b, ") __seli_t0;\n");
        show_chain(b);
        show_call(b, "__seli_fmt_field(b, ", "(const void *)&(", x, ")");
        text_put(b, "}\n");
    }
}

/* The function that writes the fields of k (number i). */
static void formatter(text_buf *b, const known *k, int i)
{
    text_printf(b, "static void __seli_fmt_s%d(void *b, const void *p) {\nconst %s *v = p;\n", i,
                k->type);
    const char *sep = "{ ";
    const char *p = k->body;
    while (*p) {
        /* One member declaration, up to its ';' at depth 0. */
        const char *e = p;
        while (*e && *e != ';') {
            const char *c = (*e == '{' || *e == '(' || *e == '[') ? closing(e) : NULL;
            e = c ? c + 1 : e + 1;
        }
        char *member = xstrndup(p, (size_t)(e - p));
        /* Its declarators, split at commas at depth 0. */
        for (char *q = member; q && *q;) {
            char *c = q;
            while (*c && *c != ',') {
                const char *cl = (*c == '{' || *c == '(' || *c == '[') ? closing(c) : NULL;
                c = cl ? (char *)cl + 1 : c + 1;
            }
            char save = *c;
            *c = 0;
            char name[128], x[160];
            int ptr, arr, bits;
            if (declarator(q, name, sizeof name, &ptr, &arr, &bits)) {
                text_printf(b, "__seli_fmt_text(b, \"%s.%s = \");\n", sep, name);
                snprintf(x, sizeof x, "v->%s", name);
                field_code(b, x, ptr, arr, bits);
                sep = ", ";
            }
            *c = save;
            q = save ? c + 1 : NULL;
        }
        free(member);
        p = *e ? e + 1 : e;
    }
    text_printf(b, "__seli_fmt_text(b, \"%s}\");\n}\n", sep[0] == '{' ? "{ " : " ");
}

/* The type a type item (text, keys names) names with its body, in k: its
 * tag, or its first plain typedef name.  0 for an enum or no body. */
static int known_of(const char *text, char **names, int nnames, int first_typedef, known *k)
{
    char *n = cell_normalize(text);
    char *open = strchr(n, '{');
    const char *close = open ? closing(open) : NULL;
    int ok = 0;
    if (close) {
        *open = 0;
        int is_struct = strstr(n, "struct") != NULL || strstr(n, "union") != NULL;
        int is_enum = strstr(n, "enum") && !is_struct;
        *open = '{';
        for (int i = 0; i < nnames && !ok && !is_enum && is_struct; i++) {
            const char *key = names[i];
            int tag = !strncmp(key, "struct ", 7) || !strncmp(key, "union ", 6);
            if (first_typedef >= 0 && i >= first_typedef) {
                /* A plain typedef name: "} point," not "} *pp,". */
                const char *at = strstr(close, key);
                if (!at || at[-1] != ' ' || (at[-2] != '}' && at[-2] != ','))
                    continue;
            } else if (!tag || strstr(n, key) > open) {
                continue;
            }
            k->type = xstrdup(key);
            ok = 1;
        }
        if (ok)
            k->body = xstrndup(open + 1, (size_t)(close - open - 1));
    }
    free(n);
    return ok;
}

/* The struct and union types with bodies that the unit sees before item upto. */
static int knowns(const session *s, const cell *c, int upto, const plan *p, known **out)
{
    known *ks = NULL;
    int n = 0;
    for (int i = 0; i < s->nentries + upto; i++) {
        const char *text;
        char **names;
        int nn, ft;
        if (i < s->nentries) {
            const entry *e = &s->entries[i];
            if (p->excluded[i] || e->kind != ITEM_TYPE)
                continue;
            text = e->text, names = e->names, nn = e->nnames, ft = e->first_typedef;
        } else {
            const cell_item *it = &c->items[i - s->nentries];
            if (it->kind != ITEM_TYPE || p->noop[i - s->nentries])
                continue;
            text = it->text, names = it->names, nn = it->nnames, ft = it->first_typedef;
        }
        known k;
        if (!known_of(text, names, nn, ft, &k))
            continue;
        array_grow(&ks, n, sizeof *ks);
        ks[n++] = k;
    }
    *out = ks;
    return n;
}

void show_declare(text_buf *b, const session *s, const cell *c, int upto, const plan *p, int fields)
{
    known *ks = NULL;
    int n = fields ? knowns(s, c, upto, p, &ks) : 0;
    text_put(b, "\n#line 1 \"" SHOW_FILE "\"\n");
    text_put(b, show_decls);
    for (int i = 0; i < n; i++)
        text_printf(b, "static void __seli_fmt_s%d(void *, const void *);\n", i);
    text_put(b, "#define __SELI_ELEMFN(x) ");
    for (int i = 0; i < n; i++)
        text_printf(b, "_Generic((x), %s: __seli_fmt_s%d, default: ", ks[i].type, i);
    text_put(b, "(void (*)(void *, const void *))0");
    for (int i = 0; i < n; i++)
        text_put(b, ")");
    text_put(b, "\n#define __SELI_ISKNOWN(x) ");
    for (int i = 0; i < n; i++)
        text_printf(b, "_Generic((x), %s: 1, default: ", ks[i].type);
    text_put(b, "0");
    for (int i = 0; i < n; i++)
        text_put(b, ")");
    text_put(b, "\n");
    for (int i = 0; i < n; i++) {
        formatter(b, &ks[i], i);
        free(ks[i].type);
        free(ks[i].body);
    }
    free(ks);
}

void show_result(text_buf *b, const char *expr, int line, int fields)
{
    /* In parentheses: a comma between braces would split a macro's argument. */
    text_buf pe = {0};
    text_printf(&pe, "(%s)", expr);
    const char *e = pe.data;
    text_printf(b, "\n#line 1 \"" SHOW_FILE "\"\n{ typedef __typeof__(%s) __seli_t0;\n", e);
    show_chain(b);
    /* Fails, under a file name that says why, when this mode does not show
     * the type.  Not _Static_assert: tcc leaks when one fails. */
    text_put(b, "\n#line 1 \"" UNKNOWN_TYPE "\"\n");
    if (fields)
        text_printf(b,
                    "(void)sizeof(char[seli_show_known(%s) || __SELI_ISARR(%s) || "
                    "__SELI_ISKNOWN(%s) ? 1 : -1]);",
                    e, e, e);
    else
        text_printf(b,
                    "(void)sizeof(char[(__SELI_ISARR(*(__seli_t0 *)0) ? "
                    "__SELI_KIND(*(__seli_t%d *)0) != 0 : seli_show_known(%s)) ? 1 : -1]);",
                    VALUE_MAX_DIMS, e);
    /* The lines that evaluate the expression are the cell's line, so that
     * __LINE__ and a diagnostic there say where the user wrote it. */
    char at[64];
    snprintf(at, sizeof at, "\n#line %d \"cell\"\n", line);
    text_put(b, "\n#line 1 \"" SHOW_FILE "\"\n");
    text_put(b, "__seli_result_begin();\nif (__SELI_ISARR(*(__seli_t0 *)0)) {\n");
    text_buf data = {0}, call = {0};
    text_printf(&data, "__SELI_IFARR(%s, (const void *)%s, (const void *)0)", e, e);
    text_printf(&call, "%s__seli_fmt_array(", at);
    show_call(b, call.data, "", data.data, "");
    free(data.data);
    free(call.data);
    text_printf(b,
                "\n#line 1 \"" SHOW_FILE "\"\n} else if (__SELI_ISKNOWN(*(__seli_t0 *)0)) {%s"
                "__seli_fmt_struct(__SELI_ELEMFN(*(__seli_t0 *)0), (const void *)(__typeof__(1 ? %s "
                ": %s)[1]){%s});\n#line 1 \"" SHOW_FILE "\"\n} else {%sseli_show(%s);\n#line 1 \"" SHOW_FILE
                "\"\n}\n__seli_result_end(); }\n",
                at, e, e, e, at, e);
    free(pe.data);
}

int value_runtime_symbols(jit_symbol *out)
{
    out[0] = (jit_symbol){"__seli_fmt_array", fn_to_ptr((void (*)(void))value_fmt_array)};
    out[1] = (jit_symbol){"__seli_fmt_struct", fn_to_ptr((void (*)(void))value_fmt_struct)};
    out[2] = (jit_symbol){"__seli_fmt_text", fn_to_ptr((void (*)(void))value_fmt_text)};
    out[3] = (jit_symbol){"__seli_fmt_field", fn_to_ptr((void (*)(void))value_fmt_field)};
    return VALUE_RUNTIME_SYMBOLS;
}
