/* Forward mode: seli_jvp against central finite differences and against the
 * reverse mode's vjp, op by op (explicit rules and the generic transpose
 * rule), with broadcasting, at second order in both compositions (reverse
 * over forward, forward over forward), and the errors a student meets. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "error_trap.h"
#include "gradcheck.h"
#include "seli.h"

#define MAXIN 4

/* One op under test: f of n inputs with these shapes, drawn from [lo, hi). */
typedef struct {
    const char *label;
    gc_fn f;
    int n;
    int ndim[MAXIN];
    long shape[MAXIN][4];
    double lo, hi;
} jvp_case;

/* f evaluated at xs + e vs, in a scope of its own; out gets its values in double. */
static void eval_along(gc_fn f, int n, seli_tensor *const *xs, seli_tensor *const *vs, double e,
                       double *out, long size)
{
    float *saved[MAXIN];
    for (int i = 0; i < n; i++) {
        saved[i] = malloc((size_t)xs[i]->size * sizeof(float));
        for (long k = 0; k < xs[i]->size; k++) {
            saved[i][k] = xs[i]->data[k];
            xs[i]->data[k] = (float)((double)xs[i]->data[k] + e * (double)vs[i]->data[k]);
        }
    }
    seli_scope_begin();
    seli_tensor *y = f(xs, NULL);
    assert_int_equal(y->size, size);
    for (long k = 0; k < size; k++)
        out[k] = y->data[k];
    seli_scope_end();
    for (int i = 0; i < n; i++) {
        for (long k = 0; k < xs[i]->size; k++)
            xs[i]->data[k] = saved[i][k];
        free(saved[i]);
    }
}

/* seli_jvp_n of f at xs along vs, against central differences elementwise. */
static void check_against_differences(const char *label, gc_fn f, int n, seli_tensor *const *xs,
                                      seli_tensor *const *vs, double tol)
{
    seli_scope_begin();
    seli_tensor *y = f(xs, NULL);
    seli_tensor *ty = seli_jvp_n(y, n, xs, vs, 0);
    assert_true(seli_same_shape(ty, y));
    assert_false(seli_on_tape(ty));
    double h = 1e-3, *plus = malloc((size_t)y->size * sizeof(double)),
           *minus = malloc((size_t)y->size * sizeof(double));
    eval_along(f, n, xs, vs, h, plus, y->size);
    eval_along(f, n, xs, vs, -h, minus, y->size);
    for (long k = 0; k < y->size; k++) {
        double numeric = (plus[k] - minus[k]) / (2 * h);
        if (!gc__close(ty->data[k], numeric, tol))
            fail_msg("%s: jvp element %ld is %.6g but finite differences give %.6g", label, k,
                     (double)ty->data[k], numeric);
    }
    free(plus);
    free(minus);
    seli_scope_end();
}

/* <c, J v> from forward mode equals <J^T c, v> from reverse mode. */
static void check_against_vjp(const char *label, gc_fn f, int n, seli_tensor *const *xs,
                              seli_tensor *const *vs)
{
    seli_scope_begin();
    seli_tensor *y = f(xs, NULL);
    seli_tensor *ty = seli_jvp_n(y, n, xs, vs, 0);
    for (unsigned trial = 0; trial < 3; trial++) {
        seli_tensor *c = gc_random(-1, 1, 100 + trial, y->ndim, y->shape);
        seli_tensor *g[MAXIN];
        seli_vjp(y, c, n, xs, g, 0);
        double forward = gc__dot(c, ty), reverse = 0;
        for (int i = 0; i < n; i++)
            reverse += gc__dot(g[i], vs[i]);
        if (!gc__close(forward, reverse, 1e-4))
            fail_msg("%s: <c, J v> = %.8g by forward mode but <J^T c, v> = %.8g by reverse", label,
                     forward, reverse);
    }
    seli_scope_end();
}

