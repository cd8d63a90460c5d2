/* matmul_bench.c: seli_matmul against the best BLAS for the paper's shapes.
 *
 *   matmul_bench              GFLOP/s of the paper's products, each way
 *   matmul_bench --threads 1  the same with one thread for every library, timed
 *                             by the thread's CPU time (steady on a busy machine)
 *   matmul_bench --crossover  the direct loops against the library path on tiny shapes
 *                             (with --threads 1 timed by CPU time too)
 *
 * For each layer (batch n, in -> out) three products, as a training step
 * makes them:
 *   fwd  X[n, in] @ W[in, out]       (A B)
 *   dX   G[n, out] @ W^T             (A B^T)
 *   dW   X^T @ G[n, out]             (A^T B)
 * each computed by
 *   seli   seli_matmul's own path (the internal transposing product that the
 *          vjps call, a tensor allocated in a scope and all),
 *   hand   libseli's AVX-512 kernel called directly (gemm_fast.c), where it
 *          applies,
 *   sgemm  cblas_sgemm of the OpenBLAS this process loaded (its core is
 *          printed at the top: OPENBLAS_CORETYPE decides it),
 *   sgemv  cblas_sgemv, where a side of the product is 1,
 *   xsmm   libxsmm's JIT kernel (one thread; B^T is transposed first with
 *          libxsmm_otrans, since its generator has no transposed A),
 * and `fwd+bwd` adds the three.  Every result is checked against a double
 * precision reference first: the largest error as a fraction of its bound
 * 2 k eps sum_p |a_ip b_pj| is printed, and a result above the bound stops
 * the run.  The ways run in alternation, 15 rounds of about 2 ms each, and
 * each keeps its median, so a busy machine skews all alike.
 *
 * `make -C bench BUILD=$PWD/build matmul` runs it twice: with OpenBLAS pinned
 * to its Haswell (AVX2) kernels as the machines' environment pins it, and
 * with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (its AVX-512 kernels). */
#include <cblas.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef HAVE_LIBXSMM
#include <libxsmm.h>
#endif

#include "seli.h"
#include "timing.h"

/* libseli internals (hidden symbols, reachable from the static library):
 * the direct-path threshold (matmul.c), the transposing product the vjps use
 * (matmul.c) and the AVX-512 kernel (gemm_fast.c). */
extern long seli__matmul_direct_max;
seli_tensor *seli__matmul_t(const seli_tensor *a, const seli_tensor *b, int ta, int tb);
int seli__gemm_fast(int ta, int tb, long n, long m, long k, const float *A, const float *B,
                    float *C);
char *openblas_get_corename(void);
void openblas_set_num_threads(int num_threads);

/* Wall time, or the calling thread's CPU time under --threads 1 (then every
 * library computes on this thread, and time other processes take from it on
 * a loaded machine is not counted). */
static clockid_t clock_id = CLOCK_MONOTONIC;

static double now(void)
{
    struct timespec ts;
    clock_gettime(clock_id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static float *random_floats(long n, unsigned seed)
{
    float *v = malloc((size_t)(n > 0 ? n : 1) * sizeof *v);
    srand(seed);
    for (long i = 0; i < n; i++)
        v[i] = (float)rand() / (float)RAND_MAX - 0.5f;
    return v;
}

/* One product C[n, m] = op(A) op(B), A stored [n, k] or [k, n] (ta), B
 * stored [k, m] or [m, k] (tb); the operands also as tensors. */
typedef struct {
    int ta, tb;
    long n, m, k;
    const float *A, *B;
    float *C, *scratch;
    seli_tensor *tA, *tB;
} product;

enum { SELI, HAND, SGEMM, SGEMV, XSMM, WAYS };
static const char *way_names[WAYS] = {"seli", "hand", "sgemm", "sgemv", "xsmm"};

static void run_seli(product *p)
{
    seli_scope_begin();
    seli__matmul_t(p->tA, p->tB, p->ta, p->tb);
    seli_scope_end();
}

static void run_hand(product *p)
{
    seli__gemm_fast(p->ta, p->tb, p->n, p->m, p->k, p->A, p->B, p->C);
}

static void run_sgemm(product *p)
{
    cblas_sgemm(CblasRowMajor, p->ta ? CblasTrans : CblasNoTrans, p->tb ? CblasTrans : CblasNoTrans,
                (int)p->n, (int)p->m, (int)p->k, 1.0f, p->A, (int)(p->ta ? p->n : p->k), p->B,
                (int)(p->tb ? p->k : p->m), 0.0f, p->C, (int)p->m);
}

/* A single output column (m = 1: the vector is B) or row (n = 1: A). */
static void run_sgemv(product *p)
{
    if (p->m == 1) {
        if (p->ta) /* A stored [k, n] */
            cblas_sgemv(CblasRowMajor, CblasTrans, (int)p->k, (int)p->n, 1.0f, p->A, (int)p->n,
                        p->B, 1, 0.0f, p->C, 1);
        else
            cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)p->n, (int)p->k, 1.0f, p->A, (int)p->k,
                        p->B, 1, 0.0f, p->C, 1);
    } else if (p->tb) { /* B stored [m, k] */
        cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)p->m, (int)p->k, 1.0f, p->B, (int)p->k, p->A,
                    1, 0.0f, p->C, 1);
    } else {
        cblas_sgemv(CblasRowMajor, CblasTrans, (int)p->k, (int)p->m, 1.0f, p->B, (int)p->m, p->A, 1,
                    0.0f, p->C, 1);
    }
}

