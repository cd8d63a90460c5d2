/* tape.h: the eager tape behind seli's autodiff (private).
 *
 * An operation whose inputs are on the tape records one node next to its
 * result.  The node keeps the inputs, any saved values and a
 * vector-Jacobian product.  The vjp is written with seli's own operations, so
 * when the backward pass itself records (create_graph), its results are on
 * the tape and can be differentiated again.
 *
 * How an op looks (forward and backward side by side):
 *
 *     // a: any, b: any -> broadcast(a, b)
 *     static seli_tensor *mul_vjp(const seli_node *n, int i, const seli_tensor *g) {
 *         return seli__unbroadcast(seli_mul(g, n->in[1 - i]), n->in[i]);
 *     }
 *     seli_tensor *seli_mul(const seli_tensor *a, const seli_tensor *b) {
 *         ...checks, allocate out, compute...
 *         seli__record(out, "seli_mul", mul_vjp, a, b, NULL);
 *         return out;
 *     }
 */
#ifndef SELI_TAPE_H
#define SELI_TAPE_H

#include "core/internal.h"

typedef struct seli_node seli_node;

/* The gradient with respect to n->in[i], given the cotangent g of n->out
 * (same shape as n->out).  Must return a tensor with n->in[i]'s shape, or
 * NULL when that gradient is zero everywhere (nothing flows to in[i]): the
 * backward pass then skips it instead of adding a tensor of zeros. */
typedef seli_tensor *(*seli_vjp_fn)(const seli_node *n, int i, const seli_tensor *g);

struct seli_node {
    const char *op;         /* the public name of the operation, for messages */
    seli_vjp_fn vjp;        /* NULL for a leaf (seli_requires_grad, parameters) */
    int nin;                /* number of inputs (<= 3) */
    const seli_tensor *in[3];
    const seli_tensor *out; /* the tensor this node produced */
    const seli_tensor *aux; /* a saved tensor (indices, masks), or NULL */
    float f[2];             /* float arguments (slope, alpha, exponent...) */
    int i[SELI_MAX_DIMS + 2]; /* integer arguments (axis, keepdims, perm...) */
    long l[3];              /* long arguments (slice start/stop/step...) */
    /* backward-pass bookkeeping (autodiff.c) */
    unsigned stamp;
    int order;
};

/* Nonzero if any of the given tensors is on the tape and recording is on.
 * Cheap: ops call it before deciding whether to record. */
SELI_INTERNAL int seli__recording(const seli_tensor *a, const seli_tensor *b, const seli_tensor *c);

/* If recording (see above), attach a node to out with inputs a, b, c (NULLs
 * are skipped) and return it so the caller can fill f/i/l/aux; else NULL. */
SELI_INTERNAL seli_node *seli__record(seli_tensor *out, const char *op, seli_vjp_fn vjp,
                                      const seli_tensor *a, const seli_tensor *b,
                                      const seli_tensor *c);

/* The nodes that root depends on (root included), inputs before the nodes
 * that use them, in a scope-allocated array of *count entries.  Each node's
 * stamp is set to the returned stamp and its order to its index, so a node n
 * belongs to this walk exactly when n->stamp equals it (autodiff.c). */
SELI_INTERNAL seli_node **seli__tape_order(seli_node *root, int *count, unsigned *stamp);

/* Set the number of open no-grad regions to depth and return the previous
 * number: forward.c turns recording on for one generic rule and back. */
SELI_INTERNAL int seli__no_grad_swap(int depth);

/* The tangent of n->out given the tangents t[i] of n->in[i] (NULL where an
 * input has none, i.e. a zero tangent): sum_i J_i t[i], written with seli's
 * differentiable ops.  NULL when every t[i] is NULL.  An explicit rule where
 * one is known for n->op, else the transpose of n->vjp (ops/jvp_rules.c). */
SELI_INTERNAL seli_tensor *seli__jvp_node(const seli_node *n, seli_tensor *const *t,
                                          int create_graph);

/* Sum g down to like's shape (undo broadcasting); differentiable.  Returns g
 * itself when the shapes already agree. */
SELI_INTERNAL seli_tensor *seli__unbroadcast(const seli_tensor *g, const seli_tensor *like);

#endif
