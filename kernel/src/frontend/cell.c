/* cell.c: split a cell into items (see cell.h); the tokens come from lexer.c. */
#include "frontend/cell.h"
#include "frontend/lexer.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const storage_words[] = {"typedef",  "extern",     "static",    "inline",
                                            "__inline", "__inline__", "_Noreturn", "register",
                                            "auto",     NULL};
static const char *const type_words[] = {
    "void",     "char",   "short",     "int",      "long",     "float",
    "double",   "signed", "unsigned",  "_Bool",    "_Complex", "__signed__",
    "__signed", "bool",   "_Float128", "__int128", NULL};
static const char *const qual_words[] = {
    "const",   "volatile",     "restrict",      "__restrict", "__restrict__",
    "__const", "__volatile__", "_Thread_local", "__thread",   "__extension__",
    NULL};
static const char *const stmt_words[] = {
    "if",   "for",  "while",   "do",   "switch",         "return",        "break", "continue",
    "goto", "case", "default", "else", "_Static_assert", "static_assert", NULL};

static int in_list(const tok *t, const char *const *list)
{
    if (t->kind != T_IDENT)
        return 0;
    for (int i = 0; list[i]; i++)
        if (tok_is(t, list[i]))
            return 1;
    return 0;
}

/* Other keywords: never a type name. */
static const char *const other_words[] = {
    "sizeof",        "_Alignof",    "__alignof__", "_Generic", "struct",  "union",
    "enum",          "typeof",      "__typeof__",  "__typeof", "_Atomic", "_Alignas",
    "__attribute__", "__attribute", "asm",         "__asm__",  "__asm",   NULL};

static int is_tag_word(const tok *t)
{
    return tok_is(t, "struct") || tok_is(t, "union") || tok_is(t, "enum");
}
static int is_group_word(const tok *t)
{
    return tok_is(t, "__attribute__") || tok_is(t, "__attribute") || tok_is(t, "_Alignas") ||
           tok_is(t, "__declspec") || tok_is(t, "__asm__") || tok_is(t, "__asm") ||
           tok_is(t, "asm");
}
static int is_typeof_word(const tok *t)
{
    return tok_is(t, "typeof") || tok_is(t, "__typeof__") || tok_is(t, "__typeof") ||
           tok_is(t, "_Atomic");
}

typedef struct parser {
    const char *src;
    lexer lx;
    cell_is_type_fn is_type;
    void *ctx;
    strlist types;  /* typedef names declared in this cell so far */
    strlist specs;  /* macros the cell defines that expand to specifiers */
    strlist macros; /* other macros the cell defines */
    cell *out;
} parser;

static int known_type(parser *ps, const tok *t)
{
    if (t->kind != T_IDENT)
        return 0;
    for (int i = 0; i < ps->types.n; i++)
        if (tok_is(t, ps->types.v[i]))
            return 1;
    return ps->is_type && ps->is_type(ps->ctx, t->p, (size_t)t->len) == 1;
}

/* Is t a macro that expands to declaration specifiers (attributes, storage
 * classes, qualifiers), defined by this cell or the session? */
static int specifier_macro(parser *ps, const tok *t)
{
    if (t->kind != T_IDENT)
        return 0;
    for (int i = 0; i < ps->specs.n; i++)
        if (tok_is(t, ps->specs.v[i]))
            return 1;
    return ps->is_type && ps->is_type(ps->ctx, t->p, (size_t)t->len) == 2;
}

static void add_type_name(parser *ps, const char *name) { strlist_add(&ps->types, name); }

/* The identifier t names a type from now on. */
static void add_type_token(parser *ps, const tok *t)
{
    char *name = xstrndup(t->p, (size_t)t->len);
    add_type_name(ps, name);
    free(name);
}

static int is_keyword(const tok *t)
{
    return in_list(t, storage_words) || in_list(t, type_words) || in_list(t, qual_words) ||
           in_list(t, stmt_words) || in_list(t, other_words);
}

/* Is t[i] a type name the front end has not seen defined (from a header the
 * cell includes, or a macro)?  Two identifiers in a row ("jmp_buf jb") only
 * make sense in C when the first one names a type. */
