/* The elementwise loops that run in AVX-512 or AVX2 copies (vector_width.h):
 * every copy must give the bits of a plain one-element-at-a-time loop, on
 * lengths that are not multiples of the vector width (the loops' tails), on
 * every fast path (same shape, a scalar side, broadcast rows), and on the
 * awkward values (signed zeros, subnormals, infinities, NaN).
 *
 * The processor's copy runs first; then the test runs itself again with
 * SELI_NO_AVX512=1 (the AVX2 copy) and with SELI_NO_AVX2=1 (the SSE copy),
 * since the choice is made once per process. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "ops/vector_width.h"
#include "seli.h"

static const long SIZES[] = {1, 7, 15, 16, 17, 33, 1000};
#define NSIZES (sizeof SIZES / sizeof SIZES[0])
#define ROWS 3

static const char *const WIDTH_NAME[] = {"SSE", "AVX2", "AVX-512"};

static char *self_path; /* argv[0], to run the narrow copies */

/* Deterministic floats of every magnitude, with the special values mixed in. */
static void fill(float *x, long n, uint32_t seed)
{
    static const float special[] = {0.0f, -0.0f, 1e-40f, -1e-41f, INFINITY, -INFINITY, NAN,
                                    1.0f, -1.0f, 3e38f,  1e-30f};
    uint32_t s = seed * 2654435761u + 1;
    for (long k = 0; k < n; k++) {
        s = s * 1664525u + 1013904223u;
        if (s % 7 == 0) {
            x[k] = special[(s >> 8) % (sizeof special / sizeof special[0])];
            continue;
        }
        /* a mantissa and sign from s, an exponent in [2^-20, 2^20) */
        uint32_t bits = (s & 0x807fffffu) | ((uint32_t)(107 + (s >> 9) % 40) << 23);
        memcpy(&x[k], &bits, sizeof bits);
    }
}

/* Same bits; or both NaN (which NaN's payload survives depends on the
 * operand order the compiler picks for a commutative op, which C leaves open). */
static void assert_same_bits(const char *what, long n, const float *got, const float *want)
{
    for (long k = 0; k < n; k++) {
        uint32_t g, w;
        memcpy(&g, &got[k], 4);
        memcpy(&w, &want[k], 4);
        if (g == w || (isnan(got[k]) && isnan(want[k])))
            continue;
        fail_msg("%s (%s copy), n = %ld, element %ld: got %a (0x%08x), want %a (0x%08x)", what,
                 WIDTH_NAME[seli__vector_width()], n, k, (double)got[k], (unsigned)g,
                 (double)want[k], (unsigned)w);
    }
}

/* --- the reference: one element at a time, through a volatile --- */

enum { ADD, SUB, MUL, DIV, NBINARY };
static const char *const BINARY_NAME[] = {"seli_add", "seli_sub", "seli_mul", "seli_div"};

static float ref_binary(int op, float a, float b)
{
    volatile float r;
    switch (op) {
    case ADD: r = a + b; break;
    case SUB: r = a - b; break;
    case MUL: r = a * b; break;
    default: r = a / b; break;
    }
    return r;
}

static seli_tensor *run_binary(int op, const seli_tensor *a, const seli_tensor *b)
{
    switch (op) {
    case ADD: return seli_add(a, b);
    case SUB: return seli_sub(a, b);
    case MUL: return seli_mul(a, b);
    default: return seli_div(a, b);
    }
}

static seli_tensor *filled(uint32_t seed, int ndim, const long *shape)
{
    seli_tensor *t = seli_zeros(ndim, shape);
    fill(t->data, t->size, seed);
    return t;
}

/* a [ROWS, n] op b for b shaped [ROWS, n], [n], [ROWS, 1], [1] and [], and
 * the mirror a op b[ROWS, n]: every row loop and scalar loop of the macro. */
static void check_binary(int op, long n)
{
    const long full[2] = {ROWS, n}, row[1] = {n}, col[2] = {ROWS, 1}, one[1] = {1};
    struct {
        int nd;
        const long *shape;
        long rstride, cstride; /* element (i, j) of the other operand */
    } other[] = {{2, full, n, 1}, {1, row, 0, 1}, {2, col, 1, 0}, {1, one, 0, 0}, {0, NULL, 0, 0}};
    seli_tensor *x = filled((uint32_t)(op * 100 + n), 2, full);
    float *want = malloc(sizeof(float) * ROWS * n);
    for (size_t v = 0; v < sizeof other / sizeof other[0]; v++) {
        seli_tensor *y = filled((uint32_t)(op * 100 + n + 7 * v + 1), other[v].nd, other[v].shape);
        for (int side = 0; side < 2; side++) {
            for (long i = 0; i < ROWS; i++)
                for (long j = 0; j < n; j++) {
                    float xv = x->data[i * n + j];
                    float yv = y->data[i * other[v].rstride + j * other[v].cstride];
                    want[i * n + j] = side ? ref_binary(op, yv, xv) : ref_binary(op, xv, yv);
                }
            seli_tensor *got = side ? run_binary(op, y, x) : run_binary(op, x, y);
            assert_int_equal(got->size, ROWS * n);
            assert_same_bits(BINARY_NAME[op], n, got->data, want);
        }
    }
    free(want);
}

static void test_binary_ops_match_a_scalar_loop_bit_for_bit(void **state)
{
    (void)state;
    seli_scope_begin();
    for (int op = 0; op < NBINARY; op++)
        for (size_t s = 0; s < NSIZES; s++)
            check_binary(op, SIZES[s]);
    seli_scope_end();
}

