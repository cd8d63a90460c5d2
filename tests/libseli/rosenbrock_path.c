/* rosenbrock_path.c: a small program for test_adam_torch.py.
 *
 *   rosenbrock_path STEPS LR B1 B2 EPS
 *
 * minimizes the Rosenbrock function f(x, y) = (1 - x)^2 + 100 (y - x^2)^2
 * from (-0.5, 1) with seli_opt_adam_full(LR, B1, B2, EPS) and prints the
 * point after every step, one line "X Y" per step, as exact hex floats (%a).
 * Errors go through libseli's default handler: message on stderr, exit 1. */
#include <stdio.h>
#include <stdlib.h>

#include "seli.h"

static seli_tensor *rosenbrock(seli_tensor *const *p, void *ctx)
{
    (void)ctx;
    seli_tensor *x = seli_slice(p[0], 0, 0, 1, 1), *y = seli_slice(p[0], 0, 1, 2, 1);
    seli_tensor *a = seli_square(seli_add_scalar(seli_neg(x), 1));
    seli_tensor *b = seli_square(seli_sub(y, seli_square(x)));
    return seli_sum_all(seli_add(a, seli_mul_scalar(b, 100)));
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: rosenbrock_path STEPS LR B1 B2 EPS\n");
        return 2;
    }
    long steps = strtol(argv[1], NULL, 10);
    seli_module *opt = seli_opt_adam_full(strtod(argv[2], NULL), strtod(argv[3], NULL),
                                          strtod(argv[4], NULL), strtod(argv[5], NULL));
    seli_tensor *p = seli_requires_grad(seli_tensor_new(1, (long[]){2}));
    p->data[0] = -0.5f;
    p->data[1] = 1.0f;
    for (long i = 0; i < steps; i++) {
        seli_minimize_tensors(opt, rosenbrock, 1, &p, NULL);
        printf("%a %a\n", p->data[0], p->data[1]);
    }
    seli_tensor_free(p);
    seli_module_free(opt);
    return 0;
}