static void run_case(const jvp_case *c, unsigned seed)
{
    seli_scope_begin();
    seli_tensor *xs[MAXIN], *vs[MAXIN];
    for (int i = 0; i < c->n; i++) {
        xs[i] = gc_uniform(c->lo, c->hi, seed + (unsigned)i, c->ndim[i], c->shape[i]);
        vs[i] = gc_random(-1, 1, seed + 50 + (unsigned)i, c->ndim[i], c->shape[i]);
    }
    check_against_differences(c->label, c->f, c->n, xs, vs, 5e-3);
    check_against_vjp(c->label, c->f, c->n, xs, vs);
    seli_scope_end();
}

#define X0 xs[0]
#define X1 xs[1]
#define FN(name, expr)                                                                             \
    static seli_tensor *name(seli_tensor *const *xs, void *ctx)                                    \
    {                                                                                              \
        (void)ctx;                                                                                 \
        return (expr);                                                                             \
    }

FN(f_neg, seli_neg(X0))
FN(f_square, seli_square(X0))
FN(f_abs, seli_abs(X0))
FN(f_sqrt, seli_sqrt(X0))
FN(f_exp, seli_exp(X0))
FN(f_log, seli_log(X0))
FN(f_sin, seli_sin(X0))
FN(f_cos, seli_cos(X0))
FN(f_tanh, seli_tanh(X0))
FN(f_sigmoid, seli_sigmoid(X0))
FN(f_softplus, seli_softplus(X0))
FN(f_relu, seli_relu(X0))
FN(f_leaky, seli_leaky_relu(X0, 0.1f))
FN(f_elu, seli_elu(X0, 0.7f))
FN(f_gelu, seli_gelu(X0))
FN(f_add_scalar, seli_add_scalar(X0, 2.5f))
FN(f_mul_scalar, seli_mul_scalar(X0, -1.5f))
FN(f_pow_scalar, seli_pow_scalar(X0, 2.5f))
FN(f_clamp, seli_clamp(X0, -0.5f, 0.5f))
FN(f_copy, seli_copy(X0))
FN(f_add, seli_add(X0, X1))
FN(f_sub, seli_sub(X0, X1))
FN(f_mul, seli_mul(X0, X1))
FN(f_div, seli_div(X0, X1))
FN(f_pow, seli_pow(X0, X1))
FN(f_maximum, seli_maximum(X0, X1))
FN(f_minimum, seli_minimum(X0, X1))
FN(f_where, seli_where(seli_greater(X0, X1), seli_mul(X0, X0), X1))
FN(f_matmul, seli_matmul(X0, X1))
FN(f_matmul_t, seli_matmul(seli_transpose(X0), X1))
FN(f_affine, seli_affine(X0, X1, xs[2]))
FN(f_affine_gelu, seli_affine_gelu(X0, X1, xs[2]))
FN(f_affine_leaky, seli_affine_leaky_relu(X0, X1, xs[2], 0.2f))
FN(f_sum, seli_sum(X0, 1, 0))
FN(f_sum_keep, seli_sum(X0, 0, 1))
FN(f_mean, seli_mean(X0, -1, 0))
FN(f_sum_all, seli_sum_all(X0))
FN(f_mean_all, seli_mean_all(X0))
FN(f_sum_to, seli_sum_to(X0, 2, (long[]){1, 4}))
FN(f_broadcast_to, seli_broadcast_to(X0, 3, (long[]){2, 3, 4}))
FN(f_reshape, seli_reshape(X0, 2, (long[]){4, 3}))
FN(f_permute, seli_permute(X0, (int[]){2, 0, 1}))
FN(f_slice, seli_slice(X0, 1, 1, 4, 2))
FN(f_concat2, seli_concat(2, xs, 0))
FN(f_concat4, seli_concat(4, xs, 1))
FN(f_take, seli_take(X0, seli_from_array((float[]){2, 0, 2}, 1, (long[]){3}), 1))
FN(f_stack, seli_stack(2, xs, 1))
FN(f_expand_squeeze, seli_squeeze(seli_tanh(seli_expand_dims(X0, 1)), 1))
FN(f_logsumexp, seli_logsumexp(X0, 1, 0))
FN(f_softmax, seli_softmax(X0, 1))
FN(f_max, seli_max(X0, 0, 0))
FN(f_sort, seli_sort(X0, 1))

