/* docs.c: the documentation the session knows, for "?name" cells and
 * inspect_request (introspection/inspect.c).
 *
 * libseli's headers are the manual: at start-up every public declaration of
 * seli.h and the seli/ headers is read with the comment written above it (or beside
 * it on the same line).  The libc declarations of the implicit headers and
 * what the user's cells declared are shown by their prototype. */
#include "session/session_internal.h"
#include "util/file.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct lines {
    const char **start;
    int n;
} lines;

static lines split_lines(const char *text)
{
    lines l = {0};
    const char *p = text;
    for (;;) {
        l.start = xrealloc(l.start, (size_t)(l.n + 1) * sizeof *l.start);
        l.start[l.n++] = p;
        p = strchr(p, '\n');
        if (!p)
            break;
        p++;
    }
    return l;
}

static size_t line_len(const char *p)
{
    const char *e = strchr(p, '\n');
    return e ? (size_t)(e - p) : strlen(p);
}

/* Clean one comment's text: drop the markers and the leading " * ". */
static char *clean_comment(const char *s, size_t n)
{
    char *out = xrealloc(NULL, n + 1);
    size_t o = 0;
    const char *p = s, *end = s + n;
    int line_start = 1;
    while (p < end) {
        if (line_start) {
            while (p < end && (*p == ' ' || *p == '\t'))
                p++;
            if (p + 1 < end && p[0] == '/' && (p[1] == '*' || p[1] == '/'))
                p += 2;
            else if (p < end && *p == '*' && !(p + 1 < end && p[1] == '/'))
                p++;
            if (p < end && *p == ' ')
                p++;
            line_start = 0;
        }
        if (p + 1 < end && p[0] == '*' && p[1] == '/') {
            p += 2;
            continue;
        }
        if (p < end) {
            out[o++] = *p;
            line_start = *p == '\n';
            p++;
        }
    }
    while (o && isspace((unsigned char)out[o - 1]))
        o--;
    out[o] = 0;
    return out;
}

/* The comment above line `line` (1-based), or beside the declaration that
 * starts there. */
static char *comment_beside(const lines *l, int line);

static char *comment_for(const lines *l, int line)
{
    char *beside = comment_beside(l, line);
    if (beside)
        return beside;
    int i = line - 2; /* the line above, 0-based */
    if (i >= 0) {
        const char *p = l->start[i];
        size_t n = line_len(p);
        while (n && isspace((unsigned char)p[n - 1]))
            n--;
        const char *q = p;
        while (*q == ' ' || *q == '\t')
            q++;
        if (n >= 2 && p[n - 2] == '*' && p[n - 1] == '/') {
            int top = i;
            while (top >= 0) {
                const char *t = l->start[top];
                size_t tn = line_len(t);
                const char *hit = NULL;
                for (size_t k = 0; k + 1 < tn; k++)
                    if (t[k] == '/' && t[k + 1] == '*')
                        hit = t + k;
                if (hit) {
                    /* Only a comment on lines of its own, and not a section
                     * title such as "--- creation ---". */
                    const char *lead = t;
                    while (*lead == ' ' || *lead == '\t')
                        lead++;
                    if (lead != hit || !strncmp(hit, "/* ---", 6))
                        return NULL;
                    const char *end = l->start[i] + n;
                    return clean_comment(hit, (size_t)(end - hit));
                }
                top--;
            }
        } else if (q[0] == '/' && q[1] == '/') {
            int top = i;
            while (top > 0) {
                const char *t = l->start[top - 1];
                while (*t == ' ' || *t == '\t')
                    t++;
                if (!(t[0] == '/' && t[1] == '/'))
                    break;
                top--;
            }
            const char *s = l->start[top];
            return clean_comment(s, (size_t)(l->start[i] + n - s));
        }
    }
    return NULL;
}

static char *comment_beside(const lines *l, int line)
{
    /* Beside: "decl; /" "* text *" "/" on the line where the declaration ends. */
    for (int k = line - 1; k < l->n && k < line + 10; k++) {
        const char *p = l->start[k];
        size_t n = line_len(p);
        const char *semi = NULL; /* the last ';' before any comment on the line */
        for (size_t m = 0; m < n && !(p[m] == '/' && m + 1 < n && (p[m + 1] == '*' || p[m + 1] == '/'));
             m++)
            if (p[m] == ';')
                semi = p + m;
        if (!semi)
            continue;
        for (const char *c = semi; c + 1 < p + n; c++)
            if (c[0] == '/' && (c[1] == '*' || c[1] == '/'))
                return clean_comment(c, (size_t)(p + n - c));
        break;
    }
    return NULL;
}