/* --- unary ops and the scalar forms --- */

enum { ADD_SCALAR, MUL_SCALAR, NEG, SQUARE, ABS, POW2, NUNARY };
static const char *const UNARY_NAME[] = {"seli_add_scalar", "seli_mul_scalar", "seli_neg",
                                         "seli_square",     "seli_abs",        "seli_pow_scalar 2"};

static float ref_unary(int op, float x, float s)
{
    volatile float r;
    switch (op) {
    case ADD_SCALAR: r = x + s; break;
    case MUL_SCALAR: r = x * s; break;
    case NEG: r = -x; break;
    case ABS: r = fabsf(x); break;
    default: r = x * x; break;
    }
    return r;
}

static seli_tensor *run_unary(int op, const seli_tensor *a, float s)
{
    switch (op) {
    case ADD_SCALAR: return seli_add_scalar(a, s);
    case MUL_SCALAR: return seli_mul_scalar(a, s);
    case NEG: return seli_neg(a);
    case SQUARE: return seli_square(a);
    case ABS: return seli_abs(a);
    default: return seli_pow_scalar(a, 2);
    }
}

static void test_unary_ops_match_a_scalar_loop_bit_for_bit(void **state)
{
    (void)state;
    static const float scalars[] = {0.75f, -3.0f, 1e-39f, -0.0f};
    seli_scope_begin();
    for (int op = 0; op < NUNARY; op++)
        for (size_t s = 0; s < NSIZES; s++)
            for (size_t c = 0; c < sizeof scalars / sizeof scalars[0]; c++) {
                long n = SIZES[s];
                seli_tensor *x = filled((uint32_t)(op * 31 + n + c), 1, (long[]){n});
                float *want = malloc(sizeof(float) * (size_t)n);
                for (long k = 0; k < n; k++)
                    want[k] = ref_unary(op, x->data[k], scalars[c]);
                seli_tensor *got = run_unary(op, x, scalars[c]);
                assert_same_bits(UNARY_NAME[op], n, got->data, want);
                free(want);
            }
    seli_scope_end();
}

/* --- where: same shapes, a scalar side, broadcast --- */

static void check_where(long n)
{
    const long full[2] = {ROWS, n}, one[1] = {1}, col[2] = {ROWS, 1};
    seli_tensor *cond = filled((uint32_t)n, 2, full); /* zeros, NaN and others */
    for (long k = 0; k < cond->size; k += 3)
        cond->data[k] = k % 2 ? -0.0f : 0.0f;
    seli_tensor *a = filled((uint32_t)n + 1, 2, full), *b = filled((uint32_t)n + 2, 2, full);
    seli_tensor *sa = filled((uint32_t)n + 3, 1, one), *sb = filled((uint32_t)n + 4, 0, NULL);
    seli_tensor *ca = filled((uint32_t)n + 5, 2, col);
    float *want = malloc(sizeof(float) * ROWS * n);
    struct {
        const seli_tensor *a, *b;
        const char *what;
    } cases[] = {{a, b, "seli_where, same shapes"},
                 {sa, b, "seli_where, scalar a"},
                 {a, sb, "seli_where, scalar b"},
                 {ca, b, "seli_where, a [3, 1]"}};
    for (size_t v = 0; v < sizeof cases / sizeof cases[0]; v++) {
        const seli_tensor *x = cases[v].a, *y = cases[v].b;
        for (long i = 0; i < ROWS; i++)
            for (long j = 0; j < n; j++) {
                long k = i * n + j;
                float xv = x->size == 1 ? x->data[0] : x->size == ROWS ? x->data[i] : x->data[k];
                float yv = y->size == 1 ? y->data[0] : y->data[k];
                want[k] = cond->data[k] != 0 ? xv : yv;
            }
        assert_same_bits(cases[v].what, n, seli_where(cond, x, y)->data, want);
    }
    free(want);
}

static void test_where_matches_a_scalar_loop_bit_for_bit(void **state)
{
    (void)state;
    seli_scope_begin();
    for (size_t s = 0; s < NSIZES; s++)
        check_where(SIZES[s]);
    seli_scope_end();
}

/* --- the narrower copies, in child processes --- */

/* Run this test program again with name=1 in the environment; 0 if it passed. */
static int run_self_with(const char *name)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        setenv(name, "1", 1);
        setenv("SELI_VECTOR_LOOPS_CHILD", "1", 1);
        execl(self_path, self_path, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_the_avx2_and_sse_copies_pass_too(void **state)
{
    (void)state;
    assert_int_equal(run_self_with("SELI_NO_AVX512"), 0);
    assert_int_equal(run_self_with("SELI_NO_AVX2"), 0);
}

int main(int argc, char **argv)
{
    (void)argc;
    self_path = argv[0];
    printf("vector loops: the %s copy\n", WIDTH_NAME[seli__vector_width()]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_binary_ops_match_a_scalar_loop_bit_for_bit),
        cmocka_unit_test(test_unary_ops_match_a_scalar_loop_bit_for_bit),
        cmocka_unit_test(test_where_matches_a_scalar_loop_bit_for_bit),
    };
    const struct CMUnitTest parent[] = {
        cmocka_unit_test(test_the_avx2_and_sse_copies_pass_too),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    if (!getenv("SELI_VECTOR_LOOPS_CHILD"))
        failed += cmocka_run_group_tests(parent, NULL, NULL);
    return failed;
}
