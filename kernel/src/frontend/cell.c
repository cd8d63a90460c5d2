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
    return ps->is_type && ps->is_type(ps->ctx, t->p, (size_t)t->len) > 0;
}

static void add_type_name(parser *ps, const char *name)
{
    sl_add(&ps->types, name);
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
    char *name = sx_strndup(t[i].p, (size_t)t[i].len);
    int known = sl_has(&ps->macros, name);
    free(name);
    if (known || (ps->is_type && ps->is_type(ps->ctx, t[i].p, (size_t)t[i].len) < 0))
        return 0;
    return !in_list(&t[i + 1], stmt_words) && !in_list(&t[i + 1], other_words);
}

/* Does the chunk starting at t[i] begin a declaration? */
static int decl_start(parser *ps, int i, int n)
{
    const tok *t = ps->lx.t;
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
    sx_grow(&c->items, c->nitems, sizeof *c->items);
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
    sx_grow(&it->names, it->nnames, sizeof *it->names);
    it->names[it->nnames++] = sx_strndup(s, n);
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
        return sx_strndup("", 0);
    const char *s = t[a].p, *e = t[b - 1].p + t[b - 1].len;
    char *r = sx_strndup(s, (size_t)(e - s));
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

static void directive_item(parser *ps, int i)
{
    const tok *t = &ps->lx.t[i];
    cell_item *it = new_item(ps, ITEM_DIRECTIVE, t->line);
    it->text = sx_strndup(t->p, (size_t)t->len);
    const char *p = t->p + 1;
    while (*p == ' ' || *p == '\t')
        p++;
    const char *w = p;
    while (ident_char(*p))
        p++;
    size_t wl = (size_t)(p - w);
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
        } else if (wl == 6) {
            sl_add(&ps->macros, key + 1);
        }
    } else {
        /* The text with each run of blanks made one space. */
        char *key = sx_strndup(it->text, strlen(it->text));
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

/* A declaration (or function definition) t[a..b); b excludes the final ';'. */
static void declaration(parser *ps, int a, int b, int ends_with_body)
{
    const tok *t = ps->lx.t;
    int is_typedef = 0, is_extern = 0, seen_type = 0;
    int blank[64], nblank = 0; /* storage words to drop */
    int tag_kw = -1, tag_name = -1, body_a = -1, body_b = -1;
    int i = a;
    while (i < b) {
        const tok *u = &t[i];
        if (in_list(u, storage_words)) {
            if (tok_is(u, "typedef"))
                is_typedef = 1;
            else if (tok_is(u, "extern"))
                is_extern = 1;
            if (!tok_is(u, "typedef") && nblank < 64)
                blank[nblank++] = i;
            i++;
        } else if (in_list(u, type_words)) {
            seen_type = 1;
            i++;
        } else if (in_list(u, qual_words)) {
            i++;
        } else if ((is_typeof_word(u) || is_group_word(u)) && i + 1 < b && tok_is(&t[i + 1], "(")) {
            if (is_typeof_word(u))
                seen_type = 1;
            i = tok_skip_group(t, i + 1, b);
        } else if (is_tag_word(u)) {
            seen_type = 1;
            tag_kw = i++;
            while (i + 1 < b && is_group_word(&t[i]) && tok_is(&t[i + 1], "("))
                i = tok_skip_group(t, i + 1, b);
            if (i < b && t[i].kind == T_IDENT)
                tag_name = i++;
            if (i < b && tok_is(&t[i], "{")) {
                body_a = i;
                i = body_b = tok_skip_group(t, i, b);
            }
        } else if (!seen_type && (known_type(ps, u) || guessed_type(ps, i, b))) {
            if (!known_type(ps, u)) {
                char *nm = sx_strndup(u->p, (size_t)u->len);
                add_type_name(ps, nm);
                free(nm);
            }
            seen_type = 1;
            i++;
        } else {
            break;
        }
    }
    int spec_end = i;
    int line = t[a].line;

    /* The specifiers as text for the variables: without storage words, and
     * with a struct body replaced by its tag. */
    char anon[64] = "";
    sbuf spec = {0};
    for (int k = a; k < spec_end; k++) {
        int skip = 0;
        for (int m = 0; m < nblank; m++)
            skip |= blank[m] == k;
        if (skip)
            continue;
        if (body_a >= 0 && k == body_a) {
            if (tag_name < 0) {
                snprintf(anon, sizeof anon, "__seli_anon_%08x",
                         hash_text(t[body_a].p, (size_t)(t[body_b - 1].p - t[body_a].p)));
                tok fake = {T_IDENT, anon, (int)strlen(anon), 0};
                tok_join(&spec, &fake);
            }
            k = body_b - 1;
            continue;
        }
        tok_join(&spec, &t[k]);
    }
    char *spec_text = sb_take(&spec);

    if (is_typedef) {
        cell_item *it = new_item(ps, ITEM_TYPE, line);
        it->text = slice(ps, a, b, NULL, 0);
        it->text = sx_realloc(it->text, strlen(it->text) + 2);
        strcat(it->text, ";");
        if (tag_kw >= 0 && tag_name >= 0 && body_a >= 0)
            add_namef(it, "%.*s %.*s", t[tag_kw].len, t[tag_kw].p, t[tag_name].len, t[tag_name].p);
        if (tag_kw >= 0 && tok_is(&t[tag_kw], "enum") && body_a >= 0)
            add_enumerators(ps, it, body_a, body_b);
        it->first_typedef = it->nnames;
        for (int k = spec_end; k < b;) {
            declarator d;
            parse_declarator(ps, k, b, &d);
            if (d.name >= 0) {
                add_name(it, t[d.name].p, (size_t)t[d.name].len);
                char *nm = sx_strndup(t[d.name].p, (size_t)t[d.name].len);
                add_type_name(ps, nm);
                free(nm);
            }
            k = d.end + 1;
        }
        free(spec_text);
        return;
    }

    /* A struct/union/enum body defines a type of its own. */
    if (body_a >= 0) {
        cell_item *it = new_item(ps, ITEM_TYPE, t[tag_kw].line);
        sbuf s = {0};
        sb_add(&s, t[tag_kw].p, (size_t)t[tag_kw].len);
        sb_str(&s, " ");
        if (tag_name >= 0)
            sb_add(&s, t[tag_name].p, (size_t)t[tag_name].len);
        else
            sb_str(&s, anon);
        sb_str(&s, " ");
        char *body = slice(ps, body_a, body_b, NULL, 0);
        sb_str(&s, body);
        free(body);
        sb_str(&s, ";");
        it->text = sb_take(&s);
        if (tag_name >= 0)
            add_namef(it, "%.*s %.*s", t[tag_kw].len, t[tag_kw].p, t[tag_name].len, t[tag_name].p);
        else
            add_namef(it, "%.*s %s", t[tag_kw].len, t[tag_kw].p, anon);
        if (tok_is(&t[tag_kw], "enum"))
            add_enumerators(ps, it, body_a, body_b);
    } else if (spec_end >= b && tag_kw >= 0 && tag_name >= 0) {
        /* "struct s;": a forward declaration. */
        cell_item *it = new_item(ps, ITEM_TYPE, line);
        it->text = slice(ps, a, b, NULL, 0);
        it->text = sx_realloc(it->text, strlen(it->text) + 2);
        strcat(it->text, ";");
        add_namef(it, "%.*s %.*s", t[tag_kw].len, t[tag_kw].p, t[tag_name].len, t[tag_name].p);
    }

    for (int k = spec_end; k < b;) {
        declarator d;
        parse_declarator(ps, k, b, &d);
        if (d.name < 0) {
            k = d.end + 1;
            continue;
        }
        const tok *nm = &t[d.name];
        if (d.function && ends_with_body && d.end < b && tok_is(&t[d.end], "{")) {
            /* A function definition: the rest of the chunk is its body. */
            cell_item *it = new_item(ps, ITEM_FUNCTION, t[a].line);
            it->text = slice(ps, a, b + 1, blank, nblank);
            it->name_off = (int)(nm->p - t[a].p);
            add_name(it, nm->p, (size_t)nm->len);
            sbuf p = {0};
            sb_str(&p, spec_text);
            char *dtext = tok_join_range(t, d.a, d.b, -1);
            if (p.n && spec_text[0])
                sb_str(&p, " ");
            sb_str(&p, dtext);
            sb_str(&p, ";");
            free(dtext);
            it->proto = sb_take(&p);
            break;
        }
        if (d.function || is_extern) {
            cell_item *it = new_item(ps, ITEM_DECLARATION, nm->line);
            sbuf p = {0};
            if (is_extern && !d.function)
                sb_str(&p, "extern ");
            sb_str(&p, spec_text);
            sb_str(&p, " ");
            char *dtext = tok_join_range(t, d.a, d.b, -1);
            sb_str(&p, dtext);
            free(dtext);
            sb_str(&p, ";");
            it->text = sb_take(&p);
            it->declares_function = d.function;
            add_name(it, nm->p, (size_t)nm->len);
        } else {
            cell_item *it = new_item(ps, ITEM_VARIABLE, nm->line);
            add_name(it, nm->p, (size_t)nm->len);
            char *dtext = tok_join_range(t, d.a, d.b, -1);
            char *ttext = tok_join_range(t, d.a, d.b, d.name);
            sbuf s = {0};
            sb_str(&s, spec_text);
            sb_str(&s, " ");
            sb_str(&s, dtext);
            it->decl = sb_take(&s);
            sbuf ty = {0};
            sb_str(&ty, spec_text);
            if (ttext[0]) {
                sb_str(&ty, " ");
                sb_str(&ty, ttext);
            }
            it->type = sb_take(&ty);
            free(dtext);
            free(ttext);
            for (int m = d.a; m + 1 < d.b; m++)
                if (tok_is(&t[m], "[") && tok_is(&t[m + 1], "]"))
                    it->unsized = 1;
            if (d.eq >= 0) {
                /* An empty initialiser stays, for the compiler to report. */
                it->init = slice(ps, d.eq + 1, d.end, NULL, 0);
                it->init_line = d.eq + 1 < d.end ? t[d.eq + 1].line : t[d.eq].line;
            }
            it->text = slice(ps, d.a, d.end, NULL, 0);
        }
        k = d.end + 1;
    }
    free(spec_text);
}

static void statement_item(parser *ps, cell_item_kind kind, int a, int b)
{
    cell_item *it = new_item(ps, kind, ps->lx.t[a].line);
    it->text = slice(ps, a, b, NULL, 0);
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
    if (!(isalpha((unsigned char)*p) || *p == '_'))
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
    return sx_strndup(s, (size_t)(e - s));
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
        int control =
            in_list(&t[a], stmt_words) ||
            (t[a].kind == T_IDENT && a + 1 < n && tok_is(&t[a + 1], ":") && !decl_start(&ps, a, n));
        int block = tok_is(&t[a], "{");
        int decl = !control && !block && decl_start(&ps, a, n);
        int is_do = tok_is(&t[a], "do");
        int saw_while = 0;
        int saw_eq = 0;
        int end = -1;     /* index of the terminating token */
        int body_end = 0; /* terminated by a function body's '}' */
        int depth = 0;
        for (int k = a; k < n; k++) {
            const tok *u = &t[k];
            if (u->kind == T_DIRECTIVE)
                continue;
            if (depth == 0) {
                if (tok_is(u, "="))
                    saw_eq = 1;
                if (is_do && k > a && tok_is(u, "while"))
                    saw_while = 1;
                if (tok_is(u, ";")) {
                    int more_else = control && k + 1 < n && tok_is(&t[k + 1], "else");
                    if (!more_else && (!is_do || saw_while)) {
                        end = k;
                        break;
                    }
                    continue;
                }
                if (tok_is(u, "{")) {
                    /* After a declarator's ')' a '{' opens a function body. */
                    int fn = decl && !saw_eq && k > a && tok_is(&t[k - 1], ")");
                    int close = tok_skip_group(t, k, n);
                    if (fn || block) {
                        end = close - 1;
                        body_end = fn;
                        break;
                    }
                    if (control) {
                        int more =
                            close < n && (tok_is(&t[close], "else") || (is_do && !saw_while));
                        if (!more) {
                            end = close - 1;
                            break;
                        }
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
        if (end < 0) {
            /* Reached the end of the cell without ';': a trailing expression,
             * or a declaration or statement that forgot its ';'. */
            if (decl)
                declaration(&ps, a, n, 0);
            else if (control || block)
                statement_item(&ps, ITEM_STATEMENT, a, n);
            else
                statement_item(&ps, ITEM_EXPRESSION, a, n);
            break;
        }
        if (block || control || !decl)
            statement_item(&ps, ITEM_STATEMENT, a, end + 1);
        else
            declaration(&ps, a, end, body_end);
        i = end + 1;
    }
    sl_free(&ps.types);
    sl_free(&ps.macros);
    free(ps.lx.t);
}

void cell_free(cell *c)
{
    for (int i = 0; i < c->nitems; i++) {
        cell_item *it = &c->items[i];
        free(it->text);
        for (int k = 0; k < it->nnames; k++)
            free(it->names[k]);
        free(it->names);
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
