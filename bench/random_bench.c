/* random_bench.c: how fast libseli samples from a key.
 *
 * For each sampler, the best of 20 rounds of 50 draws of 32768 samples (the
 * notebooks' evaluation size), each draw in its own scope, with a fresh key.
 * Build and run:
 *   make build/libseli.a
 *   gcc -O2 -std=c11 -Ilibseli/include bench/random_bench.c build/libseli.a \
 *       $(pkg-config --libs openblas) -ljansson -lzip -lpng -lz -lm -lpthread \
 *       -o build/random_bench && build/random_bench */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <time.h>

#include "seli.h"

#define N 32768
#define ROUNDS 20
#define REPS 50

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static seli_tensor *draw(int which, seli_key key)
{
    switch (which) {
    case 0: return seli_normal(key, SELI_SHAPE(N));
    case 1: return seli_uniform(key, 0.0f, 1.0f, SELI_SHAPE(N));
    case 2: return seli_rademacher(key, SELI_SHAPE(N));
    case 3: return seli_randint(key, 0, 10, SELI_SHAPE(N));
    default: return seli_permutation(key, N);
    }
}

int main(void)
{
    static const char *names[] = {"seli_normal", "seli_uniform", "seli_rademacher",
                                  "seli_randint", "seli_permutation"};
    seli_key key = seli_seed(0);
    volatile float sink = 0;
    printf("%-18s %10s %16s\n", "sampler", "us/32768", "samples/s");
    for (int which = 0; which < 5; which++) {
        double best = 1e30;
        for (int round = 0; round < ROUNDS; round++) {
            double t0 = now();
            for (int r = 0; r < REPS; r++) {
                seli_scope_begin();
                sink += draw(which, seli_next(&key))->data[N / 2];
                seli_scope_end();
            }
            double dt = (now() - t0) / REPS;
            if (dt < best)
                best = dt;
        }
        printf("%-18s %10.1f %16.3e\n", names[which], best * 1e6, N / best);
    }
    (void)sink;
    return 0;
}
