/* rearrange.c: seli_rearrange, seli_reduce and seli_repeat, einops-style
 * tensor surgery written as reshape, permute, reduce and broadcast_to.
 *
 *   "b n (h d) -> b h n d"   x [B, N, H*D] -> [B, H, N, D]   (h or d given by size)
 *
 * The left side is split into elementary axes (a reshape), the axes that
 * the right side keeps are put in its order (a permute), the rest reduced
 * (seli_reduce) or new ones broadcast in (seli_repeat), and the right side's
 * groups are merged (a reshape).  Every step is a differentiable op, so the
 * results differentiate to any order. */
#include <string.h>

#include "ops/pattern.h"

typedef enum { REARRANGE, REDUCE, REPEAT } ein_kind;

typedef struct ein {
    const char *op, *pattern;
    pat_axes axes;
    pat_side left, right;
} ein;

static void parse(ein *e, ein_kind kind, const seli_tensor *x, const char *sizes)
{
    const char *op = e->op, *pattern = e->pattern;
    const char *arrow = strstr(pattern, "->");
    if (!arrow || strstr(arrow + 2, "->"))
        seli_error("%s: pattern \"%s\" needs one \"->\" between the input's axes and the "
                   "output's, as in \"b n (h d) -> b h n d\"",
                   op, pattern);
    memset(&e->axes, 0, sizeof e->axes);
    seli__pat_side(op, pattern, pattern, (size_t)(arrow - pattern), &e->left, &e->axes);
    seli__pat_side(op, pattern, arrow + 2, strlen(arrow + 2), &e->right, &e->axes);
    int first = -1, k = x->ndim - (e->left.ngroups - 1);
    if (e->right.ellipsis >= 0 && e->left.ellipsis < 0)
        seli_error("%s: pattern \"%s\" has \"...\" on the right only; put it on both sides", op,
                   pattern);
    if (e->left.ellipsis >= 0) {
        if (k < 0)
            seli_error("%s: pattern \"%s\" names %d dimensions but the tensor (shape %s) has %d",
                       op, pattern, e->left.ngroups - 1, seli__shape(x), x->ndim);
        seli__pat_expand(op, pattern, &e->left, &e->axes, k, &first);
        seli__pat_expand(op, pattern, &e->right, &e->axes, k, &first);
    }
    seli__pat_sizes(op, pattern, sizes, &e->axes);
    seli__pat_match(op, pattern, &e->left, &e->axes, x->ndim, x->shape);
    for (int i = 0; i < e->left.start[e->left.ngroups]; i++) {
        int a = e->left.items[i];
        int dots = first >= 0 && a >= first && a < first + k; /* an axis of "..." */
        int unit = e->axes.name[a][0] == 0 && !dots;
        if (unit && e->axes.size[a] != 1)
            seli_error("%s: pattern \"%s\": a size on the left must be 1", op, pattern);
        if (!unit && !seli__pat_has(&e->right, a) && kind != REDUCE)
            seli_error("%s: pattern \"%s\" drops the axis %s; %s", op, pattern,
                       e->axes.name[a][0] ? e->axes.name[a] : "of \"...\"",
                       kind == REPEAT ? "a repeat keeps every axis"
                                      : "use seli_reduce to sum or average it away");
    }
    for (int i = 0; i < e->right.start[e->right.ngroups]; i++) {
        int a = e->right.items[i];
        if (seli__pat_has(&e->left, a))
            continue;
        if (e->axes.size[a] < 0 || (kind != REPEAT && e->axes.size[a] != 1))
            seli_error("%s: pattern \"%s\": the axis %s is on the right only; %s", op, pattern,
                       e->axes.name[a],
                       kind == REPEAT ? "give its size, e.g. \"n=3\""
                                      : "only seli_repeat makes new axes");
    }
}

/* Reduce the last axis of y by reduction ("sum", "mean", "max", "min", "prod"). */
static seli_tensor *reduce_last(const char *op, seli_tensor *y, const char *reduction)
{
    if (strcmp(reduction, "sum") == 0)
        return seli_sum(y, -1, 0);
    if (strcmp(reduction, "mean") == 0)
        return seli_mean(y, -1, 0);
    if (strcmp(reduction, "max") == 0)
        return seli_max(y, -1, 0);
    if (strcmp(reduction, "min") == 0)
        return seli_neg(seli_max(seli_neg(y), -1, 0));
    if (strcmp(reduction, "prod") == 0) {
        long n = y->shape[y->ndim - 1];
        seli_tensor *p = seli_squeeze(seli_slice(y, -1, 0, 1, 1), -1);
        for (long i = 1; i < n; i++)
            p = seli_mul(p, seli_squeeze(seli_slice(y, -1, i, i + 1, 1), -1));
        return p;
    }
    seli_error("%s: the reduction \"%s\" is not one of \"sum\", \"mean\", \"max\", \"min\", "
               "\"prod\"",
               op, reduction);
}

