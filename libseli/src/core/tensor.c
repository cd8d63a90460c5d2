/* tensor.c: creating tensors, checking them, and reading their elements
 * (see seli/tensor.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/interrupt.h"
#include "core/scope_private.h"
#include "autodiff/tape.h"

#define MAX_ELEMENTS (1L << 34) /* 64 GiB of floats: beyond any machine we run on */
#define GEN_MASK 0x7fffffu

static unsigned generation_bits(unsigned gen) { return (gen & GEN_MASK) << SELI_GEN_SHIFT; }

/* Validate (ndim, shape) and return its element count. */
static long shape_size(const char *op, int ndim, const long *shape)
{
    if (ndim < 0 || ndim > SELI_MAX_DIMS)
        seli_error("%s: %d dimensions requested, but tensors have 0 to %d", op, ndim,
                   SELI_MAX_DIMS);
    if (ndim > 0 && !shape)
        seli_error("%s: the shape is NULL; pass ndim and an array of sizes, e.g. SELI_SHAPE(3, 4)",
                   op);
    long size = 1;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] < 0)
            seli_error("%s: dimension %d has negative size %ld; sizes must be >= 0", op, i,
                       shape[i]);
        if (shape[i] > 0 && size > MAX_ELEMENTS / shape[i])
            seli_error("%s: the shape asks for more than %ld elements, which no memory holds; "
                       "check the sizes",
                       op, MAX_ELEMENTS);
        size *= shape[i];
    }
    return size;
}

/* A tensor of a shape already checked, holding size elements, in arena a. */
static seli_tensor *sized_tensor(seli_arena *a, int ndim, const long *shape, long size)
{
    size_t head = (sizeof(seli_tensor) + 31) & ~(size_t)31;
    char *mem = seli__arena_alloc(a, head + (size_t)size * sizeof(float));
    seli_tensor *t = (seli_tensor *)mem;
    t->data = (float *)(mem + head);
    t->size = size;
    t->ndim = ndim;
    t->flags = (int)generation_bits(seli__arena_generation(a));
    for (int i = 0; i < ndim; i++)
        t->shape[i] = shape[i];
    t->node = NULL;
    t->owner = a;
    return t;
}

seli_tensor *seli__arena_tensor(seli_arena *a, int ndim, const long *shape)
{
    return sized_tensor(a, ndim, shape, shape_size("seli_tensor", ndim, shape));
}

/* Every operation creates its result here before computing it, so this is
 * libseli's main safe point for an interrupt.  The shape is checked once. */
seli_tensor *seli__alloc(const char *op, int ndim, const long *shape)
{
    seli__poll_interrupt(op);
    long size = shape_size(op, ndim, shape);
    return sized_tensor(seli__current_arena(), ndim, shape, size);
}

/* t's shape was checked when t was made: its size is known. */
seli_tensor *seli__alloc_like(const seli_tensor *t)
{
    seli__poll_interrupt("a libseli operation");
    return sized_tensor(seli__current_arena(), t->ndim, t->shape, t->size);
}

void seli__check(const char *op, const seli_tensor *t, const char *argname)
{
    if (!t)
        seli_error("%s: %s is NULL; pass a tensor (did an earlier call fail, or was the "
                   "variable never assigned?)",
                   op, argname);
    if (t->flags & SELI_HEAP)
        return;
    if (!seli__arena_live(t->owner) || generation_bits(seli__arena_generation(t->owner)) !=
                                           ((unsigned)t->flags & ~(unsigned)SELI_FLAG_BITS))
        seli_error("%s: %s was freed when its scope ended; keep it with seli_keep before "
                   "seli_scope_end, or create it outside the scope",
                   op, argname);
}

int seli__axis(const char *op, const seli_tensor *t, int axis)
{
    int a = axis < 0 ? axis + t->ndim : axis;
    if (a < 0 || a >= t->ndim)
        seli_error("%s: axis %d is out of range for a tensor of shape %s (%d dimensions); use "
                   "0..%d or -1..-%d",
                   op, axis, seli__shape(t), t->ndim, t->ndim - 1, t->ndim);
    return a;
}

char *seli__dims_into(char *buf, size_t n, int ndim, const long *shape)
{
    size_t used = (size_t)snprintf(buf, n, "[");
    for (int i = 0; i < ndim && used < n; i++)
        used += (size_t)snprintf(buf + used, n - used, i ? ", %ld" : "%ld", shape[i]);
    if (used < n)
        snprintf(buf + used, n - used, "]");
    return buf;
}

const char *seli__dims(int ndim, const long *shape)
{
    static char ring[8][192]; /* 8 dimensions of 20 digits fit */
    static int next;
    char *buf = ring[next];
    next = (next + 1) % 8;
    return seli__dims_into(buf, sizeof ring[0], ndim, shape);
}

const char *seli__shape(const seli_tensor *t) { return t ? seli__dims(t->ndim, t->shape) : "NULL"; }

char *seli_shape_str(const seli_tensor *t, char *buf, int n)
{
    if (!buf || n <= 0)
        return buf;
    if (!t) {
        snprintf(buf, (size_t)n, "NULL");
        return buf;
    }
    return seli__dims_into(buf, (size_t)n, t->ndim, t->shape);
}

int seli_same_shape(const seli_tensor *a, const seli_tensor *b)
{
    if (!a || !b || a->ndim != b->ndim)
        return 0;
    for (int i = 0; i < a->ndim; i++)
        if (a->shape[i] != b->shape[i])
            return 0;
    return 1;
}

/* --- creation --- */

seli_tensor *seli_full(float value, int ndim, const long *shape)
{
    seli_tensor *t = seli__alloc("seli_full", ndim, shape);
    for (long i = 0; i < t->size; i++)
        t->data[i] = value;
    return t;
}

