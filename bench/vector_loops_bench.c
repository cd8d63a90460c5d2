/* vector_loops_bench.c: what the AVX2 and AVX-512 copies of the elementwise
 * loops (libseli/src/ops/vector_width.h) buy over the SSE copy.
 *
 * Times seli_add, seli_mul, seli_add of a [cols] row, seli_where and
 * seli_mul_scalar on [1920, 128] (notebook 03's flow evaluates its network
 * on 1920 points) and [64, 16] (notebook 01's batch), with nothing on the
 * tape.  The copy is chosen once per process, so bench/Makefile's
 * `vector_loops` runs this three times: as is, with SELI_NO_AVX512=1 and
 * with SELI_NO_AVX2=1.  Each figure is the median over 31 runs of the mean
 * time of one op, in microseconds:
 *     vector_loops: seli_add [1920, 128] us=... (SELI_NO_AVX2=1) */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "seli.h"
#include "timing.h"

#define RUNS 31

enum { ADD, MUL, ADD_ROW, WHERE, MUL_SCALAR, NOPS };
static const char *const NAME[] = {"seli_add", "seli_mul", "seli_add row", "seli_where",
                                   "seli_mul_scalar"};

static void run(int op, seli_tensor *a, seli_tensor *b, seli_tensor *row, seli_tensor *cond)
{
    switch (op) {
    case ADD:
        seli_add(a, b);
        break;
    case MUL:
        seli_mul(a, b);
        break;
    case ADD_ROW:
        seli_add(a, row);
        break;
    case WHERE:
        seli_where(cond, a, b);
        break;
    default:
        seli_mul_scalar(a, 0.5f);
        break;
    }
}

/* Median microseconds of one op on [rows, cols]. */
static double time_op(seli_key key, int op, long rows, long cols)
{
    long reps = 4000000 / (rows * cols) + 1;
    seli_tensor *a = seli_normal(seli_fold_in(key, 1), 2, (long[]){rows, cols});
    seli_tensor *b = seli_normal(seli_fold_in(key, 2), 2, (long[]){rows, cols});
    seli_tensor *row = seli_normal(seli_fold_in(key, 3), 1, (long[]){cols});
    seli_tensor *cond = seli_greater(a, b);
    double t[RUNS];
    for (int r = 0; r < RUNS; r++) {
        double t0 = bench_us();
        for (long k = 0; k < reps; k++) {
            seli_scope_begin();
            run(op, a, b, row, cond);
            seli_scope_end();
        }
        t[r] = (bench_us() - t0) / (double)reps;
    }
    qsort(t, RUNS, sizeof t[0], bench_cmp_double);
    return t[RUNS / 2];
}

int main(void)
{
    const char *no512 = getenv("SELI_NO_AVX512"), *no2 = getenv("SELI_NO_AVX2");
    const char *copy = no2 ? "SELI_NO_AVX2=1" : no512 ? "SELI_NO_AVX512=1" : "widest";
    static const long shapes[][2] = {{1920, 128}, {64, 16}};
    seli_scope_begin();
    seli_key key = seli_seed(1);
    for (int s = 0; s < 2; s++)
        for (int op = 0; op < NOPS; op++)
            printf("vector_loops: %-15s [%ld, %ld] us=%.3f (%s)\n", NAME[op], shapes[s][0],
                   shapes[s][1], time_op(key, op, shapes[s][0], shapes[s][1]), copy);
    seli_scope_end();
    return 0;
}