static const jvp_case unary_cases[] = {
    {"neg", f_neg, 1, {2}, {{3, 4}}, -2, 2},
    {"square", f_square, 1, {2}, {{3, 4}}, -2, 2},
    {"abs", f_abs, 1, {2}, {{3, 4}}, 0.2, 2},
    {"sqrt", f_sqrt, 1, {2}, {{3, 4}}, 0.5, 2},
    {"exp", f_exp, 1, {2}, {{3, 4}}, -2, 2},
    {"log", f_log, 1, {2}, {{3, 4}}, 0.5, 2},
    {"sin", f_sin, 1, {2}, {{3, 4}}, -2, 2},
    {"cos", f_cos, 1, {2}, {{3, 4}}, -2, 2},
    {"tanh", f_tanh, 1, {2}, {{3, 4}}, -2, 2},
    {"sigmoid", f_sigmoid, 1, {2}, {{3, 4}}, -2, 2},
    {"softplus", f_softplus, 1, {2}, {{3, 4}}, -2, 2},
    {"relu", f_relu, 1, {2}, {{3, 4}}, 0.1, 2},
    {"leaky_relu", f_leaky, 1, {2}, {{3, 4}}, -2, -0.1},
    {"elu", f_elu, 1, {2}, {{3, 4}}, -2, -0.1},
    {"gelu", f_gelu, 1, {2}, {{3, 4}}, -3, 3},
    {"add_scalar", f_add_scalar, 1, {2}, {{3, 4}}, -2, 2},
    {"mul_scalar", f_mul_scalar, 1, {2}, {{3, 4}}, -2, 2},
    {"pow_scalar", f_pow_scalar, 1, {2}, {{3, 4}}, 0.5, 2},
    {"clamp", f_clamp, 1, {2}, {{3, 4}}, -0.45, 0.45},
    {"copy", f_copy, 1, {2}, {{3, 4}}, -2, 2},
};

static const jvp_case binary_cases[] = {
    {"add", f_add, 2, {2, 2}, {{3, 4}, {3, 4}}, -2, 2},
    {"sub", f_sub, 2, {2, 2}, {{3, 4}, {3, 4}}, -2, 2},
    {"mul", f_mul, 2, {2, 2}, {{3, 4}, {3, 4}}, -2, 2},
    {"div", f_div, 2, {2, 2}, {{3, 4}, {3, 4}}, 0.5, 2},
    {"pow", f_pow, 2, {2, 2}, {{3, 4}, {3, 4}}, 0.5, 2},
    {"maximum", f_maximum, 2, {2, 2}, {{3, 4}, {3, 4}}, -2, 2},
    {"minimum", f_minimum, 2, {2, 2}, {{3, 4}, {3, 4}}, -2, 2},
    {"where", f_where, 2, {2, 2}, {{3, 4}, {3, 4}}, -2, 2},
};

/* Each input broadcast against the other, and a scalar against a matrix. */
static const jvp_case broadcast_cases[] = {
    {"add [3,1]+[4]", f_add, 2, {2, 1}, {{3, 1}, {4}}, -2, 2},
    {"add [3,4]+[]", f_add, 2, {2, 0}, {{3, 4}, {0}}, -2, 2},
    {"sub [4]-[3,4]", f_sub, 2, {1, 2}, {{4}, {3, 4}}, -2, 2},
    {"mul [3,1]*[1,4]", f_mul, 2, {2, 2}, {{3, 1}, {1, 4}}, -2, 2},
    {"div [3,4]/[4]", f_div, 2, {2, 1}, {{3, 4}, {4}}, 0.5, 2},
    {"div [4]/[3,4]", f_div, 2, {1, 2}, {{4}, {3, 4}}, 0.5, 2},
    {"pow [3,1]^[4] (generic)", f_pow, 2, {2, 1}, {{3, 1}, {4}}, 0.5, 2},
    {"maximum [3,4],[4] (generic)", f_maximum, 2, {2, 1}, {{3, 4}, {4}}, -2, 2},
};

