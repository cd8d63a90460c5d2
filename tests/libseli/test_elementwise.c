/* Elementwise operations: forward values against libm, numpy broadcasting,
 * first- and second-order gradients against finite differences, masks that
 * carry no gradient, and the errors a student meets. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "error_trap.h"
#include "gradcheck.h"
#include "seli.h"

#define FIRST_ORDER_TOL 2e-3
#define SECOND_ORDER_TOL 5e-3

/* --- reference functions in double precision --- */

static double ref_neg(double x) { return -x; }
static double ref_square(double x) { return x * x; }
static double ref_sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }
static double ref_softplus(double x) { return x > 30 ? x : log1p(exp(x)); }
static double ref_relu(double x) { return x > 0 ? x : 0; }
static double ref_leaky_relu(double x) { return x > 0 ? x : 0.01 * x; }
static double ref_elu(double x) { return x > 0 ? x : 0.7 * (exp(x) - 1); }
static double ref_gelu(double x)
{
    return 0.5 * x * (1 + tanh(sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
}
static double ref_clamp(double x) { return x < -0.5 ? -0.5 : x > 0.8 ? 0.8 : x; }
static double ref_add3(double x) { return x + 3; }
static double ref_mul3(double x) { return x * -2.5; }
static double ref_pow17(double x) { return pow(x, 1.7); }
static double ref_cube(double x) { return x * x * x; }
static double ref_inv(double x) { return 1 / x; }

/* Ops with parameters, as unary functions. */
static seli_tensor *leaky_relu_001(const seli_tensor *a) { return seli_leaky_relu(a, 0.01f); }
static seli_tensor *elu_07(const seli_tensor *a) { return seli_elu(a, 0.7f); }
static seli_tensor *clamp_05_08(const seli_tensor *a) { return seli_clamp(a, -0.5f, 0.8f); }
static seli_tensor *add_scalar_3(const seli_tensor *a) { return seli_add_scalar(a, 3); }
static seli_tensor *mul_scalar_m25(const seli_tensor *a) { return seli_mul_scalar(a, -2.5f); }
static seli_tensor *pow_scalar_17(const seli_tensor *a) { return seli_pow_scalar(a, 1.7f); }
static seli_tensor *pow_scalar_3(const seli_tensor *a) { return seli_pow_scalar(a, 3); }
static seli_tensor *pow_scalar_2(const seli_tensor *a) { return seli_pow_scalar(a, 2); }
static seli_tensor *pow_scalar_half(const seli_tensor *a) { return seli_pow_scalar(a, 0.5f); }
static seli_tensor *pow_scalar_m1(const seli_tensor *a) { return seli_pow_scalar(a, -1); }

typedef seli_tensor *(*unary_op)(const seli_tensor *);

typedef struct {
    const char *name;
    unary_op op;
    double (*ref)(double);
    double lo, hi;   /* the input range for the checks */
    double kinks[2]; /* points to stay away from (NAN: none) */
    int smooth;      /* nonzero if the second derivative is nonzero somewhere */
} unary_case;

static const unary_case unary_cases[] = {
    {"neg", seli_neg, ref_neg, -3, 3, {NAN, NAN}, 0},
    {"square", seli_square, ref_square, -3, 3, {NAN, NAN}, 1},
    {"sqrt", seli_sqrt, sqrt, 0.2, 4, {NAN, NAN}, 1},
    {"exp", seli_exp, exp, -3, 2, {NAN, NAN}, 1},
    {"log", seli_log, log, 0.2, 5, {NAN, NAN}, 1},
    {"abs", seli_abs, fabs, -3, 3, {0, NAN}, 0},
    {"sin", seli_sin, sin, -3, 3, {NAN, NAN}, 1},
    {"cos", seli_cos, cos, -3, 3, {NAN, NAN}, 1},
    {"tanh", seli_tanh, tanh, -2.5, 2.5, {NAN, NAN}, 1},
    {"sigmoid", seli_sigmoid, ref_sigmoid, -4, 4, {NAN, NAN}, 1},
    {"softplus", seli_softplus, ref_softplus, -4, 4, {NAN, NAN}, 1},
    {"relu", seli_relu, ref_relu, -3, 3, {0, NAN}, 0},
    {"leaky_relu", leaky_relu_001, ref_leaky_relu, -3, 3, {0, NAN}, 0},
    {"elu", elu_07, ref_elu, -3, 3, {0, NAN}, 1},
    {"gelu", seli_gelu, ref_gelu, -3, 3, {NAN, NAN}, 1},
    {"clamp", clamp_05_08, ref_clamp, -1.5, 1.5, {-0.5, 0.8}, 0},
    {"add_scalar", add_scalar_3, ref_add3, -3, 3, {NAN, NAN}, 0},
    {"mul_scalar", mul_scalar_m25, ref_mul3, -3, 3, {NAN, NAN}, 0},
    {"pow_scalar 1.7", pow_scalar_17, ref_pow17, 0.3, 3, {NAN, NAN}, 1},
    {"pow_scalar 3", pow_scalar_3, ref_cube, -2, 2, {NAN, NAN}, 1},
    {"pow_scalar 2", pow_scalar_2, ref_square, -2, 2, {NAN, NAN}, 1},
    {"pow_scalar 0.5", pow_scalar_half, sqrt, 0.3, 3, {NAN, NAN}, 1},
    {"pow_scalar -1", pow_scalar_m1, ref_inv, 0.5, 3, {NAN, NAN}, 1},
};
#define N_UNARY (sizeof unary_cases / sizeof unary_cases[0])

/* Move every element at least `margin` away from the case's kinks. */
static void avoid_kinks(seli_tensor *t, const unary_case *c, double margin)
{
    for (long k = 0; k < t->size; k++)
        for (int j = 0; j < 2; j++)
            if (!isnan(c->kinks[j]) && fabs(t->data[k] - c->kinks[j]) < margin)
                t->data[k] = (float)(c->kinks[j] + (t->data[k] >= c->kinks[j] ? margin : -margin));
}

static void assert_close(double got, double want, double rtol, const char *what, long k)
{
    if (!(fabs(got - want) <= rtol * (1e-3 + fabs(want))))
        fail_msg("%s element %ld: got %.9g, libm says %.9g", what, k, got, want);
}

static void test_unary_ops_match_libm(void **state)
{
    (void)state;
    seli_scope_begin();
    for (size_t c = 0; c < N_UNARY; c++) {
        const unary_case *uc = &unary_cases[c];
        seli_tensor *x = gc_random(uc->lo, uc->hi, 10 + (unsigned)c, SELI_SHAPE(5, 7));
        seli_tensor *y = uc->op(x);
        assert_int_equal(y->ndim, 2);
        assert_int_equal(y->shape[0], 5);
        assert_int_equal(y->shape[1], 7);
        for (long k = 0; k < x->size; k++)
            assert_close(y->data[k], uc->ref(x->data[k]), 1e-5, uc->name, k);
    }
    seli_scope_end();
}

/* Where e^x underflows, seli_exp gives +0 exactly where the rounded e^x is
 * +0 and the subnormal otherwise (within one ulp, in units of 2^-149). */
static void test_exp_underflows_as_expf_does(void **state)
{
    (void)state;
    seli_scope_begin();
    float xs[] = {-1e30f, -200, -104.5f, -104.0f, -103.99f,  -103.9f, -103.0f,
                  -90,    -88,  -87.3f,  0,       -INFINITY, NAN};
    long n = (long)(sizeof xs / sizeof xs[0]);
    seli_tensor *y = seli_exp(seli_from_array(xs, SELI_SHAPE(n)));
    for (long k = 0; k < n; k++) {
        float want = expf(xs[k]);
        if (isnan(want)) {
            assert_true(isnan(y->data[k]));
            continue;
        }
        if ((want == 0.0f) != (y->data[k] == 0.0f) || signbit(y->data[k]) ||
            fabs((double)y->data[k] - (double)want) > fmax(0x1p-149, 2e-7 * (double)want))
            fail_msg("exp(%g): got %a, expf gives %a", xs[k], y->data[k], want);
    }
    assert_true(y->data[5] > 0); /* -103.9: a subnormal, not flushed */
    seli_scope_end();
}

/* seli_exp is the vectorised e^x of ops/expm1_wide.c (test_expm1_wide.c
 * walks every float range against double exp): through the op, on a
 * tensor whose length leaves a scalar tail, it stays within 1 ulp of the
 * exact value on 2^20 floats spread over all bit patterns and every float
 * near 0, +-1, +-88 and -104. */
static void test_exp_is_within_one_ulp_of_the_exact_value(void **state)
{
    (void)state;
    seli_scope_begin();
    enum { SPREAD = 1 << 20, BAND = 1 << 14 };
    float edges[] = {0.0f, 88.0f, -88.0f, -104.0f, 1.0f, -1.0f};
    long n = SPREAD + (long)(sizeof edges / sizeof edges[0]) * 2 * BAND + 3;
    seli_tensor *x = seli_tensor_new(1, (long[]){n});
    for (long i = 0; i < SPREAD; i++) {
        uint32_t b = (uint32_t)i * 4096u + (uint32_t)(i % 4093);
        memcpy(&x->data[i], &b, sizeof b);
    }
    long k = SPREAD;
    for (size_t e = 0; e < sizeof edges / sizeof edges[0]; e++) {
        uint32_t b;
        memcpy(&b, &edges[e], sizeof b);
        for (long d = -BAND; d < BAND; d++) {
            uint32_t v = b + (uint32_t)d;
            memcpy(&x->data[k++], &v, sizeof v);
        }
    }
    x->data[k++] = 0.5f, x->data[k++] = -0.5f, x->data[k++] = 3.0f;
    seli_tensor *y = seli_exp(x);
    long bad = 0;
    for (long i = 0; i < n; i++) {
        float xi = x->data[i], yi = y->data[i];
        double t = exp((double)xi);
        if (isnan(xi) || (isinf(yi) && (float)t == yi))
            continue;
        int e;
        frexp(t, &e);
        double ulp = fmax(ldexp(1.0, e - 24), 0x1p-149);
        if (!(fabs((double)yi - t) <= ulp) && bad++ < 5)
            print_error("exp(%a): got %a, exact %a\n", xi, yi, t);
    }
    assert_int_equal(bad, 0);
    seli_tensor_free(x);
    seli_scope_end();
}

static void test_sigmoid_and_softplus_are_stable_at_extremes(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *x = seli_from_array((float[]){-100, -30, 30, 100}, SELI_SHAPE(4));
    seli_tensor *s = seli_sigmoid(x), *p = seli_softplus(x);
    for (int k = 0; k < 4; k++) {
        assert_true(isfinite(s->data[k]));
        assert_true(isfinite(p->data[k]));
        assert_close(s->data[k], ref_sigmoid(x->data[k]), 1e-5, "sigmoid", k);
    }
    assert_float_equal(p->data[3], 100.0f, 1e-5);
    assert_float_equal(p->data[2], 30.0f, 1e-5);
    assert_true(p->data[0] >= 0 && p->data[0] < 1e-40f);
    assert_close(p->data[1], log1p(exp(-30.0)), 1e-4, "softplus", 1);
    seli_scope_end();
}

static seli_tensor *apply_unary(seli_tensor *const *xs, void *ctx)
{
    return ((const unary_case *)ctx)->op(xs[0]);
}

/* seli_tanh has its own float kernel (not tanhf): check it densely, tiny
 * arguments and saturation included. */
static void test_tanh_is_accurate_across_its_range(void **state)
{
    (void)state;
    seli_scope_begin();
    long n = 40001;
    seli_tensor *x = seli_linspace(-20, 20, n);
    for (long k = 0; k < n; k += 3)
        x->data[k] *= 1e-3f; /* many small arguments too */
    seli_tensor *y = seli_tanh(x);
    double worst = 0;
    for (long k = 0; k < n; k++) {
        double want = tanh((double)x->data[k]);
        double err = want == 0 ? fabs(y->data[k]) : fabs(y->data[k] - want) / fabs(want);
        if (err > worst)
            worst = err;
    }
    if (!(worst < 4e-7))
        fail_msg("seli_tanh: worst relative error %.3g against tanh in double", worst);
    seli_tensor *ends =
        seli_tanh(seli_from_array((float[]){-INFINITY, -0.0f, 0, INFINITY}, SELI_SHAPE(4)));
    assert_true(ends->data[0] == -1 && ends->data[3] == 1);
    assert_true(ends->data[2] == 0 && !signbit(ends->data[2]) && signbit(ends->data[1]));
    seli_scope_end();
}

static void test_unary_gradients_match_finite_differences(void **state)
{
    (void)state;
    for (size_t c = 0; c < N_UNARY; c++) {
        const unary_case *uc = &unary_cases[c];
        seli_scope_begin();
        seli_tensor *x = gc_uniform(uc->lo, uc->hi, 100 + (unsigned)c, SELI_SHAPE(3, 4));
        avoid_kinks(x, uc, 0.05);
        gc_set_label(uc->name);
        gradcheck(apply_unary, 1, &x, (void *)uc, FIRST_ORDER_TOL);
        gradcheck2(apply_unary, 1, &x, (void *)uc, SECOND_ORDER_TOL);
        seli_scope_end();
    }
}

/* The second-order check must not pass vacuously: for smooth ops the
 * gradient of the gradient is on the tape and nonzero. */
static void test_unary_gradients_are_themselves_differentiable(void **state)
{
    (void)state;
    for (size_t c = 0; c < N_UNARY; c++) {
        const unary_case *uc = &unary_cases[c];
        if (!uc->smooth)
            continue;
        seli_scope_begin();
        seli_tensor *x = gc_uniform(uc->lo, uc->hi, 200 + (unsigned)c, SELI_SHAPE(6));
        avoid_kinks(x, uc, 0.05);
        for (long k = 0; k < x->size; k++) /* elu is curved on the left only */
            if (uc->op == elu_07)
                x->data[k] = -fabsf(x->data[k]) - 0.1f;
        seli_tensor *g = seli_grad_graph(seli_sum_all(uc->op(x)), x);
        if (!seli_on_tape(g))
            fail_msg("%s: the gradient is not on the tape with create_graph", uc->name);
        seli_tensor *h = seli_grad(seli_sum_all(g), x);
        double norm = 0;
        for (long k = 0; k < h->size; k++)
            norm += fabs(h->data[k]);
        if (!(norm > 1e-3))
            fail_msg("%s: the second derivative is zero everywhere", uc->name);
        seli_scope_end();
    }
}

/* --- binary ops with broadcasting --- */

static double ref_add(double a, double b) { return a + b; }
static double ref_sub(double a, double b) { return a - b; }
static double ref_mul(double a, double b) { return a * b; }
static double ref_div(double a, double b) { return a / b; }
static double ref_max(double a, double b) { return a > b ? a : b; }
static double ref_min(double a, double b) { return a < b ? a : b; }
static double ref_greater(double a, double b) { return a > b; }
static double ref_greater_equal(double a, double b) { return a >= b; }
static double ref_less(double a, double b) { return a < b; }
static double ref_less_equal(double a, double b) { return a <= b; }
static double ref_equal(double a, double b) { return a == b; }

typedef seli_tensor *(*binary_op)(const seli_tensor *, const seli_tensor *);

typedef struct {
    const char *name;
    binary_op op;
    double (*ref)(double, double);
    double alo, ahi, blo, bhi; /* input ranges */
    int avoid_ties;            /* keep |a - b| away from 0 (maximum, minimum) */
} binary_case;

static const binary_case binary_cases[] = {
    {"add", seli_add, ref_add, -2, 2, -2, 2, 0},
    {"sub", seli_sub, ref_sub, -2, 2, -2, 2, 0},
    {"mul", seli_mul, ref_mul, -2, 2, -2, 2, 0},
    {"div", seli_div, ref_div, -2, 2, 0.5, 2, 0},
    {"pow", seli_pow, pow, 0.3, 2.5, -1.5, 1.5, 0},
    {"maximum", seli_maximum, ref_max, -2, 2, -2, 2, 1},
    {"minimum", seli_minimum, ref_min, -2, 2, -2, 2, 1},
};
#define N_BINARY (sizeof binary_cases / sizeof binary_cases[0])

typedef struct {
    int andim;
    long ashape[3];
    int bndim;
    long bshape[3];
} shape_pair;

static const shape_pair shape_pairs[] = {
    {2, {3, 4}, 2, {3, 4}},    /* same shape */
    {2, {3, 1}, 1, {4}},       /* [3,1] + [4] -> [3,4] */
    {3, {2, 3, 4}, 1, {4}},    /* [2,3,4] * [4] */
    {0, {0}, 2, {2, 3}},       /* scalar on the left */
    {2, {2, 3}, 0, {0}},       /* scalar on the right */
    {3, {2, 1, 4}, 2, {3, 1}}, /* both stretch */
    {1, {1}, 3, {2, 1, 3}},    /* a one-element vector */
    {1, {4}, 2, {3, 1}},       /* rows of a against one element of b each */
    {2, {3, 1}, 3, {2, 1, 1}}, /* rows of one element: the strided loop */
};
#define N_PAIRS (sizeof shape_pairs / sizeof shape_pairs[0])

/* The broadcast of two shapes, computed here independently of libseli. */
static int ref_broadcast_shape(const seli_tensor *a, const seli_tensor *b, long *shape)
{
    int nd = a->ndim > b->ndim ? a->ndim : b->ndim;
    for (int d = 0; d < nd; d++) {
        int da = d - nd + a->ndim, db = d - nd + b->ndim;
        long sa = da >= 0 ? a->shape[da] : 1, sb = db >= 0 ? b->shape[db] : 1;
        shape[d] = sa > sb ? sa : sb;
    }
    return nd;
}

/* The flat index into t of the output element whose multi-index is idx. */
static long ref_source_index(const seli_tensor *t, int nd, const long *idx)
{
    long flat = 0;
    for (int d = 0; d < t->ndim; d++) {
        long i = idx[d + nd - t->ndim];
        flat = flat * t->shape[d] + (t->shape[d] == 1 ? 0 : i);
    }
    return flat;
}

/* Visit every output element: fn(k, index into a, index into b). */
static void ref_each(const seli_tensor *a, const seli_tensor *b,
                     void (*fn)(long k, long ia, long ib, void *ctx), void *ctx)
{
    long shape[SELI_MAX_DIMS], idx[SELI_MAX_DIMS];
    int nd = ref_broadcast_shape(a, b, shape);
    long n = 1;
    for (int d = 0; d < nd; d++)
        n *= shape[d];
    for (long k = 0; k < n; k++) {
        long r = k;
        for (int d = nd - 1; d >= 0; d--) {
            idx[d] = r % shape[d];
            r /= shape[d];
        }
        fn(k, ref_source_index(a, nd, idx), ref_source_index(b, nd, idx), ctx);
    }
}

typedef struct {
    const seli_tensor *a, *b, *y;
    double (*ref)(double, double);
    const char *name;
    double gap;
} ref_check;

static void check_element(long k, long ia, long ib, void *ctx)
{
    ref_check *c = ctx;
    assert_close(c->y->data[k], c->ref(c->a->data[ia], c->b->data[ib]), 1e-5, c->name, k);
}

static void measure_gap(long k, long ia, long ib, void *ctx)
{
    ref_check *c = ctx;
    double gap = fabs((double)c->a->data[ia] - c->b->data[ib]);
    if (gap < c->gap)
        c->gap = gap;
}

/* Inputs for a binary case and shape pair, on the tape; away from ties when
 * the case asks for it. */
static void binary_inputs(const binary_case *bc, const shape_pair *sp, unsigned seed,
                          seli_tensor **a, seli_tensor **b)
{
    for (unsigned attempt = 0;; attempt++) {
        *a = gc_uniform(bc->alo, bc->ahi, seed + 1000 * attempt, sp->andim, sp->ashape);
        *b = gc_uniform(bc->blo, bc->bhi, seed + 1000 * attempt + 1, sp->bndim, sp->bshape);
        if (!bc->avoid_ties)
            return;
        ref_check c = {*a, *b, NULL, NULL, NULL, INFINITY};
        ref_each(*a, *b, measure_gap, &c);
        if (c.gap > 0.02)
            return;
        assert_true(attempt < 200);
    }
}

static void test_binary_ops_broadcast_like_numpy(void **state)
{
    (void)state;
    seli_scope_begin();
    for (size_t c = 0; c < N_BINARY; c++)
        for (size_t p = 0; p < N_PAIRS; p++) {
            const binary_case *bc = &binary_cases[c];
            const shape_pair *sp = &shape_pairs[p];
            seli_tensor *a, *b;
            binary_inputs(bc, sp, 7 * (unsigned)(c * N_PAIRS + p), &a, &b);
            seli_tensor *y = bc->op(a, b);
            long shape[SELI_MAX_DIMS];
            int nd = ref_broadcast_shape(a, b, shape);
            assert_int_equal(y->ndim, nd);
            for (int d = 0; d < nd; d++)
                assert_int_equal(y->shape[d], shape[d]);
            ref_check rc = {a, b, y, bc->ref, bc->name, 0};
            ref_each(a, b, check_element, &rc);
        }
    seli_scope_end();
}

static void test_broadcast_examples_by_hand(void **state)
{
    (void)state;
    seli_scope_begin();
    /* [3,1] + [4] -> [3,4]: row i, column j holds a[i] + b[j] */
    seli_tensor *a = seli_from_array((float[]){0, 10, 20}, SELI_SHAPE(3, 1));
    seli_tensor *b = seli_from_array((float[]){1, 2, 3, 4}, SELI_SHAPE(4));
    seli_tensor *y = seli_add(a, b);
    assert_int_equal(y->ndim, 2);
    assert_int_equal(y->shape[0], 3);
    assert_int_equal(y->shape[1], 4);
    assert_float_equal(seli_get(y, SELI_INDEX(2, 1)), 22.0f, 0);
    assert_float_equal(seli_get(y, SELI_INDEX(0, 3)), 4.0f, 0);
    /* [2,3,4] * [4] scales the last axis */
    seli_tensor *x = seli_ones(SELI_SHAPE(2, 3, 4));
    seli_tensor *z = seli_mul(x, b);
    assert_float_equal(seli_get(z, SELI_INDEX(1, 2, 3)), 4.0f, 0);
    assert_float_equal(seli_get(z, SELI_INDEX(1, 0, 0)), 1.0f, 0);
    /* a scalar tensor on either side */
    seli_tensor *s = seli_sub(seli_scalar(10), b);
    assert_int_equal(s->ndim, 1);
    assert_float_equal(s->data[3], 6.0f, 0);
    seli_tensor *d = seli_div(b, seli_scalar(2));
    assert_float_equal(d->data[2], 1.5f, 0);
    seli_scope_end();
}

static seli_tensor *apply_binary(seli_tensor *const *xs, void *ctx)
{
    return ((const binary_case *)ctx)->op(xs[0], xs[1]);
}

static void test_binary_gradients_match_finite_differences(void **state)
{
    (void)state;
    for (size_t c = 0; c < N_BINARY; c++)
        for (size_t p = 0; p < N_PAIRS; p++) {
            const binary_case *bc = &binary_cases[c];
            seli_scope_begin();
            seli_tensor *xs[2];
            binary_inputs(bc, &shape_pairs[p], 31 * (unsigned)(c * N_PAIRS + p), &xs[0], &xs[1]);
            char label[64];
            snprintf(label, sizeof label, "%s, shape pair %zu", bc->name, p);
            gc_set_label(label);
            gradcheck(apply_binary, 2, xs, (void *)bc, FIRST_ORDER_TOL);
            gradcheck2(apply_binary, 2, xs, (void *)bc, SECOND_ORDER_TOL);
            seli_scope_end();
        }
}

static void test_pow_gradient_in_the_exponent_is_zero_for_nonpositive_base(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *a = seli_from_array((float[]){-2, 0, 2}, SELI_SHAPE(3));
    seli_tensor *b = seli_requires_grad(seli_full(2, SELI_SHAPE(3)));
    seli_tensor *g = seli_grad(seli_sum_all(seli_pow(a, b)), b);
    assert_float_equal(g->data[0], 0.0f, 0);
    assert_float_equal(g->data[1], 0.0f, 0);
    assert_float_equal(g->data[2], (float)(4 * log(2.0)), 1e-5);
    seli_scope_end();
}

static void test_maximum_and_minimum_split_the_gradient_on_ties(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *a = seli_requires_grad(seli_from_array((float[]){1, 2, 3}, SELI_SHAPE(3)));
    seli_tensor *b = seli_requires_grad(seli_from_array((float[]){3, 2, 1}, SELI_SHAPE(3)));
    seli_tensor *ga[1], *gb[1];
    seli_tensor *mx = seli_maximum(a, b), *mn = seli_minimum(a, b);
    ga[0] = seli_grad(seli_sum_all(mx), a);
    gb[0] = seli_grad(seli_sum_all(mx), b);
    const float want_a[3] = {0, 0.5f, 1}, want_b[3] = {1, 0.5f, 0};
    for (int k = 0; k < 3; k++) {
        assert_float_equal(ga[0]->data[k], want_a[k], 0);
        assert_float_equal(gb[0]->data[k], want_b[k], 0);
    }
    ga[0] = seli_grad(seli_sum_all(mn), a);
    for (int k = 0; k < 3; k++)
        assert_float_equal(ga[0]->data[k], want_b[k], 0);
    seli_scope_end();
}

static void test_piecewise_gradients_are_masks(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *x =
        seli_requires_grad(seli_from_array((float[]){-2, -0.5f, 0.5f, 2}, SELI_SHAPE(4)));
    seli_tensor *g;
    g = seli_grad(seli_sum_all(seli_relu(x)), x);
    assert_float_equal(g->data[0], 0, 0);
    assert_float_equal(g->data[3], 1, 0);
    g = seli_grad(seli_sum_all(seli_clamp(x, -1, 1)), x);
    const float clamp_want[4] = {0, 1, 1, 0};
    for (int k = 0; k < 4; k++)
        assert_float_equal(g->data[k], clamp_want[k], 0);
    g = seli_grad(seli_sum_all(seli_abs(x)), x);
    assert_float_equal(g->data[0], -1, 0);
    assert_float_equal(g->data[2], 1, 0);
    g = seli_grad(seli_sum_all(seli_leaky_relu(x, 0.2f)), x);
    assert_float_equal(g->data[1], 0.2f, 1e-7);
    assert_float_equal(g->data[2], 1, 0);
    seli_scope_end();
}

/* --- where --- */

typedef struct {
    const seli_tensor *cond;
} where_ctx;

static seli_tensor *apply_where(seli_tensor *const *xs, void *ctx)
{
    return seli_where(((where_ctx *)ctx)->cond, xs[0], xs[1]);
}

static void test_where_selects_and_routes_gradients(void **state)
{
    (void)state;
    seli_scope_begin();
    /* cond [3,1], a [4], b [] -> [3,4]; nonzero means true */
    seli_tensor *cond = seli_from_array((float[]){1, 0, -2}, SELI_SHAPE(3, 1));
    seli_tensor *a = gc_uniform(-1, 1, 5, SELI_SHAPE(4));
    seli_tensor *b = gc_uniform(-1, 1, 6, 0, NULL);
    seli_tensor *y = seli_where(cond, a, b);
    assert_int_equal(y->ndim, 2);
    assert_int_equal(y->shape[0], 3);
    assert_int_equal(y->shape[1], 4);
    for (long j = 0; j < 4; j++) {
        assert_float_equal(seli_get(y, SELI_INDEX(0, j)), a->data[j], 0);
        assert_float_equal(seli_get(y, SELI_INDEX(1, j)), b->data[0], 0);
        assert_float_equal(seli_get(y, SELI_INDEX(2, j)), a->data[j], 0);
    }
    seli_tensor *gb = seli_grad(seli_sum_all(y), b);
    assert_float_equal(gb->data[0], 4.0f, 0); /* one row of four picks b */
    where_ctx ctx = {cond};
    seli_tensor *xs[2] = {a, b};
    gc_set_label("where, broadcast");
    gradcheck(apply_where, 2, xs, &ctx, FIRST_ORDER_TOL);
    gradcheck2(apply_where, 2, xs, &ctx, SECOND_ORDER_TOL);
    /* same shapes */
    seli_tensor *c2 = seli_from_array((float[]){0, 1, 1, 0, 1, 0}, SELI_SHAPE(2, 3));
    seli_tensor *ys[2] = {gc_uniform(-1, 1, 7, SELI_SHAPE(2, 3)),
                          gc_uniform(-1, 1, 8, SELI_SHAPE(2, 3))};
    ctx.cond = c2;
    gc_set_label("where, same shapes");
    gradcheck(apply_where, 2, ys, &ctx, FIRST_ORDER_TOL);
    seli_scope_end();
}

/* A scalar a or b beside a cond and other operand of the output's shape (elu's
 * derivative, where(mask, 1, d), takes this path): each element picks its own side. */
static void test_where_with_a_scalar_side_selects_per_element(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *cond = seli_from_array((float[]){1, 0, -2, 0, 0, 3}, SELI_SHAPE(2, 3));
    seli_tensor *full = gc_uniform(-1, 1, 11, SELI_SHAPE(2, 3));
    seli_tensor *one = seli_scalar(7);
    seli_tensor *left = seli_where(cond, one, full), *right = seli_where(cond, full, one);
    assert_int_equal(left->ndim, 2);
    assert_int_equal(right->shape[1], 3);
    for (long k = 0; k < 6; k++) {
        int c = cond->data[k] != 0;
        assert_float_equal(left->data[k], c ? 7.0f : full->data[k], 0);
        assert_float_equal(right->data[k], c ? full->data[k] : 7.0f, 0);
    }
    where_ctx ctx = {cond};
    seli_tensor *xs[2] = {gc_uniform(-1, 1, 12, 0, NULL), full};
    gc_set_label("where, scalar a");
    gradcheck(apply_where, 2, xs, &ctx, FIRST_ORDER_TOL);
    seli_tensor *ys[2] = {full, gc_uniform(-1, 1, 13, 0, NULL)};
    gc_set_label("where, scalar b");
    gradcheck2(apply_where, 2, ys, &ctx, SECOND_ORDER_TOL);
    seli_scope_end();
}

/* A where feeding a smooth op: its second derivative must flow through. */
static seli_tensor *where_then_square(seli_tensor *const *xs, void *ctx)
{
    return seli_square(seli_where(((where_ctx *)ctx)->cond, xs[0], xs[1]));
}

static void test_where_is_differentiable_twice(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *cond = seli_from_array((float[]){1, 0}, SELI_SHAPE(2, 1));
    seli_tensor *xs[2] = {gc_uniform(-1, 1, 9, SELI_SHAPE(2, 3)),
                          gc_uniform(-1, 1, 10, SELI_SHAPE(3))};
    where_ctx ctx = {cond};
    gc_set_label("square(where)");
    gradcheck2(where_then_square, 2, xs, &ctx, SECOND_ORDER_TOL);
    seli_scope_end();
}

/* --- broadcast_to and sum_to --- */

typedef struct {
    int ndim;
    long shape[3];
    int to_sum; /* 0: broadcast_to, 1: sum_to */
} reshape_ctx;

static seli_tensor *apply_stretch(seli_tensor *const *xs, void *ctx)
{
    const reshape_ctx *r = ctx;
    seli_tensor *y = r->to_sum ? seli_sum_to(xs[0], r->ndim, r->shape)
                               : seli_broadcast_to(xs[0], r->ndim, r->shape);
    return seli_mul(y, y); /* curved, so the second order sees something */
}

static void test_broadcast_to_and_sum_to_are_each_others_vjp(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *a = seli_from_array((float[]){1, 2, 3}, SELI_SHAPE(3, 1));
    seli_tensor *b = seli_broadcast_to(a, SELI_SHAPE(2, 3, 4));
    assert_int_equal(b->ndim, 3);
    assert_float_equal(seli_get(b, SELI_INDEX(1, 2, 3)), 3.0f, 0);
    assert_float_equal(seli_get(b, SELI_INDEX(0, 1, 0)), 2.0f, 0);
    seli_tensor *s = seli_sum_to(b, SELI_SHAPE(3, 1));
    for (int k = 0; k < 3; k++)
        assert_float_equal(s->data[k], 8.0f * (float)(k + 1), 0);
    seli_tensor *t = seli_sum_to(b, 0, NULL);
    assert_int_equal(t->ndim, 0);
    assert_float_equal(t->data[0], 48.0f, 0);
    seli_tensor *u = seli_sum_to(b, SELI_SHAPE(1, 4));
    assert_float_equal(u->data[2], 12.0f, 0);

    seli_tensor *x = gc_uniform(-1, 1, 11, SELI_SHAPE(3, 1));
    reshape_ctx up = {3, {2, 3, 4}, 0};
    gc_set_label("broadcast_to [3,1] -> [2,3,4]");
    gradcheck(apply_stretch, 1, &x, &up, FIRST_ORDER_TOL);
    gradcheck2(apply_stretch, 1, &x, &up, SECOND_ORDER_TOL);
    seli_tensor *z = gc_uniform(-1, 1, 12, SELI_SHAPE(2, 3, 4));
    reshape_ctx down = {2, {3, 1}, 1};
    gc_set_label("sum_to [2,3,4] -> [3,1]");
    gradcheck(apply_stretch, 1, &z, &down, FIRST_ORDER_TOL);
    gradcheck2(apply_stretch, 1, &z, &down, SECOND_ORDER_TOL);
    reshape_ctx to_scalar = {0, {0}, 1};
    gc_set_label("sum_to [2,3,4] -> []");
    gradcheck(apply_stretch, 1, &z, &to_scalar, FIRST_ORDER_TOL);
    seli_scope_end();
}

/* --- comparisons --- */

static const binary_case comparison_cases[] = {
    {"greater", seli_greater, ref_greater, -2, 2, -2, 2, 0},
    {"greater_equal", seli_greater_equal, ref_greater_equal, -2, 2, -2, 2, 0},
    {"less", seli_less, ref_less, -2, 2, -2, 2, 0},
    {"less_equal", seli_less_equal, ref_less_equal, -2, 2, -2, 2, 0},
    {"equal", seli_equal, ref_equal, -2, 2, -2, 2, 0},
};

static void test_comparisons_are_masks_without_gradient(void **state)
{
    (void)state;
    seli_scope_begin();
    for (size_t c = 0; c < sizeof comparison_cases / sizeof comparison_cases[0]; c++) {
        const binary_case *cc = &comparison_cases[c];
        /* values on a coarse grid, so that ties happen */
        seli_tensor *a = seli_requires_grad(seli_from_array((float[]){-1, 0, 1}, SELI_SHAPE(3, 1)));
        seli_tensor *b = seli_requires_grad(seli_from_array((float[]){0, 1, -1, 0}, SELI_SHAPE(4)));
        seli_tensor *y = cc->op(a, b);
        assert_false(seli_on_tape(y));
        ref_check rc = {a, b, y, cc->ref, cc->name, 0};
        ref_each(a, b, check_element, &rc);
        /* a mask times x passes gradient to x only */
        seli_tensor *g = seli_grad(seli_sum_all(seli_mul(y, a)), a);
        for (int i = 0; i < 3; i++) {
            float want = 0;
            for (int j = 0; j < 4; j++)
                want += y->data[i * 4 + j];
            assert_float_equal(g->data[i], want, 0);
        }
    }
    seli_scope_end();
}

/* A NaN must surface (a diverged loss), not be hidden by a selection. */
static void test_nan_propagates_through_selections(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *x = seli_from_array((float[]){NAN, 1}, SELI_SHAPE(2));
    seli_tensor *one = seli_scalar(0.5f);
    assert_true(isnan(seli_relu(x)->data[0]));
    assert_true(isnan(seli_leaky_relu(x, 0.1f)->data[0]));
    assert_true(isnan(seli_clamp(x, -1, 1)->data[0]));
    assert_true(isnan(seli_maximum(x, one)->data[0]));
    assert_true(isnan(seli_maximum(one, x)->data[0]));
    assert_true(isnan(seli_minimum(x, one)->data[0]));
    assert_true(isnan(seli_minimum(one, x)->data[0]));
    assert_float_equal(seli_maximum(one, x)->data[1], 1.0f, 0);
    seli_scope_end();
}

static void test_no_grad_mode_records_nothing(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *x = gc_uniform(-1, 1, 13, SELI_SHAPE(4));
    seli_no_grad_begin();
    assert_false(seli_on_tape(seli_tanh(seli_mul(x, x))));
    assert_false(seli_on_tape(seli_where(seli_greater(x, seli_scalar(0)), x, x)));
    seli_no_grad_end();
    assert_true(seli_on_tape(seli_add_scalar(x, 1)));
    seli_scope_end();
}

/* --- errors --- */

/* Expect a seli_error mentioning each fragment, and no bytes allocated. */
#define EXPECT_CLEAN_ERROR(expr, frag1, frag2)                                                     \
    do {                                                                                           \
        long long before_ = seli_scope_bytes();                                                    \
        EXPECT_SELI_ERROR(expr, frag1);                                                            \
        if (!strstr(error_trap_message, frag2))                                                    \
            fail_msg("error message \"%s\" lacks \"%s\"", error_trap_message, frag2);              \
        assert_int_equal(seli_scope_bytes(), before_);                                             \
    } while (0)

static void test_mismatched_shapes_name_both_shapes(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *a = seli_from_array((float[]){1, 2, 3}, SELI_SHAPE(3));
    seli_tensor *b = seli_ones(SELI_SHAPE(4));
    seli_tensor *m = seli_ones(SELI_SHAPE(2, 3));
    seli_tensor *n = seli_ones(SELI_SHAPE(3, 2));
    EXPECT_CLEAN_ERROR(seli_add(a, b), "seli_add: shapes [3] and [4]", "broadcast");
    EXPECT_CLEAN_ERROR(seli_mul(m, n), "seli_mul: shapes [2, 3] and [3, 2]", "broadcast");
    EXPECT_CLEAN_ERROR(seli_maximum(a, b), "seli_maximum", "[4]");
    EXPECT_CLEAN_ERROR(seli_pow(m, b), "seli_pow", "[2, 3]");
    EXPECT_CLEAN_ERROR(seli_greater(a, b), "seli_greater", "[3]");
    EXPECT_CLEAN_ERROR(seli_where(b, a, a), "seli_where: cond of shape [4]", "a [3]");
    EXPECT_CLEAN_ERROR(seli_broadcast_to(a, SELI_SHAPE(2, 4)), "seli_broadcast_to", "[2, 4]");
    EXPECT_CLEAN_ERROR(seli_sum_to(m, SELI_SHAPE(2)), "seli_sum_to", "[2, 3]");
    /* the inputs are untouched */
    assert_float_equal(a->data[2], 3.0f, 0);
    assert_float_equal(b->data[0], 1.0f, 0);
    seli_scope_end();
}

static void test_null_tensors_are_named(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *a = seli_ones(SELI_SHAPE(3));
    EXPECT_CLEAN_ERROR(seli_add(NULL, a), "seli_add", "a is NULL");
    EXPECT_CLEAN_ERROR(seli_sub(a, NULL), "seli_sub", "b is NULL");
    EXPECT_CLEAN_ERROR(seli_tanh(NULL), "seli_tanh", "NULL");
    EXPECT_CLEAN_ERROR(seli_leaky_relu(NULL, 0.1f), "seli_leaky_relu", "NULL");
    EXPECT_CLEAN_ERROR(seli_where(NULL, a, a), "seli_where", "cond is NULL");
    EXPECT_CLEAN_ERROR(seli_equal(a, NULL), "seli_equal", "NULL");
    EXPECT_CLEAN_ERROR(seli_mul_scalar(NULL, 2), "seli_mul_scalar", "NULL");
    EXPECT_CLEAN_ERROR(seli_sum_to(NULL, SELI_SHAPE(3)), "seli_sum_to", "NULL");
    seli_scope_end();
}

static void test_clamp_with_reversed_bounds_is_an_error(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *a = seli_ones(SELI_SHAPE(3));
    EXPECT_CLEAN_ERROR(seli_clamp(a, 1, -1), "seli_clamp", "low");
    seli_scope_end();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unary_ops_match_libm),
        cmocka_unit_test(test_exp_underflows_as_expf_does),
        cmocka_unit_test(test_exp_is_within_one_ulp_of_the_exact_value),
        cmocka_unit_test(test_sigmoid_and_softplus_are_stable_at_extremes),
        cmocka_unit_test(test_tanh_is_accurate_across_its_range),
        cmocka_unit_test(test_unary_gradients_match_finite_differences),
        cmocka_unit_test(test_unary_gradients_are_themselves_differentiable),
        cmocka_unit_test(test_binary_ops_broadcast_like_numpy),
        cmocka_unit_test(test_broadcast_examples_by_hand),
        cmocka_unit_test(test_binary_gradients_match_finite_differences),
        cmocka_unit_test(test_pow_gradient_in_the_exponent_is_zero_for_nonpositive_base),
        cmocka_unit_test(test_maximum_and_minimum_split_the_gradient_on_ties),
        cmocka_unit_test(test_piecewise_gradients_are_masks),
        cmocka_unit_test(test_where_selects_and_routes_gradients),
        cmocka_unit_test(test_where_with_a_scalar_side_selects_per_element),
        cmocka_unit_test(test_where_is_differentiable_twice),
        cmocka_unit_test(test_broadcast_to_and_sum_to_are_each_others_vjp),
        cmocka_unit_test(test_comparisons_are_masks_without_gradient),
        cmocka_unit_test(test_nan_propagates_through_selections),
        cmocka_unit_test(test_no_grad_mode_records_nothing),
        cmocka_unit_test(test_mismatched_shapes_name_both_shapes),
        cmocka_unit_test(test_null_tensors_are_named),
        cmocka_unit_test(test_clamp_with_reversed_bounds_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
