/* seli/einops.h: einops-style tensor surgery, as the seed's net.Rearrange,
 * net.Reduce, net.Repeat and net.Einsum do it with the einops library.
 *
 * A pattern names the axes of the input on the left of "->" and of the
 * result on the right.  Names are letters, digits and _; "(h d)" is one
 * dimension made of two axes; "()" or "1" is a dimension of size 1; "..."
 * stands for the dimensions that nobody named.  Sizes the shape cannot tell
 * are given by name in a string: "h=4" or "h=4, w=2" (or NULL for none).
 *
 *     seli_rearrange(x, "b n (h d) -> b h n d", "h=4")   // [B, N, 4*D] -> [B, 4, N, D]
 *     seli_reduce(x, "b n d -> b d", "mean", NULL)        // mean over n
 *     seli_repeat(x, "n d -> n k d", "k=3")               // 3 copies along a new axis
 *     seli_einsum(2, (seli_tensor *[]){q, k}, "b i d, b j d -> b i j")
 *
 * The results live in the current scope and are made of differentiable
 * ops, so they differentiate to any order. */
#ifndef SELI_EINOPS_H
#define SELI_EINOPS_H

typedef struct seli_tensor seli_tensor;

/* Reorder, split and merge the axes of x by pattern ("b n (h d) -> b h n d");
 * every axis of the left appears on the right. */
seli_tensor *seli_rearrange(const seli_tensor *x, const char *pattern, const char *sizes);
/* As seli_rearrange, but axes of the left missing on the right are reduced
 * by reduction: "sum", "mean", "max", "min" or "prod" ("b n d -> b d"). */
seli_tensor *seli_reduce(const seli_tensor *x, const char *pattern, const char *reduction,
                         const char *sizes);
/* As seli_rearrange, but axes only on the right are new, their sizes given
 * in sizes or as numbers in the pattern ("h w -> h w c", "c=3"). */
seli_tensor *seli_repeat(const seli_tensor *x, const char *pattern, const char *sizes);
/* Contract n tensors by an einops pattern of axis names: "b i d, b j d ->
 * b i j" multiplies and sums over d; an axis missing from the output is
 * summed.  One operand per comma-separated list, in order. */
seli_tensor *seli_einsum(int n, seli_tensor *const *xs, const char *pattern);

#endif