static const jvp_case linear_cases[] = {
    {"matmul", f_matmul, 2, {2, 2}, {{3, 4}, {4, 2}}, -1, 1},
    {"matmul batched", f_matmul, 2, {3, 2}, {{2, 3, 4}, {4, 2}}, -1, 1},
    {"matmul of a transpose", f_matmul_t, 2, {2, 2}, {{4, 3}, {4, 2}}, -1, 1},
    {"affine", f_affine, 3, {2, 2, 1}, {{3, 4}, {4, 2}, {2}}, -1, 1},
    {"affine_gelu", f_affine_gelu, 3, {2, 2, 1}, {{5, 4}, {4, 3}, {3}}, -1, 1},
    {"affine_leaky_relu", f_affine_leaky, 3, {2, 2, 1}, {{5, 4}, {4, 3}, {3}}, -1, 1},
    {"sum", f_sum, 1, {2}, {{3, 4}}, -2, 2},
    {"sum keepdims", f_sum_keep, 1, {2}, {{3, 4}}, -2, 2},
    {"mean", f_mean, 1, {2}, {{3, 4}}, -2, 2},
    {"sum_all", f_sum_all, 1, {2}, {{3, 4}}, -2, 2},
    {"mean_all", f_mean_all, 1, {2}, {{3, 4}}, -2, 2},
    {"sum_to", f_sum_to, 1, {2}, {{3, 4}}, -2, 2},
    {"broadcast_to", f_broadcast_to, 1, {2}, {{3, 1}}, -2, 2},
    {"reshape", f_reshape, 1, {2}, {{3, 4}}, -2, 2},
    {"permute", f_permute, 1, {3}, {{2, 3, 4}}, -2, 2},
    {"slice", f_slice, 1, {2}, {{3, 5}}, -2, 2},
    {"concat", f_concat2, 2, {2, 2}, {{1, 4}, {3, 4}}, -2, 2},
    {"concat of four", f_concat4, 4, {2, 2, 2, 2}, {{2, 1}, {2, 3}, {2, 2}, {2, 1}}, -2, 2},
    {"take", f_take, 1, {2}, {{2, 3}}, -2, 2},
    {"stack", f_stack, 2, {2, 2}, {{3, 4}, {3, 4}}, -2, 2},
    {"expand_dims, squeeze", f_expand_squeeze, 1, {1}, {{4}}, -2, 2},
};

/* Ops without an explicit rule: the transpose of their vjp. */
static const jvp_case generic_cases[] = {
    {"logsumexp (generic)", f_logsumexp, 1, {2}, {{3, 4}}, -2, 2},
    {"softmax (generic)", f_softmax, 1, {2}, {{3, 4}}, -2, 2},
    {"max (generic)", f_max, 1, {2}, {{3, 4}}, -2, 2},
    {"sort (generic)", f_sort, 1, {2}, {{3, 4}}, -2, 2},
};

static void run_all(const jvp_case *cases, size_t count)
{
    for (size_t k = 0; k < count; k++)
        run_case(&cases[k], 7 + 13 * (unsigned)k);
}

static void test_unary_ops_match_finite_differences_and_vjp(void **state)
{
    (void)state;
    run_all(unary_cases, sizeof unary_cases / sizeof unary_cases[0]);
}

static void test_binary_ops_match_finite_differences_and_vjp(void **state)
{
    (void)state;
    run_all(binary_cases, sizeof binary_cases / sizeof binary_cases[0]);
}

static void test_broadcasting_binary_ops_match(void **state)
{
    (void)state;
    run_all(broadcast_cases, sizeof broadcast_cases / sizeof broadcast_cases[0]);
}

