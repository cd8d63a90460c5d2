/* autodiff.c: recording onto the tape and walking it backwards
 * (see seli/autodiff.h and tape.h). */
#include <stdlib.h>
#include <string.h>

#include "core/scope_private.h"
#include "autodiff/tape.h"

static int no_grad; /* open seli_no_grad_begin calls */
static unsigned stamp_counter;

void seli_no_grad_begin(void) { no_grad++; }

void seli_no_grad_end(void)
{
    if (no_grad == 0)
        seli_error(
            "seli_no_grad_end: no seli_no_grad_begin is open (every seli_no_grad_end needs a "
            "seli_no_grad_begin before it)");
    no_grad--;
}

int seli_grad_enabled(void) { return no_grad == 0; }
int seli_no_grad_depth(void) { return no_grad; }

int seli__no_grad_swap(int depth)
{
    int old = no_grad;
    no_grad = depth;
    return old;
}

void seli_no_grad_unwind(int depth)
{
    if (depth >= 0)
        no_grad = depth;
}

int seli_on_tape(const seli_tensor *t) { return t && t->node; }

int seli__recording(const seli_tensor *a, const seli_tensor *b, const seli_tensor *c)
{
    return no_grad == 0 && ((a && a->node) || (b && b->node) || (c && c->node));
}

seli_node *seli__record(seli_tensor *out, const char *op, seli_vjp_fn vjp, const seli_tensor *a,
                        const seli_tensor *b, const seli_tensor *c)
{
    if (!seli__recording(a, b, c))
        return NULL;
    seli_node *n = seli__scope_alloc(sizeof *n);
    memset(n, 0, sizeof *n);
    n->op = op;
    n->vjp = vjp;
    const seli_tensor *ins[3] = {a, b, c};
    for (int k = 0; k < 3; k++)
        n->in[k] = ins[k];
    n->nin = c ? 3 : b ? 2 : a ? 1 : 0;
    n->out = out;
    out->node = n;
    return n;
}

seli_tensor *seli_requires_grad(seli_tensor *t)
{
    seli__check("seli_requires_grad", t, "t");
    if (t->node) {
        if (t->node->vjp)
            seli_error("seli_requires_grad: the tensor is already the result of a recorded "
                       "operation (%s), so gradients reach it already; use seli_detach to make a "
                       "new leaf",
                       t->node->op);
        return t;
    }
    seli_node *n;
    if (t->flags & SELI_HEAP) {
        n = calloc(1, sizeof *n);
        if (!n)
            seli_error("seli_requires_grad: out of memory");
    } else {
        n = seli__arena_alloc(t->owner, sizeof *n); /* lives as long as t */
        memset(n, 0, sizeof *n);
    }
    n->op = "leaf";
    n->out = t;
    t->node = n;
    t->flags |= SELI_REQUIRES_GRAD;
    return t;
}

seli_tensor *seli__unbroadcast(const seli_tensor *g, const seli_tensor *like)
{
    if (seli_same_shape(g, like))
        return (seli_tensor *)g;
    return seli_sum_to(g, like->ndim, like->shape);
}

/* --- the backward pass --- */

typedef struct {
    seli_node **nodes; /* topological order: inputs before the nodes that use them */
    seli_tensor **acc; /* accumulated cotangent per node */
    char *needed;      /* node leads to one of the requested inputs */
    int count, cap;
} walk;

static void walk_push(walk *w, seli_node *n)
{
    if (w->count == w->cap) {
        int cap = w->cap ? w->cap * 2 : 64;
        seli_node **nodes = realloc(w->nodes, (size_t)cap * sizeof *nodes);
        if (!nodes)
            seli_error("seli_grad: out of memory walking the tape");
        w->nodes = nodes;
        w->cap = cap;
    }
    n->order = w->count;
    w->nodes[w->count++] = n;
}

/* Post-order depth-first walk from root, with an explicit stack so that long
 * chains of operations cannot overflow the C stack. */
static void topological_order(walk *w, seli_node *root, unsigned stamp)
{
    typedef struct {
        seli_node *node;
        int next;
    } frame;
    int cap = 64, top = 0;
    frame *stack = malloc((size_t)cap * sizeof *stack);
    if (!stack)
        seli_error("seli_grad: out of memory walking the tape");
    root->stamp = stamp;
    stack[top++] = (frame){root, 0};
    while (top > 0) {
        frame *f = &stack[top - 1];
        if (f->next < f->node->nin) {
            const seli_tensor *in = f->node->in[f->next++];
            if (in && in->node && in->node->stamp != stamp) {
                in->node->stamp = stamp;
                if (top == cap) {
                    cap *= 2;
                    frame *grown = realloc(stack, (size_t)cap * sizeof *stack);
                    if (!grown) {
                        free(stack);
                        seli_error("seli_grad: out of memory walking the tape");
                    }
                    stack = grown;
                }
                stack[top++] = (frame){in->node, 0};
            }
        } else {
            walk_push(w, f->node);
            top--;
        }
    }
    free(stack);
}