static int guessed_type(parser *ps, int i, int n)
{
    const tok *t = ps->lx.t;
    if (i + 1 >= n || t[i].kind != T_IDENT || t[i + 1].kind != T_IDENT || is_keyword(&t[i]))
        return 0;
    /* Not a macro ("#define forever for (;;)" then "forever x++;"), nor
     * another name the session knows. */
    char *name = xstrndup(t[i].p, (size_t)t[i].len);
    int known = strlist_has(&ps->macros, name);
    free(name);
    if (known || specifier_macro(ps, &t[i]) ||
        (ps->is_type && ps->is_type(ps->ctx, t[i].p, (size_t)t[i].len) < 0))
        return 0;
    return !in_list(&t[i + 1], stmt_words) && !in_list(&t[i + 1], other_words);
}

static int is_asm_word(const tok *t)
{
    return tok_is(t, "asm") || tok_is(t, "__asm__") || tok_is(t, "__asm");
}

/* Does the chunk starting at t[i] begin a declaration?  Attributes and
 * _Alignas may come first ("__attribute__((constructor)) void f(void)"),
 * and storage classes, qualifiers and __extension__ in any order. */
static int decl_start(parser *ps, int i, int n)
{
    const tok *t = ps->lx.t;
    for (;;) {
        if (i < n && specifier_macro(ps, &t[i]))
            return 1;
        if (!(i + 1 < n && is_group_word(&t[i]) && !is_asm_word(&t[i]) && tok_is(&t[i + 1], "(")))
            break;
        if (tok_is(&t[i], "_Alignas"))
            return 1;
        i = tok_skip_group(t, i + 1, n);
    }
    if (i >= n || t[i].kind != T_IDENT)
        return 0;
    if (in_list(&t[i], storage_words) || in_list(&t[i], type_words) || in_list(&t[i], qual_words) ||
        is_tag_word(&t[i]) || is_typeof_word(&t[i]) || tok_is(&t[i], "_Alignas"))
        return 1;
    if (known_type(ps, &t[i]) && i + 1 < n) {
        const tok *u = &t[i + 1];
        return u->kind == T_IDENT || tok_is(u, "*") || tok_is(u, "(");
    }
    return guessed_type(ps, i, n);
}

static cell_item *new_item(parser *ps, cell_item_kind kind, int line)
{
    cell *c = ps->out;
    array_grow(&c->items, c->nitems, sizeof *c->items);
    cell_item *it = &c->items[c->nitems++];
    memset(it, 0, sizeof *it);
    it->kind = kind;
    it->line = line;
    it->first_typedef = -1;
    return it;
}

static void add_name(cell_item *it, const char *s, size_t n)
{
    for (int i = 0; i < it->nnames; i++)
        if (strlen(it->names[i]) == n && !memcmp(it->names[i], s, n))
            return;
    array_grow(&it->names, it->nnames, sizeof *it->names);
    it->names[it->nnames++] = xstrndup(s, n);
}

static void add_namef(cell_item *it, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    add_name(it, buf, strlen(buf));
}

/* Source text from token a to token b-1, verbatim; tokens in blank[] (sorted,
 * nblank of them) are replaced by spaces so that lines stay where they are. */
static char *slice(parser *ps, int a, int b, const int *blank, int nblank)
{
    const tok *t = ps->lx.t;
    if (a >= b)
        return xstrndup("", 0);
    const char *s = t[a].p, *e = t[b - 1].p + t[b - 1].len;
    char *r = xstrndup(s, (size_t)(e - s));
    for (int k = 0; k < nblank; k++)
        memset(r + (t[blank[k]].p - s), ' ', (size_t)t[blank[k]].len);
    return r;
}

/* Does a macro's replacement text (body) begin with a type? */
static int macro_names_type(parser *ps, const char *body)
{
    while (*body == ' ' || *body == '\t' || (body[0] == '\\' && body[1] == '\n'))
        body += *body == '\\' ? 2 : 1;
    const char *w = body;
    while (ident_char(*body))
        body++;
    tok u = {T_IDENT, w, (int)(body - w), 0};
    if (u.len == 0 || isdigit((unsigned char)*w))
        return 0;
    return in_list(&u, type_words) || in_list(&u, qual_words) || is_tag_word(&u) ||
           is_typeof_word(&u) || known_type(ps, &u);
}

