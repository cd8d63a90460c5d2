/* seli/ops.h: differentiable operations.
 *
 * Every operation computes at once and returns a new tensor in the current
 * scope.  When an input is on the tape (a parameter, a tensor marked with
 * seli_requires_grad, or the result of such) and gradients are enabled, the
 * operation also records its vector-Jacobian product, so seli_grad can flow
 * back through it, to any order.
 *
 * Binary elementwise operations broadcast like numpy: shapes are aligned on
 * the right and a dimension of 1 stretches.  Axes may be negative (-1 is the
 * last axis).  Index tensors hold integer values stored as floats. */
#ifndef SELI_OPS_H
#define SELI_OPS_H

typedef struct seli_tensor seli_tensor;

/* --- elementwise, binary with broadcasting: a, b -> broadcast shape --- */
seli_tensor *seli_add(const seli_tensor *a, const seli_tensor *b); /* a + b */
seli_tensor *seli_sub(const seli_tensor *a, const seli_tensor *b); /* a - b */
seli_tensor *seli_mul(const seli_tensor *a, const seli_tensor *b); /* a * b */
seli_tensor *seli_div(const seli_tensor *a, const seli_tensor *b); /* a / b */
/* a ** b elementwise (a > 0 where b is not an integer). */
seli_tensor *seli_pow(const seli_tensor *a, const seli_tensor *b);
/* Elementwise larger of a and b; the gradient goes to the larger (half each on ties). */
seli_tensor *seli_maximum(const seli_tensor *a, const seli_tensor *b);
/* Elementwise smaller of a and b; the gradient goes to the smaller (half each on ties). */
seli_tensor *seli_minimum(const seli_tensor *a, const seli_tensor *b);
/* cond ? a : b elementwise (cond is a mask: nonzero means true); no gradient to cond. */
seli_tensor *seli_where(const seli_tensor *cond, const seli_tensor *a, const seli_tensor *b);

/* --- elementwise with a scalar --- */
seli_tensor *seli_add_scalar(const seli_tensor *a, float s); /* a + s */
seli_tensor *seli_mul_scalar(const seli_tensor *a, float s); /* a * s */
seli_tensor *seli_pow_scalar(const seli_tensor *a, float p); /* a ** p */
/* Clamp every element into [low, high]; the gradient is zero outside. */
seli_tensor *seli_clamp(const seli_tensor *a, float low, float high);

/* --- elementwise, unary: a -> same shape --- */
seli_tensor *seli_neg(const seli_tensor *a);     /* -a */
seli_tensor *seli_square(const seli_tensor *a);  /* a * a */
seli_tensor *seli_sqrt(const seli_tensor *a);    /* sqrt(a), a >= 0 */
seli_tensor *seli_exp(const seli_tensor *a);     /* e ** a, within 1 ulp */
seli_tensor *seli_log(const seli_tensor *a);     /* natural log, a > 0 */
seli_tensor *seli_abs(const seli_tensor *a);     /* |a|, gradient sign(a) */
seli_tensor *seli_sin(const seli_tensor *a);     /* sin(a) */
seli_tensor *seli_cos(const seli_tensor *a);     /* cos(a) */
seli_tensor *seli_tanh(const seli_tensor *a);    /* tanh(a) */
seli_tensor *seli_sigmoid(const seli_tensor *a); /* 1 / (1 + e ** -a) */
seli_tensor *seli_softplus(const seli_tensor *a); /* log(1 + e ** a), computed stably */
seli_tensor *seli_relu(const seli_tensor *a);    /* max(a, 0) */
/* a for a > 0, slope * a otherwise (the GAN chapter, notebooks/05_gan.ipynb,
 * uses slope 0.01). */
seli_tensor *seli_leaky_relu(const seli_tensor *a, float slope);
/* a for a > 0, alpha * (e ** a - 1) otherwise (alpha = 1 is the usual ELU). */
seli_tensor *seli_elu(const seli_tensor *a, float alpha);
/* GELU in its tanh form, as JAX's default:
 * 0.5 a (1 + tanh(sqrt(2/pi) (a + 0.044715 a^3))). */
seli_tensor *seli_gelu(const seli_tensor *a);

