/* make_npz_seeds.c: write the seed corpus of fuzz_npz with seli_save.
 *
 *     make fuzz-seeds     (writes the .npz files of fuzz/corpus/npz)
 *
 * Small, meaningful files: a 1->4->1 MLP with parameters, a LayerNorm, a
 * user module type with every attribute kind, and an Adam optimizer with its
 * state buffers.  The corpus also holds hand-made .npy and broken files. */
#include <seli.h>

#include <stdio.h>
#include <string.h>

static void save(const seli_module *m, const char *dir, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    seli_save(m, path);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : ".";
    seli_register("user.Flow", NULL);

    seli_module *mlp = seli_set_rngs(seli_net_mlp(3, (int[]){4, 4, 1}, seli_net_elu), 42);
    seli_scope_begin();
    seli_tensor *x = seli_zeros(2, (long[]){2, 1});
    seli_call(mlp, x);
    seli_scope_end();
    save(mlp, dir, "mlp.npz");

    seli_module *norm = seli_set_rngs(seli_net_sequential(2, seli_net_affine(3), seli_net_layernorm()), 1);
    seli_scope_begin();
    seli_call(norm, seli_zeros(2, (long[]){1, 2}));
    seli_scope_end();
    save(norm, dir, "layernorm.npz");

    seli_module *user = seli_module_create("user.Flow");
    seli_set_int(user, "depth", 3);
    seli_set_float(user, "beta", 0.5);
    seli_set_str(user, "act", "gelu");
    seli_scope_begin();
    seli_set_param(user, "w", seli_ones(2, (long[]){2, 3}));
    seli_set_buffer(user, "count", seli_zeros(1, (long[]){1}));
    seli_scope_end();
    seli_set_child(user, "net", seli_net_relu());
    save(user, dir, "user.npz");

    seli_module *opt = seli_opt_adam(1e-3f);
    save(opt, dir, "adam.npz");

    seli_module_free(mlp);
    seli_module_free(norm);
    seli_module_free(user);
    seli_module_free(opt);
    return 0;
}