int cell_macro_is_specifier(const char *directive)
{
    tok d = {T_DIRECTIVE, directive, (int)strlen(directive), 1};
    size_t wl;
    const char *p = directive_word(&d, &wl);
    if (wl != 6 || strncmp(p, "define", 6))
        return 0;
    for (p += wl; *p == ' ' || *p == '\t';)
        p++;
    while (ident_char(*p))
        p++;
    if (*p == '(')
        return 0; /* function-like */
    while (*p == ' ' || *p == '\t' || (p[0] == '\\' && p[1] == '\n'))
        p += *p == '\\' ? 2 : 1;
    const char *w = p;
    while (ident_char(*p))
        p++;
    tok u = {T_IDENT, w, (int)(p - w), 0};
    return u.len > 0 && (in_list(&u, storage_words) || in_list(&u, qual_words) ||
                         (is_group_word(&u) && !is_asm_word(&u)));
}

static void directive_item(parser *ps, int i)
{
    const tok *t = &ps->lx.t[i];
    cell_item *it = new_item(ps, ITEM_DIRECTIVE, t->line);
    it->text = xstrndup(t->p, (size_t)t->len);
    size_t wl;
    const char *w = directive_word(t, &wl);
    const char *p = w + wl;
    if ((wl == 6 && !strncmp(w, "define", 6)) || (wl == 5 && !strncmp(w, "undef", 5))) {
        while (*p == ' ' || *p == '\t')
            p++;
        const char *nm = p;
        while (ident_char(*p))
            p++;
        char key[256];
        snprintf(key, sizeof key, "#%.*s", (int)(p - nm), nm);
        add_name(it, key, strlen(key));
        if (wl == 6 && *p != '(' && macro_names_type(ps, p)) {
            /* "#define real double": real is a type name from now on. */
            it->first_typedef = 0;
            add_type_name(ps, key + 1);
        } else if (wl == 6 && cell_macro_is_specifier(it->text)) {
            strlist_add(&ps->specs, key + 1);
        } else if (wl == 6) {
            strlist_add(&ps->macros, key + 1);
        }
    } else {
        /* The text with each run of blanks made one space. */
        char *key = xstrndup(it->text, strlen(it->text));
        size_t o = 0;
        for (const char *q = it->text; *q; q++) {
            if (isspace((unsigned char)*q) || (*q == '\\' && q[1] == '\n')) {
                if (o && key[o - 1] != ' ')
                    key[o++] = ' ';
                if (*q == '\\')
                    q++;
            } else {
                key[o++] = *q;
            }
        }
        while (o && key[o - 1] == ' ')
            o--;
        key[o] = 0;
        add_name(it, key, o);
        free(key);
    }
}