static void add_doc(session *s, const char *name, const char *decl, char *comment)
{
    for (int i = 0; i < s->ndocs; i++)
        if (!strcmp(s->docs[i].name, name)) {
            free(comment);
            return;
        }
    s->docs = xrealloc(s->docs, (size_t)(s->ndocs + 1) * sizeof *s->docs);
    s->docs[s->ndocs++] = (doc){xstrdup(name), xstrdup(decl), comment};
}

static void load_file(session *s, const char *path, int with_comments)
{
    char *text = file_read(path);
    if (!text)
        return;
    lines l = split_lines(text);
    cell c;
    cell_parse(text, headers_type, s, &c);
    for (int i = 0; i < c.nitems; i++) {
        const cell_item *it = &c.items[i];
        const char *decl = it->kind == ITEM_FUNCTION ? it->proto : it->text;
        if (it->kind == ITEM_VARIABLE || it->kind == ITEM_STATEMENT ||
            it->kind == ITEM_EXPRESSION || !decl)
            continue;
        for (int k = 0; k < it->nnames; k++) {
            const char *name = it->names[k];
            if (name[0] == '#') {
                if (!strncmp(name, "#include", 8) || strchr(name, ' '))
                    continue;
                name++;
                size_t nl = strlen(name);
                if (nl > 2 && !strcmp(name + nl - 2, "_H"))
                    continue; /* an include guard */
            }
            if (name[0] == '_' || strchr(name, ' '))
                continue;
            char *comment = with_comments ? comment_for(&l, it->line) : NULL;
            add_doc(s, name, decl, comment);
        }
    }
    cell_free(&c);
    free(l.start);
    free(text);
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void session_load_docs(session *s, const cell *implicit)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/seli.h", s->header_dir);
    load_file(s, path, 1);
    snprintf(path, sizeof path, "%s/seli", s->header_dir);
    DIR *d = opendir(path);
    if (d) {
        char **files = NULL;
        int n = 0;
        struct dirent *e;
        while ((e = readdir(d))) {
            size_t len = strlen(e->d_name);
            if (len > 2 && !strcmp(e->d_name + len - 2, ".h")) {
                files = xrealloc(files, (size_t)(n + 1) * sizeof *files);
                files[n++] = xstrdup(e->d_name);
            }
        }
        closedir(d);
        qsort(files, (size_t)n, sizeof *files, cmp_name);
        for (int i = 0; i < n; i++) {
            snprintf(path, sizeof path, "%s/seli/%s", s->header_dir, files[i]);
            load_file(s, path, 1);
            free(files[i]);
        }
        free(files);
    }
    if (implicit) {
        /* The libc declarations, without comments (the flattened text has
         * none). */
        for (int i = 0; i < implicit->nitems; i++) {
            const cell_item *it = &implicit->items[i];
            if (it->kind != ITEM_DECLARATION && it->kind != ITEM_FUNCTION)
                continue;
            const char *name = it->names[0];
            if (name[0] == '_')
                continue;
            char *decl = cell_normalize(it->kind == ITEM_FUNCTION ? it->proto : it->text);
            add_doc(s, name, decl, NULL);
            free(decl);
        }
    }
}

void session_free_docs(session *s)
{
    for (int i = 0; i < s->ndocs; i++) {
        free(s->docs[i].name);
        free(s->docs[i].decl);
        free(s->docs[i].comment);
    }
    free(s->docs);
    s->docs = NULL;
    s->ndocs = 0;
}

char *session_doc_for(session *s, const char *name)
{
    char buf[8192];
    for (int i = 0; i < s->nsyms; i++)
        if (!strcmp(s->syms[i].name, name)) {
            snprintf(buf, sizeof buf, "%s%s\n\n(defined in this session: %s)", s->syms[i].decl,
                     s->syms[i].function ? "" : ";",
                     s->syms[i].function ? "a function" : "a global variable");
            return xstrdup(buf);
        }
    char macro[300];
    snprintf(macro, sizeof macro, "#%s", name);
    for (int i = s->nentries - 1; i >= 0; i--) {
        const entry *e = &s->entries[i];
        for (int k = 0; k < e->nnames; k++)
            if (!strcmp(e->names[k], name) || !strcmp(e->names[k], macro)) {
                snprintf(buf, sizeof buf, "%s\n\n(declared in this session)", e->text);
                return xstrdup(buf);
            }
    }
    for (int i = 0; i < s->ndocs; i++)
        if (!strcmp(s->docs[i].name, name)) {
            if (s->docs[i].comment)
                snprintf(buf, sizeof buf, "%s\n\n%s", s->docs[i].decl, s->docs[i].comment);
            else
                snprintf(buf, sizeof buf, "%s", s->docs[i].decl);
            return xstrdup(buf);
        }
    return NULL;
}
