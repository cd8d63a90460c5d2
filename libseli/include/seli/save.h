/* seli/save.h: saving modules and optimizers as .npz files.
 *
 * The file is a real .npz: every parameter and buffer is a .npy entry named
 * by its path ("layers.0.weight.npy"), so numpy.load reads it, and the module
 * tree (registered type names, integers, floats, strings, children, which
 * arrays are parameters and which are buffers) is the JSON entry
 * "seli.json".  A user module type must be registered (seli_module_new or
 * seli_register) before its file can be loaded.
 *
 * seli_load also reads the files of the seed (seli 0.1.2, the paper's
 * Python/JAX library), and seli_save_as writes them: jnp.savez's arr_0 ...
 * arr_N with the module tree as JSON text in the last.  Each seed class maps
 * to libseli's module of the same name (the seed's activation functions,
 * "jax.nn.elu" and the like, to net.ELU and the like, and back); a type
 * without a counterpart is an error naming it, and nothing is built or
 * written.  Arrays that are not float32 (numpy's float64, say) are
 * converted on load, and the loaded model's string attribute "load_note"
 * says so. */
#ifndef SELI_SAVE_H
#define SELI_SAVE_H

#include "seli/module.h"

/* Write m (a model or an optimizer, with its whole tree) to path.  The file
 * is written next to path under a temporary name, flushed to disk and then
 * renamed, so a failed save never damages an earlier file at path. */
void seli_save(const seli_module *m, const char *path);

/* The formats seli_save_as writes. */
typedef enum seli_format {
    SELI_FORMAT_SELI = 0, /* libseli's own (seli_save), the default */
    SELI_FORMAT_SEED = 1  /* the seed's seli.save: seli.load(path) in Python reads it */
} seli_format;

/* Write m to path in the given format (seli_save for SELI_FORMAT_SELI). */
void seli_save_as(const seli_module *m, const char *path, seli_format format);

/* Read a module written by seli_save (or an equivalent file made with
 * numpy), or by the seed's seli.save; every check (file, zip, JSON, types, shapes) happens before the
 * module is built.  The caller owns the result (seli_module_free). */
seli_module *seli_load(const char *path);

#endif
