/* seli/autodiff.h: gradients by reverse mode, of any order.
 *
 * Operations record themselves on a tape when an input is on it.  A tensor
 * gets on the tape by being a module parameter or through
 * seli_requires_grad.  seli_grad walks the tape backwards from a scalar.
 * Every backward rule is itself made of differentiable operations, so with
 * create_graph the gradients are on the tape too and can be differentiated
 * again (gradient penalties, score functions, Jacobian traces). */
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

/* Stop recording: until the matching seli_no_grad_end, operations compute
 * only (for sampling and evaluation).  Nests. */
void seli_no_grad_begin(void);
/* End the innermost seli_no_grad_begin. */
void seli_no_grad_end(void);
/* Nonzero when operations currently record onto the tape. */
int seli_grad_enabled(void);
/* Number of open seli_no_grad_begin calls (error unwinding restores it). */
int seli_no_grad_depth(void);
/* Close no-grad regions until seli_no_grad_depth() == depth. */
void seli_no_grad_unwind(int depth);

/* Nonzero if t is on the tape (a leaf marked for gradients or a recorded result). */
int seli_on_tape(const seli_tensor *t);

#endif
