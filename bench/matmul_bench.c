/* matmul_bench.c: seli_matmul against cblas_sgemm called directly.
 *
 *   matmul_bench              throughput for the paper's shapes
 *   matmul_bench --crossover  the direct loops against OpenBLAS on tiny shapes
 *
 * Throughput: [1024,128]x[128,128] and [2048,128]x[128,128], forward alone
 * (seli_matmul of constants in a scope) and forward + backward (the product
 * recorded against a weight that requires gradients, then seli_vjp for both
 * operands), each as a fraction of the same sgemm calls made directly
 * (1 for forward, 3 for forward + backward).  The two sides run in
 * alternation and each keeps its fastest run, so a busy machine skews
 * both alike. */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "seli.h"

/* The direct-path threshold in libseli/src/matmul.c (internal; set here to
 * force one path or the other). */
extern long seli__matmul_direct_max;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef void (*bench_fn)(void *ctx);

/* Mean seconds per call of f and of g, measured in alternating runs of reps
 * calls so that both see the same machine load; the fastest of 9 runs each
 * (other processes only ever slow a run down). */
static void time_pair(bench_fn f, bench_fn g, void *ctx, int reps, double *tf, double *tg)
{
    for (int w = 0; w < reps / 4 + 1; w++) {
        f(ctx); /* warm up caches and OpenBLAS threads */
        g(ctx);
    }
    *tf = *tg = 1e30;
    for (int r = 0; r < 9; r++) {
        double t0 = now();
        for (int i = 0; i < reps; i++)
            f(ctx);
        double t1 = now();
        for (int i = 0; i < reps; i++)
            g(ctx);
        double t2 = now();
        if ((t1 - t0) / reps < *tf)
            *tf = (t1 - t0) / reps;
        if ((t2 - t1) / reps < *tg)
            *tg = (t2 - t1) / reps;
    }
}

typedef struct {
    long n, k, m;
    float *a, *b, *c, *g, *da, *db; /* raw buffers for the direct calls */
    seli_tensor *ta, *tb, *tg;      /* the same data as tensors (global scope) */
    seli_tensor *tw;                /* tb, requiring gradients */
} problem;

static void sgemm_forward(void *ctx)
{
    problem *p = ctx;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)p->n, (int)p->m, (int)p->k, 1.0f,
                p->a, (int)p->k, p->b, (int)p->m, 0.0f, p->c, (int)p->m);
}

static void sgemm_forward_backward(void *ctx)
{
    problem *p = ctx;
    sgemm_forward(p);
    /* da = g b^T, db = a^T g */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)p->n, (int)p->k, (int)p->m, 1.0f,
                p->g, (int)p->m, p->b, (int)p->m, 0.0f, p->da, (int)p->k);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)p->k, (int)p->m, (int)p->n, 1.0f,
                p->a, (int)p->k, p->g, (int)p->m, 0.0f, p->db, (int)p->m);
}

static void seli_forward(void *ctx)
{
    problem *p = ctx;
    seli_scope_begin();
    seli_matmul(p->ta, p->tb);
    seli_scope_end();
}

static void seli_forward_backward(void *ctx)
{
    problem *p = ctx;
    seli_scope_begin();
    seli_tensor *x = seli_requires_grad(seli_copy(p->ta)); /* an input we differentiate too */
    seli_tensor *y = seli_matmul(x, p->tw);
    seli_tensor *xs[2] = {x, p->tw}, *out[2];
    seli_vjp(y, p->tg, 2, xs, out, 0);
    seli_scope_end();
}

static float *random_floats(long n, unsigned seed)
{
    float *v = malloc((size_t)n * sizeof *v);
    srand(seed);
    for (long i = 0; i < n; i++)
        v[i] = (float)rand() / (float)RAND_MAX - 0.5f;
    return v;
}