#ifdef HAVE_LIBXSMM
/* Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T: libxsmm's
 * a is B, its b is A.  B stored [m, k] (tb) would need a transposed a, which
 * the generator lacks, so B is transposed into scratch first.  A stored
 * [k, n] (ta) is libxsmm's transposed b, which it has. */
static libxsmm_smmfunction xsmm_kernel(const product *p)
{
    libxsmm_blasint M = p->m, N = p->n, K = p->k, lda = p->m, ldb = p->ta ? p->n : p->k, ldc = p->m;
    float alpha = 1.0f, beta = 0.0f;
    int flags = p->ta ? LIBXSMM_GEMM_FLAG_TRANS_B : 0;
    return libxsmm_smmdispatch(M, N, K, &lda, &ldb, &ldc, &alpha, &beta, &flags, NULL);
}

static void run_xsmm(product *p)
{
    libxsmm_smmfunction f = xsmm_kernel(p);
    const float *b = p->B;
    if (p->tb) {
        libxsmm_otrans(p->scratch, p->B, sizeof(float), p->k, p->m, p->k, p->m);
        b = p->scratch;
    }
    f(b, p->A, p->C);
}
#endif

typedef void (*way_fn)(product *);
static const way_fn way_fns[WAYS] = {run_seli, run_hand, run_sgemm, run_sgemv,
#ifdef HAVE_LIBXSMM
                                     run_xsmm
#else
                                     NULL
#endif
};

/* Whether way w can compute p at all. */
static int applies(int w, const product *p)
{
    switch (w) {
    case HAND:
        return seli__gemm_fast(p->ta, p->tb, p->n, p->m, p->k, p->A, p->B, p->C);
    case SGEMV:
        return p->m == 1 || p->n == 1;
    case XSMM:
#ifdef HAVE_LIBXSMM
        return xsmm_kernel(p) != NULL;
#else
        return 0;
#endif
    default:
        return 1;
    }
}

/* The largest |C - C_ref| / (2 k eps sum_p |a_ip b_pj|) over C: above 1, the
 * result is outside float32's error bound for a sum of k products. */
static double error_ratio(const product *p, const float *C)
{
    double worst = 0;
    for (long i = 0; i < p->n; i++)
        for (long j = 0; j < p->m; j++) {
            double s = 0, bound = 0;
            for (long q = 0; q < p->k; q++) {
                double a = p->ta ? p->A[q * p->n + i] : p->A[i * p->k + q];
                double b = p->tb ? p->B[j * p->k + q] : p->B[q * p->m + j];
                s += a * b;
                bound += fabs(a * b);
            }
            bound = bound * 2.0 * (double)p->k * FLT_EPSILON + 1e-30;
            double e = fabs((double)C[i * p->m + j] - s) / bound;
            if (e > worst)
                worst = e;
        }
    return worst;
}

#define ROUNDS 15

/* Median seconds per call of each way that applies (ok[w]), timed in
 * alternating rounds of the same number of calls; t[w] = 0 where not. */
static void time_ways(product *p, const int *ok, double *t)
{
    double t0 = now();
    int calls = 0;
    while (now() - t0 < 2e-3 || calls < 3) {
        run_sgemm(p);
        calls++;
    }
    int reps = calls;
    double runs[WAYS][ROUNDS];
    for (int w = 0; w < WAYS; w++)
        if (ok[w])
            way_fns[w](p); /* warm up */
    for (int r = 0; r < ROUNDS; r++)
        for (int i = 0; i < WAYS; i++) {
            int w = (r + i) % WAYS; /* each way in each place of the round in turn */
            if (!ok[w])
                continue;
            double s = now();
            for (int i = 0; i < reps; i++)
                way_fns[w](p);
            runs[w][r] = (now() - s) / reps;
        }
    for (int w = 0; w < WAYS; w++) {
        t[w] = 0;
        if (ok[w]) {
            qsort(runs[w], ROUNDS, sizeof(double), bench_cmp_double);
            t[w] = runs[w][ROUNDS / 2];
        }
    }
}