static void test_matmul_affine_reductions_and_shape_ops_match(void **state)
{
    (void)state;
    run_all(linear_cases, sizeof linear_cases / sizeof linear_cases[0]);
}

static void test_ops_without_a_rule_match_through_the_transpose(void **state)
{
    (void)state;
    run_all(generic_cases, sizeof generic_cases / sizeof generic_cases[0]);
}


/* --- second order --- */

static seli_tensor *w1, *b1, *w2, *b2, *w3; /* a small perceptron's weights, on the tape */

/* 1 -> 6 -> 6 -> 1 with GELU, as in the normalizing flow: x [B] -> [B]. */
static seli_tensor *mlp(const seli_tensor *x)
{
    seli_tensor *h = seli_reshape(x, 2, (long[]){x->size, 1});
    h = seli_affine_gelu(h, w1, b1);
    h = seli_affine_gelu(h, w2, b2);
    return seli_reshape(seli_affine(h, w3, NULL), 1, (long[]){x->size});
}

static void make_mlp(void)
{
    w1 = gc_uniform(-1, 1, 201, 2, (long[]){1, 6});
    b1 = gc_uniform(-0.5, 0.5, 202, 1, (long[]){6});
    w2 = gc_uniform(-0.6, 0.6, 203, 2, (long[]){6, 6});
    b2 = gc_uniform(-0.5, 0.5, 204, 1, (long[]){6});
    w3 = gc_uniform(-1, 1, 205, 2, (long[]){6, 1});
}

FN(f_mlp, mlp(X0))
FN(f_mlp_softplus, seli_mul(seli_softplus(mlp(X0)), X0))
FN(f_tanh_mul, seli_mul(seli_tanh(X0), seli_sin(X0)))
FN(f_div_self, seli_div(seli_exp(X0), seli_add_scalar(seli_square(X0), 1)))
FN(f_logsumexp_sq, seli_logsumexp(seli_reshape(seli_square(X0), 2, (long[]){2, -1}), 1, 1))
FN(f_matmul_sq, seli_matmul(seli_reshape(X0, 2, (long[]){2, 3}),
                            seli_reshape(seli_tanh(X0), 2, (long[]){3, 2})))

static const struct {
    const char *label;
    gc_fn f;
} second_cases[] = {
    {"perceptron", f_mlp},       {"softplus of perceptron", f_mlp_softplus},
    {"tanh * sin", f_tanh_mul},  {"exp / (x^2 + 1)", f_div_self},
    {"logsumexp (generic)", f_logsumexp_sq}, {"matmul of x with tanh x", f_matmul_sq},
};

/* seli_jvp(f(x), x, v) at x + e w, in a scope of its own, into out (double). */
static void jvp_along(gc_fn f, seli_tensor *x, seli_tensor *v, double e, const seli_tensor *w,
                      double *out, long size)
{
    seli_tensor *dir = (seli_tensor *)w;
    float *saved = malloc((size_t)x->size * sizeof(float));
    for (long k = 0; k < x->size; k++) {
        saved[k] = x->data[k];
        x->data[k] = (float)((double)x->data[k] + e * (double)dir->data[k]);
    }
    seli_scope_begin();
    seli_tensor *ty = seli_jvp(f(&x, NULL), x, v);
    assert_int_equal(ty->size, size);
    for (long k = 0; k < size; k++)
        out[k] = ty->data[k];
    seli_scope_end();
    for (long k = 0; k < x->size; k++)
        x->data[k] = saved[k];
    free(saved);
}

/* d/dx <c, J(x) v> by seli_grad through seli_jvp_graph, against central
 * differences of <c, J(x) v> along every coordinate of x. */