static void throughput(long n, long k, long m)
{
    problem p = {.n = n, .k = k, .m = m};
    p.a = random_floats(n * k, 1);
    p.b = random_floats(k * m, 2);
    p.g = random_floats(n * m, 3);
    p.c = malloc((size_t)(n * m) * sizeof(float));
    p.da = malloc((size_t)(n * k) * sizeof(float));
    p.db = malloc((size_t)(k * m) * sizeof(float));
    p.ta = seli_from_array(p.a, 2, (long[]){n, k});
    p.tb = seli_from_array(p.b, 2, (long[]){k, m});
    p.tg = seli_from_array(p.g, 2, (long[]){n, m});
    p.tw = seli_requires_grad(seli_from_array(p.b, 2, (long[]){k, m}));
    int reps = 200;
    double flops = 2.0 * (double)n * (double)k * (double)m;
    double t_sf, t_lf, t_sfb, t_lfb;
    time_pair(sgemm_forward, seli_forward, &p, reps, &t_sf, &t_lf);
    time_pair(sgemm_forward_backward, seli_forward_backward, &p, reps / 2, &t_sfb, &t_lfb);
    printf("[%ld,%ld]x[%ld,%ld] forward:          sgemm %7.1f us (%5.1f GFLOP/s), seli %7.1f us "
           "-> %.2f of sgemm\n",
           n, k, k, m, t_sf * 1e6, flops / t_sf * 1e-9, t_lf * 1e6, t_sf / t_lf);
    printf("[%ld,%ld]x[%ld,%ld] forward+backward: sgemm %7.1f us (%5.1f GFLOP/s), seli %7.1f us "
           "-> %.2f of sgemm\n",
           n, k, k, m, t_sfb * 1e6, 3 * flops / t_sfb * 1e-9, t_lfb * 1e6, t_sfb / t_lfb);
    free(p.a);
    free(p.b);
    free(p.g);
    free(p.c);
    free(p.da);
    free(p.db);
}

typedef struct {
    seli_tensor *a, *b;
} pair;

static void seli_product(void *ctx)
{
    pair *q = ctx;
    seli_scope_begin();
    seli_matmul(q->a, q->b);
    seli_scope_end();
}

static void force_direct(void *ctx)
{
    seli__matmul_direct_max = 1L << 40;
    seli_product(ctx);
}

static void force_blas(void *ctx)
{
    seli__matmul_direct_max = 0;
    seli_product(ctx);
}

/* The same seli_matmul call with the threshold forced to each path. */
static void crossover(long n, long k, long m)
{
    pair q = {seli_from_array(random_floats(n * k, 4), 2, (long[]){n, k}),
              seli_from_array(random_floats(k * m, 5), 2, (long[]){k, m})};
    long saved = seli__matmul_direct_max;
    int reps = 20000;
    double t_direct, t_blas;
    time_pair(force_direct, force_blas, &q, reps, &t_direct, &t_blas);
    seli__matmul_direct_max = saved;
    printf("[%3ld,%3ld]x[%3ld,%3ld] (%7ld madds): direct %8.0f ns, OpenBLAS %8.0f ns -> %s\n", n, k,
           k, m, n * k * m, t_direct * 1e9, t_blas * 1e9,
           t_direct < t_blas ? "direct" : "OpenBLAS");
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--crossover") == 0) {
        long sq[] = {2, 3, 4, 5, 6, 8, 12, 16, 24, 32};
        for (size_t i = 0; i < sizeof sq / sizeof sq[0]; i++)
            crossover(sq[i], sq[i], sq[i]);
        crossover(1, 64, 64);
        crossover(1, 128, 128);
        crossover(64, 2, 64);
        crossover(64, 64, 1);
        crossover(32, 1, 32);
        crossover(256, 1, 16);
        crossover(8, 32, 8);
        return 0;
    }
    printf("matmul_bench: seli_matmul as a fraction of cblas_sgemm (higher is better, 1 = par)\n");
    throughput(1024, 128, 128);
    throughput(2048, 128, 128);
    return 0;
}
