/* shape.c: operations that move elements without changing them: reshape,
 * transpose and permute, concat and stack, slice, take, expand_dims and
 * squeeze (see seli/ops.h).
 *
 * Each op keeps its checks, forward and vector-Jacobian product together.
 * Two internal ops exist only as gradients: unslice (the vjp of slice, whose
 * own vjp is slice) and scatter_add (the vjp of take, whose own vjp is take),
 * so every backward rule here is differentiable again. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autodiff/tape.h"

/* ------------------------------------------------------------------ reshape */

/* a: any -> shape (same number of elements) */
static seli_tensor *reshape_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    (void)i;
    return seli_reshape(g, n->in[0]->ndim, n->in[0]->shape);
}

seli_tensor *seli_reshape(const seli_tensor *a, int ndim, const long *shape)
{
    seli__check("seli_reshape", a, "a");
    if (ndim < 0 || ndim > SELI_MAX_DIMS)
        seli_error("seli_reshape: %d dimensions requested, but tensors have 0 to %d", ndim,
                   SELI_MAX_DIMS);
    if (ndim > 0 && !shape)
        seli_error("seli_reshape: the shape is NULL; pass ndim and an array of sizes, e.g. "
                   "SELI_SHAPE(3, -1)");
    long s[SELI_MAX_DIMS];
    long known = 1;
    int infer = -1;
    for (int i = 0; i < ndim; i++) {
        s[i] = shape[i];
        if (shape[i] == -1) {
            if (infer >= 0)
                seli_error("seli_reshape: the new shape %s has more than one -1; only one "
                           "dimension can be inferred",
                           seli__dims(ndim, shape));
            infer = i;
        } else if (shape[i] < 0) {
            seli_error("seli_reshape: the new shape %s has a negative size; sizes must be >= 0 "
                       "(or -1 once, to infer it)",
                       seli__dims(ndim, shape));
        } else {
            known *= shape[i];
        }
    }
    if (infer >= 0) {
        if (known == 0 || a->size % known != 0)
            seli_error("seli_reshape: cannot reshape a of shape %s (%ld elements) into %s: no "
                       "size for -1 makes the element counts agree",
                       seli__shape(a), a->size, seli__dims(ndim, shape));
        s[infer] = a->size / known;
    } else if (known != a->size) {
        seli_error("seli_reshape: cannot reshape a of shape %s (%ld elements) into %s (%ld "
                   "elements); the element counts must agree",
                   seli__shape(a), a->size, seli__dims(ndim, shape), known);
    }
    seli_tensor *out = seli__alloc("seli_reshape", ndim, s);
    memcpy(out->data, a->data, (size_t)a->size * sizeof(float));
    seli__record(out, "seli_reshape", reshape_vjp, a, NULL, NULL);
    return out;
}

/* Add a dimension of size 1: [..., n, ...] -> [..., 1, n, ...] */
seli_tensor *seli_expand_dims(const seli_tensor *a, int axis)
{
    seli__check("seli_expand_dims", a, "a");
    int ax = axis < 0 ? axis + a->ndim + 1 : axis;
    if (ax < 0 || ax > a->ndim)
        seli_error("seli_expand_dims: axis %d is out of range for a of shape %s; the new axis "
                   "goes at 0..%d (or -1..-%d)",
                   axis, seli__shape(a), a->ndim, a->ndim + 1);
    if (a->ndim == SELI_MAX_DIMS)
        seli_error("seli_expand_dims: a of shape %s already has the maximum of %d dimensions",
                   seli__shape(a), SELI_MAX_DIMS);
    long s[SELI_MAX_DIMS];
    for (int i = 0, j = 0; i <= a->ndim; i++)
        s[i] = i == ax ? 1 : a->shape[j++];
    return seli_reshape(a, a->ndim + 1, s);
}