static void test_reverse_over_forward_matches_differences_of_the_jvp(void **state)
{
    (void)state;
    seli_scope_begin();
    make_mlp();
    for (size_t q = 0; q < sizeof second_cases / sizeof second_cases[0]; q++) {
        seli_scope_begin();
        seli_tensor *x = gc_uniform(-1.5, 1.5, 300 + (unsigned)q, 1, (long[]){6});
        seli_tensor *v = gc_random(-1, 1, 310 + (unsigned)q, 1, (long[]){6});
        seli_tensor *y = second_cases[q].f(&x, NULL);
        seli_tensor *c = gc_random(-1, 1, 320 + (unsigned)q, y->ndim, y->shape);
        seli_tensor *ty = seli_jvp_graph(y, x, v);
        assert_true(seli_on_tape(ty));
        seli_tensor *g = seli_grad(seli_sum_all(seli_mul(ty, c)), x);
        double h = 1e-3, *plus = malloc((size_t)y->size * sizeof(double)),
               *minus = malloc((size_t)y->size * sizeof(double));
        for (long k = 0; k < x->size; k++) {
            seli_tensor *e = seli_zeros(1, (long[]){6});
            e->data[k] = 1;
            jvp_along(second_cases[q].f, x, v, h, e, plus, y->size);
            jvp_along(second_cases[q].f, x, v, -h, e, minus, y->size);
            double numeric = 0;
            for (long j = 0; j < y->size; j++)
                numeric += c->data[j] * (plus[j] - minus[j]) / (2 * h);
            if (!gc__close(g->data[k], numeric, 5e-3))
                fail_msg("%s: d<c, Jv>/dx[%ld] = %.6g by reverse over forward, %.6g by "
                         "differences",
                         second_cases[q].label, k, (double)g->data[k], numeric);
        }
        free(plus);
        free(minus);
        seli_scope_end();
    }
    seli_scope_end();
}

/* seli_jvp of seli_jvp_graph (a second directional derivative) against
 * central differences of the jvp along the second direction. */
static void test_forward_over_forward_matches_differences_of_the_jvp(void **state)
{
    (void)state;
    seli_scope_begin();
    make_mlp();
    for (size_t q = 0; q < sizeof second_cases / sizeof second_cases[0]; q++) {
        seli_scope_begin();
        seli_tensor *x = gc_uniform(-1.5, 1.5, 400 + (unsigned)q, 1, (long[]){6});
        seli_tensor *v = gc_random(-1, 1, 410 + (unsigned)q, 1, (long[]){6});
        seli_tensor *w = gc_random(-1, 1, 420 + (unsigned)q, 1, (long[]){6});
        seli_tensor *y = second_cases[q].f(&x, NULL);
        seli_tensor *tty = seli_jvp(seli_jvp_graph(y, x, v), x, w);
        double h = 1e-3, *plus = malloc((size_t)y->size * sizeof(double)),
               *minus = malloc((size_t)y->size * sizeof(double));
        jvp_along(second_cases[q].f, x, v, h, w, plus, y->size);
        jvp_along(second_cases[q].f, x, v, -h, w, minus, y->size);
        for (long j = 0; j < y->size; j++) {
            double numeric = (plus[j] - minus[j]) / (2 * h);
            if (!gc__close(tty->data[j], numeric, 5e-3))
                fail_msg("%s: element %ld of the jvp of the jvp is %.6g, differences give %.6g",
                         second_cases[q].label, j, (double)tty->data[j], numeric);
        }
        free(plus);
        free(minus);
        seli_scope_end();
    }
    seli_scope_end();
}

/* The normalizing flow's use: f'(x) per sample by forward mode equals the
 * gradient of the sum by reverse mode, and so do the weight gradients of a
 * loss built on it (reverse over forward against reverse over reverse). */
