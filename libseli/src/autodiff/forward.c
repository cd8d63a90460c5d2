/* forward.c: forward mode, Jacobian-vector products by replaying the tape
 * (see seli/autodiff.h and tape.h).
 *
 * y was computed already, so its nodes are on the tape.  The walk visits
 * them in topological order, inputs first, and pushes a tangent through each
 * node that depends on an x: tangent(out) = sum_i J_i tangent(in_i), by the
 * node's rule (ops/jvp_rules.c).  Nodes that do not depend on any x keep a zero
 * tangent and cost nothing.  The rules are written with seli's differentiable
 * ops, so with create_graph the tangent is on the tape like any result. */
#include <string.h>

#include "core/scope_private.h"
#include "autodiff/tape.h"

static void check_jvp_args(const char *op, const seli_tensor *y, int n, seli_tensor *const *xs,
                           seli_tensor *const *vs)
{
    seli__check(op, y, "y");
    if (n < 1 || !xs)
        seli_error("%s: pass n >= 1 inputs in an array xs of n tensors (and vs of n tangents or "
                   "NULL)",
                   op);
    for (int k = 0; k < n; k++) {
        seli__check(op, xs[k], "x");
        if (!xs[k]->node)
            seli_error("%s: x (shape %s) is not on the tape, so forward mode cannot follow it "
                       "to y; mark it with seli_requires_grad(x) before computing y from it",
                       op, seli__shape(xs[k]));
        const seli_tensor *v = vs ? vs[k] : NULL;
        if (!v)
            continue;
        seli__check(op, v, "v");
        if (!seli_same_shape(v, xs[k]))
            seli_error("%s: the tangent v has shape %s but x has shape %s; v is a direction "
                       "in x's space and must have x's shape",
                       op, seli__shape(v), seli__shape(xs[k]));
    }
}

/* The index of t's node in this walk, or -1 when t is not part of it. */
static int index_of(const seli_tensor *t, unsigned stamp)
{
    return t && t->node && t->node->stamp == stamp ? t->node->order : -1;
}

/* Add b to the tangent *acc (either may be NULL, meaning zero). */
static void accumulate(seli_tensor **acc, seli_tensor *b)
{
    if (b)
        *acc = *acc ? seli_add(*acc, b) : b;
}

/* The tangent of y: the walk proper, on a checked y that is on the tape. */
static seli_tensor *push_forward(const seli_tensor *y, int n, seli_tensor *const *xs,
                                 seli_tensor *const *vs, int create_graph)
{
    int count;
    unsigned stamp;
    seli_node **nodes = seli__tape_order(y->node, &count, &stamp);
    /* Resolve every input to its index first: a generic rule walks the tape
     * itself and may restamp the nodes it meets. */
    int (*in_at)[3] = seli__scope_alloc((size_t)count * sizeof *in_at);
    for (int k = 0; k < count; k++)
        for (int i = 0; i < 3; i++)
            in_at[k][i] = i < nodes[k]->nin ? index_of(nodes[k]->in[i], stamp) : -1;
    seli_tensor **seed = seli__scope_alloc((size_t)count * sizeof *seed);
    seli_tensor **tan = seli__scope_alloc((size_t)count * sizeof *tan);
    memset(seed, 0, (size_t)count * sizeof *seed);
    memset(tan, 0, (size_t)count * sizeof *tan);
    for (int k = 0; k < n; k++) {
        int j = index_of(xs[k], stamp);
        if (j >= 0)
            accumulate(&seed[j], vs && vs[k] ? vs[k] : seli_ones(xs[k]->ndim, xs[k]->shape));
    }
    for (int k = 0; k < count; k++) {
        const seli_node *node = nodes[k];
        seli_tensor *t[3] = {NULL, NULL, NULL};
        int any = 0;
        for (int i = 0; i < node->nin; i++)
            if (in_at[k][i] >= 0 && (t[i] = tan[in_at[k][i]]))
                any = 1;
        if (any && node->vjp)
            tan[k] = seli__jvp_node(node, t, create_graph);
        /* An x computed from another x: its own direction adds to what flows in. */
        accumulate(&tan[k], seed[k]);
    }
    return tan[count - 1];
}

static seli_tensor *finish(seli_tensor *ty, int create_graph)
{
    if (!create_graph)
        seli_no_grad_end();
    return ty;
}

seli_tensor *seli_jvp_n(const seli_tensor *y, int n, seli_tensor *const *xs,
                        seli_tensor *const *vs, int create_graph)
{
    check_jvp_args("seli_jvp_n", y, n, xs, vs);
    if (!create_graph)
        seli_no_grad_begin();
    seli_tensor *ty = y->node ? push_forward(y, n, xs, vs, create_graph) : NULL;
    if (!ty)
        return finish(seli_zeros(y->ndim, y->shape), create_graph); /* y does not depend on x */
    for (int k = 0; vs && k < n; k++)
        if (ty == vs[k]) {
            ty = seli_copy(ty); /* y is x: never hand back the caller's own tensor */
            break;
        }
    if (!create_graph && ty->node)
        ty = seli_detach(ty);
    return finish(ty, create_graph);
}

seli_tensor *seli_jvp(const seli_tensor *y, const seli_tensor *x, const seli_tensor *v)
{
    seli_tensor *xs[1] = {(seli_tensor *)x}, *vs[1] = {(seli_tensor *)v};
    check_jvp_args("seli_jvp", y, 1, xs, vs);
    return seli_jvp_n(y, 1, xs, vs, 0);
}

seli_tensor *seli_jvp_graph(const seli_tensor *y, const seli_tensor *x, const seli_tensor *v)
{
    seli_tensor *xs[1] = {(seli_tensor *)x}, *vs[1] = {(seli_tensor *)v};
    check_jvp_args("seli_jvp_graph", y, 1, xs, vs);
    return seli_jvp_n(y, 1, xs, vs, 1);
}
