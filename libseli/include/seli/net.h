/* seli/net.h: ready-made layers, as modules (type names "net.X").
 *
 * Every constructor returns a new module owned by the caller (free it with
 * seli_module_free, or give it to a parent with seli_set_child).  Layers act
 * on the last axis: an input [..., in] becomes [..., out].  Their parameters
 * are created lazily on the first call, after seli_set_rngs. */
#ifndef SELI_NET_H
#define SELI_NET_H

#include "seli/module.h"

/* net.Affine: x [..., in] @ weight [in, out] + bias [out] -> [..., out].
 * weight: He normal, bias: zeros.  Attribute "dim" = out.  The seed's net.Affine
 * starts its weight Glorot uniform: seli_set_init(m, "weight_init",
 * seli_init_glorot_uniform()) before the first call starts as it does. */
seli_module *seli_net_affine(int out);
/* net.Affine with other initializers for weight and bias (stored as the
 * string attributes "weight_init" and "bias_init"). */
seli_module *seli_net_affine_init(int out, seli_init weight_init, seli_init bias_init);
/* net.Linear: x [..., in] @ weight [in, out] -> [..., out], no bias; weight He normal
 * ("weight_init" as for net.Affine; the seed's starts Glorot uniform). */
seli_module *seli_net_linear(int out);
/* net.Bias: x [..., d] + bias [d]; bias starts at zeros. */
seli_module *seli_net_bias(void);
/* net.Scale: x [..., d] * scale [d]; scale starts at ones. */
seli_module *seli_net_scale(void);

/* net.Sequential of n modules, called in turn: out = m_n(...m_2(m_1(x))).
 * It takes ownership of them; they are its children "0", "1", ... */
seli_module *seli_net_sequential(int n, ...);
/* The same from an array of n modules (ownership taken). */
seli_module *seli_net_sequential_array(int n, seli_module *const *layers);
/* Append layer to a net.Sequential (ownership taken); returns seq. */
seli_module *seli_net_append(seli_module *seq, seli_module *layer);
/* Number of layers of a net.Sequential. */
int seli_net_len(const seli_module *seq);
/* Layer i of a net.Sequential (negative i counts from the end). */
seli_module *seli_net_at(const seli_module *seq, int i);

/* A multilayer perceptron: net.Sequential of n net.Affine layers of the
 * given widths, with a fresh activation act() between them (none after the
 * last).  seli_net_mlp(3, (int[]){16, 16, 1}, seli_net_elu) is 1->16->16->1
 * with ELU for a 1-D input; act may be NULL (no activations). */
seli_module *seli_net_mlp(int n, const int *widths, seli_module *(*act)(void));

/* --- activations: elementwise, no parameters --- */
seli_module *seli_net_relu(void);              /* net.ReLU: max(x, 0) */
seli_module *seli_net_leaky_relu(float slope); /* net.LeakyReLU: x or slope*x; "slope" */
seli_module *seli_net_elu(void);               /* net.ELU: x or e^x - 1 ("alpha" = 1) */
seli_module *seli_net_gelu(void);              /* net.GELU: tanh form, as JAX */
seli_module *seli_net_tanh(void);              /* net.Tanh */
seli_module *seli_net_sigmoid(void);           /* net.Sigmoid: 1 / (1 + e^-x) */
seli_module *seli_net_softplus(void);          /* net.Softplus: log(1 + e^x) */

/* --- normalisation over the last axis, with learnable scale and offset --- */

/* net.LayerNorm: (x - mean) / sqrt(var + eps) * scale + offset, over the
 * last axis [..., d]; scale [d] ones, offset [d] zeros; float "eps" = 1e-6. */
seli_module *seli_net_layernorm(void);
/* net.RMSNorm: x / sqrt(mean(x^2) + eps) * scale + offset, over the last
 * axis; scale [d] ones, offset [d] zeros (as the seed's bias); float "eps" = 1e-6. */
seli_module *seli_net_rmsnorm(void);

/* --- combinators, as the seed's (children "0", "1", ..., like a Sequential's;
 * seli_net_append, seli_net_len and seli_net_at work on them) --- */

/* net.Add of n modules (ownership taken): x = x + m_i(x, other inputs...) for
 * each in turn; seli_net_add(1, block) is a residual block x + block(x). */
seli_module *seli_net_add(int n, ...);
/* net.Multiply of n modules (ownership taken): x = x * m_i(x, other inputs...)
 * for each in turn (gating). */
seli_module *seli_net_multiply(int n, ...);
/* net.Constant: returns a copy of value (kept as the buffer "value", not
 * trained), whatever its inputs. */
seli_module *seli_net_constant(const seli_tensor *value);
/* net.Identity: returns its first input. */
seli_module *seli_net_identity(void);

/* --- einops layers (seli/einops.h); sizes as "h=4, w=2" or NULL --- */

/* net.Rearrange: seli_rearrange(x, pattern, sizes). */
seli_module *seli_net_rearrange(const char *pattern, const char *sizes);
/* net.Reduce: seli_reduce(x, pattern, reduction, sizes); reduction is "sum",
 * "mean", "max", "min" or "prod". */
seli_module *seli_net_reduce(const char *pattern, const char *reduction, const char *sizes);
/* net.Repeat: seli_repeat(x, pattern, sizes). */
seli_module *seli_net_repeat(const char *pattern, const char *sizes);
/* net.Einsum: seli_einsum of its inputs by pattern ("b i d, b j d -> b i j"). */
seli_module *seli_net_einsum(const char *pattern);

/* --- attention, as the seed's (jax.nn.dot_product_attention) --- */

/* net.DotProductAttention: self-attention of x [..., T, dim] -> [..., T, dim]
 * with heads_q query heads and heads_k key/value heads (0: heads_q; heads_q
 * must be a multiple of it) of size dim / heads_q, projected by the Linear
 * child "qkv" (He normal; the seed's starts Glorot uniform, see net.Linear).  Call it as seli_call(m, x), or seli_calln with x, a bias and
 * a mask (nonzero = attend), both broadcasting against [..., heads_q, T, T]
 * (pass zeros as the bias for a mask alone).  Options are attributes: int
 * "is_causal" (1: position t attends to s <= t only), float "scale"
 * (default 1 / sqrt(dim / heads_q)), int "norm" (1: q, k, v scaled to unit
 * length) and float "tanh_cap" (c tanh(x / c) on q, k, v). */
seli_module *seli_net_dot_product_attention(int dim, int heads_q, int heads_k);
/* net.CrossAttention: x [..., T, dim_x] attends to y [..., S, dim_y] ->
 * [..., T, dim]; Linear children "q" (x) and "kv" (y); heads as for
 * seli_net_dot_product_attention.  Call it as seli_call2(m, x, y).  A bias and
 * a mask, if any, are the buffers "bias" and "mask" (seli_set_buffer), and
 * "is_causal" and "scale" are attributes, as the seed keeps them. */
seli_module *seli_net_cross_attention(int dim, int heads_q, int heads_k);

#endif