static void test_flow_derivative_by_jvp_equals_reverse_over_the_sum(void **state)
{
    (void)state;
    seli_scope_begin();
    make_mlp();
    seli_tensor *x = gc_uniform(-2, 2, 500, 1, (long[]){16});
    seli_tensor *y = seli_mul(seli_softplus(mlp(x)), x);
    seli_tensor *forward = seli_jvp_graph(y, x, NULL);
    seli_tensor *reverse = seli_grad_graph(seli_sum_all(y), x);
    for (long k = 0; k < x->size; k++)
        assert_float_equal(forward->data[k], reverse->data[k],
                           1e-5 * (1 + fabsf(reverse->data[k])));
    seli_tensor *params[5] = {w1, b1, w2, b2, w3};
    seli_tensor *gf[5], *gr[5];
    seli_vjp(seli_sum_all(seli_square(forward)), NULL, 5, params, gf, 0);
    seli_vjp(seli_sum_all(seli_square(reverse)), NULL, 5, params, gr, 0);
    for (int p = 0; p < 5; p++)
        for (long k = 0; k < params[p]->size; k++)
            assert_float_equal(gf[p]->data[k], gr[p]->data[k],
                               1e-4 * (1 + fabsf(gr[p]->data[k])));
    seli_scope_end();
}

/* --- semantics and misuse --- */

/* Tangents from several inputs add up; an x computed from another x adds
 * its own direction to the one that flows into it (the transpose of seli_vjp,
 * which gives each x its total gradient). */
static void test_several_inputs_and_an_input_computed_from_another(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *x1 = gc_uniform(-1, 1, 600, 1, (long[]){5});
    seli_tensor *x2 = gc_uniform(-1, 1, 601, 1, (long[]){5});
    seli_tensor *v1 = gc_random(-1, 1, 602, 1, (long[]){5});
    seli_tensor *vh = gc_random(-1, 1, 603, 1, (long[]){5});
    seli_tensor *h = seli_exp(x1);
    seli_tensor *y = seli_add(seli_mul(x1, x2), seli_sin(h));
    seli_tensor *ty = seli_jvp_n(y, 2, (seli_tensor *[]){x1, h}, (seli_tensor *[]){v1, vh}, 0);
    for (long k = 0; k < 5; k++) {
        float th = h->data[k] * v1->data[k] + vh->data[k];
        float want = v1->data[k] * x2->data[k] + cosf(h->data[k]) * th;
        assert_float_equal(ty->data[k], want, 1e-5);
    }
    /* NULL tangents mean ones */
    seli_tensor *ones = seli_jvp_n(y, 2, (seli_tensor *[]){x1, x2}, NULL, 0);
    for (long k = 0; k < 5; k++) {
        float want = x2->data[k] + cosf(h->data[k]) * h->data[k] + x1->data[k];
        assert_float_equal(ones->data[k], want, 1e-5);
    }
    seli_scope_end();
}

static void test_y_independent_of_x_gets_a_zero_tangent(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *x = gc_uniform(-1, 1, 700, 1, (long[]){3});
    seli_tensor *a = gc_uniform(-1, 1, 701, 2, (long[]){2, 2});
    seli_tensor *y = seli_sin(a); /* on the tape, but not from x */
    seli_tensor *ty = seli_jvp(y, x, NULL);
    assert_true(seli_same_shape(ty, y));
    for (long k = 0; k < ty->size; k++)
        assert_float_equal(ty->data[k], 0, 0);
    seli_tensor *c = seli_jvp_graph(seli_ones(1, (long[]){4}), x, NULL); /* a constant y */
    assert_int_equal(c->size, 4);
    assert_float_equal(c->data[3], 0, 0);
    seli_scope_end();
}

static void test_result_ownership_and_tape(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *x = gc_uniform(-1, 1, 800, 1, (long[]){3});
    seli_tensor *v = gc_random(-1, 1, 801, 1, (long[]){3});
    seli_tensor *same = seli_jvp(x, x, v); /* y is x: J = I */
    assert_ptr_not_equal(same, v);
    for (long k = 0; k < 3; k++)
        assert_float_equal(same->data[k], v->data[k], 0);
    seli_tensor *y = seli_sin(x);
    assert_false(seli_on_tape(seli_jvp(y, x, v)));
    assert_true(seli_on_tape(seli_jvp_graph(y, x, v)));
    seli_no_grad_begin(); /* forward mode itself works in no-grad regions */
    seli_tensor *t = seli_jvp(y, x, v);
    seli_no_grad_end();
    assert_float_equal(t->data[1], cosf(x->data[1]) * v->data[1], 1e-6);
    assert_int_equal(seli_no_grad_depth(), 0);
    seli_scope_end();
}

