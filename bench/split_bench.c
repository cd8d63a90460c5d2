/* split_bench.c: does sharing a layer's products with the second thread pay?
 *
 * One hidden layer of the paper's networks, forward and backward, as a
 * training step runs it: h = leaky_relu(x @ w + b), then the gradients of
 * sum(h * r) with respect to x and w (g @ w^T and x^T @ g, [B, 128] x
 * [128, 128] each).  Three products of B x 128 x 128 multiply-adds per
 * repetition, at the batch sizes of notebooks 03/05 (128), 05's critic (256)
 * and 07 (1024).
 *
 * Run it twice, SELI_NUM_THREADS=1 and =2 (bench/Makefile's `split` does),
 * and compare the medians:
 *     split_bench: threads=N B=128 layer_us=... gflops=...
 * Each run is a few milliseconds; the figures are the median and the minimum
 * over 301 runs of the mean time per repetition.  On a shared machine the
 * minimum is the better estimate of the quiet machine. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "seli.h"
#include "timing.h"

#define RUNS 301

static volatile float sink;

/* Median microseconds of one layer's forward and backward at batch b. */
static double layer_us(long b, long reps, double *best)
{
    seli_key key = seli_seed(7);
    seli_tensor *w = seli_keep(seli_requires_grad(seli_normal(seli_next(&key), SELI_SHAPE(128, 128))));
    seli_tensor *bias = seli_keep(seli_requires_grad(seli_zeros(SELI_SHAPE(128))));
    seli_tensor *x = seli_keep(seli_requires_grad(seli_normal(seli_next(&key), SELI_SHAPE(b, 128))));
    seli_tensor *r = seli_keep(seli_normal(seli_next(&key), SELI_SHAPE(b, 128)));
    double runs[RUNS];
    for (int k = 0; k < RUNS; k++) {
        double t0 = bench_us();
        for (long i = 0; i < reps; i++) {
            seli_scope_begin();
            seli_tensor *h = seli_affine_leaky_relu(x, w, bias, 0.01f);
            seli_tensor *out[2];
            seli_vjp(seli_sum_all(seli_mul(h, r)), NULL, 2, (seli_tensor *[]){x, w}, out, 0);
            sink += out[0]->data[0] + out[1]->data[0];
            seli_scope_end();
        }
        runs[k] = (bench_us() - t0) / (double)reps;
    }
    qsort(runs, RUNS, sizeof runs[0], bench_cmp_double);
    *best = runs[0];
    return runs[RUNS / 2];
}

int main(void)
{
    const char *t = getenv("SELI_NUM_THREADS");
    long batches[] = {128, 256, 1024};
    for (int i = 0; i < 3; i++) {
        long b = batches[i];
        double best, us = layer_us(b, 4096 / b, &best);
        printf("split_bench: threads=%s B=%ld layer_us median=%.1f min=%.1f gflops_at_min=%.1f\n",
               t ? t : "2", b, us, best, 3.0 * 2.0 * (double)b * 128 * 128 / (best * 1e3));
    }
    return 0;
}