/* Remove a dimension of size 1: [..., 1, ...] -> [..., ...] */
seli_tensor *seli_squeeze(const seli_tensor *a, int axis)
{
    seli__check("seli_squeeze", a, "a");
    int ax = seli__axis("seli_squeeze", a, axis);
    if (a->shape[ax] != 1)
        seli_error("seli_squeeze: axis %d of a %s has size %ld; only a dimension of size 1 can "
                   "be removed (use seli_reshape to merge dimensions)",
                   axis, seli__shape(a), a->shape[ax]);
    long s[SELI_MAX_DIMS];
    for (int i = 0, j = 0; i < a->ndim; i++)
        if (i != ax)
            s[j++] = a->shape[i];
    return seli_reshape(a, a->ndim - 1, s);
}

/* ---------------------------------------------------------- permute, transpose */

/* out = a with axes reordered: out axis i is a's axis perm[i]. */
static void permute_data(const seli_tensor *a, const int *perm, seli_tensor *out)
{
    int nd = a->ndim;
    if (out->size == 0)
        return;
    long astride[SELI_MAX_DIMS], st[SELI_MAX_DIMS];
    long s = 1;
    for (int i = nd - 1; i >= 0; i--) {
        astride[i] = s;
        s *= a->shape[i];
    }
    for (int i = 0; i < nd; i++)
        st[i] = astride[perm[i]];
    if (nd == 0) {
        out->data[0] = a->data[0];
        return;
    }
    /* Swapping the last two axes: a blocked transpose of each matrix. */
    if (nd >= 2 && perm[nd - 1] == nd - 2 && perm[nd - 2] == nd - 1) {
        int batch_identity = 1;
        for (int i = 0; i < nd - 2; i++)
            batch_identity &= perm[i] == i;
        if (batch_identity) {
            long r = a->shape[nd - 2], c = a->shape[nd - 1], mats = a->size / (r * c);
            enum { B = 32 };
            for (long m = 0; m < mats; m++) {
                const float *src = a->data + m * r * c;
                float *dst = out->data + m * r * c;
                for (long i0 = 0; i0 < r; i0 += B)
                    for (long j0 = 0; j0 < c; j0 += B) {
                        long i1 = i0 + B < r ? i0 + B : r, j1 = j0 + B < c ? j0 + B : c;
                        for (long i = i0; i < i1; i++)
                            for (long j = j0; j < j1; j++)
                                dst[j * r + i] = src[i * c + j];
                    }
            }
            return;
        }
    }
    /* General case: walk the output in order with an odometer. */
    long idx[SELI_MAX_DIMS] = {0};
    long last = out->shape[nd - 1], ls = st[nd - 1];
    long off = 0;
    for (long o = 0; o < out->size; o += last) {
        const float *src = a->data + off;
        float *dst = out->data + o;
        for (long j = 0; j < last; j++)
            dst[j] = src[j * ls];
        for (int d = nd - 2; d >= 0; d--) {
            idx[d]++;
            off += st[d];
            if (idx[d] < out->shape[d])
                break;
            off -= st[d] * idx[d];
            idx[d] = 0;
        }
    }
}

/* a: [d0, ..., dk] -> [d_perm[0], ..., d_perm[k]] */
static seli_tensor *permute_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    (void)i;
    int inv[SELI_MAX_DIMS];
    for (int k = 0; k < n->in[0]->ndim; k++)
        inv[n->i[k]] = k;
    return seli_permute(g, inv);
}