static int failures;

/* Checks and times one product; adds its times into total (0 where a way
 * does not apply, -1 once it missed any product). */
static void bench_product(const char *label, long batch, long in, long out, product *p,
                          double *total)
{
    int ok[WAYS];
    double worst = 0, t[WAYS];
    const char *worst_way = "";
    for (int w = 0; w < WAYS; w++) {
        ok[w] = way_fns[w] != NULL && applies(w, p);
        if (!ok[w])
            continue;
        memset(p->C, 0, (size_t)(p->n * p->m) * sizeof(float));
        const float *C = p->C;
        if (w == SELI) /* in the layer's scope */
            C = seli__matmul_t(p->tA, p->tB, p->ta, p->tb)->data;
        else
            way_fns[w](p);
        double e = error_ratio(p, C);
        if (e > worst) {
            worst = e;
            worst_way = way_names[w];
        }
        if (e > 1) {
            printf("WRONG: %s of %s, batch %ld, %ld->%ld: error %.3g of the bound\n", way_names[w],
                   label, batch, in, out, e);
            failures++;
        }
    }
    time_ways(p, ok, t);
    double flops = 2.0 * (double)p->n * (double)p->m * (double)p->k;
    printf("%5ld %4ld->%-4ld %-3s", batch, in, out, label);
    for (int w = 0; w < WAYS; w++) {
        if (ok[w])
            printf(" %7.1f", flops / t[w] * 1e-9);
        else
            printf(" %7s", "-");
        if (total[w] >= 0)
            total[w] = ok[w] ? total[w] + t[w] : -1;
    }
    printf("  %5.2f", t[SGEMM] / t[SELI]);
    if (ok[XSMM])
        printf(" %5.2f", t[XSMM] / t[SELI]);
    else
        printf(" %5s", "-");
    printf("  %.2f (%s)\n", worst, worst_way);
}

/* The three products of one layer and their sum. */
static void bench_layer(long batch, long in, long out)
{
    float *X = random_floats(batch * in, 1), *W = random_floats(in * out, 2);
    float *G = random_floats(batch * out, 3);
    long most = batch * in > batch * out ? batch * in : batch * out;
    most = most > in * out ? most : in * out;
    size_t bytes = ((size_t)most * sizeof(float) + 63) / 64 * 64;
    float *C = aligned_alloc(64, bytes), *scratch = aligned_alloc(64, bytes);
    seli_scope_begin();
    seli_tensor *tX = seli_from_array(X, 2, (long[]){batch, in});
    seli_tensor *tW = seli_from_array(W, 2, (long[]){in, out});
    seli_tensor *tG = seli_from_array(G, 2, (long[]){batch, out});
    free(X); /* every way reads the tensors' memory */
    free(W);
    free(G);
    X = tX->data;
    W = tW->data;
    G = tG->data;
    product ps[3] = {
        {0, 0, batch, out, in, X, W, C, scratch, tX, tW}, /* fwd: X W */
        {0, 1, batch, in, out, G, W, C, scratch, tG, tW}, /* dX: G W^T */
        {1, 0, in, out, batch, X, G, C, scratch, tX, tG}, /* dW: X^T G */
    };
    static const char *labels[3] = {"fwd", "dX", "dW"};
    double total[WAYS] = {0};
    for (int i = 0; i < 3; i++)
        bench_product(labels[i], batch, in, out, &ps[i], total);
    double flops = 2.0 * 3.0 * (double)batch * (double)in * (double)out;
    printf("%5ld %4ld->%-4ld all", batch, in, out);
    for (int w = 0; w < WAYS; w++) {
        if (total[w] > 0)
            printf(" %7.1f", flops / total[w] * 1e-9);
        else
            printf(" %7s", "-");
    }
    printf("  %5.2f", total[SGEMM] / total[SELI]);
    if (total[XSMM] > 0)
        printf(" %5.2f", total[XSMM] / total[SELI]);
    printf("\n");
    seli_scope_end();
    free(C);
    free(scratch);
}

/* --- the direct path against OpenBLAS on tiny shapes --- */

typedef struct {
    seli_tensor *a, *b;
} pair;

static void seli_product(pair *q)
{
    seli_scope_begin();
    seli_matmul(q->a, q->b);
    seli_scope_end();
}

