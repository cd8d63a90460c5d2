/* jvp_rules.c: how a tangent crosses one node of the tape (forward mode).
 *
 * A rule gets the node and the tangents t[i] of its inputs (NULL for a zero
 * tangent) and returns the tangent of its output, sum_i J_i t[i], written
 * with seli's differentiable ops so that it can be differentiated again.
 *
 * The rules are looked up by the node's op name, which keeps forward mode in
 * this one file instead of spread over every op (an op gains a fast rule by a
 * row in the table below):
 *   - linear ops (reshape, sum, slice, ...) apply themselves to the tangent;
 *   - bilinear ops (mul, matmul, affine) use the product rule;
 *   - elementwise ops have a diagonal, so symmetric, Jacobian: J t = J^T t is
 *     the op's own vjp applied to t, when t has the output's shape;
 *   - every other op, and broadcasting cases of the elementwise ones, goes
 *     through the transpose of its vjp (generic_rule): the vjp is linear in
 *     its cotangent u, so J t = d/du <vjp(u), t>.  Correct for every op, at
 *     the price of one small backward pass. */
#include <string.h>

#include "autodiff/tape.h"

typedef seli_tensor *(*jvp_rule)(const seli_node *n, seli_tensor *const *t, int create_graph);

/* t stretched to the output's shape (t broadcasts to it). */
static seli_tensor *full(const seli_node *n, seli_tensor *t)
{
    if (!t || seli_same_shape(t, n->out))
        return t;
    return seli_broadcast_to(t, n->out->ndim, n->out->shape);
}

/* a + b where either may be NULL (zero). */
static seli_tensor *plus(seli_tensor *a, seli_tensor *b)
{
    return !a ? b : !b ? a : seli_add(a, b);
}

/* J t = d/du <vjp(u), t> at any u, here u = 0: the vjp is linear in u.
 * Without create_graph the node's tensors are detached first, so that the
 * small backward pass does not walk the whole tape behind them. */
static seli_tensor *generic_rule(const seli_node *n, seli_tensor *const *t, int create_graph)
{
    seli_node copy = *n;
    if (!create_graph) {
        for (int i = 0; i < n->nin; i++)
            copy.in[i] = n->in[i] ? seli_detach(n->in[i]) : NULL;
        copy.out = seli_detach(n->out);
    }
    int depth = seli__no_grad_swap(0); /* the vjp must record, to be differentiated in u */
    seli_tensor *u = seli_requires_grad(seli_zeros(n->out->ndim, n->out->shape));
    seli_tensor *inner = NULL;
    for (int i = 0; i < n->nin; i++) {
        seli_tensor *back = t[i] ? n->vjp(&copy, i, u) : NULL; /* NULL: J_i is zero */
        if (back)
            inner = plus(inner, seli_sum_all(seli_mul(back, t[i])));
    }
    seli_tensor *jt = !inner ? NULL : create_graph ? seli_grad_graph(inner, u) : seli_grad(inner, u);
    seli__no_grad_swap(depth);
    return jt;
}

/* Elementwise ops: J_i = diag(d_i) is symmetric, so J_i t = vjp(i, t) when
 * input i is not broadcast; otherwise the generic rule. */
static seli_tensor *diagonal_rule(const seli_node *n, seli_tensor *const *t, int create_graph)
{
    for (int i = 0; i < n->nin; i++)
        if (t[i] && !seli_same_shape(t[i], n->out))
            return generic_rule(n, t, create_graph);
    seli_tensor *out = NULL;
    for (int i = 0; i < n->nin; i++)
        if (t[i])
            out = plus(out, n->vjp(n, i, t[i]));
    return out;
}

/* a + b, a - b: broadcasting as the op does */
static seli_tensor *add_rule(const seli_node *n, seli_tensor *const *t, int create_graph)
{
    (void)create_graph;
    return full(n, plus(t[0], t[1]));
}

static seli_tensor *sub_rule(const seli_node *n, seli_tensor *const *t, int create_graph)
{
    (void)create_graph;
    if (!t[1])
        return full(n, t[0]);
    return full(n, t[0] ? seli_sub(t[0], t[1]) : seli_neg(t[1]));
}

/* a * b: ta b + a tb */
static seli_tensor *mul_rule(const seli_node *n, seli_tensor *const *t, int create_graph)
{
    (void)create_graph;
    seli_tensor *ta = t[0] ? seli_mul(t[0], n->in[1]) : NULL;
    seli_tensor *tb = t[1] ? seli_mul(n->in[0], t[1]) : NULL;
    return full(n, plus(ta, tb));
}

/* a / b: (ta - out tb) / b */
static seli_tensor *div_rule(const seli_node *n, seli_tensor *const *t, int create_graph)
{
    (void)create_graph;
    seli_tensor *num = t[1] ? seli_mul(n->out, t[1]) : NULL;
    if (num)
        num = t[0] ? seli_sub(t[0], num) : seli_neg(num);
    else
        num = t[0];
    return full(n, seli_div(num, n->in[1]));
}

/* op(a) @ op(b), transposes in i[0], i[1]: op(ta) @ op(b) + op(a) @ op(tb) */
static seli_tensor *matmul_rule(const seli_node *n, seli_tensor *const *t, int create_graph)
{
    (void)create_graph;
    int ta = n->i[0], tb = n->i[1];
    seli_tensor *da = t[0] ? seli__matmul_t(t[0], n->in[1], ta, tb) : NULL;
    seli_tensor *db = t[1] ? seli__matmul_t(n->in[0], t[1], ta, tb) : NULL;
    return full(n, plus(da, db));
}

