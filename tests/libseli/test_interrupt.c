/* The cooperative interrupt (seli/error.h): a request from a signal handler
 * or another thread stops libseli at its next safe point with an error that
 * starts with SELI_INTERRUPT_PREFIX, never in the middle of OpenBLAS, and
 * libseli (OpenBLAS's threads included) keeps working afterwards. */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "error_trap.h"
#include "core/internal.h"
#include "seli.h"

/* matmul.c's blocking knobs (see there); not part of the API. */
extern long seli__matmul_block_min, seli__matmul_block_rows, seli__matmul_block_cols;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* sum(ones[n, n] @ ones[n, n]) = n^3, through OpenBLAS and its threads. */
static void assert_matmul_still_works(long n)
{
    seli_scope_begin();
    seli_tensor *ones = seli_ones(SELI_SHAPE(n, n));
    assert_float_equal(seli_item(seli_sum_all(seli_matmul(ones, ones))), (double)(n * n * n), 1.0);
    seli_scope_end();
}

static void test_request_is_pending_until_cleared(void **state)
{
    (void)state;
    assert_int_equal(seli_interrupt_pending(), 0);
    seli_request_interrupt();
    assert_int_not_equal(seli_interrupt_pending(), 0);
    seli_clear_interrupt();
    assert_int_equal(seli_interrupt_pending(), 0);
    /* A cleared request stops nothing. */
    seli_scope_begin();
    assert_float_equal(seli_item(seli_sum_all(seli_ones(SELI_SHAPE(3)))), 3.0, 0.0);
    seli_scope_end();
}

static void test_pending_request_stops_the_next_operation_once(void **state)
{
    (void)state;
    seli_request_interrupt();
    EXPECT_SELI_ERROR(seli_zeros(SELI_SHAPE(4)), SELI_INTERRUPT_PREFIX "interrupted in seli_zeros");
    assert_int_equal(
        strncmp(seli_last_error(), SELI_INTERRUPT_PREFIX, strlen(SELI_INTERRUPT_PREFIX)), 0);
    /* Taking it cleared it: the next operation runs. */
    assert_int_equal(seli_interrupt_pending(), 0);
    seli_scope_begin();
    assert_float_equal(seli_item(seli_sum_all(seli_full(1.5f, SELI_SHAPE(2, 2)))), 6.0, 0.0);
    seli_scope_end();
}

static void test_operations_that_reuse_a_shape_stop_too(void **state)
{
    (void)state;
    seli_tensor *a = seli_ones(SELI_SHAPE(5));
    seli_request_interrupt();
    EXPECT_SELI_ERROR(seli_tanh(a), SELI_INTERRUPT_PREFIX);
    EXPECT_SELI_ERROR((seli_request_interrupt(), seli_add(a, a)), SELI_INTERRUPT_PREFIX);
    assert_int_equal(seli_interrupt_pending(), 0);
}

/* --- from another thread, during a loop of matmuls --- */

static volatile long loop_steps;

/* Waits until the loop has made a few steps, however slow the machine. */
static void *request_after_three_steps(void *arg)
{
    (void)arg;
    while (loop_steps < 3)
        usleep(1000);
    seli_request_interrupt();
    return NULL;
}

/* Matmuls in scopes, as a training loop makes them, for at most 20 s;
 * counts the steps. */
static int matmul_loop(const seli_tensor *a)
{
    double start = now();
    while (now() - start < 20) {
        seli_scope_begin();
        seli_tensor *p = seli_matmul(a, a);
        seli_no_grad_begin();
        seli_tanh(p);
        seli_no_grad_end();
        seli_scope_end();
        loop_steps++;
    }
    return 0;
}

static void test_thread_request_ends_a_loop_of_matmuls(void **state)
{
    (void)state;
    seli_tensor *a = seli_ones(SELI_SHAPE(256, 256));
    pthread_t th;
    loop_steps = 0;
    double start = now();
    assert_int_equal(pthread_create(&th, NULL, request_after_three_steps, NULL), 0);
    EXPECT_SELI_ERROR(matmul_loop(a), SELI_INTERRUPT_PREFIX);
    double stopped_at = now() - start;
    pthread_join(th, NULL);
    seli_no_grad_unwind(0);
    assert_true(loop_steps >= 3);
    assert_true(stopped_at < 10.0);
    assert_int_equal(seli_scope_depth(), 0);
    assert_matmul_still_works(300);
    assert_matmul_still_works(300);
}

/* --- from a signal handler, inside one large matmul --- */

static volatile sig_atomic_t handler_saw_library;