static void test_misuse_says_what_to_do(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *x = gc_uniform(-1, 1, 900, 1, (long[]){3});
    seli_tensor *loose = seli_ones(1, (long[]){3});
    seli_tensor *y = seli_sin(x);
    EXPECT_SELI_ERROR(seli_jvp(seli_sin(loose), loose, NULL), "mark it with seli_requires_grad");
    EXPECT_SELI_ERROR(seli_jvp(y, x, seli_ones(1, (long[]){4})), "must have x's shape");
    EXPECT_SELI_ERROR(seli_jvp(NULL, x, NULL), "seli_jvp");
    EXPECT_SELI_ERROR(seli_jvp_graph(y, NULL, NULL), "seli_jvp_graph");
    EXPECT_SELI_ERROR(seli_jvp_n(y, 0, NULL, NULL, 0), "n >= 1");
    assert_int_equal(seli_no_grad_depth(), 0);
    /* and the tape still works afterwards */
    assert_float_equal(seli_jvp(y, x, NULL)->data[0], cosf(x->data[0]), 1e-6);
    seli_scope_end();
}

/* The leaky ReLU's second derivative is zero, and its gradient rule says so
 * with NULL: forward mode through a gradient must read that as a zero
 * Jacobian and still carry the tangent that flows through w. */
static void test_jvp_through_a_leaky_gradient_reads_null_as_zero(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *x = gc_uniform(-1, 1, 1000, 2, (long[]){3, 4});
    seli_tensor *w = gc_uniform(0.5f, 1.5f, 1001, 1, (long[]){4});
    seli_tensor *dx = seli_grad_graph(seli_sum_all(seli_leaky_relu(seli_mul(x, w), 0.1f)), x);
    seli_tensor *v = gc_random(-1, 1, 1002, 2, (long[]){3, 4});
    seli_tensor *t = seli_jvp(dx, x, v); /* d/dx of slope(xw) w: zero almost everywhere */
    for (long k = 0; k < t->size; k++)
        assert_float_equal(t->data[k], 0, 0);
    seli_tensor *vw = gc_random(-1, 1, 1003, 1, (long[]){4});
    seli_tensor *tw = seli_jvp(dx, w, vw); /* d/dw: slope(xw) vw, as the chain rule says */
    for (long r = 0; r < 3; r++)
        for (long c = 0; c < 4; c++) {
            float z = x->data[r * 4 + c] * w->data[c];
            assert_float_equal(tw->data[r * 4 + c], (z > 0 ? 1.0f : 0.1f) * vw->data[c], 1e-6);
        }
    seli_scope_end();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unary_ops_match_finite_differences_and_vjp),
        cmocka_unit_test(test_binary_ops_match_finite_differences_and_vjp),
        cmocka_unit_test(test_broadcasting_binary_ops_match),
        cmocka_unit_test(test_matmul_affine_reductions_and_shape_ops_match),
        cmocka_unit_test(test_ops_without_a_rule_match_through_the_transpose),
        cmocka_unit_test(test_reverse_over_forward_matches_differences_of_the_jvp),
        cmocka_unit_test(test_forward_over_forward_matches_differences_of_the_jvp),
        cmocka_unit_test(test_flow_derivative_by_jvp_equals_reverse_over_the_sum),
        cmocka_unit_test(test_several_inputs_and_an_input_computed_from_another),
        cmocka_unit_test(test_y_independent_of_x_gets_a_zero_tangent),
        cmocka_unit_test(test_result_ownership_and_tape),
        cmocka_unit_test(test_misuse_says_what_to_do),
        cmocka_unit_test(test_jvp_through_a_leaky_gradient_reads_null_as_zero),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