static seli_tensor *apply(ein *e, const seli_tensor *x, const char *reduction)
{
    const pat_axes *ax = &e->axes;
    int el[PAT_MAX_ITEMS], nel = 0, perm[SELI_MAX_DIMS], np = 0;
    long s[PAT_MAX_ITEMS];
    for (int i = 0; i < e->left.start[e->left.ngroups]; i++)
        if (seli__pat_has(&e->right, e->left.items[i]) || ax->name[e->left.items[i]][0] ||
            ax->size[e->left.items[i]] != 1)
            el[nel++] = e->left.items[i]; /* units dropped */
    for (int i = 0; i < e->right.start[e->right.ngroups]; i++)
        if (seli__pat_has(&e->left, e->right.items[i]))
            np++;
    if (nel > SELI_MAX_DIMS || e->right.start[e->right.ngroups] > SELI_MAX_DIMS)
        seli_error("%s: pattern \"%s\" needs more than %d axes at once", e->op, e->pattern,
                   SELI_MAX_DIMS);
    for (int i = 0; i < nel; i++)
        s[i] = ax->size[el[i]];
    seli_tensor *y = seli_reshape(x, nel, s);
    /* kept axes in the right side's order, then the reduced ones */
    np = 0;
    for (int i = 0; i < e->right.start[e->right.ngroups]; i++)
        for (int j = 0; j < nel; j++)
            if (el[j] == e->right.items[i])
                perm[np++] = j;
    int nkept = np;
    long reduced = 1;
    for (int j = 0; j < nel; j++)
        if (!seli__pat_has(&e->right, el[j]))
            perm[np++] = j, reduced *= s[j];
    int identity = 1;
    for (int i = 0; i < np; i++)
        identity &= perm[i] == i;
    if (!identity)
        y = seli_permute(y, perm);
    if (nkept < nel) {
        for (int i = 0; i < nkept; i++)
            s[i] = ax->size[el[perm[i]]];
        s[nkept] = reduced;
        y = reduce_last(e->op, seli_reshape(y, nkept + 1, s), reduction);
    }
    /* new and unit axes of the right side: size 1, then broadcast */
    int nr = e->right.start[e->right.ngroups], grow = 0;
    long ins[SELI_MAX_DIMS], full[SELI_MAX_DIMS], out[SELI_MAX_DIMS];
    for (int i = 0; i < nr; i++) {
        int a = e->right.items[i], kept = seli__pat_has(&e->left, a);
        full[i] = ax->size[a];
        ins[i] = kept ? ax->size[a] : 1;
        grow |= !kept && ax->size[a] != 1;
    }
    y = seli_reshape(y, nr, ins);
    if (grow)
        y = seli_broadcast_to(y, nr, full);
    for (int g = 0; g < e->right.ngroups; g++) {
        out[g] = 1;
        for (int i = e->right.start[g]; i < e->right.start[g + 1]; i++)
            out[g] *= ax->size[e->right.items[i]];
    }
    return seli_reshape(y, e->right.ngroups, out);
}

static seli_tensor *einops(const char *op, ein_kind kind, const seli_tensor *x, const char *pattern,
                           const char *reduction, const char *sizes)
{
    seli__check(op, x, "x");
    if (!pattern)
        seli_error("%s: the pattern is NULL; pass one such as \"b n (h d) -> b h n d\"", op);
    if (kind == REDUCE && !reduction)
        seli_error("%s: the reduction is NULL; pass \"sum\", \"mean\", \"max\", \"min\" or "
                   "\"prod\"",
                   op);
    ein e = {.op = op, .pattern = pattern};
    parse(&e, kind, x, sizes);
    return apply(&e, x, reduction);
}

seli_tensor *seli_rearrange(const seli_tensor *x, const char *pattern, const char *sizes)
{
    return einops("seli_rearrange", REARRANGE, x, pattern, NULL, sizes);
}

seli_tensor *seli_reduce(const seli_tensor *x, const char *pattern, const char *reduction,
                         const char *sizes)
{
    return einops("seli_reduce", REDUCE, x, pattern, reduction, sizes);
}

seli_tensor *seli_repeat(const seli_tensor *x, const char *pattern, const char *sizes)
{
    return einops("seli_repeat", REPEAT, x, pattern, NULL, sizes);
}