static void on_alarm(int sig)
{
    (void)sig;
    handler_saw_library = (sig_atomic_t)seli_in_library();
    seli_request_interrupt();
}

static void test_timer_signal_stops_one_large_matmul_between_blocks(void **state)
{
    (void)state;
    /* [8192, 1024] x [1024, 1024]: 8.6e9 multiply-adds, run as 4 blocks of
     * ~0.1 s each; the alarm rings during the first. */
    seli_tensor *a = seli_tensor_new(SELI_SHAPE(8192, 1024));
    seli_tensor *b = seli_tensor_new(SELI_SHAPE(1024, 1024));
    memset(a->data, 0, (size_t)a->size * sizeof(float));
    memset(b->data, 0, (size_t)b->size * sizeof(float));
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, &old);
    handler_saw_library = -1;
    assert_int_equal(seli_in_library(), 0);
    struct itimerval timer = {{0, 0}, {0, 30 * 1000}};
    setitimer(ITIMER_REAL, &timer, NULL);
    EXPECT_SELI_ERROR(seli_matmul(a, b), SELI_INTERRUPT_PREFIX "interrupted in seli_matmul");
    sigaction(SIGALRM, &old, NULL);
    /* The signal landed while OpenBLAS computed, yet libseli stopped
     * outside it, and OpenBLAS's threads still work. */
    assert_int_equal(handler_saw_library, 1);
    assert_int_equal(seli_in_library(), 0);
    assert_int_equal(seli_interrupt_pending(), 0);
    assert_matmul_still_works(300);
    seli_tensor *p = seli_matmul(a, b); /* the full product, uninterrupted */
    assert_float_equal(seli_item(seli_sum_all(p)), 0.0, 0.0);
    seli_tensor_free(a);
    seli_tensor_free(b);
}

/* --- blocking gives the same products --- */

static seli_tensor *filled(int ndim, const long *shape, float scale)
{
    seli_tensor *t = seli_zeros(ndim, shape);
    for (long i = 0; i < t->size; i++)
        t->data[i] = scale * (float)sin(0.37 * (double)i + scale);
    return t;
}

static void assert_close(const seli_tensor *x, const seli_tensor *y)
{
    assert_int_equal(x->size, y->size);
    for (long i = 0; i < x->size; i++)
        assert_float_equal(x->data[i], y->data[i], 1e-4 * (1 + fabs(y->data[i])));
}

static void test_blocked_products_equal_unblocked_ones_for_every_transpose(void **state)
{
    (void)state;
    long saved_min = seli__matmul_block_min;
    seli_scope_begin();
    seli_tensor *a = filled(SELI_SHAPE(23, 19), 1.0f), *at = filled(SELI_SHAPE(19, 23), 0.5f);
    seli_tensor *b = filled(SELI_SHAPE(19, 17), 2.0f), *bt = filled(SELI_SHAPE(17, 19), 1.5f);
    seli_tensor *stack = filled(SELI_SHAPE(2, 1, 23, 19), 0.7f);
    seli_tensor *bstack = filled(SELI_SHAPE(3, 19, 17), 0.9f);
    for (int ta = 0; ta <= 1; ta++)
        for (int tb = 0; tb <= 1; tb++) {
            const seli_tensor *x = ta ? at : a, *y = tb ? bt : b;
            seli__matmul_block_min = 1L << 62;
            seli_tensor *whole = seli__matmul_t(x, y, ta, tb);
            seli__matmul_block_min = 0;
            seli__matmul_block_rows = 7; /* 23 rows: blocks of 7, 7, 7, 2 */
            seli__matmul_block_cols = 5; /* 17 columns: 5, 5, 5, 2 */
            seli_tensor *blocked = seli__matmul_t(x, y, ta, tb);
            assert_close(blocked, whole);
            seli__matmul_block_rows = seli__matmul_block_cols = 0;
        }
    /* Batches that broadcast, and one matrix times a stack. */
    seli__matmul_block_min = 1L << 62;
    seli_tensor *whole = seli_matmul(stack, bstack), *whole2 = seli_matmul(stack, b);
    seli__matmul_block_min = 0;
    seli__matmul_block_rows = 4;
    seli__matmul_block_cols = 6;
    assert_close(seli_matmul(stack, bstack), whole);
    assert_close(seli_matmul(stack, b), whole2);
    seli__matmul_block_rows = seli__matmul_block_cols = 0;
    seli__matmul_block_min = saved_min;
    seli_scope_end();
}

static void *request_after_10_ms(void *arg)
{
    (void)arg;
    usleep(10 * 1000);
    seli_request_interrupt();
    return NULL;
}