/* --- comparisons: masks of 0 and 1 with the broadcast shape, no gradient --- */
seli_tensor *seli_greater(const seli_tensor *a, const seli_tensor *b);       /* a > b */
seli_tensor *seli_greater_equal(const seli_tensor *a, const seli_tensor *b); /* a >= b */
seli_tensor *seli_less(const seli_tensor *a, const seli_tensor *b);          /* a < b */
seli_tensor *seli_less_equal(const seli_tensor *a, const seli_tensor *b);    /* a <= b */
seli_tensor *seli_equal(const seli_tensor *a, const seli_tensor *b);         /* a == b */

/* --- reductions along one axis (keepdims nonzero keeps it with size 1) --- */
/* Sum along axis: [..., n, ...] -> [..., ...] (or [..., 1, ...] with keepdims). */
seli_tensor *seli_sum(const seli_tensor *a, int axis, int keepdims);
/* Mean along axis, shaped as seli_sum; an empty axis is an error. */
seli_tensor *seli_mean(const seli_tensor *a, int axis, int keepdims);
/* Largest value along axis; the gradient goes to the first maximum. */
seli_tensor *seli_max(const seli_tensor *a, int axis, int keepdims);
/* log(sum(exp(a))) along axis, computed stably. */
seli_tensor *seli_logsumexp(const seli_tensor *a, int axis, int keepdims);
/* exp(a) / sum(exp(a)) along axis, computed stably (a's shape); the
 * attention weights of seli_net_dot_product_attention. */
seli_tensor *seli_softmax(const seli_tensor *a, int axis);
/* Sum of all elements: any shape -> [] (a scalar). */
seli_tensor *seli_sum_all(const seli_tensor *a);
/* Mean of all elements: any shape -> []. */
seli_tensor *seli_mean_all(const seli_tensor *a);

/* --- linear algebra --- */
/* Matrix product like numpy's matmul: [..., n, k] x [..., k, m] -> [..., n, m],
 * batch dimensions broadcast; a 1-D operand is a vector. */
seli_tensor *seli_matmul(const seli_tensor *a, const seli_tensor *b);

/* --- shape --- */
/* The same elements with a new shape (one entry may be -1: inferred). */
seli_tensor *seli_reshape(const seli_tensor *a, int ndim, const long *shape);
/* Swap the last two axes: [..., n, m] -> [..., m, n]. */
seli_tensor *seli_transpose(const seli_tensor *a);
/* Reorder axes: result axis i is input axis perm[i] (ndim entries). */
seli_tensor *seli_permute(const seli_tensor *a, const int *perm);
/* Broadcast a to shape (numpy rules); the gradient sums back. */
seli_tensor *seli_broadcast_to(const seli_tensor *a, int ndim, const long *shape);
/* Sum a down to shape (the inverse of broadcasting). */
seli_tensor *seli_sum_to(const seli_tensor *a, int ndim, const long *shape);
/* Join n tensors along an existing axis (other dimensions must agree). */
seli_tensor *seli_concat(int n, seli_tensor *const *ts, int axis);
/* Stack n tensors of one shape along a new axis. */
seli_tensor *seli_stack(int n, seli_tensor *const *ts, int axis);
/* Elements start, start+step, ... below stop along axis (step > 0); negative
 * start/stop count from the end and both are clamped, as in Python. */
seli_tensor *seli_slice(const seli_tensor *a, int axis, long start, long stop, long step);
/* Pick entries along axis by index: a [pre, n, post], index [k...] ->
 * [pre, k..., post]; negative indices count from the end. */
seli_tensor *seli_take(const seli_tensor *a, const seli_tensor *index, int axis);
/* Add a dimension of size 1 at axis. */
seli_tensor *seli_expand_dims(const seli_tensor *a, int axis);
/* Remove the dimension of size 1 at axis. */
seli_tensor *seli_squeeze(const seli_tensor *a, int axis);
/* Sorted copy along axis (ascending); the gradient flows back through the
 * permutation. */
seli_tensor *seli_sort(const seli_tensor *a, int axis);
/* The indices that sort a along axis (ascending, stable); no gradient. */
seli_tensor *seli_argsort(const seli_tensor *a, int axis);

#endif