seli_tensor *seli_zeros(int ndim, const long *shape)
{
    seli_tensor *t = seli__alloc("seli_zeros", ndim, shape);
    memset(t->data, 0, (size_t)t->size * sizeof(float));
    return t;
}

seli_tensor *seli_ones(int ndim, const long *shape)
{
    shape_size("seli_ones", ndim, shape);
    return seli_full(1.0f, ndim, shape);
}

seli_tensor *seli_scalar(float value) { return seli_full(value, 0, NULL); }

seli_tensor *seli_from_array(const float *data, int ndim, const long *shape)
{
    long size = shape_size("seli_from_array", ndim, shape);
    if (!data && size > 0)
        seli_error("seli_from_array: data is NULL; pass a pointer to %ld floats", size);
    seli_tensor *t = seli__alloc("seli_from_array", ndim, shape);
    if (size > 0)
        memcpy(t->data, data, (size_t)size * sizeof(float));
    return t;
}

seli_tensor *seli_linspace(float start, float stop, long n)
{
    if (n < 0)
        seli_error("seli_linspace: n is %ld; ask for n >= 0 points", n);
    seli_tensor *t = seli__alloc("seli_linspace", 1, &n);
    double step = n > 1 ? ((double)stop - start) / (double)(n - 1) : 0.0;
    for (long i = 0; i < n; i++)
        t->data[i] = (float)(start + step * (double)i);
    if (n > 1)
        t->data[n - 1] = stop;
    return t;
}

seli_tensor *seli_arange(float start, float stop, float step)
{
    if (step == 0.0f || !isfinite(step) || !isfinite(start) || !isfinite(stop))
        seli_error("seli_arange: start %g, stop %g, step %g: the step must be finite and nonzero",
                   start, stop, step);
    double count = ceil(((double)stop - start) / step);
    long n = count > 0 ? (long)count : 0;
    seli_tensor *t = seli__alloc("seli_arange", 1, &n);
    for (long i = 0; i < n; i++)
        t->data[i] = (float)(start + (double)step * (double)i);
    return t;
}

seli_tensor *seli_eye(long n)
{
    if (n < 0)
        seli_error("seli_eye: n is %ld; the identity needs n >= 0", n);
    seli_tensor *t = seli_zeros(2, (long[]){n, n});
    for (long i = 0; i < n; i++)
        t->data[i * n + i] = 1.0f;
    return t;
}

/* identity: any -> same */
static seli_tensor *copy_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    (void)n;
    (void)i;
    return (seli_tensor *)g;
}

seli_tensor *seli_copy(const seli_tensor *t)
{
    seli__check("seli_copy", t, "t");
    seli_tensor *out = seli__alloc_like(t);
    memcpy(out->data, t->data, (size_t)t->size * sizeof(float));
    seli__record(out, "seli_copy", copy_vjp, t, NULL, NULL);
    return out;
}

seli_tensor *seli_detach(const seli_tensor *t)
{
    seli__check("seli_detach", t, "t");
    seli_tensor *out = seli__alloc_like(t);
    memcpy(out->data, t->data, (size_t)t->size * sizeof(float));
    return out;
}

/* --- heap tensors --- */

seli_tensor *seli_tensor_new(int ndim, const long *shape)
{
    long size = shape_size("seli_tensor_new", ndim, shape);
    seli_tensor *t = calloc(1, sizeof *t);
    float *data = calloc(size > 0 ? (size_t)size : 1, sizeof(float));
    if (!t || !data) {
        free(t);
        free(data);
        seli_error("seli_tensor_new: out of memory for %ld floats", size);
    }
    t->data = data;
    t->size = size;
    t->ndim = ndim;
    t->flags = SELI_HEAP;
    for (int i = 0; i < ndim; i++)
        t->shape[i] = shape[i];
    return t;
}

void seli_tensor_free(seli_tensor *t)
{
    if (!t)
        return;
    if (!(t->flags & SELI_HEAP))
        seli_error("seli_tensor_free: this tensor belongs to a scope and is freed when the scope "
                   "ends; only free tensors made by seli_tensor_new");
    free(t->node); /* a heap tensor's node is its leaf node, malloc'd by seli_requires_grad */
    free(t->data);
    t->flags = 0;
    t->data = NULL;
    free(t);
}

/* --- element access --- */

static long flat_index(const char *op, const seli_tensor *t, int n, const long *index)
{
    seli__check(op, t, "t");
    if (n != t->ndim)
        seli_error("%s: %d indices given for a tensor of shape %s; give one per dimension", op, n,
                   seli__shape(t));
    long flat = 0;
    for (int i = 0; i < n; i++) {
        long k = index[i] < 0 ? index[i] + t->shape[i] : index[i];
        if (k < 0 || k >= t->shape[i])
            seli_error("%s: index %ld is out of range for dimension %d of a tensor of shape %s", op,
                       index[i], i, seli__shape(t));
        flat = flat * t->shape[i] + k;
    }
    return flat;
}

float seli_get(const seli_tensor *t, int n, const long *index)
{
    return t->data[flat_index("seli_get", t, n, index)];
}

void seli_set(seli_tensor *t, float value, int n, const long *index)
{
    long k = flat_index("seli_set", t, n, index);
    if (t->node && t->node->vjp)
        seli_error("seli_set: the tensor is the result of a recorded operation; changing it would "
                   "make its gradients wrong (seli_detach it first)");
    t->data[k] = value;
}

float seli_item(const seli_tensor *t)
{
    seli__check("seli_item", t, "t");
    if (t->size != 1)
        seli_error("seli_item: the tensor has shape %s (%ld elements) but must hold exactly one; "
                   "reduce it first, e.g. with seli_mean_all",
                   seli__shape(t), t->size);
    return t->data[0];
}