seli_tensor *seli_permute(const seli_tensor *a, const int *perm)
{
    seli__check("seli_permute", a, "a");
    if (!perm && a->ndim > 0)
        seli_error("seli_permute: perm is NULL; pass %d axes, e.g. (int[]){1, 0} to swap two",
                   a->ndim);
    int seen[SELI_MAX_DIMS] = {0}, p[SELI_MAX_DIMS];
    for (int i = 0; i < a->ndim; i++) {
        int ax = perm[i] < 0 ? perm[i] + a->ndim : perm[i];
        if (ax < 0 || ax >= a->ndim || seen[ax])
            seli_error("seli_permute: perm[%d] = %d is %s for a of shape %s; perm must list each "
                       "of the axes 0..%d exactly once",
                       i, perm[i], ax < 0 || ax >= a->ndim ? "out of range" : "repeated",
                       seli__shape(a), a->ndim - 1);
        seen[ax] = 1;
        p[i] = ax;
    }
    long s[SELI_MAX_DIMS];
    for (int i = 0; i < a->ndim; i++)
        s[i] = a->shape[p[i]];
    seli_tensor *out = seli__alloc("seli_permute", a->ndim, s);
    permute_data(a, p, out);
    seli_node *n = seli__record(out, "seli_permute", permute_vjp, a, NULL, NULL);
    if (n)
        for (int i = 0; i < a->ndim; i++)
            n->i[i] = p[i];
    return out;
}

seli_tensor *seli_transpose(const seli_tensor *a)
{
    seli__check("seli_transpose", a, "a");
    if (a->ndim < 2)
        seli_error("seli_transpose: a is %s, but transposing swaps the last two axes and needs "
                   "at least 2 (make a row with seli_expand_dims(a, 0) first)",
                   seli__shape(a));
    int p[SELI_MAX_DIMS];
    for (int i = 0; i < a->ndim; i++)
        p[i] = i;
    p[a->ndim - 2] = a->ndim - 1;
    p[a->ndim - 1] = a->ndim - 2;
    return seli_permute(a, p);
}

/* ---------------------------------------------------------- concat, stack */

/* Copy n blocks into out along an axis: out is [outer, sum(len), inner]. */
static void concat_data(int n, seli_tensor *const *ts, const long *len, long outer, long inner,
                        float *out)
{
    for (long o = 0; o < outer; o++)
        for (int k = 0; k < n; k++) {
            long chunk = len[k] * inner;
            memcpy(out, ts[k]->data + o * chunk, (size_t)chunk * sizeof(float));
            out += chunk;
        }
}

/* ts[0..n-1]: [..., len_k, ...] -> [..., sum len_k, ...]: input i gets its slice of g */
static seli_tensor *concat_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    int axis = n->i[0];
    long start = 0;
    for (int k = 0; k < i; k++)
        start += n->in[k]->shape[axis];
    return seli_slice(g, axis, start, start + n->in[i]->shape[axis], 1);
}

/* Concat of checked inputs; records nodes of at most three inputs, grouping
 * larger lists into a tree. */
static seli_tensor *concat_checked(int n, seli_tensor *const *ts, int axis)
{
    int record = 0;
    if (seli_grad_enabled())
        for (int k = 0; k < n; k++)
            record |= seli_on_tape(ts[k]);
    if (record && n > 3) {
        seli_tensor *parts[3];
        int per = (n + 2) / 3, m = 0;
        for (int k = 0; k < n; k += per, m++)
            parts[m] = concat_checked(n - k < per ? n - k : per, ts + k, axis);
        return concat_checked(m, parts, axis);
    }
    long s[SELI_MAX_DIMS], len[n > 0 ? n : 1];
    const seli_tensor *a = ts[0];
    for (int i = 0; i < a->ndim; i++)
        s[i] = a->shape[i];
    s[axis] = 0;
    for (int k = 0; k < n; k++) {
        len[k] = ts[k]->shape[axis];
        s[axis] += len[k];
    }
    long outer, inner;
    seli__split_axis(a, axis, &outer, NULL, &inner);
    seli_tensor *out = seli__alloc("seli_concat", a->ndim, s);
    concat_data(n, ts, len, outer, inner, out->data);
    if (record) {
        seli_node *nd = seli__record(out, "seli_concat", concat_vjp, ts[0], n > 1 ? ts[1] : NULL,
                                     n > 2 ? ts[2] : NULL);
        if (nd)
            nd->i[0] = axis;
    }
    return out;
}

