/* save_loop.c: a helper for test_save_kill.py (not a cmocka test).
 *
 *   save_loop save PATH FIRST   save a large model to PATH again and again:
 *                               save number k (k = FIRST, FIRST+1, ...) has
 *                               every parameter element equal to k; after
 *                               each save it prints "saved k" and flushes.
 *   save_loop check PATH        load PATH with seli_load, check that every
 *                               element of every parameter holds the same
 *                               integer k and that the tree is complete;
 *                               print "ok k params" (exit 0), or the
 *                               problem (exit 1).
 *
 * Build: gcc -std=c11 -D_GNU_SOURCE -Ilibseli/include save_loop.c build/libseli.a
 *        $(pkg-config --libs openblas) -ljansson -lzip -lpng -lz -lm -lpthread */
#include "seli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { WIDTH = 768, DEPTH = 4 }; /* about 2.4 M parameters: a 9 MB file */

static seli_module *make_model(void)
{
    int widths[DEPTH];
    for (int i = 0; i < DEPTH; i++)
        widths[i] = WIDTH;
    seli_module *m = seli_set_rngs(seli_net_mlp(DEPTH, widths, seli_net_relu), 1);
    seli_call(m, seli_zeros(SELI_SHAPE(1, WIDTH)));
    return m;
}

static long expected_params(void) { return (long)DEPTH * ((long)WIDTH * WIDTH + WIDTH); }

static void fill(seli_module *m, float value)
{
    seli_param_list list = seli_module_params(m);
    for (int i = 0; i < list.n; i++)
        for (long j = 0; j < list.params[i]->size; j++)
            list.params[i]->data[j] = value;
    seli_param_list_free(&list);
}

static int check(const char *path)
{
    seli_module *m = seli_load(path);
    seli_param_list list = seli_module_params(m);
    long count = 0;
    float k = list.n > 0 && list.params[0]->size > 0 ? list.params[0]->data[0] : -1.0f;
    for (int i = 0; i < list.n; i++) {
        const seli_tensor *t = list.params[i];
        for (long j = 0; j < t->size; j++)
            if (t->data[j] != k) {
                printf("mixed: %s[%ld] = %g but the first element is %g\n", list.paths[i], j,
                       (double)t->data[j], (double)k);
                return 1;
            }
        count += t->size;
    }
    seli_param_list_free(&list);
    seli_module_free(m);
    if (count != expected_params()) {
        printf("incomplete: %ld parameters, expected %ld\n", count, expected_params());
        return 1;
    }
    printf("ok %.0f %ld\n", (double)k, count);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "check"))
        return check(argv[2]);
    if (argc != 4 || strcmp(argv[1], "save") != 0) {
        fprintf(stderr, "usage: save_loop save PATH FIRST | save_loop check PATH\n");
        return 2;
    }
    seli_module *m = make_model();
    for (long k = atol(argv[3]);; k++) {
        fill(m, (float)k);
        seli_save(m, argv[2]);
        printf("saved %ld\n", k);
        fflush(stdout);
    }
}
