/* attention.c: net.DotProductAttention and net.CrossAttention, multi-head
 * dot-product attention as the seed (seli 0.1.2) computes it with
 * jax.nn.dot_product_attention.
 *
 *   q [..., T, N, H], k and v [..., S, K, H], N = G K (query heads share the
 *   key/value head n / G):
 *   logits [..., N, T, S] = q k^T * scale (default 1 / sqrt(H)) + bias
 *   masked logits (mask == 0, or above the diagonal when causal) = -0.7 FLT_MAX
 *   out [..., T, N, H] = softmax(logits over S) v
 *
 * DotProductAttention projects x [..., T, dim] with one Linear child "qkv" to
 * N + 2K heads of size H = dim / N (optionally normalised to unit length,
 * "norm", and soft-capped, "tanh_cap"); CrossAttention projects x with "q"
 * and the other sequence y [..., S, dim_y] with "kv".  Both return
 * [..., T, dim].  Everything is made of differentiable ops. */
#include <float.h>
#include <math.h>
#include <stdio.h>

#include "nn/module_private.h"

/* The attention of q [..., T, N, H] on k, v [..., S, K, H]; bias and mask may
 * be NULL, each broadcasting against [..., N, T, S]. */
static seli_tensor *attend(const seli_module *m, seli_tensor *q, seli_tensor *k, seli_tensor *v,
                           const seli_tensor *bias, const seli_tensor *mask)
{
    long K = k->shape[k->ndim - 2], H = q->shape[q->ndim - 1];
    long T = q->shape[q->ndim - 3], S = k->shape[k->ndim - 3];
    char sizes[32];
    snprintf(sizes, sizeof sizes, "k=%ld", K);
    double scale = seli_has(m, "scale") ? seli_get_float(m, "scale") : 1.0 / sqrt((double)H);
    seli_tensor *qg = seli_rearrange(q, "... t (k g) h -> ... k g t h", sizes);
    seli_tensor *kt = seli_rearrange(k, "... s k h -> ... k 1 h s", NULL);
    seli_tensor *vg = seli_rearrange(v, "... s k h -> ... k 1 s h", NULL);
    seli_tensor *logits = seli_mul_scalar(seli_matmul(qg, kt), (float)scale);
    logits = seli_rearrange(logits, "... k g t s -> ... (k g) t s", NULL); /* [..., N, T, S] */
    if (bias)
        logits = seli_add(logits, bias);
    seli_tensor *keep = mask ? seli_detach(mask) : NULL;
    if (seli_has(m, "is_causal") && seli_get_int(m, "is_causal")) {
        seli_tensor *causal = seli_zeros(2, (long[]){T, S});
        for (long t = 0; t < T; t++)
            for (long s = 0; s <= t && s < S; s++)
                causal->data[t * S + s] = 1;
        keep = keep ? seli_mul(keep, causal) : causal;
    }
    if (keep)
        logits = seli_where(keep, logits, seli_scalar(-0.7f * FLT_MAX));
    seli_tensor *p = seli_softmax(logits, -1);
    snprintf(sizes, sizeof sizes, "k=%ld", K);
    p = seli_rearrange(p, "... (k g) t s -> ... k g t s", sizes);
    return seli_rearrange(seli_matmul(p, vg), "... k g t h -> ... t (k g) h", NULL);
}

static void check_heads(const char *op, int dim, int heads_q, int heads_k)
{
    if (dim < 1 || heads_q < 1 || heads_k < 1 || dim % heads_q || dim % heads_k ||
        heads_q % heads_k)
        seli_error("%s: dim %d, heads_q %d, heads_k %d: dim must be a multiple of both head "
                   "counts and heads_q a multiple of heads_k (each key/value head serves "
                   "heads_q / heads_k query heads)",
                   op, dim, heads_q, heads_k);
}

/* A [..., T, dim] input (the first of n), checked. */
static seli_tensor *sequence(const seli_module *m, seli_tensor *x, const char *what)
{
    seli__check(m->type->name, x, what);
    if (x->ndim < 2)
        seli_error("%s at '%s': %s has shape %s; it must be a sequence [..., T, features]",
                   m->type->name, seli__path(m, NULL), what, seli__shape(x));
    return x;
}