/* The list of op(n, ts, axis): n >= 1 live tensors. */
static void check_list(const char *op, int n, seli_tensor *const *ts)
{
    if (n < 1 || !ts)
        seli_error("%s: got %d tensors%s; pass n >= 1 and an array of n tensors", op, n,
                   ts ? "" : " and a NULL array");
    for (int k = 0; k < n; k++) {
        char name[32];
        snprintf(name, sizeof name, "ts[%d]", k);
        seli__check(op, ts[k], name);
    }
}

seli_tensor *seli_concat(int n, seli_tensor *const *ts, int axis)
{
    check_list("seli_concat", n, ts);
    const seli_tensor *a = ts[0];
    if (a->ndim == 0)
        seli_error("seli_concat: ts[0] is a scalar []; concat joins along an existing axis (use "
                   "seli_stack to join scalars into a vector)");
    int ax = seli__axis("seli_concat", a, axis);
    for (int k = 1; k < n; k++) {
        const seli_tensor *b = ts[k];
        int ok = b->ndim == a->ndim;
        for (int i = 0; ok && i < a->ndim; i++)
            ok = i == ax || b->shape[i] == a->shape[i];
        if (!ok)
            seli_error("seli_concat: ts[0] is %s but ts[%d] is %s; along axis %d the shapes may "
                       "differ, elsewhere they must agree",
                       seli__shape(a), k, seli__shape(b), axis);
    }
    return concat_checked(n, ts, ax);
}

seli_tensor *seli_stack(int n, seli_tensor *const *ts, int axis)
{
    check_list("seli_stack", n, ts);
    const seli_tensor *a = ts[0];
    int ax = axis < 0 ? axis + a->ndim + 1 : axis;
    if (ax < 0 || ax > a->ndim)
        seli_error("seli_stack: axis %d is out of range for tensors of shape %s; the new axis "
                   "goes at 0..%d (or -1..-%d)",
                   axis, seli__shape(a), a->ndim, a->ndim + 1);
    if (a->ndim == SELI_MAX_DIMS)
        seli_error("seli_stack: the tensors %s already have the maximum of %d dimensions",
                   seli__shape(a), SELI_MAX_DIMS);
    int record = 0;
    for (int k = 0; k < n; k++) {
        if (!seli_same_shape(ts[k], a))
            seli_error("seli_stack: ts[0] is %s but ts[%d] is %s; stacked tensors must all have "
                       "one shape (use seli_concat to join along an existing axis)",
                       seli__shape(a), k, seli__shape(ts[k]));
        record |= seli_on_tape(ts[k]);
    }
    record &= seli_grad_enabled();
    if (record) {
        /* Each input as [..., 1, ...], joined by a recorded concat. */
        seli_tensor **parts = malloc((size_t)n * sizeof *parts);
        if (!parts)
            seli_error("seli_stack: out of memory for %d tensors", n);
        for (int k = 0; k < n; k++)
            parts[k] = seli_expand_dims(ts[k], ax);
        seli_tensor *out = concat_checked(n, parts, ax);
        free(parts);
        return out;
    }
    long s[SELI_MAX_DIMS], outer = 1, inner = 1;
    for (int i = 0, j = 0; i <= a->ndim; i++)
        s[i] = i == ax ? n : a->shape[j++];
    for (int i = 0; i < ax; i++)
        outer *= a->shape[i];
    for (int i = ax; i < a->ndim; i++)
        inner *= a->shape[i];
    seli_tensor *out = seli__alloc("seli_stack", a->ndim + 1, s);
    long ones[n];
    for (int k = 0; k < n; k++)
        ones[k] = 1;
    concat_data(n, ts, ones, outer, inner, out->data);
    return out;
}

/* ------------------------------------------------------------------- slice */

static seli_tensor *unslice(const seli_tensor *g, int axis, long n, long start, long step);

/* a: [..., n, ...] -> [..., len, ...]: the gradient is g put back in place, zeros elsewhere */
static seli_tensor *slice_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    (void)i;
    int axis = n->i[0];
    return unslice(g, axis, n->in[0]->shape[axis], n->l[0], n->l[2]);
}

