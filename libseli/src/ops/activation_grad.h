/* activation_grad.h: fused activation derivatives (private; activation_grad.c).
 *
 * For unary.c's and fused.c's vjps: one pass each instead of a dozen elementwise ops,
 * and differentiable again (second derivatives for gradient penalties and
 * flows). */
#ifndef SELI_ACT_GRAD_H
#define SELI_ACT_GRAD_H

#include "autodiff/tape.h"

/* out[i] = gelu(a[i]) (tanh form) for n floats, vectorised. */
SELI_INTERNAL void seli__gelu_eval(const float *a, float *out, long n);
/* out[i] = a[i] < 0 ? slope a[i] : a[i] for n floats, vectorised. */
SELI_INTERNAL void seli__leaky_relu_eval(const float *a, float *out, long n, float slope);
/* a, g: same shape -> g * gelu'(a), on the tape (vjp: gelu'' to a, itself to g). */
SELI_INTERNAL seli_tensor *seli__gelu_bwd(const seli_tensor *a, const seli_tensor *g);
/* a, g: same shape -> g where a > 0, slope * g elsewhere; on the tape. */
SELI_INTERNAL seli_tensor *seli__leaky_relu_bwd(const seli_tensor *a, const seli_tensor *g,
                                                float slope);

/* The vjps of gelu(a) and leaky_relu(a, slope = n->f[0]) for a node whose
 * input is the pre-activation a: shared by unary.c and the fused layer. */
SELI_INTERNAL seli_tensor *seli__gelu_vjp(const seli_node *n, int i, const seli_tensor *g);
SELI_INTERNAL seli_tensor *seli__leaky_relu_vjp(const seli_node *n, int i, const seli_tensor *g);

#endif