/* Median ns per seli_matmul call with the direct threshold forced each way. */
static void crossover(long n, long k, long m)
{
    float *fa = random_floats(n * k, 4), *fb = random_floats(k * m, 5);
    pair q = {seli_from_array(fa, 2, (long[]){n, k}), seli_from_array(fb, 2, (long[]){k, m})};
    long saved = seli__matmul_direct_max, limits[2] = {1L << 40, 0};
    int reps = 2000;
    double runs[2][ROUNDS];
    for (int r = 0; r < ROUNDS; r++)
        for (int w = 0; w < 2; w++) {
            seli__matmul_direct_max = limits[w];
            double s = now();
            for (int i = 0; i < reps; i++)
                seli_product(&q);
            runs[w][r] = (now() - s) / reps;
        }
    seli__matmul_direct_max = saved;
    qsort(runs[0], ROUNDS, sizeof(double), bench_cmp_double);
    qsort(runs[1], ROUNDS, sizeof(double), bench_cmp_double);
    double t_direct = runs[0][ROUNDS / 2], t_lib = runs[1][ROUNDS / 2];
    printf("[%3ld,%3ld]x[%3ld,%3ld] (%7ld madds): direct %8.0f ns, library %8.0f ns -> %s\n", n, k,
           k, m, n * k * m, t_direct * 1e9, t_lib * 1e9, t_direct < t_lib ? "direct" : "library");
    free(fa);
    free(fb);
}

static void crossovers(void)
{
    long sq[] = {2, 3, 4, 5, 6, 8, 12, 16, 24, 32};
    for (size_t i = 0; i < sizeof sq / sizeof sq[0]; i++)
        crossover(sq[i], sq[i], sq[i]);
    long thin[][3] = {{1, 64, 64}, {1, 128, 128}, {64, 2, 64}, {64, 64, 1},
                      {32, 1, 32}, {256, 1, 16},  {8, 32, 8}};
    for (size_t i = 0; i < sizeof thin / sizeof thin[0]; i++)
        crossover(thin[i][0], thin[i][1], thin[i][2]);
}

int main(int argc, char **argv)
{
    int one_thread = 0, cross = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--crossover") == 0) {
            cross = 1;
        } else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc && atoi(argv[i + 1]) == 1) {
            one_thread = 1;
            i++;
        } else {
            fprintf(stderr, "usage: matmul_bench [--threads 1] [--crossover]\n");
            return 2;
        }
    }
    if (one_thread) {
        setenv("SELI_NUM_THREADS", "1", 1); /* read at libseli's first product */
        openblas_set_num_threads(1);
        clock_id = CLOCK_THREAD_CPUTIME_ID;
    }
    if (cross) {
        seli_scope_begin();
        crossovers();
        seli_scope_end();
        return 0;
    }
    const char *core = getenv("OPENBLAS_CORETYPE"), *l2 = getenv("OPENBLAS_L2_SIZE");
    printf("matmul_bench: OpenBLAS core %s (OPENBLAS_CORETYPE=%s, OPENBLAS_L2_SIZE=%s), %s\n",
           openblas_get_corename(), core ? core : "unset", l2 ? l2 : "unset",
           one_thread ? "one thread each, timed by its CPU time"
                      : "seli and OpenBLAS on two threads, libxsmm on one, wall time");
#ifdef HAVE_LIBXSMM
    libxsmm_init();
    printf("libxsmm %s, target %s\n", LIBXSMM_VERSION, libxsmm_get_target_arch());
#else
    printf("libxsmm: not built in; install Debian's libxsmm-dev (sh install/deps.sh bench) and "
           "rebuild to compare it\n");
#endif
    printf("GFLOP/s (median of %d rounds); ratios are time(peer) / time(seli), > 1: seli faster;\n"
           "err: largest error as a fraction of float32's bound (must be <= 1), and whose\n",
           ROUNDS);
    printf("%5s %-9s %-3s", "batch", "layer", "op");
    for (int w = 0; w < WAYS; w++)
        printf(" %7s", way_names[w]);
    printf("  %5s %5s  %s\n", "sgemm", "xsmm", "err");
    long batches[] = {1, 128, 256, 1024, 1920, 2048};
    long layers[][2] = {{128, 128}, {2, 128}, {1, 128}, {128, 1}, {128, 2}};
    for (size_t l = 0; l < sizeof layers / sizeof layers[0]; l++)
        for (size_t b = 0; b < sizeof batches / sizeof batches[0]; b++)
            bench_layer(batches[b], layers[l][0], layers[l][1]);
    /* the 32-wide networks of notebooks 04 (batch 32) and 06 (batch 256) */
    long narrow[][3] = {{32, 32, 32}, {256, 32, 32}, {32, 1, 32}, {256, 1, 32}};
    for (size_t l = 0; l < sizeof narrow / sizeof narrow[0]; l++)
        bench_layer(narrow[l][0], narrow[l][1], narrow[l][2]);
    if (failures) {
        printf("matmul_bench: %d results outside float32's error bound\n", failures);
        return 1;
    }
    return 0;
}