/* x @ w + b: tx @ w + x @ tw + tb, each product by seli_affine itself */
static seli_tensor *affine_rule(const seli_node *n, seli_tensor *const *t, int create_graph)
{
    (void)create_graph;
    seli_tensor *dx = t[0] ? seli_affine(t[0], n->in[1], NULL) : NULL;
    seli_tensor *dw = t[1] ? seli_affine(n->in[0], t[1], NULL) : NULL;
    return full(n, plus(plus(dx, dw), t[2]));
}

/* Linear ops: the op itself, with the node's arguments, applied to the tangent. */
static seli_tensor *reshape_rule(const seli_node *n, seli_tensor *const *t, int create_graph)
{
    (void)create_graph;
    return seli_reshape(t[0], n->out->ndim, n->out->shape);
}

static seli_tensor *broadcast_to_rule(const seli_node *n, seli_tensor *const *t, int create_graph)
{
    (void)create_graph;
    return seli_broadcast_to(t[0], n->out->ndim, n->out->shape);
}

static seli_tensor *sum_to_rule(const seli_node *n, seli_tensor *const *t, int create_graph)
{
    (void)create_graph;
    return seli_sum_to(t[0], n->out->ndim, n->out->shape);
}

static seli_tensor *permute_rule(const seli_node *n, seli_tensor *const *t, int create_graph)
{
    (void)create_graph;
    return seli_permute(t[0], n->i);
}

static seli_tensor *sum_rule(const seli_node *n, seli_tensor *const *t, int create_graph)
{
    (void)create_graph;
    return seli_sum(t[0], n->i[0], n->i[1]);
}

static seli_tensor *mean_rule(const seli_node *n, seli_tensor *const *t, int create_graph)
{
    (void)create_graph;
    return seli_mean(t[0], n->i[0], n->i[1]);
}

static seli_tensor *sum_all_rule(const seli_node *n, seli_tensor *const *t, int create_graph)
{
    (void)n, (void)create_graph;
    return seli_sum_all(t[0]);
}

static seli_tensor *mean_all_rule(const seli_node *n, seli_tensor *const *t, int create_graph)
{
    (void)n, (void)create_graph;
    return seli_mean_all(t[0]);
}

static seli_tensor *slice_rule(const seli_node *n, seli_tensor *const *t, int create_graph)
{
    (void)create_graph;
    return seli_slice(t[0], n->i[0], n->l[0], n->l[1], n->l[2]);
}

static seli_tensor *take_rule(const seli_node *n, seli_tensor *const *t, int create_graph)
{
    (void)create_graph;
    return seli_take(t[0], n->aux, n->i[0]);
}

/* concat of the tangents, zeros where an input has none */
static seli_tensor *concat_rule(const seli_node *n, seli_tensor *const *t, int create_graph)
{
    (void)create_graph;
    seli_tensor *parts[3];
    for (int i = 0; i < n->nin; i++)
        parts[i] = t[i] ? t[i] : seli_zeros(n->in[i]->ndim, n->in[i]->shape);
    return seli_concat(n->nin, parts, n->i[0]);
}

static const struct {
    const char *op;
    jvp_rule rule;
} rules[] = {
    {"seli_affine", affine_rule},
    {"seli_matmul", matmul_rule},
    {"seli_gelu", diagonal_rule},
    {"seli_leaky_relu", diagonal_rule},
    {"seli_add", add_rule},
    {"seli_sub", sub_rule},
    {"seli_mul", mul_rule},
    {"seli_div", div_rule},
    {"seli_reshape", reshape_rule},
    {"seli_sum", sum_rule},
    {"seli_sum_all", sum_all_rule},
    {"seli_mean", mean_rule},
    {"seli_mean_all", mean_all_rule},
    {"seli_broadcast_to", broadcast_to_rule},
    {"seli_sum_to", sum_to_rule},
    {"seli_permute", permute_rule},
    {"seli_slice", slice_rule},
    {"seli_concat", concat_rule},
    {"seli_take", take_rule},
    {"seli_add_scalar", diagonal_rule},
    {"seli_mul_scalar", diagonal_rule},
    {"seli_pow_scalar", diagonal_rule},
    {"seli_neg", diagonal_rule},
    {"seli_square", diagonal_rule},
    {"seli_abs", diagonal_rule},
    {"seli_sqrt", diagonal_rule},
    {"seli_exp", diagonal_rule},
    {"seli_log", diagonal_rule},
    {"seli_sin", diagonal_rule},
    {"seli_cos", diagonal_rule},
    {"seli_tanh", diagonal_rule},
    {"seli_sigmoid", diagonal_rule},
    {"seli_softplus", diagonal_rule},
    {"seli_relu", diagonal_rule},
    {"seli_elu", diagonal_rule},
    {"seli_clamp", diagonal_rule},
    {"seli_copy", diagonal_rule},
    {"seli_pow", diagonal_rule},
    {"seli_maximum", diagonal_rule},
    {"seli_minimum", diagonal_rule},
    {"seli_where", diagonal_rule},
    {"seli_gelu (gradient)", diagonal_rule},
    {"seli_gelu (second derivative)", diagonal_rule},
    {"seli_leaky_relu (gradient)", diagonal_rule},
};

seli_tensor *seli__jvp_node(const seli_node *n, seli_tensor *const *t, int create_graph)
{
    for (size_t k = 0; k < sizeof rules / sizeof rules[0]; k++)
        if (strcmp(n->op, rules[k].op) == 0)
            return rules[k].rule(n, t, create_graph);
    return generic_rule(n, t, create_graph);
}
