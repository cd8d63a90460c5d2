/* seli/tensor.h: float32 tensors.
 *
 * A tensor is a dense, row-major array of floats with up to SELI_MAX_DIMS
 * dimensions.  Its fields may be read directly (t->shape[0], t->data[i]).
 * Functions that return a tensor allocate it in the current scope (see
 * seli/scope.h) unless they say otherwise: the caller does not free it.
 *
 * Shapes are passed as (ndim, shape array); SELI_SHAPE(3, 4) expands to
 * both, so seli_zeros(SELI_SHAPE(3, 4)) is a 3x4 matrix of zeros. */
#ifndef SELI_TENSOR_H
#define SELI_TENSOR_H

#define SELI_MAX_DIMS 8

/* Expands to "ndim, shape" for a literal shape: SELI_SHAPE(2, 3). */
#define SELI_SHAPE(...) \
    (int)(sizeof((long[]){__VA_ARGS__}) / sizeof(long)), (long[]){__VA_ARGS__}
/* The same expansion, for element indices: seli_get(t, SELI_INDEX(1, 2)). */
#define SELI_INDEX(...) SELI_SHAPE(__VA_ARGS__)

struct seli_node;

typedef struct seli_tensor {
    float *data;                /* size floats, row-major, contiguous */
    long size;                  /* product of the shape (1 for a scalar) */
    int ndim;                   /* 0 for a scalar */
    int flags;                  /* SELI_* flags below; read-only for users */
    long shape[SELI_MAX_DIMS];  /* shape[0..ndim-1] */
    struct seli_node *node;     /* tape node, or NULL for a constant */
    void *owner;                /* the scope arena, or NULL if heap-owned */
} seli_tensor;

#define SELI_REQUIRES_GRAD 1 /* a leaf that gradients can be taken against */
#define SELI_HEAP 2          /* allocated by seli_tensor_new, freed by seli_tensor_free */

/* --- creation (all results live in the current scope) --- */

/* A tensor of the given shape filled with zeros. */
seli_tensor *seli_zeros(int ndim, const long *shape);
/* A tensor of the given shape filled with ones. */
seli_tensor *seli_ones(int ndim, const long *shape);
/* A tensor of the given shape filled with value. */
seli_tensor *seli_full(float value, int ndim, const long *shape);
/* A 0-dimensional tensor holding value. */
seli_tensor *seli_scalar(float value);
/* A tensor of the given shape whose elements are copied from data
 * (product of shape floats, row-major).  data stays the caller's. */
seli_tensor *seli_from_array(const float *data, int ndim, const long *shape);
/* [n] evenly spaced values from start to stop, both included. */
seli_tensor *seli_linspace(float start, float stop, long n);
/* [ceil((stop-start)/step)] values start, start+step, ... below stop. */
seli_tensor *seli_arange(float start, float stop, float step);
/* [n, n] identity matrix. */
seli_tensor *seli_eye(long n);
/* A copy of t with the same shape; the copy is differentiable (identity). */
seli_tensor *seli_copy(const seli_tensor *t);
/* A constant copy of t: same values, no tape node, no gradient. */
seli_tensor *seli_detach(const seli_tensor *t);

/* --- heap tensors (parameters, optimizer state, long-lived data) --- */

/* A zero tensor allocated outside every scope; the caller owns it and frees
 * it with seli_tensor_free. */
seli_tensor *seli_tensor_new(int ndim, const long *shape);
/* Free a tensor made by seli_tensor_new (NULL is ignored).  Freeing a scope
 * tensor is an error: scope tensors die with their scope. */
void seli_tensor_free(seli_tensor *t);

/* --- element access --- */

/* The element at index (n indices, one per dimension). */
float seli_get(const seli_tensor *t, int n, const long *index);
/* Store value at index (n indices); t must not be on the tape. */
void seli_set(seli_tensor *t, float value, int n, const long *index);
/* The value of a tensor with exactly one element. */
float seli_item(const seli_tensor *t);
/* Nonzero when a and b have the same shape. */
int seli_same_shape(const seli_tensor *a, const seli_tensor *b);
/* Write the shape as "[3, 4]" into buf (at most n bytes); returns buf. */
char *seli_shape_str(const seli_tensor *t, char *buf, int n);

/* --- printing and rich display --- */

/* The tensor printed like numpy, e.g. "tensor([[1., 2.],\n        [3., 4.]])";
 * long tensors are summarised with "...".  Returns a malloc'd string the
 * caller frees. */
char *seli_tensor_str(const seli_tensor *t);
/* A compact HTML table with the shape as caption; malloc'd, caller frees. */
char *seli_tensor_html(const seli_tensor *t);
/* Print seli_tensor_str(t) and a newline to stdout. */
void seli_print(const seli_tensor *t);
/* Send the tensor to the display sink as text/html and text/plain (in the
 * kernel this shows a table under the cell). */
void seli_tensor_show(const seli_tensor *t);

#endif
