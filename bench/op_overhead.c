/* op_overhead.c: the cost of one small op on the tape.
 *
 * A [128] elementwise op whose input requires gradients, so it is recorded on
 * the tape, inside a scope that then ends: the allocation (an arena bump),
 * the loop, the tape node and the scope's release are all counted.  Also
 * shown for context: 16 ops per scope (the scope's cost amortised), the same
 * op in no-grad mode, and an op whose loop calls expf (tanh).
 *
 * Each figure is the median over 21 runs of the mean ns per op in the run.
 * The first line is the headline figure:
 *     op_overhead: seli_mul [128] recorded, one op per scope: N ns/op */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "seli.h"
#include "timing.h"

#define RUNS 21

typedef seli_tensor *(*binary_op)(const seli_tensor *, const seli_tensor *);
typedef seli_tensor *(*unary_op)(const seli_tensor *);

static volatile float sink; /* keeps the results observable */

/* Median ns per op: reps scopes per run, ops_per_scope ops in each. */
static double measure(binary_op bop, unary_op uop, const seli_tensor *x, long reps,
                      int ops_per_scope)
{
    double per_op[RUNS];
    for (int r = 0; r < RUNS; r++) {
        double t0 = bench_ns();
        for (long i = 0; i < reps; i++) {
            seli_scope_begin();
            for (int k = 0; k < ops_per_scope; k++) {
                seli_tensor *y = bop ? bop(x, x) : uop(x);
                sink = y->data[k];
            }
            seli_scope_end();
        }
        per_op[r] = (bench_ns() - t0) / ((double)reps * ops_per_scope);
    }
    qsort(per_op, RUNS, sizeof per_op[0], bench_cmp_double);
    return per_op[RUNS / 2];
}

int main(void)
{
    seli_tensor *x = seli_tensor_new(1, (long[]){128});
    for (int i = 0; i < 128; i++)
        x->data[i] = 0.01f * (float)i - 0.6f;
    seli_requires_grad(x);

    measure(seli_mul, NULL, x, 20000, 1); /* warm the arena cache */
    double mul1 = measure(seli_mul, NULL, x, 100000, 1);
    double add1 = measure(seli_add, NULL, x, 100000, 1);
    double mul16 = measure(seli_mul, NULL, x, 10000, 16);
    seli_no_grad_begin();
    double nograd = measure(seli_mul, NULL, x, 100000, 1);
    seli_no_grad_end();
    double tanh1 = measure(NULL, seli_tanh, x, 50000, 1);

    printf("op_overhead: seli_mul [128] recorded, one op per scope: %.0f ns/op\n", mul1);
    printf("  seli_add [128] recorded, one op per scope:  %.0f ns/op\n", add1);
    printf("  seli_mul [128] recorded, 16 ops per scope:  %.0f ns/op\n", mul16);
    printf("  seli_mul [128] in no-grad mode, one per scope: %.0f ns/op\n", nograd);
    printf("  seli_tanh [128] recorded (an exp per element): %.0f ns/op\n", tanh1);
    printf("target: under 200 ns/op -> %s\n", mul1 < 200 ? "met" : "NOT met");
    seli_tensor_free(x);
    return 0;
}
