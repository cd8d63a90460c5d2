/* module_print.c: a module tree as text and as HTML.
 *
 * Text (seli_module_str), one attribute per line:
 *
 *     example:MLP  97 parameters
 *     └── layers: net.Sequential
 *         ├── 0: net.Affine(dim=16)
 *         │   ├── weight [1, 16]
 *         │   └── bias [16]
 *         ├── 1: net.ELU(alpha=1)
 *
 * Integers, floats and strings sit in parentheses after the type; child
 * modules, parameters and buffers get lines of their own.  The HTML form is
 * the same tree in nested <details>, for the kernel's rich display. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interrupt.h"
#include "module_private.h"

void seli__buf_puts(seli__buf *b, const char *s)
{
    size_t n = strlen(s);
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p)
            seli_error("seli_module_str: out of memory");
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n + 1);
    b->len += n;
}

void seli__buf_printf(seli__buf *b, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        seli__buf_puts(b, small);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big)
        seli_error("seli_module_str: out of memory");
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    seli__buf_puts(b, big);
    free(big);
}

static int is_scalar_attr(seli_attr_kind k)
{
    return k == SELI_ATTR_INT || k == SELI_ATTR_FLOAT || k == SELI_ATTR_STR;
}

/* Append s with &, <, >, " escaped when html is nonzero. */
static void put_text(seli__buf *b, const char *s, int html)
{
    if (!html) {
        seli__buf_puts(b, s);
        return;
    }
    char one[2] = {0, 0};
    for (; *s; s++) {
        switch (*s) {
        case '&':
            seli__buf_puts(b, "&amp;");
            break;
        case '<':
            seli__buf_puts(b, "&lt;");
            break;
        case '>':
            seli__buf_puts(b, "&gt;");
            break;
        case '"':
            seli__buf_puts(b, "&quot;");
            break;
        default:
            one[0] = *s;
            seli__buf_puts(b, one);
        }
    }
}

/* "type(dim=16, slope=0.01)": the type and the scalar attributes. */
static void put_header(seli__buf *b, const seli_module *m, int html)
{
    if (html)
        seli__buf_puts(b, "<b>");
    put_text(b, m->type->name, html);
    if (html)
        seli__buf_puts(b, "</b>");
    int first = 1;
    for (int i = 0; i < m->n; i++) {
        const seli__slot *s = &m->attrs[i];
        if (!is_scalar_attr(s->kind))
            continue;
        seli__buf_puts(b, first ? "(" : ", ");
        first = 0;
        put_text(b, s->name, html);
        seli__buf_puts(b, "=");
        char num[64];
        if (s->kind == SELI_ATTR_INT) {
            snprintf(num, sizeof num, "%ld", s->v.i);
            seli__buf_puts(b, num);
        } else if (s->kind == SELI_ATTR_FLOAT) {
            snprintf(num, sizeof num, "%g", s->v.f);
            seli__buf_puts(b, num);
        } else {
            seli__buf_puts(b, html ? "&quot;" : "\"");
            put_text(b, s->v.s, html);
            seli__buf_puts(b, html ? "&quot;" : "\"");
        }
    }
    if (!first)
        seli__buf_puts(b, ")");
}

static void put_count(seli__buf *b, const seli_module *m)
{
    long count = seli_module_param_count(m);
    seli__buf_printf(b, "%ld parameter%s", count, count == 1 ? "" : "s");
    if (count == 0 && m->n > 0)
        seli__buf_puts(b, " (created on the first call)");
}

static void text_tree(seli__buf *b, const seli_module *m, seli__buf *prefix)
{
    int last = -1;
    for (int i = 0; i < m->n; i++)
        if (!is_scalar_attr(m->attrs[i].kind))
            last = i;
    for (int i = 0; i <= last; i++) {
        const seli__slot *s = &m->attrs[i];
        if (is_scalar_attr(s->kind))
            continue;
        seli__buf_puts(b, prefix->s ? prefix->s : "");
        seli__buf_puts(b, i == last ? "\u2514\u2500\u2500 " : "\u251c\u2500\u2500 ");
        seli__buf_puts(b, s->name);
        if (s->kind == SELI_ATTR_MODULE) {
            seli__buf_puts(b, ": ");
            put_header(b, s->v.module, 0);
            seli__buf_puts(b, "\n");
            size_t len = prefix->len;
            seli__buf_puts(prefix, i == last ? "    " : "\u2502   ");
            text_tree(b, s->v.module, prefix);
            prefix->len = len;
            prefix->s[len] = 0;
        } else {
            seli__buf_printf(b, " %s%s\n", seli__shape(s->v.tensor),
                             s->kind == SELI_ATTR_BUFFER ? " (buffer)" : "");
        }
    }
}

char *seli_module_str(const seli_module *m)
{
    if (!m)
        seli_error("seli_module_str: the module is NULL");
    seli__buf b = {0}, prefix = {0};
    put_header(&b, m, 0);
    seli__buf_puts(&b, "  ");
    put_count(&b, m);
    seli__buf_puts(&b, "\n");
    seli__buf_puts(&prefix, "");
    text_tree(&b, m, &prefix);
    free(prefix.s);
    b.s[--b.len] = 0; /* no trailing newline, as seli_tensor_str */
    return b.s;
}

static void html_tree(seli__buf *b, const seli_module *m)
{
    seli__buf_puts(b, "<ul style=\"list-style:none;margin:0;padding-left:1.4em\">");
    for (int i = 0; i < m->n; i++) {
        const seli__slot *s = &m->attrs[i];
        if (is_scalar_attr(s->kind))
            continue;
        seli__buf_puts(b, "<li>");
        if (s->kind == SELI_ATTR_MODULE) {
            seli__buf_puts(b, "<details open><summary>");
            put_text(b, s->name, 1);
            seli__buf_puts(b, ": ");
            put_header(b, s->v.module, 1);
            seli__buf_puts(b, "</summary>");
            html_tree(b, s->v.module);
            seli__buf_puts(b, "</details>");
        } else {
            put_text(b, s->name, 1);
            seli__buf_printf(b, " <span style=\"color:#1f77b4\">%s</span>",
                             seli__shape(s->v.tensor));
            if (s->kind == SELI_ATTR_BUFFER)
                seli__buf_puts(b, " <span style=\"color:#888\">buffer</span>");
        }
        seli__buf_puts(b, "</li>");
    }
    seli__buf_puts(b, "</ul>");
}

char *seli_module_html(const seli_module *m)
{
    if (!m)
        seli_error("seli_module_html: the module is NULL");
    seli__buf b = {0};
    seli__buf_puts(&b, "<div class=\"seli-module\" style=\"font-family:monospace\">"
                       "<details open><summary>");
    put_header(&b, m, 1);
    seli__buf_puts(&b, " <span style=\"color:#888\">");
    put_count(&b, m);
    seli__buf_puts(&b, "</span></summary>");
    html_tree(&b, m);
    seli__buf_puts(&b, "</details></div>");
    return b.s;
}

void seli_module_print(const seli_module *m)
{
    char *s = seli_module_str(m);
    puts(s);
    free(s);
}

void seli_module_show(const seli_module *m)
{
    seli__poll_interrupt("seli_module_show"); /* before anything is allocated */
    char *html = seli_module_html(m);
    char *text = seli_module_str(m);
    const char *mimes[2] = {"text/html", "text/plain"};
    const char *data[2] = {html, text};
    seli__display_bundle(2, mimes, data, NULL, 0);
    free(html);
    free(text);
}
