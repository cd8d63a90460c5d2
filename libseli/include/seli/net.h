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
 * weight: He normal, bias: zeros.  Attribute "dim" = out. */
seli_module *seli_net_affine(int out);
/* net.Affine with other initializers for weight and bias (stored as the
 * string attributes "weight_init" and "bias_init"). */
seli_module *seli_net_affine_init(int out, seli_init weight_init, seli_init bias_init);
/* net.Linear: x [..., in] @ weight [in, out] -> [..., out], no bias; weight He normal. */
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

#endif
