/* seed_file.h: the seed's file format, shared by save.c, seed_read.c and
 * seed_write.c (private).
 *
 * The seed (seli 0.1.2, the paper's Python/JAX library) saves a model with
 * jnp.savez(path, *arrays, json): the arrays are the entries arr_0.npy ...
 * arr_{N-1}.npy and the module tree is the JSON text in arr_N.npy, a 0-d
 * unicode array.  The tree names each module's registered class
 * ("__registry__:net.Affine"), its attributes, and for each array an
 * ArrayPlaceholder with its index; activation functions are registry
 * strings ("__registry__:jax.nn.elu"). */
#ifndef SELI_IO_SEED_FILE_H
#define SELI_IO_SEED_FILE_H

#include "io/npz.h"
#include "nn/module_private.h"

/* Arrays converted to float32 while loading: how many, and their dtypes. */
typedef struct seli__conversions {
    int count;
    char dtypes[64];
} seli__conversions;

/* Count a's conversion if it is not float32 (save.c). */
SELI_INTERNAL void seli__conversion_add(seli__conversions *c, const seli__npy *a);
/* Say the conversions in m's summary: the string attribute "load_note". */
SELI_INTERNAL void seli__conversion_note(seli_module *m, const seli__conversions *c);

/* Nonzero if zip holds arr_0.npy ... arr_N.npy and nothing else (a file of
 * the seed's seli.save). */
SELI_INTERNAL int seli__is_seed_file(const seli__npz *zip);
/* The module in the seed's file at path (already read into zip); every
 * check happens before anything is built; errors go to seli_error. */
SELI_INTERNAL seli_module *seli__seed_load(const char *path, seli__npz *zip);
/* Write m in the seed's format to path (seed_write.c). */
SELI_INTERNAL void seli__seed_save(const seli_module *m, const char *path);

/* The seed's activation functions and libseli's modules for them. */
typedef struct seli__seed_activation {
    const char *seed; /* "jax.nn.elu" */
    const char *type; /* "net.ELU" */
    seli_module *(*make)(void);
} seli__seed_activation;
/* The table, ended by an entry whose seed is NULL (seed_read.c). */
SELI_INTERNAL extern const seli__seed_activation seli__seed_activations[];

#endif
