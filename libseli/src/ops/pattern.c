/* pattern.c: the parser of einops patterns (see pattern.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/pattern.h"

static int new_axis(const char *op, const char *pattern, pat_axes *axes, const char *name,
                    long size)
{
    if (axes->n == PAT_MAX_AXES)
        seli_error("%s: pattern \"%s\" has more than %d axes", op, pattern, PAT_MAX_AXES);
    snprintf(axes->name[axes->n], PAT_NAME, "%s", name);
    axes->size[axes->n] = size;
    return axes->n++;
}

static int named_axis(const char *op, const char *pattern, pat_axes *axes, const char *name)
{
    for (int a = 0; a < axes->n; a++)
        if (strcmp(axes->name[a], name) == 0)
            return a;
    return new_axis(op, pattern, axes, name, -1);
}

/* Items of the open group g = ngroups run from start[g] to start[g + 1]. */
static void add_item(const char *op, const char *pattern, pat_side *side, int axis)
{
    int n = side->start[side->ngroups + 1];
    if (n == PAT_MAX_ITEMS)
        seli_error("%s: pattern \"%s\" has too many axes", op, pattern);
    side->items[n] = axis;
    side->start[side->ngroups + 1]++;
}

static void close_group(pat_side *side)
{
    side->ngroups++;
    side->start[side->ngroups + 1] = side->start[side->ngroups];
}

/* Read one token at *p: an axis name, a number, "...", "(" or ")". */
static int token(const char **p, const char *end, char *buf)
{
    while (*p < end && isspace((unsigned char)**p))
        (*p)++;
    if (*p == end)
        return 0;
    const char *s = *p;
    if (*s == '(' || *s == ')') {
        buf[0] = *s, buf[1] = 0, (*p)++;
        return 1;
    }
    if (end - s >= 3 && strncmp(s, "...", 3) == 0) {
        strcpy(buf, "..."), *p += 3;
        return 1;
    }
    size_t n = 0;
    while (*p < end && (isalnum((unsigned char)**p) || **p == '_'))
        (*p)++, n++;
    if (n == 0 || n >= PAT_NAME)
        return -1;
    memcpy(buf, s, n);
    buf[n] = 0;
    return 1;
}

void seli__pat_side(const char *op, const char *pattern, const char *text, size_t len,
                    pat_side *side, pat_axes *axes)
{
    memset(side, 0, sizeof *side);
    side->ellipsis = -1;
    const char *p = text, *end = text + len;
    char tok[PAT_NAME];
    int open = 0, r;
    while ((r = token(&p, end, tok)) != 0) {
        if (r < 0)
            seli_error("%s: pattern \"%s\" has an unexpected character near \"%.*s\"; axes are "
                       "names (letters, digits, _), sizes, \"...\" and parentheses",
                       op, pattern, (int)(end - p), p);
        if (strcmp(tok, ")") == 0) {
            if (!open)
                seli_error("%s: pattern \"%s\" closes a parenthesis it never opened", op, pattern);
            open = 0;
            close_group(side);
            continue;
        }
        if (side->ngroups == PAT_MAX_ITEMS - 1)
            seli_error("%s: pattern \"%s\" has more than %d dimensions on a side", op, pattern,
                       SELI_MAX_DIMS);
        if (strcmp(tok, "(") == 0) {
            if (open)
                seli_error("%s: pattern \"%s\" nests parentheses; einops groups are flat", op,
                           pattern);
            open = 1;
            continue;
        }
        int axis;
        if (strcmp(tok, "...") == 0) {
            if (open || side->ellipsis >= 0)
                seli_error("%s: pattern \"%s\": \"...\" may appear once per side, outside "
                           "parentheses",
                           op, pattern);
            side->ellipsis = side->ngroups;
            axis = -1;
        } else if (isdigit((unsigned char)tok[0])) {
            long size = strtol(tok, NULL, 10);
            if (size < 1)
                seli_error("%s: pattern \"%s\" has the size %s; sizes are >= 1", op, pattern, tok);
            axis = size == 1 && open ? -2 : new_axis(op, pattern, axes, "", size);
        } else {
            axis = named_axis(op, pattern, axes, tok);
            for (int i = 0; i < side->start[side->ngroups + 1]; i++)
                if (side->items[i] == axis)
                    seli_error("%s: pattern \"%s\" names the axis %s twice on one side", op,
                               pattern, tok);
        }
        if (axis != -2)
            add_item(op, pattern, side, axis);
        if (!open)
            close_group(side);
    }
    if (open)
        seli_error("%s: pattern \"%s\" opens a parenthesis it never closes", op, pattern);
}

