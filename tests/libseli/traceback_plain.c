/* traceback_plain.c: a plain program that misuses libseli, for
 * test_traceback_plain.py: directly (train_step), or from a callback that
 * libseli calls (objective, through seli_minimize_tensors). */
#include <seli.h>
#include <stddef.h>
#include <string.h>

static seli_tensor *objective(seli_tensor *const *params, void *ctx)
{
    (void)ctx;
    return seli_matmul(params[0], seli_zeros(SELI_SHAPE(2, 2)));
}

static seli_tensor *train_step(seli_tensor *x)
{
    seli_tensor *w = seli_zeros(SELI_SHAPE(5, 2));
    seli_tensor *h = seli_matmul(x, w);
    return h;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "callback")) {
        seli_tensor *theta = seli_requires_grad(seli_tensor_new(SELI_SHAPE(3)));
        seli_minimize_tensors(seli_opt_adam(0.1), objective, 1, &theta, NULL);
    }
    seli_tensor *batch = seli_zeros(SELI_SHAPE(3, 4));
    train_step(batch);
    return 0;
}