/* FNV-1a, for the names of anonymous types. */
static unsigned hash_text(const char *s, size_t n)
{
    unsigned h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* Add the enumerator names of the enum body t[a..b) (a at '{'). */
static void add_enumerators(parser *ps, cell_item *it, int a, int b)
{
    const tok *t = ps->lx.t;
    int expect = 1;
    for (int i = a + 1; i < b - 1; i++) {
        if (tok_open(&t[i])) {
            i = tok_skip_group(t, i, b) - 1;
            continue;
        }
        if (expect && t[i].kind == T_IDENT) {
            add_name(it, t[i].p, (size_t)t[i].len);
            expect = 0;
        } else if (tok_is(&t[i], ",")) {
            expect = 1;
        }
    }
}

typedef struct declarator {
    int a, b;     /* the declarator without initialiser */
    int name;     /* token index of the declared name, or -1 */
    int function; /* declares a function */
    int eq;       /* index of '=' or -1 */
    int end;      /* end of the declarator including the initialiser */
} declarator;

static void parse_declarator(parser *ps, int a, int n, declarator *d)
{
    const tok *t = ps->lx.t;
    d->a = a;
    d->name = -1;
    d->function = 0;
    d->eq = -1;
    int depth = 0, i;
    for (i = a; i < n; i++) {
        const tok *u = &t[i];
        if (depth == 0 && (tok_is(u, ",") || tok_is(u, ";") || tok_is(u, "{")))
            break;
        if (depth == 0 && tok_is(u, "=")) {
            d->eq = i;
            break;
        }
        if (is_group_word(u) && i + 1 < n && tok_is(&t[i + 1], "(")) {
            i = tok_skip_group(t, i + 1, n) - 1;
            continue;
        }
        if (d->name < 0 && u->kind == T_IDENT && !in_list(u, qual_words)) {
            d->name = i;
            /* "f(" declares a function, also inside parentheses: a
             * function returning a pointer to a function, "int (*f(int))(int)". */
            d->function = i + 1 < n && tok_is(&t[i + 1], "(");
        }
        if (tok_open(u))
            depth++;
        else if (tok_close(u))
            depth--;
    }
    d->b = i;
    if (d->eq >= 0) {
        depth = 0;
        for (i = d->eq + 1; i < n; i++) {
            if (depth == 0 && (tok_is(&t[i], ",") || tok_is(&t[i], ";")))
                break;
            if (tok_open(&t[i]))
                depth++;
            else if (tok_close(&t[i]))
                depth--;
        }
    }
    d->end = i;
}

/* What the declaration specifiers of a declaration t[a..b) say. */
typedef struct specifiers {
    int is_typedef, is_extern;
    int blank[64], nblank; /* storage words to drop (not typedef) */
    int tag_kw, tag_name;  /* struct/union/enum and its tag, or -1 */
    int body_a, body_b;    /* its body t[body_a..body_b), or -1 */
    int end;               /* the first token after the specifiers */
    char anon[64];         /* the name given to an anonymous body, or "" */
} specifiers;

/* After a struct/union/enum keyword at t[i - 1]: its attributes, tag and
 * body.  Returns the index after them. */
static int tag_specifier(parser *ps, int i, int b, specifiers *sp)
{
    const tok *t = ps->lx.t;
    sp->tag_kw = i - 1;
    while (i + 1 < b && is_group_word(&t[i]) && tok_is(&t[i + 1], "("))
        i = tok_skip_group(t, i + 1, b);
    if (i < b && t[i].kind == T_IDENT)
        sp->tag_name = i++;
    if (i < b && tok_is(&t[i], "{")) {
        sp->body_a = i;
        i = sp->body_b = tok_skip_group(t, i, b);
    }
    return i;
}

static void parse_specifiers(parser *ps, int a, int b, specifiers *sp)
{
    const tok *t = ps->lx.t;
    memset(sp, 0, sizeof *sp);
    sp->tag_kw = sp->tag_name = sp->body_a = sp->body_b = -1;
    int seen_type = 0, i = a;
    while (i < b) {
        const tok *u = &t[i];
        if (in_list(u, storage_words)) {
            sp->is_typedef |= tok_is(u, "typedef");
            sp->is_extern |= tok_is(u, "extern");
            if (!tok_is(u, "typedef") && sp->nblank < 64)
                sp->blank[sp->nblank++] = i;
            i++;
        } else if (in_list(u, type_words)) {
            seen_type = 1;
            i++;
        } else if (in_list(u, qual_words) || specifier_macro(ps, u)) {
            i++;
        } else if ((is_typeof_word(u) || is_group_word(u)) && i + 1 < b && tok_is(&t[i + 1], "(")) {
            seen_type |= is_typeof_word(u);
            i = tok_skip_group(t, i + 1, b);
        } else if (is_tag_word(u)) {
            seen_type = 1;
            i = tag_specifier(ps, i + 1, b, sp);
        } else if (!seen_type && (known_type(ps, u) || guessed_type(ps, i, b))) {
            if (!known_type(ps, u))
                add_type_token(ps, u);
            seen_type = 1;
            i++;
        } else {
            break;
        }
    }
    sp->end = i;
    if (sp->body_a >= 0 && sp->tag_name < 0)
        snprintf(sp->anon, sizeof sp->anon, "__seli_anon_%08x",
                 hash_text(t[sp->body_a].p, (size_t)(t[sp->body_b - 1].p - t[sp->body_a].p)));
}

/* The specifiers as text for the variables: without storage words, and
 * with a struct body replaced by its tag (malloc'd). */
static char *specifier_text(parser *ps, int a, const specifiers *sp)
{
    const tok *t = ps->lx.t;
    text_buf spec = {0};
    for (int k = a; k < sp->end; k++) {
        int skip = 0;
        for (int m = 0; m < sp->nblank; m++)
            skip |= sp->blank[m] == k;
        if (skip)
            continue;
        if (k == sp->body_a) {
            if (sp->tag_name < 0) {
                tok fake = {T_IDENT, sp->anon, (int)strlen(sp->anon), 0};
                tok_join(&spec, &fake);
            }
            k = sp->body_b - 1;
            continue;
        }
        tok_join(&spec, &t[k]);
    }
    return text_take(&spec);
}

/* The key of the tag: "struct s". */
static void add_tag_key(parser *ps, cell_item *it, const specifiers *sp)
{
    const tok *kw = &ps->lx.t[sp->tag_kw];
    if (sp->tag_name >= 0)
        add_namef(it, "%.*s %.*s", kw->len, kw->p, ps->lx.t[sp->tag_name].len,
                  ps->lx.t[sp->tag_name].p);
    else
        add_namef(it, "%.*s %s", kw->len, kw->p, sp->anon);
}

/* An item of kind whose text is t[a..b) and a ';'. */
static cell_item *item_with_semicolon(parser *ps, cell_item_kind kind, int a, int b, int line)
{
    cell_item *it = new_item(ps, kind, line);
    it->text = slice(ps, a, b, NULL, 0);
    it->text = xrealloc(it->text, strlen(it->text) + 2);
    strcat(it->text, ";");
    return it;
}

/* "typedef ... a, *b;": one TYPE item, keyed by its tag, its enumerators
 * and its typedef names. */
static void typedef_item(parser *ps, int a, int b, const specifiers *sp)
{
    const tok *t = ps->lx.t;
    cell_item *it = item_with_semicolon(ps, ITEM_TYPE, a, b, t[a].line);
    if (sp->tag_kw >= 0 && sp->tag_name >= 0 && sp->body_a >= 0)
        add_tag_key(ps, it, sp);
    if (sp->tag_kw >= 0 && tok_is(&t[sp->tag_kw], "enum") && sp->body_a >= 0)
        add_enumerators(ps, it, sp->body_a, sp->body_b);
    it->first_typedef = it->nnames;
    for (int k = sp->end; k < b;) {
        declarator d;
        parse_declarator(ps, k, b, &d);
        if (d.name >= 0) {
            add_name(it, t[d.name].p, (size_t)t[d.name].len);
            add_type_token(ps, &t[d.name]);
        }
        k = d.end + 1;
    }
}

/* A struct/union/enum body defines a type of its own; "struct s;" declares
 * one ahead. */
static void tag_item(parser *ps, int a, int b, const specifiers *sp)
{
    const tok *t = ps->lx.t;
    if (sp->body_a >= 0) {
        const tok *kw = &t[sp->tag_kw];
        cell_item *it = new_item(ps, ITEM_TYPE, kw->line);
        text_buf s = {0};
        text_putn(&s, kw->p, (size_t)kw->len);
        text_put(&s, " ");
        if (sp->tag_name >= 0)
            text_putn(&s, t[sp->tag_name].p, (size_t)t[sp->tag_name].len);
        else
            text_put(&s, sp->anon);
        text_put(&s, " ");
        char *body = slice(ps, sp->body_a, sp->body_b, NULL, 0);
        text_put(&s, body);
        free(body);
        text_put(&s, ";");
        it->text = text_take(&s);
        add_tag_key(ps, it, sp);
        if (tok_is(kw, "enum"))
            add_enumerators(ps, it, sp->body_a, sp->body_b);
    } else if (sp->end >= b && sp->tag_kw >= 0 && sp->tag_name >= 0) {
        cell_item *it = item_with_semicolon(ps, ITEM_TYPE, a, b, t[a].line);
        add_tag_key(ps, it, sp);
    }
}

/* A function definition t[a..b] (b at the body's '}'), declarator d. */
static void function_item(parser *ps, int a, int b, const specifiers *sp, const char *spec,
                          const declarator *d)
{
    const tok *t = ps->lx.t;
    const tok *nm = &t[d->name];
    cell_item *it = new_item(ps, ITEM_FUNCTION, t[a].line);
    it->text = slice(ps, a, b + 1, sp->blank, sp->nblank);
    it->name_off = (int)(nm->p - t[a].p);
    add_name(it, nm->p, (size_t)nm->len);
    text_buf p = {0};
    text_put(&p, spec);
    char *dtext = tok_join_range(t, d->a, d->b, -1);
    if (p.len && spec[0])
        text_put(&p, " ");
    text_put(&p, dtext);
    text_put(&p, ";");
    free(dtext);
    it->proto = text_take(&p);
}

/* A prototype, or an extern declaration: no storage. */
static void declaration_item(parser *ps, const specifiers *sp, const char *spec,
                             const declarator *d)
{
    const tok *t = ps->lx.t;
    const tok *nm = &t[d->name];
    cell_item *it = new_item(ps, ITEM_DECLARATION, nm->line);
    text_buf p = {0};
    if (sp->is_extern && !d->function)
        text_put(&p, "extern ");
    text_put(&p, spec);
    text_put(&p, " ");
    char *dtext = tok_join_range(t, d->a, d->b, -1);
    text_put(&p, dtext);
    free(dtext);
    text_put(&p, ";");
    it->text = text_take(&p);
    it->declares_function = d->function;
    add_name(it, nm->p, (size_t)nm->len);
}

/* One global variable: its declaration, type and initialiser. */
static void variable_item(parser *ps, const char *spec, const declarator *d)
{
    const tok *t = ps->lx.t;
    const tok *nm = &t[d->name];
    cell_item *it = new_item(ps, ITEM_VARIABLE, nm->line);
    add_name(it, nm->p, (size_t)nm->len);
    char *dtext = tok_join_range(t, d->a, d->b, -1);
    char *ttext = tok_join_range(t, d->a, d->b, d->name);
    text_buf s = {0};
    text_put(&s, spec);
    text_put(&s, " ");
    text_put(&s, dtext);
    it->decl = text_take(&s);
    text_buf ty = {0};
    text_put(&ty, spec);
    if (ttext[0]) {
        text_put(&ty, " ");
        text_put(&ty, ttext);
    }
    it->type = text_take(&ty);
    free(dtext);
    free(ttext);
    for (int m = d->a; m + 1 < d->b; m++)
        if (tok_is(&t[m], "[") && tok_is(&t[m + 1], "]"))
            it->unsized = 1;
    if (d->eq >= 0) {
        /* An empty initialiser stays, for the compiler to report. */
        it->init = slice(ps, d->eq + 1, d->end, NULL, 0);
        it->init_line = d->eq + 1 < d->end ? t[d->eq + 1].line : t[d->eq].line;
    }
    it->text = slice(ps, d->a, d->end, NULL, 0);
}

/* A declaration (or function definition) t[a..b); b excludes the final ';'
 * (or is the '}' of a function body when ends_with_body). */
static void declaration(parser *ps, int a, int b, int ends_with_body)
{
    const tok *t = ps->lx.t;
    specifiers sp;
    parse_specifiers(ps, a, b, &sp);
    if (sp.is_typedef) {
        typedef_item(ps, a, b, &sp);
        return;
    }
    tag_item(ps, a, b, &sp);
    char *spec = specifier_text(ps, a, &sp);
    for (int k = sp.end; k < b;) {
        declarator d;
        parse_declarator(ps, k, b, &d);
        if (d.name >= 0) {
            if (d.function && ends_with_body && d.end < b && tok_is(&t[d.end], "{")) {
                /* A function definition: the rest of the chunk is its body. */
                function_item(ps, a, b, &sp, spec, &d);
                break;
            }
            if (d.function || sp.is_extern)
                declaration_item(ps, &sp, spec, &d);
            else
                variable_item(ps, spec, &d);
        }
        k = d.end + 1;
    }
    free(spec);
}

static void statement_item(parser *ps, cell_item_kind kind, int a, int b)
{
    cell_item *it = new_item(ps, kind, ps->lx.t[a].line);
    it->text = slice(ps, a, b, NULL, 0);
}

/* The labels that asm text defines ("f:" at the start of a line or after
 * ';'), not the local ones (".L1:", "1:"): they name functions or data
 * that C declares ("extern void f(void);"). */
static void asm_labels(cell_item *it, const char *s, size_t n)
{
    int at_start = 1;
    for (size_t i = 0; i < n;) {
        if (s[i] == ' ' || s[i] == '\t') {
            i++;
            continue;
        }
        if (at_start && (isalpha((unsigned char)s[i]) || s[i] == '_')) {
            size_t b = i;
            while (i < n && ident_char(s[i]))
                i++;
            if (i < n && s[i] == ':')
                add_name(it, s + b, i - b);
            at_start = 0;
            continue;
        }
        at_start = s[i] == ';' || s[i] == '\n' || (s[i] == '\\' && i + 1 < n && s[i + 1] == 'n');
        i += s[i] == '\\' ? 2 : 1;
    }
}

/* "asm(...);" at file scope, from t[a]: its item; returns the index after
 * it, or -1 when t[a] does not start one. */
static int file_scope_asm(parser *ps, int a, int n)
{
    const tok *t = ps->lx.t;
    int i = a + 1;
    if (!is_asm_word(&t[a]))
        return -1;
    while (i < n && in_list(&t[i], qual_words))
        i++;
    if (i >= n || !tok_is(&t[i], "("))
        return -1;
    int close = tok_skip_group(t, i, n);
    int end = close < n && tok_is(&t[close], ";") ? close + 1 : close;
    cell_item *it = new_item(ps, ITEM_STATEMENT, t[a].line);
    it->text = slice(ps, a, end, NULL, 0);
    it->file_scope = 1;
    for (int k = i + 1; k < close; k++)
        if (t[k].kind == T_STRING && t[k].len >= 2) /* the text between the quotes */
            asm_labels(it, t[k].p + 1, (size_t)t[k].len - (t[k].p[t[k].len - 1] == '"' ? 2 : 1));
    return end;
}

/* Is this a "?name" / "name?" cell?  Returns the name (malloc'd) or NULL. */
static char *page_request(const char *code)
{
    const char *p = code;
    while (isspace((unsigned char)*p))
        p++;
    int lead = 0;
    while (*p == '?') {
        lead = 1;
        p++;
    }
    while (*p == ' ' || *p == '\t')
        p++;
    const char *s = p;
    if (!(isalpha((unsigned char)*p) || *p == '_' || (unsigned char)*p >= 0x80))
        return NULL;
    while (ident_char(*p))
        p++;
    const char *e = p;
    int trail = 0;
    while (*p == '?') {
        trail = 1;
        p++;
    }
    while (isspace((unsigned char)*p))
        p++;
    if (*p || (!lead && !trail))
        return NULL;
    return xstrndup(s, (size_t)(e - s));
}

/* How a chunk of top-level tokens starting at t[a] begins. */
typedef struct chunk {
    int a;
    int control; /* a statement keyword or a label */
    int block;   /* a compound statement */
    int decl;    /* a declaration or a function definition */
} chunk;

/* Does the '{' at t[k] follow a function's declarator, as in
 * "void f(void) {": its ')', then maybe attributes or macros
 * ("void f(void) __attribute__((x)) NO_CHECK {"), but not a tag's
 * attributes ("union __attribute__((packed)) u {")? */
static int body_after_declarator(const tok *t, int a, int k)
{
    int j = k - 1;
    for (;;) {
        while (j > a && t[j].kind == T_IDENT && !is_keyword(&t[j]))
            j--;
        if (j <= a || !tok_is(&t[j], ")"))
            return 0;
        int open = j, depth = 0;
        for (; open >= a; open--) {
            depth += tok_close(&t[open]) ? 1 : tok_open(&t[open]) ? -1 : 0;
            if (depth == 0)
                break;
        }
        if (open <= a || !is_group_word(&t[open - 1]))
            return 1;
        j = open - 2; /* an attribute: what comes before it decides */
    }
}

/* The index of the token that ends chunk c (';' or the '}' of a body), or
 * -1 when the cell ends first.  *body_end: the '}' ends a function body. */
static int chunk_end(parser *ps, const chunk *c, int n, int *body_end)
{
    const tok *t = ps->lx.t;
    int is_do = tok_is(&t[c->a], "do");
    int saw_while = 0, saw_eq = 0, depth = 0;
    *body_end = 0;
    for (int k = c->a; k < n; k++) {
        const tok *u = &t[k];
        if (u->kind == T_DIRECTIVE)
            continue;
        if (depth == 0) {
            if (tok_is(u, "="))
                saw_eq = 1;
            if (is_do && k > c->a && tok_is(u, "while"))
                saw_while = 1;
            if (tok_is(u, ";")) {
                int more_else = c->control && k + 1 < n && tok_is(&t[k + 1], "else");
                if (!more_else && (!is_do || saw_while))
                    return k;
                continue;
            }
            if (tok_is(u, "{")) {
                /* After a declarator's ')' a '{' opens a function body. */
                int fn = c->decl && !saw_eq && body_after_declarator(t, c->a, k);
                int close = tok_skip_group(t, k, n);
                if (fn || c->block) {
                    *body_end = fn;
                    return close - 1;
                }
                if (c->control) {
                    int more = close < n && (tok_is(&t[close], "else") || (is_do && !saw_while));
                    if (!more)
                        return close - 1;
                }
                k = close - 1;
                continue;
            }
        }
        if (tok_open(u))
            depth++;
        else if (tok_close(u))
            depth = depth > 0 ? depth - 1 : 0;
    }
    return -1;
}

void cell_parse(const char *code, cell_is_type_fn is_type, void *ctx, cell *out)
{
    memset(out, 0, sizeof *out);
    out->page = page_request(code);
    if (out->page)
        return;
    parser ps = {.src = code, .is_type = is_type, .ctx = ctx, .out = out};
    tokenize(code, &ps.lx);
    const tok *t = ps.lx.t;
    int n = ps.lx.n;
    int i = 0;
    while (i < n) {
        if (t[i].kind == T_DIRECTIVE) {
            directive_item(&ps, i);
            i++;
            continue;
        }
        if (tok_is(&t[i], ";")) {
            i++;
            continue;
        }
        int a = i;
        int after_asm = file_scope_asm(&ps, a, n);
        if (after_asm >= 0) {
            i = after_asm;
            continue;
        }
        chunk c = {a, 0, 0, 0};
        c.control =
            in_list(&t[a], stmt_words) ||
            (t[a].kind == T_IDENT && a + 1 < n && tok_is(&t[a + 1], ":") && !decl_start(&ps, a, n));
        c.block = tok_is(&t[a], "{");
        c.decl = !c.control && !c.block && decl_start(&ps, a, n);
        int body_end;
        int end = chunk_end(&ps, &c, n, &body_end);
        if (end < 0) {
            /* Reached the end of the cell without ';': a trailing expression,
             * or a declaration or statement that forgot its ';'. */
            if (c.decl)
                declaration(&ps, a, n, 0);
            else if (c.control || c.block)
                statement_item(&ps, ITEM_STATEMENT, a, n);
            else
                statement_item(&ps, ITEM_EXPRESSION, a, n);
            break;
        }
        if (c.block || c.control || !c.decl)
            statement_item(&ps, ITEM_STATEMENT, a, end + 1);
        else
            declaration(&ps, a, end, body_end);
        i = end + 1;
    }
    strlist_free(&ps.types);
    strlist_free(&ps.specs);
    strlist_free(&ps.macros);
    free(ps.lx.t);
}

void cell_free(cell *c)
{
    for (int i = 0; i < c->nitems; i++) {
        cell_item *it = &c->items[i];
        free(it->text);
        strings_free(it->names, it->nnames);
        free(it->proto);
        free(it->decl);
        free(it->type);
        free(it->init);
    }
    free(c->items);
    free(c->page);
    memset(c, 0, sizeof *c);
}

const char *cell_kind_name(cell_item_kind kind)
{
    static const char *const names[] = {"directive", "type",      "function",  "declaration",
                                        "variable",  "statement", "expression"};
    return (unsigned)kind < sizeof names / sizeof *names ? names[kind] : "?";
}
