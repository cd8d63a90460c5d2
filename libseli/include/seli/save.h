/* seli/save.h: saving modules and optimizers as .npz files.
 *
 * The file is a real .npz: every parameter and buffer is a .npy entry named
 * by its path ("layers.0.weight.npy"), so numpy.load reads it, and the module
 * tree (registered type names, integers, floats, strings, children, which
 * arrays are parameters and which are buffers) is the JSON entry
 * "seli.json".  A user module type must be registered (seli_module_new or
 * seli_register) before its file can be loaded. */
#ifndef SELI_SAVE_H
#define SELI_SAVE_H

#include "seli/module.h"

/* Write m (a model or an optimizer, with its whole tree) to path.  The file
 * is written next to path under a temporary name, flushed to disk and then
 * renamed, so a failed save never damages an earlier file at path. */
void seli_save(const seli_module *m, const char *path);

/* Read a module written by seli_save (or an equivalent file made with
 * numpy); every check (file, zip, JSON, types, shapes) happens before the
 * module is built.  The caller owns the result (seli_module_free). */
seli_module *seli_load(const char *path);

#endif
