/* internal.h: what libseli's source files share and users do not see.
 *
 * Names here start with seli__ and have hidden visibility, so the kernel does
 * not export them to notebook cells. */
#ifndef SELI_INTERNAL_H
#define SELI_INTERNAL_H

#include <stddef.h>

#include "seli.h"

#define SELI_INTERNAL __attribute__((visibility("hidden")))

/* --- allocation (scope.c) --- */

/* size bytes, 32-byte aligned, in the current scope's arena (never NULL). */
SELI_INTERNAL void *seli__scope_alloc(size_t size);
/* The arena of the current scope (stored in seli_tensor.owner). */
SELI_INTERNAL void *seli__current_arena(void);

/* A tensor of the given shape in the current scope, data uninitialised.
 * `op` names the caller for the error message if the shape is invalid. */
SELI_INTERNAL seli_tensor *seli__alloc(const char *op, int ndim, const long *shape);
/* A tensor shaped like t in the current scope, data uninitialised. */
SELI_INTERNAL seli_tensor *seli__alloc_like(const seli_tensor *t);

/* --- argument checks (tensor.c): each calls seli_error with `op` in the message --- */

/* t must be a live tensor (not NULL, not freed with its scope). */
SELI_INTERNAL void seli__check(const char *op, const seli_tensor *t, const char *argname);
/* Normalise a possibly negative axis of t (error if out of range). */
SELI_INTERNAL int seli__axis(const char *op, const seli_tensor *t, int axis);
/* Compute the broadcast shape of a and b into shape/ndim (error if incompatible). */
SELI_INTERNAL void seli__broadcast_shape(const char *op, const seli_tensor *a, const seli_tensor *b,
                                         int *ndim, long *shape);
/* "[3, 4]" for error messages; returns a pointer into a small rotating buffer. */
SELI_INTERNAL const char *seli__shape(const seli_tensor *t);
/* The same for a shape that is not (yet) a tensor's: "[3, -1]" (rotating buffer). */
SELI_INTERNAL const char *seli__dims(int ndim, const long *shape);
/* The one shape formatter: "[3, 4]" into buf of n bytes (truncated to fit); returns buf. */
SELI_INTERNAL char *seli__dims_into(char *buf, size_t n, int ndim, const long *shape);
/* Split t's shape around axis, [outer..., n, inner...]: the products of the
 * sizes before and after it, and its own size (n may be NULL). */
static inline void seli__split_axis(const seli_tensor *t, int axis, long *outer, long *n,
                                    long *inner)
{
    long o = 1, in = 1;
    for (int i = 0; i < axis; i++)
        o *= t->shape[i];
    for (int i = axis + 1; i < t->ndim; i++)
        in *= t->shape[i];
    *outer = o;
    if (n)
        *n = t->shape[axis];
    *inner = in;
}

/* Element strides of t for a broadcast to (ndim, shape): 0 where t stretches. */
SELI_INTERNAL void seli__broadcast_strides(const seli_tensor *t, int ndim, const long *shape,
                                           long *strides);

/* a (or a^T if ta) @ b (or b^T if tb) without copying a transpose (matmul.c). */
SELI_INTERNAL seli_tensor *seli__matmul_t(const seli_tensor *a, const seli_tensor *b, int ta,
                                          int tb);

/* seli_display_bundle without its interrupt check, for libseli's own
 * displays, whose callers check before they allocate what they show
 * (display.c). */
SELI_INTERNAL void seli__display_bundle(int n, const char *const *mimes, const char *const *data,
                                        const char *display_id, int update);
/* Show html (text/html) and text (text/plain) as one display, then free
 * both (display.c; seli_tensor_show and seli_module_show). */
SELI_INTERNAL void seli__display_html_text(char *html, char *text);

/* --- the floating-point mode (subnormals.c) --- */

/* The calling thread's floating-point mode: on x86-64 the flush bits (FTZ,
 * DAZ) and the rounding direction of MXCSR; 0 elsewhere. */
SELI_INTERNAL unsigned seli__float_mode(void);
/* Give the calling thread that mode (a value of seli__float_mode), writing
 * MXCSR only when it differs: the products' worker thread computes what the
 * thread that shared the work would have (gemm_fast.c). */
SELI_INTERNAL void seli__follow_float_mode(unsigned mode);

#endif
