/* einsum.c: seli_einsum, einops-style contractions ("b i d, b j d -> b i j").
 *
 * The operands are contracted left to right, two at a time.  For a pair,
 * axes that neither the output nor a later operand needs are summed out
 * first; the shared axes that are still needed are the batch, the shared
 * ones that are not are contracted, so the pair becomes one batched matmul:
 *
 *   a [batch, a-only, contracted] @ b [batch, contracted, b-only]
 *
 * made with permute and reshape.  Every step is a differentiable op, so the
 * result differentiates to any order. */
#include <string.h>

#include "ops/pattern.h"

#define OP "seli_einsum"

typedef struct term {
    seli_tensor *t;
    int n;                   /* axes, one per dimension */
    int axis[SELI_MAX_DIMS]; /* axis numbers of the pattern */
} term;

static int in_list(const int *list, int n, int a)
{
    for (int i = 0; i < n; i++)
        if (list[i] == a)
            return 1;
    return 0;
}

/* Sum out every axis of x that keep[] does not list (keep has nkeep axes). */
static term sum_unneeded(term x, const int *keep, int nkeep)
{
    for (int d = x.n - 1; d >= 0; d--)
        if (!in_list(keep, nkeep, x.axis[d])) {
            x.t = seli_sum(x.t, d, 0);
            memmove(x.axis + d, x.axis + d + 1, (size_t)(x.n - d - 1) * sizeof(int));
            x.n--;
        }
    return x;
}

/* x permuted to the axes of order (all of x's axes, in a new order). */
static seli_tensor *arrange(term x, const int *order)
{
    int perm[SELI_MAX_DIMS], identity = 1;
    for (int i = 0; i < x.n; i++) {
        for (int d = 0; d < x.n; d++)
            if (x.axis[d] == order[i])
                perm[i] = d;
        identity &= perm[i] == i;
    }
    return identity ? x.t : seli_permute(x.t, perm);
}

static long size_of(const pat_axes *ax, const int *list, int n)
{
    long s = 1;
    for (int i = 0; i < n; i++)
        s *= ax->size[list[i]];
    return s;
}

/* a and b contracted into one term whose axes are those in needed[]. */
static term contract(term a, term b, const int *needed, int nneeded, const pat_axes *ax)
{
    int keep[2 * SELI_MAX_DIMS + PAT_MAX_AXES], nk = 0;
    for (int i = 0; i < nneeded; i++)
        keep[nk++] = needed[i];
    for (int i = 0; i < b.n; i++)
        keep[nk++] = b.axis[i];
    a = sum_unneeded(a, keep, nk);
    nk = nneeded;
    for (int i = 0; i < a.n; i++)
        keep[nk++] = a.axis[i];
    b = sum_unneeded(b, keep, nk);
    int batch[SELI_MAX_DIMS], ao[SELI_MAX_DIMS], bo[SELI_MAX_DIMS], con[SELI_MAX_DIMS];
    int nb = 0, na = 0, nbo = 0, nc = 0;
    for (int i = 0; i < a.n; i++) {
        int x = a.axis[i], shared = in_list(b.axis, b.n, x);
        if (shared && in_list(needed, nneeded, x))
            batch[nb++] = x;
        else if (shared)
            con[nc++] = x;
        else
            ao[na++] = x;
    }
    for (int i = 0; i < b.n; i++)
        if (!in_list(a.axis, a.n, b.axis[i]))
            bo[nbo++] = b.axis[i];
    int order[SELI_MAX_DIMS], n = 0;
    memcpy(order, batch, (size_t)nb * sizeof(int)), n = nb;
    memcpy(order + n, ao, (size_t)na * sizeof(int)), n += na;
    memcpy(order + n, con, (size_t)nc * sizeof(int));
    long sb = size_of(ax, batch, nb), sa = size_of(ax, ao, na), sc = size_of(ax, con, nc);
    long sbo = size_of(ax, bo, nbo);
    seli_tensor *am = seli_reshape(arrange(a, order), 3, (long[]){sb, sa, sc});
    memcpy(order + nb, con, (size_t)nc * sizeof(int));
    memcpy(order + nb + nc, bo, (size_t)nbo * sizeof(int));
    seli_tensor *bm = seli_reshape(arrange(b, order), 3, (long[]){sb, sc, sbo});
    term r = {.n = nb + na + nbo};
    if (r.n > SELI_MAX_DIMS)
        seli_error(OP ": an intermediate result would have %d axes, more than %d", r.n,
                   SELI_MAX_DIMS);
    long shape[SELI_MAX_DIMS];
    memcpy(r.axis, batch, (size_t)nb * sizeof(int));
    memcpy(r.axis + nb, ao, (size_t)na * sizeof(int));
    memcpy(r.axis + nb + na, bo, (size_t)nbo * sizeof(int));
    for (int i = 0; i < r.n; i++)
        shape[i] = ax->size[r.axis[i]];
    r.t = seli_reshape(seli_matmul(am, bm), r.n, shape);
    return r;
}