static void test_batched_matmul_stops_between_matrices(void **state)
{
    (void)state;
    /* 32 products of [512, 512] x [512, 512], each below the blocking
     * threshold, 4.3e9 multiply-adds in all (~0.1-0.2 s): the request
     * arrives after the result was allocated, so only the safe point
     * between the batch's matrices can take it. */
    seli_tensor *a = seli_tensor_new(SELI_SHAPE(32, 512, 512));
    seli_tensor *b = seli_tensor_new(SELI_SHAPE(32, 512, 512));
    memset(a->data, 0, (size_t)a->size * sizeof(float));
    memset(b->data, 0, (size_t)b->size * sizeof(float));
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, request_after_10_ms, NULL), 0);
    EXPECT_SELI_ERROR(seli_matmul(a, b), SELI_INTERRUPT_PREFIX "interrupted in seli_matmul");
    pthread_join(th, NULL);
    assert_int_equal(seli_interrupt_pending(), 0);
    assert_matmul_still_works(200);
    seli_tensor_free(a);
    seli_tensor_free(b);
}

/* --- an interrupted backward pass or training step --- */

static void test_interrupted_gradient_leaks_nothing_and_the_next_one_works(void **state)
{
    (void)state;
    seli_scope_begin();
    seli_tensor *x = seli_requires_grad(filled(SELI_SHAPE(8, 3), 1.0f));
    seli_tensor *w = filled(SELI_SHAPE(3, 4), 0.5f);
    seli_tensor *y = seli_sum_all(seli_tanh(seli_matmul(x, w)));
    int no_grad = seli_no_grad_depth();
    /* The walk's bookkeeping lives in the scope: under LeakSanitizer this
     * test fails if an interrupted seli_vjp leaves heap blocks behind. */
    seli_request_interrupt();
    EXPECT_SELI_ERROR(seli_grad(y, x), SELI_INTERRUPT_PREFIX);
    seli_no_grad_unwind(no_grad);
    seli_tensor *g = seli_grad(y, x);
    seli_tensor *g2 = seli_grad(y, x);
    assert_close(g, g2);
    assert_true(seli_item(seli_sum_all(seli_mul(g, g))) > 0);
    seli_scope_end();
}

static void test_interrupted_training_step_changes_no_parameter(void **state)
{
    (void)state;
    seli_module *model = seli_set_rngs(seli_net_affine(2), 4);
    seli_module *opt = seli_opt_nesterov(0.1, 0.9); /* with velocity state */
    seli_tensor *x = filled(SELI_SHAPE(16, 3), 1.0f), *y = filled(SELI_SHAPE(16, 2), 0.3f);
    seli_minimize_v(opt, seli_loss_mse, model, y, x);
    seli_minimize_v(opt, seli_loss_mse, model, y, x);
    seli_tensor *wt = seli_get_param(model, "weight");
    float before[6];
    memcpy(before, wt->data, sizeof before);
    long t = seli_get_int(opt, "t");
    seli_request_interrupt();
    EXPECT_SELI_ERROR(seli_minimize_v(opt, seli_loss_mse, model, y, x), SELI_INTERRUPT_PREFIX);
    assert_memory_equal(wt->data, before, sizeof before);
    assert_int_equal(seli_get_int(opt, "t"), t);
    float loss = seli_minimize_v(opt, seli_loss_mse, model, y, x);
    assert_true(isfinite(loss));
    assert_int_equal(seli_get_int(opt, "t"), t + 1);
    seli_module_free(opt);
    seli_module_free(model);
}

/* A failed test must not leave its request to the next one. */
static int forget_interrupt(void **state)
{
    (void)state;
    seli_clear_interrupt();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_request_is_pending_until_cleared, forget_interrupt),
        cmocka_unit_test_teardown(test_pending_request_stops_the_next_operation_once,
                                  forget_interrupt),
        cmocka_unit_test_teardown(test_operations_that_reuse_a_shape_stop_too, forget_interrupt),
        cmocka_unit_test_teardown(test_thread_request_ends_a_loop_of_matmuls, forget_interrupt),
        cmocka_unit_test_teardown(test_timer_signal_stops_one_large_matmul_between_blocks,
                                  forget_interrupt),
        cmocka_unit_test_teardown(test_blocked_products_equal_unblocked_ones_for_every_transpose,
                                  forget_interrupt),
        cmocka_unit_test_teardown(test_batched_matmul_stops_between_matrices, forget_interrupt),
        cmocka_unit_test_teardown(test_interrupted_gradient_leaks_nothing_and_the_next_one_works,
                                  forget_interrupt),
        cmocka_unit_test_teardown(test_interrupted_training_step_changes_no_parameter,
                                  forget_interrupt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
