/* npz_tool.c: a small program for test_npz_numpy.py.
 *
 *   npz_tool save MODEL.npz OPT.npz   train a 1->16->16->1 ELU MLP for three
 *                                     Adam steps, save model and optimizer,
 *                                     and print every array (as below)
 *   npz_tool load FILE.npz            load a module and print its arrays
 *
 * Output: one line per parameter or buffer,
 *   KIND PATH NDIM D0 D1 ... : V0 V1 ...
 * with values printed with 9 significant digits (exact for float32).
 * Errors go through libseli's default handler: message on stderr, exit 1. */
#include <stdio.h>
#include <string.h>

#include "seli.h"

static void print_attr(const char *path, const seli_attr *a, void *ctx)
{
    (void)ctx;
    if (a->kind != SELI_ATTR_PARAM && a->kind != SELI_ATTR_BUFFER)
        return;
    const seli_tensor *t = a->tensor;
    printf("%s %s %d", a->kind == SELI_ATTR_PARAM ? "param" : "buffer", path, t->ndim);
    for (int i = 0; i < t->ndim; i++)
        printf(" %ld", t->shape[i]);
    printf(" :");
    for (long k = 0; k < t->size; k++)
        printf(" %.9g", t->data[k]);
    printf("\n");
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "save") == 0) {
        seli_module *model = seli_set_rngs(seli_net_mlp(3, (int[]){16, 16, 1}, seli_net_elu), 42);
        seli_module *opt = seli_opt_adam(1e-2);
        seli_tensor *x = seli_reshape(seli_linspace(-1, 1, 8), 2, (long[]){8, 1});
        seli_tensor *y = seli_sin(x);
        for (int i = 0; i < 3; i++)
            seli_minimize_v(opt, seli_loss_mse, model, y, x);
        seli_save(model, argv[2]);
        seli_save(opt, argv[3]);
        seli_module_visit(model, print_attr, NULL);
        seli_module_visit(opt, print_attr, NULL);
        seli_module_free(model);
        seli_module_free(opt);
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "load") == 0) {
        seli_module *m = seli_load(argv[2]);
        printf("type %s\n", seli_module_type(m));
        if (seli_has(m, "load_note"))
            printf("note %s\n", seli_get_str(m, "load_note"));
        seli_module_visit(m, print_attr, NULL);
        seli_module_free(m);
        return 0;
    }
    fprintf(stderr, "usage: npz_tool save MODEL.npz OPT.npz | npz_tool load FILE.npz\n");
    return 2;
}