/* g: [..., len, ...] -> [..., n, ...]: the gradient is the slice again */
static seli_tensor *unslice_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    (void)i;
    int axis = n->i[0];
    long len = n->in[0]->shape[axis];
    return seli_slice(g, axis, n->l[0], n->l[0] + (len - 1) * n->l[2] + 1, n->l[2]);
}

static seli_tensor *unslice(const seli_tensor *g, int axis, long n, long start, long step)
{
    long s[SELI_MAX_DIMS], outer, len, inner;
    for (int i = 0; i < g->ndim; i++)
        s[i] = g->shape[i];
    s[axis] = n;
    seli__split_axis(g, axis, &outer, &len, &inner);
    seli_tensor *out = seli__alloc("seli_slice", g->ndim, s);
    memset(out->data, 0, (size_t)out->size * sizeof(float));
    for (long o = 0; o < outer; o++)
        for (long j = 0; j < len; j++)
            memcpy(out->data + (o * n + start + j * step) * inner, g->data + (o * len + j) * inner,
                   (size_t)inner * sizeof(float));
    seli_node *nd = seli__record(out, "seli_slice (gradient)", unslice_vjp, g, NULL, NULL);
    if (nd) {
        nd->i[0] = axis;
        nd->l[0] = start;
        nd->l[1] = n;
        nd->l[2] = step;
    }
    return out;
}

/* Shaped like unslice above, its mirror: one copies lines out, the other
 * back in; each keeps its own plain copy loop. */
seli_tensor *seli_slice(const seli_tensor *a, int axis, long start, long stop, long step)
{
    seli__check("seli_slice", a, "a");
    if (a->ndim == 0)
        seli_error("seli_slice: a is a scalar []; there is no axis to slice");
    int ax = seli__axis("seli_slice", a, axis);
    if (step <= 0)
        seli_error("seli_slice: step is %ld; it must be positive (reverse with seli_take and a "
                   "descending index)",
                   step);
    long n = a->shape[ax];
    /* Python's rules: negative positions count from the end, then clamp. */
    if (start < 0)
        start += n;
    if (stop < 0)
        stop += n;
    start = start < 0 ? 0 : start > n ? n : start;
    stop = stop < 0 ? 0 : stop > n ? n : stop;
    long len = stop > start ? (stop - start + step - 1) / step : 0;
    long s[SELI_MAX_DIMS], outer, inner;
    for (int i = 0; i < a->ndim; i++)
        s[i] = a->shape[i];
    s[ax] = len;
    seli__split_axis(a, ax, &outer, NULL, &inner);
    seli_tensor *out = seli__alloc("seli_slice", a->ndim, s);
    for (long o = 0; o < outer; o++) {
        if (step == 1) {
            memcpy(out->data + o * len * inner, a->data + (o * n + start) * inner,
                   (size_t)(len * inner) * sizeof(float));
            continue;
        }
        for (long j = 0; j < len; j++)
            memcpy(out->data + (o * len + j) * inner, a->data + (o * n + start + j * step) * inner,
                   (size_t)inner * sizeof(float));
    }
    seli_node *nd = seli__record(out, "seli_slice", slice_vjp, a, NULL, NULL);
    if (nd) {
        nd->i[0] = ax;
        nd->l[0] = start;
        nd->l[1] = stop;
        nd->l[2] = step;
    }
    return out;
}

/* -------------------------------------------------------------------- take */

static seli_tensor *scatter_add(const seli_tensor *g, const seli_tensor *index, int axis, long n);

/* The shape of take(a, index, axis): a's shape with axis replaced by index's. */
static int take_shape(const seli_tensor *a, const seli_tensor *index, int axis, long *s)
{
    int nd = 0;
    for (int i = 0; i < axis; i++)
        s[nd++] = a->shape[i];
    for (int i = 0; i < index->ndim; i++)
        s[nd++] = index->shape[i];
    for (int i = axis + 1; i < a->ndim; i++)
        s[nd++] = a->shape[i];
    return nd;
}