void seli__pat_expand(const char *op, const char *pattern, pat_side *side, pat_axes *axes, int k,
                      int *first)
{
    int g = side->ellipsis;
    if (g < 0)
        return;
    if (side->ngroups - 1 + k > SELI_MAX_DIMS)
        seli_error("%s: pattern \"%s\" makes more than %d dimensions", op, pattern, SELI_MAX_DIMS);
    if (*first < 0) {
        *first = axes->n;
        for (int i = 0; i < k; i++)
            new_axis(op, pattern, axes, "", -1);
    }
    pat_side out = {.ellipsis = -1};
    for (int h = 0; h < side->ngroups; h++) {
        if (h == g) {
            for (int i = 0; i < k; i++) {
                add_item(op, pattern, &out, *first + i);
                close_group(&out);
            }
            continue;
        }
        for (int i = side->start[h]; i < side->start[h + 1]; i++)
            add_item(op, pattern, &out, side->items[i]);
        close_group(&out);
    }
    *side = out;
}

void seli__pat_sizes(const char *op, const char *pattern, const char *sizes, pat_axes *axes)
{
    const char *p = sizes ? sizes : "";
    while (*p) {
        while (isspace((unsigned char)*p) || *p == ',')
            p++;
        if (!*p)
            break;
        const char *name = p;
        while (isalnum((unsigned char)*p) || *p == '_')
            p++;
        size_t n = (size_t)(p - name);
        while (isspace((unsigned char)*p))
            p++;
        char *end;
        long v = *p == '=' ? strtol(p + 1, &end, 10) : 0;
        if (n == 0 || n >= PAT_NAME || *p != '=' || end == p + 1 || v < 1)
            seli_error("%s: the sizes \"%s\" are not a list like \"h=4, w=2\" of positive sizes",
                       op, sizes);
        p = end;
        int found = 0;
        for (int a = 0; a < axes->n; a++)
            if (strlen(axes->name[a]) == n && strncmp(axes->name[a], name, n) == 0)
                axes->size[a] = v, found = 1;
        if (!found)
            seli_error("%s: the size %.*s=%ld names no axis of the pattern \"%s\"", op, (int)n,
                       name, v, pattern);
    }
}

void seli__pat_match(const char *op, const char *pattern, const pat_side *side, pat_axes *axes,
                     int ndim, const long *shape)
{
    if (side->ngroups != ndim)
        seli_error("%s: pattern \"%s\" has %d dimensions on the left but the tensor has %d "
                   "(shape %s)",
                   op, pattern, side->ngroups, ndim, seli__dims(ndim, shape));
    for (int g = 0; g < ndim; g++) {
        long known = 1;
        int unknown = -1;
        for (int i = side->start[g]; i < side->start[g + 1]; i++) {
            int a = side->items[i];
            if (axes->size[a] >= 0)
                known *= axes->size[a];
            else if (unknown >= 0)
                seli_error("%s: pattern \"%s\": dimension %d has two axes of unknown size (%s, "
                           "%s); give one of them, e.g. \"%s=%ld\"",
                           op, pattern, g, axes->name[unknown], axes->name[a], axes->name[a], 2L);
            else
                unknown = a;
        }
        if (unknown >= 0 && known > 0 && shape[g] % known == 0)
            axes->size[unknown] = shape[g] / known, known = shape[g];
        if (known != shape[g])
            seli_error("%s: pattern \"%s\": dimension %d of the tensor (shape %s) has size %ld, "
                       "which the pattern's sizes do not make",
                       op, pattern, g, seli__dims(ndim, shape), shape[g]);
    }
}

int seli__pat_has(const pat_side *side, int a)
{
    for (int i = 0; i < side->start[side->ngroups]; i++)
        if (side->items[i] == a)
            return 1;
    return 0;
}