seli_node **seli__tape_order(seli_node *root, int *count, unsigned *stamp)
{
    walk w = {0};
    *stamp = ++stamp_counter;
    topological_order(&w, root, *stamp);
    /* The passes over the order run operations, and each may stop at an
     * interrupt (seli_request_interrupt): keep the order in the current
     * scope, which error unwinding frees, not on the heap. */
    seli_node **nodes = seli__scope_alloc((size_t)w.count * sizeof *nodes);
    memcpy(nodes, w.nodes, (size_t)w.count * sizeof *nodes);
    free(w.nodes);
    *count = w.count;
    return nodes;
}

static void check_vjp_args(const char *op, const seli_tensor *y, const seli_tensor *gy, int n,
                           seli_tensor *const *xs, seli_tensor **out)
{
    seli__check(op, y, "y");
    if (gy) {
        seli__check(op, gy, "gy");
        if (!seli_same_shape(y, gy))
            seli_error("%s: the output gradient gy has shape %s but y has shape %s; they must "
                       "agree",
                       op, seli__shape(gy), seli__shape(y));
    } else if (y->size != 1) {
        seli_error("%s: y has shape %s but must be a scalar to take its gradient; reduce it "
                   "first (seli_sum_all or seli_mean_all) or pass an output gradient to seli_vjp",
                   op, seli__shape(y));
    }
    if (n < 0 || (n > 0 && (!xs || !out)))
        seli_error("%s: pass n >= 0 inputs with arrays xs and out of n entries", op);
    for (int k = 0; k < n; k++) {
        seli__check(op, xs[k], "x");
        if (!xs[k]->node)
            seli_error("%s: x (shape %s) is not on the tape, so no gradient can reach it; mark it "
                       "with seli_requires_grad(x) before computing y from it",
                       op, seli__shape(xs[k]));
    }
}

void seli_vjp(const seli_tensor *y, const seli_tensor *gy, int n, seli_tensor *const *xs,
              seli_tensor **out, int create_graph)
{
    check_vjp_args("seli_vjp", y, gy, n, xs, out);
    if (!create_graph)
        seli_no_grad_begin();

    walk w = {0};
    unsigned stamp = 0;
    if (y->node) {
        w.nodes = seli__tape_order(y->node, &w.count, &stamp);
        w.acc = seli__scope_alloc((size_t)w.count * sizeof *w.acc);
        memset(w.acc, 0, (size_t)w.count * sizeof *w.acc);
        w.needed = seli__scope_alloc((size_t)w.count);
        memset(w.needed, 0, (size_t)w.count);
        /* Which nodes lead to a requested input: only their vjps are needed. */
        for (int k = 0; k < n; k++)
            if (xs[k]->node->stamp == stamp)
                w.needed[xs[k]->node->order] = 1;
        for (int k = 0; k < w.count; k++) {
            seli_node *node = w.nodes[k];
            for (int i = 0; i < node->nin && !w.needed[k]; i++) {
                const seli_tensor *in = node->in[i];
                if (in && in->node && in->node->stamp == stamp && w.needed[in->node->order])
                    w.needed[k] = 1;
            }
        }
        w.acc[y->node->order] = gy ? (seli_tensor *)gy : seli_ones(y->ndim, y->shape);
        for (int k = w.count - 1; k >= 0; k--) {
            seli_node *node = w.nodes[k];
            seli_tensor *g = w.acc[k];
            if (!g || !node->vjp || !w.needed[k])
                continue;
            for (int i = 0; i < node->nin; i++) {
                const seli_tensor *in = node->in[i];
                if (!in || !in->node || !w.needed[in->node->order])
                    continue;
                seli_tensor *gi = node->vjp(node, i, g);
                if (!gi)
                    continue; /* zero: nothing to add */
                int j = in->node->order;
                w.acc[j] = w.acc[j] ? seli_add(w.acc[j], gi) : gi;
            }
        }
    }
    for (int k = 0; k < n; k++) {
        seli_tensor *g = NULL;
        if (w.count && xs[k]->node->stamp == stamp)
            g = w.acc[xs[k]->node->order];
        if (!g)
            g = seli_zeros(xs[k]->ndim, xs[k]->shape);
        else if (g == gy || (!create_graph && g->node))
            g = seli_detach(g); /* never hand back the caller's own tensor */
        out[k] = g;
    }
    if (!create_graph)
        seli_no_grad_end();
}

/* seli_grad and seli_grad_graph: the gradient of a scalar y with respect to x. */
static seli_tensor *grad_of(const char *op, const seli_tensor *y, const seli_tensor *x,
                            int create_graph)
{
    seli_tensor *out;
    seli_tensor *xs[1] = {(seli_tensor *)x};
    check_vjp_args(op, y, NULL, 1, xs, &out);
    seli_vjp(y, NULL, 1, xs, &out, create_graph);
    return out;
}

seli_tensor *seli_grad(const seli_tensor *y, const seli_tensor *x)
{
    return grad_of("seli_grad", y, x, 0);
}

seli_tensor *seli_grad_graph(const seli_tensor *y, const seli_tensor *x)
{
    return grad_of("seli_grad_graph", y, x, 1);
}
