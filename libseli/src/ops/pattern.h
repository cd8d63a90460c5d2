/* pattern.h: einops patterns ("b n (h d) -> b h n d"), parsed for
 * rearrange.c and einsum.c.
 *
 * One side of a pattern is a list of groups, one per tensor dimension; a
 * group is one axis name, a parenthesised list of axes ("(h d)", "()" for a
 * dimension of size 1), a literal size ("1"; "3" on the right of a repeat),
 * or "..." (the dimensions nobody named).  Axes are numbered in the order
 * they are first seen; unnamed ones (literals, "..." dimensions) get their
 * own numbers. */
#ifndef SELI_OPS_PATTERN_H
#define SELI_OPS_PATTERN_H

#include "core/internal.h"

#define PAT_MAX_AXES 32
#define PAT_MAX_ITEMS 32
#define PAT_NAME 24

typedef struct pat_side {
    int ngroups;
    int start[PAT_MAX_ITEMS + 2]; /* group g holds items[start[g] .. start[g + 1]) */
    int items[PAT_MAX_ITEMS];     /* axis numbers */
    int ellipsis;                 /* group index of "...", or -1 */
} pat_side;

typedef struct pat_axes {
    int n;
    char name[PAT_MAX_AXES][PAT_NAME]; /* "" for unnamed axes */
    long size[PAT_MAX_AXES];           /* -1 while unknown */
} pat_axes;

/* Parse one side (text up to its end, e.g. "b (h d)") into side, adding its
 * axes to axes; errors name op and the whole pattern. */
SELI_INTERNAL void seli__pat_side(const char *op, const char *pattern, const char *text, size_t len,
                                  pat_side *side, pat_axes *axes);
/* Replace the "..." group of side by k groups of fresh unnamed axes (the
 * same k axes each time it is called with the same first axis number in
 * *first, or new ones when *first is -1). */
SELI_INTERNAL void seli__pat_expand(const char *op, const char *pattern, pat_side *side,
                                    pat_axes *axes, int k, int *first);
/* Give sizes ("h=4, w=2", or NULL) to named axes; an unknown name is an error. */
SELI_INTERNAL void seli__pat_sizes(const char *op, const char *pattern, const char *sizes,
                                   pat_axes *axes);
/* Match side against shape (ndim dimensions), inferring at most one unknown
 * axis per group; a mismatch is an error naming the dimension. */
SELI_INTERNAL void seli__pat_match(const char *op, const char *pattern, const pat_side *side,
                                   pat_axes *axes, int ndim, const long *shape);
/* Nonzero if axis a occurs in side. */
SELI_INTERNAL int seli__pat_has(const pat_side *side, int a);

#endif