/* a: [pre..., n, post...], index: [k...] -> [pre..., k..., post...];
 * the gradient adds each entry of g back to the row it came from */
static seli_tensor *take_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    (void)i;
    int axis = n->i[0];
    return scatter_add(g, n->aux, axis, n->in[0]->shape[axis]);
}

/* g: [pre..., k..., post...] -> [pre..., n, post...]: the gradient is take again */
static seli_tensor *scatter_vjp(const seli_node *n, int i, const seli_tensor *g)
{
    (void)i;
    return seli_take(g, n->aux, n->i[0]);
}

/* The inverse of take: rows of g added into zeros of length n at index
 * (already checked, possibly negative). */
static seli_tensor *scatter_add(const seli_tensor *g, const seli_tensor *index, int axis, long n)
{
    long s[SELI_MAX_DIMS], outer = 1, inner = 1, k = index->size;
    int nd = 0;
    for (int i = 0; i < axis; i++) {
        s[nd++] = g->shape[i];
        outer *= g->shape[i];
    }
    s[nd++] = n;
    for (int i = axis + index->ndim; i < g->ndim; i++) {
        s[nd++] = g->shape[i];
        inner *= g->shape[i];
    }
    seli_tensor *out = seli__alloc("seli_take", nd, s);
    memset(out->data, 0, (size_t)out->size * sizeof(float));
    for (long o = 0; o < outer; o++)
        for (long j = 0; j < k; j++) {
            long r = (long)index->data[j];
            if (r < 0)
                r += n;
            float *dst = out->data + (o * n + r) * inner;
            const float *src = g->data + (o * k + j) * inner;
            for (long e = 0; e < inner; e++)
                dst[e] += src[e];
        }
    seli_node *nd_ = seli__record(out, "seli_take (gradient)", scatter_vjp, g, NULL, NULL);
    if (nd_) {
        nd_->i[0] = axis;
        nd_->aux = index;
    }
    return out;
}

seli_tensor *seli_take(const seli_tensor *a, const seli_tensor *index, int axis)
{
    seli__check("seli_take", a, "a");
    seli__check("seli_take", index, "index");
    if (a->ndim == 0)
        seli_error("seli_take: a is a scalar []; there is no axis to take from");
    int ax = seli__axis("seli_take", a, axis);
    if (a->ndim - 1 + index->ndim > SELI_MAX_DIMS)
        seli_error("seli_take: a %s with index %s would give more than %d dimensions; flatten "
                   "the index with seli_reshape",
                   seli__shape(a), seli__shape(index), SELI_MAX_DIMS);
    long n = a->shape[ax];
    for (long j = 0; j < index->size; j++) {
        float v = index->data[j];
        if (!(v == floorf(v)) || v < (float)-n || v >= (float)n)
            seli_error("seli_take: index[%ld] = %g is not a valid position along axis %d of a %s; "
                       "indices must be integers in 0..%ld (or -%ld..-1 from the end)",
                       j, v, axis, seli__shape(a), n - 1, n);
    }
    long s[SELI_MAX_DIMS], outer, inner, k = index->size;
    int nd = take_shape(a, index, ax, s);
    seli__split_axis(a, ax, &outer, NULL, &inner);
    seli_tensor *out = seli__alloc("seli_take", nd, s);
    for (long o = 0; o < outer; o++)
        for (long j = 0; j < k; j++) {
            long r = (long)index->data[j];
            if (r < 0)
                r += n;
            memcpy(out->data + (o * k + j) * inner, a->data + (o * n + r) * inner,
                   (size_t)inner * sizeof(float));
        }
    seli_node *node = seli__record(out, "seli_take", take_vjp, a, NULL, NULL);
    if (node) {
        node->i[0] = ax;
        node->aux = index;
    }
    return out;
}