seli_tensor *seli__attention_forward(seli_module *m, int n, seli_tensor *const *xs)
{
    if (n < 1 || n > 3)
        seli_error("net.DotProductAttention at '%s': takes x [..., T, dim], then optionally a "
                   "bias and a mask (nonzero = attend) broadcasting against [..., heads, T, T]; "
                   "got %d inputs",
                   seli__path(m, NULL), n);
    seli_tensor *x = sequence(m, xs[0], "x");
    long hq = seli_get_int(m, "heads_q"), hk = seli_get_int(m, "heads_k");
    long h = seli_get_int(m, "dim") / hq;
    seli_tensor *qkv = seli_call(seli_child(m, "qkv"), x);
    long shape[SELI_MAX_DIMS];
    for (int i = 0; i < x->ndim - 1; i++)
        shape[i] = x->shape[i];
    shape[x->ndim - 1] = hq + 2 * hk;
    shape[x->ndim] = h;
    qkv = seli_reshape(qkv, x->ndim + 1, shape); /* [..., T, N + 2K, H] */
    if (seli_has(m, "norm") && seli_get_int(m, "norm")) {
        seli_tensor *len = seli_sqrt(seli_sum(seli_square(qkv), -1, 1));
        qkv = seli_div(qkv, seli_maximum(len, seli_scalar(1e-6f)));
    }
    if (seli_has(m, "tanh_cap")) {
        float cap = (float)seli_get_float(m, "tanh_cap");
        qkv = seli_mul_scalar(seli_tanh(seli_mul_scalar(qkv, 1 / cap)), cap);
    }
    seli_tensor *q = seli_slice(qkv, -2, 0, hq, 1), *k = seli_slice(qkv, -2, hq, hq + hk, 1);
    seli_tensor *v = seli_slice(qkv, -2, hq + hk, hq + 2 * hk, 1);
    seli_tensor *y = attend(m, q, k, v, n > 1 ? xs[1] : NULL, n > 2 ? xs[2] : NULL);
    shape[x->ndim - 1] = hq * h;
    return seli_reshape(y, x->ndim, shape);
}

seli_module *seli_net_dot_product_attention(int dim, int heads_q, int heads_k)
{
    heads_k = heads_k ? heads_k : heads_q;
    check_heads("seli_net_dot_product_attention", dim, heads_q, heads_k);
    seli_module *m = seli_module_new("net.DotProductAttention", seli__attention_forward);
    seli_set_int(m, "dim", dim);
    seli_set_int(m, "heads_q", heads_q);
    seli_set_int(m, "heads_k", heads_k);
    seli_set_child(m, "qkv", seli_net_linear(dim / heads_q * (heads_q + 2 * heads_k)));
    return m;
}

seli_tensor *seli__cross_attention_forward(seli_module *m, int n, seli_tensor *const *xs)
{
    if (n != 2)
        seli_error("net.CrossAttention at '%s': takes x [..., T, dim_x] and y [..., S, dim_y], "
                   "got %d inputs",
                   seli__path(m, NULL), n);
    seli_tensor *x = sequence(m, xs[0], "x"), *y = sequence(m, xs[1], "y");
    long hq = seli_get_int(m, "heads_q"), hk = seli_get_int(m, "heads_k");
    char sizes[32];
    snprintf(sizes, sizeof sizes, "n=%ld", hq);
    seli_tensor *q =
        seli_rearrange(seli_call(seli_child(m, "q"), x), "... t (n h) -> ... t n h", sizes);
    snprintf(sizes, sizeof sizes, "n=%ld", 2 * hk);
    seli_tensor *kv =
        seli_rearrange(seli_call(seli_child(m, "kv"), y), "... s (n h) -> ... s n h", sizes);
    seli_tensor *k = seli_slice(kv, -2, 0, hk, 1), *v = seli_slice(kv, -2, hk, 2 * hk, 1);
    const seli_tensor *bias = seli_has(m, "bias") ? seli_get_buffer(m, "bias") : NULL;
    const seli_tensor *mask = seli_has(m, "mask") ? seli_get_buffer(m, "mask") : NULL;
    return seli_rearrange(attend(m, q, k, v, bias, mask), "... t n h -> ... t (n h)", NULL);
}

seli_module *seli_net_cross_attention(int dim, int heads_q, int heads_k)
{
    heads_k = heads_k ? heads_k : heads_q;
    check_heads("seli_net_cross_attention", dim, heads_q, heads_k);
    seli_module *m = seli_module_new("net.CrossAttention", seli__cross_attention_forward);
    seli_set_int(m, "dim", dim);
    seli_set_int(m, "heads_q", heads_q);
    seli_set_int(m, "heads_k", heads_k);
    seli_set_child(m, "q", seli_net_linear(dim / heads_q * heads_q));
    seli_set_child(m, "kv", seli_net_linear(dim / heads_q * heads_k * 2));
    return m;
}