/* Parse "x, y -> out" for n operands into terms (checking sizes) and out. */
static void parse(const char *pattern, int n, seli_tensor *const *xs, term *terms, pat_side *out,
                  pat_axes *ax)
{
    const char *arrow = strstr(pattern, "->");
    if (!arrow)
        seli_error(OP ": pattern \"%s\" needs \"->\" before the output's axes, as in "
                      "\"b i d, b j d -> b i j\"",
                   pattern);
    const char *p = pattern;
    for (int k = 0; k < n; k++) {
        const char *end = k == n - 1 ? arrow : strchr(p, ',');
        if (!end || end > arrow)
            seli_error(OP ": pattern \"%s\" lists fewer operands than the %d given; separate "
                          "them with commas",
                       pattern, n);
        if (k == n - 1 && memchr(p, ',', (size_t)(arrow - p)))
            seli_error(OP ": pattern \"%s\" lists more operands than the %d given", pattern, n);
        pat_side side;
        seli__pat_side(OP, pattern, p, (size_t)(end - p), &side, ax);
        if (side.ellipsis >= 0 || side.start[side.ngroups] != side.ngroups)
            seli_error(OP ": pattern \"%s\": operands are lists of axis names (no \"...\", "
                          "no groups)",
                       pattern);
        seli__pat_match(OP, pattern, &side, ax, xs[k]->ndim, xs[k]->shape);
        terms[k] = (term){.t = xs[k], .n = side.ngroups};
        memcpy(terms[k].axis, side.items, (size_t)side.ngroups * sizeof(int));
        p = end + 1;
    }
    seli__pat_side(OP, pattern, arrow + 2, strlen(arrow + 2), out, ax);
    for (int i = 0; i < out->start[out->ngroups]; i++) {
        int a = out->items[i], found = 0;
        for (int k = 0; k < n; k++)
            found |= in_list(terms[k].axis, terms[k].n, a);
        if (!found || out->ellipsis >= 0 || out->start[out->ngroups] != out->ngroups)
            seli_error(OP ": pattern \"%s\": the output's axes must be names of the inputs' "
                          "axes (\"%s\" is not)",
                       pattern, ax->name[a]);
    }
}

seli_tensor *seli_einsum(int n, seli_tensor *const *xs, const char *pattern)
{
    if (n < 1 || !xs)
        seli_error(OP ": pass n >= 1 tensors (n = %d)", n);
    for (int k = 0; k < n; k++)
        seli__check(OP, xs[k], "xs[k]");
    if (!pattern)
        seli_error(OP ": the pattern is NULL; pass one such as \"b i d, b j d -> b i j\"");
    term terms[16];
    if (n > 16)
        seli_error(OP ": at most 16 operands, got %d", n);
    pat_side out;
    pat_axes ax = {0};
    parse(pattern, n, xs, terms, &out, &ax);
    int needed[PAT_MAX_AXES * 2], nn;
    term acc = terms[0];
    for (int k = 1; k < n; k++) {
        nn = 0;
        for (int i = 0; i < out.ngroups; i++)
            needed[nn++] = out.items[i];
        for (int j = k + 1; j < n; j++)
            for (int i = 0; i < terms[j].n; i++)
                needed[nn++] = terms[j].axis[i];
        acc = contract(acc, terms[k], needed, nn, &ax);
    }
    acc = sum_unneeded(acc, out.items, out.ngroups);
    return arrange(acc, out.items);
}
