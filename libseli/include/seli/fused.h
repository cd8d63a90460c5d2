/* seli/fused.h: a network layer as one operation.
 *
 * x @ w + b followed by an activation is the heart of every network here.
 * These ops compute it in one pass: the bias starts the matrix product's
 * accumulators and the activation is applied before the result is stored.
 * On the tape they leave the pre-activation z = x @ w + b and the output
 * act(z), with vector-Jacobian products made of differentiable ops, so
 * gradients of gradients work as everywhere in seli.  net.Sequential uses
 * them for an net.Affine followed by net.GELU or net.LeakyReLU. */
#ifndef SELI_FUSED_H
#define SELI_FUSED_H

typedef struct seli_tensor seli_tensor;

/* x [..., in] @ w [in, out] + b [out] -> [..., out]; b may be NULL (no bias). */
seli_tensor *seli_affine(const seli_tensor *x, const seli_tensor *w, const seli_tensor *b);
/* gelu(x @ w + b) (tanh form, as seli_gelu): x [..., in] -> [..., out]. */
seli_tensor *seli_affine_gelu(const seli_tensor *x, const seli_tensor *w, const seli_tensor *b);
/* leaky_relu(x @ w + b, slope): x [..., in] -> [..., out]. */
seli_tensor *seli_affine_leaky_relu(const seli_tensor *x, const seli_tensor *w,
                                    const seli_tensor *b, float slope);

#endif
