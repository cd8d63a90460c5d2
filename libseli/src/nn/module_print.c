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

#include "core/interrupt.h"
#include "nn/module_private.h"
#include "core/text.h"

static int is_scalar_attr(seli_attr_kind k)
{
    return k == SELI_ATTR_INT || k == SELI_ATTR_FLOAT || k == SELI_ATTR_STR;
}

/* Append s, escaped for HTML when html is nonzero. */
static void put_text(seli__text *b, const char *s, int html)
{
    if (html)
        seli__text_put_escaped(b, s);
    else
        seli__text_put(b, s);
}

/* "type(dim=16, slope=0.01)": the type and the scalar attributes. */
static void put_header(seli__text *b, const seli_module *m, int html)
{
    if (html)
        seli__text_put(b, "<b>");
    put_text(b, m->type->name, html);
    if (html)
        seli__text_put(b, "</b>");
    int first = 1;
    for (int i = 0; i < m->n; i++) {
        const seli__slot *s = &m->attrs[i];
        if (!is_scalar_attr(s->kind))
            continue;
        seli__text_put(b, first ? "(" : ", ");
        first = 0;
        put_text(b, s->name, html);
        seli__text_put(b, "=");
        char num[64];
        if (s->kind == SELI_ATTR_INT) {
            snprintf(num, sizeof num, "%ld", s->v.i);
            seli__text_put(b, num);
        } else if (s->kind == SELI_ATTR_FLOAT) {
            snprintf(num, sizeof num, "%g", s->v.f);
            seli__text_put(b, num);
        } else {
            seli__text_put(b, html ? "&quot;" : "\"");
            put_text(b, s->v.s, html);
            seli__text_put(b, html ? "&quot;" : "\"");
        }
    }
    if (!first)
        seli__text_put(b, ")");
}

static void put_count(seli__text *b, const seli_module *m)
{
    long count = seli_module_param_count(m);
    seli__text_printf(b, "%ld parameter%s", count, count == 1 ? "" : "s");
    if (count == 0 && m->n > 0)
        seli__text_put(b, " (created on the first call)");
}

static void text_tree(seli__text *b, const seli_module *m, seli__text *prefix)
{
    int last = -1;
    for (int i = 0; i < m->n; i++)
        if (!is_scalar_attr(m->attrs[i].kind))
            last = i;
    for (int i = 0; i <= last; i++) {
        const seli__slot *s = &m->attrs[i];
        if (is_scalar_attr(s->kind))
            continue;
        seli__text_put(b, prefix->data ? prefix->data : "");
        seli__text_put(b, i == last ? "\u2514\u2500\u2500 " : "\u251c\u2500\u2500 ");
        seli__text_put(b, s->name);
        if (s->kind == SELI_ATTR_MODULE) {
            seli__text_put(b, ": ");
            put_header(b, s->v.module, 0);
            seli__text_put(b, "\n");
            size_t len = prefix->len;
            seli__text_put(prefix, i == last ? "    " : "\u2502   ");
            text_tree(b, s->v.module, prefix);
            prefix->len = len;
            prefix->data[len] = 0;
        } else {
            seli__text_printf(b, " %s%s\n", seli__shape(s->v.tensor),
                             s->kind == SELI_ATTR_BUFFER ? " (buffer)" : "");
        }
    }
}

char *seli_module_str(const seli_module *m)
{
    if (!m)
        seli_error("seli_module_str: the module is NULL");
    seli__text b = {0}, prefix = {0};
    put_header(&b, m, 0);
    seli__text_put(&b, "  ");
    put_count(&b, m);
    seli__text_put(&b, "\n");
    seli__text_put(&prefix, "");
    text_tree(&b, m, &prefix);
    free(prefix.data);
    b.data[--b.len] = 0; /* no trailing newline, as seli_tensor_str */
    return b.data;
}

static void html_tree(seli__text *b, const seli_module *m)
{
    seli__text_put(b, "<ul style=\"list-style:none;margin:0;padding-left:1.4em\">");
    for (int i = 0; i < m->n; i++) {
        const seli__slot *s = &m->attrs[i];
        if (is_scalar_attr(s->kind))
            continue;
        seli__text_put(b, "<li>");
        if (s->kind == SELI_ATTR_MODULE) {
            seli__text_put(b, "<details open><summary>");
            put_text(b, s->name, 1);
            seli__text_put(b, ": ");
            put_header(b, s->v.module, 1);
            seli__text_put(b, "</summary>");
            html_tree(b, s->v.module);
            seli__text_put(b, "</details>");
        } else {
            put_text(b, s->name, 1);
            seli__text_printf(b, " <span style=\"color:#1f77b4\">%s</span>",
                             seli__shape(s->v.tensor));
            if (s->kind == SELI_ATTR_BUFFER)
                seli__text_put(b, " <span style=\"color:#888\">buffer</span>");
        }
        seli__text_put(b, "</li>");
    }
    seli__text_put(b, "</ul>");
}

char *seli_module_html(const seli_module *m)
{
    if (!m)
        seli_error("seli_module_html: the module is NULL");
    seli__text b = {0};
    seli__text_put(&b, "<div class=\"seli-module\" style=\"font-family:monospace\">"
                       "<details open><summary>");
    put_header(&b, m, 1);
    seli__text_put(&b, " <span style=\"color:#888\">");
    put_count(&b, m);
    seli__text_put(&b, "</span></summary>");
    html_tree(&b, m);
    seli__text_put(&b, "</details></div>");
    return b.data;
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
    seli__display_html_text(seli_module_html(m), seli_module_str(m));
}
