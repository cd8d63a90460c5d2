/* seli/autodiff.h: derivatives by reverse and forward mode, of any order.
 *
 * Operations record themselves on a tape when an input is on it.  A tensor
 * gets on the tape by being a module parameter or through
 * seli_requires_grad.  seli_grad walks the tape backwards from a scalar
 * (reverse mode: one pass gives the derivative of one output with respect to
 * every input).  seli_jvp replays it forwards from an input (forward mode:
 * one pass gives the derivative of every output along one input direction).
 * Every rule is itself made of differentiable operations, so with
 * create_graph the derivatives are on the tape too and can be differentiated
 * again, by either mode (gradient penalties, score functions, Jacobian
 * traces, f'(x) inside a loss). */
#ifndef SELI_AUTODIFF_H
#define SELI_AUTODIFF_H

typedef struct seli_tensor seli_tensor;

/* Mark t as a leaf that gradients can be taken against; returns t.
 * t must not already be the result of a recorded operation. */
seli_tensor *seli_requires_grad(seli_tensor *t);

/* The gradient of the scalar y with respect to x: a constant tensor of x's
 * shape in the current scope.  Zero if y does not depend on x; an error if x
 * is not on the tape. */
seli_tensor *seli_grad(const seli_tensor *y, const seli_tensor *x);

/* As seli_grad, but the result is on the tape, so it can be differentiated
 * again: seli_grad(seli_sum_all(seli_grad_graph(y, x)), x) is a second
 * derivative. */
seli_tensor *seli_grad_graph(const seli_tensor *y, const seli_tensor *x);

/* Vector-Jacobian products: out[i] = (dy/dxs[i])^T gy for i < n, each with
 * xs[i]'s shape.  gy has y's shape (NULL is allowed only for a scalar y and
 * means 1).  create_graph nonzero records the results on the tape. */
void seli_vjp(const seli_tensor *y, const seli_tensor *gy, int n, seli_tensor *const *xs,
              seli_tensor **out, int create_graph);

/* Forward mode: the Jacobian-vector product J v = d/de y(x + e v) at e = 0,
 * a constant tensor of y's shape in the current scope.  y must already be
 * computed from x (x on the tape, see seli_requires_grad); v has x's shape,
 * and NULL means all ones: for a batch of independent samples,
 * seli_jvp(f(x), x, NULL) is f'(x) for every sample at once.  Zero if y does
 * not depend on x. */
seli_tensor *seli_jvp(const seli_tensor *y, const seli_tensor *x, const seli_tensor *v);

/* As seli_jvp, but the result is on the tape, so it can be differentiated
 * again by either mode: seli_grad(loss(seli_jvp_graph(y, x, v)), w) is the
 * gradient of a loss of f'(x) (reverse over forward), and seli_jvp of a
 * seli_jvp_graph is a second directional derivative. */
seli_tensor *seli_jvp_graph(const seli_tensor *y, const seli_tensor *x, const seli_tensor *v);

/* Jacobian-vector product with several inputs: sum_k (dy/dxs[k]) vs[k], of
 * y's shape.  vs may be NULL, or hold NULLs, for all-ones tangents.
 * create_graph nonzero records the result on the tape. */
seli_tensor *seli_jvp_n(const seli_tensor *y, int n, seli_tensor *const *xs,
                        seli_tensor *const *vs, int create_graph);

/* Stop recording: until the matching seli_no_grad_end, operations compute
 * only (for sampling and evaluation).  Nests. */
void seli_no_grad_begin(void);
/* End the innermost seli_no_grad_begin. */
void seli_no_grad_end(void);
/* Nonzero when operations currently record onto the tape. */
int seli_grad_enabled(void);
/* Number of open seli_no_grad_begin calls (error unwinding restores it). */
int seli_no_grad_depth(void);
/* Restore seli_no_grad_depth() to depth, saved before work that may fail:
 * closes the regions opened since, and reopens any that were switched off
 * inside (seli_jvp's generic rule records for a moment). */
void seli_no_grad_unwind(int depth);

/* Nonzero if t is on the tape (a leaf marked for gradients or a recorded result). */
int seli_on_tape(const seli_tensor *t);

#endif
