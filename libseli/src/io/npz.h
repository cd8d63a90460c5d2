/* npz.h: the .npy array format and the .npz container (private).
 *
 * An .npz file is a zip archive (libzip) whose entries are .npy arrays,
 * one per name, plus any other entries (seli keeps its module tree in a JSON
 * entry).  seli writes .npy version 1.0, dtype '<f4', C order, the header
 * padded to 64 bytes as numpy does; it reads versions 1.0 to 3.0, C or
 * Fortran order, little-endian floats, integers and booleans (converted to
 * float32 by seli__npy_copy) and unicode strings (the seed's JSON entry).
 *
 * These functions do not call seli_error: they return 0 on success and
 * otherwise -1 with a reason in err, so callers can free what they hold
 * before they report. */
#ifndef SELI_NPZ_H
#define SELI_NPZ_H

#include <stddef.h>

#include "core/internal.h"

/* --- .npy --- */

/* The .npy bytes of a float32 array of the given shape (C order): malloc'd,
 * the caller frees; the size in *len.  NULL if out of memory. */
SELI_INTERNAL void *seli__npy_encode(int ndim, const long *shape, const float *data, size_t *len);
/* The same for any dtype descr ("<f4", "|b1", "<U12"): data is nbytes of raw
 * little-endian elements. */
SELI_INTERNAL void *seli__npy_encode_raw(const char *descr, int ndim, const long *shape,
                                         const void *data, size_t nbytes, size_t *len);

/* A parsed .npy entry: shape, dtype, and a pointer into the buffer where the
 * data starts (size elements of itemsize bytes, little-endian, possibly
 * unaligned). */
typedef struct seli__npy {
    int ndim;
    long shape[SELI_MAX_DIMS];
    long size;
    int fortran_order;
    char descr[32]; /* as in the file: "<f4", "<f8", "|b1", "<U12", ... */
    char kind;      /* 'f', 'i', 'u', 'b' or 'U' */
    int itemsize;   /* bytes per element */
    const unsigned char *data;
} seli__npy;

/* Validate buf (magic, version, header dict, dtype, shape, data size) and
 * fill *out.  Returns 0, or -1 with a reason in err. */
SELI_INTERNAL int seli__npy_parse(const void *buf, size_t len, seli__npy *out, char *err,
                                  size_t errlen);

/* Copy the parsed numeric array's elements into dst (out->size floats) in C
 * order, converted to float32. */
SELI_INTERNAL void seli__npy_copy(const seli__npy *a, float *dst);
/* The text of a 0-d unicode array ('<U..'), as malloc'd UTF-8, or NULL. */
SELI_INTERNAL char *seli__npy_text(const seli__npy *a);

/* --- .npz: reading --- */

typedef struct seli__npz_entry {
    char *name;           /* entry name inside the zip, e.g. "layers.0.weight.npy" */
    unsigned char *bytes; /* the whole uncompressed entry */
    size_t len;
} seli__npz_entry;

typedef struct seli__npz {
    int count;
    seli__npz_entry *entries;
} seli__npz;

/* Read every entry of the zip file at path into memory (CRC checked).
 * Returns 0, or -1 with a reason in err (missing file, not a zip, truncated,
 * corrupt). */
SELI_INTERNAL int seli__npz_read(const char *path, seli__npz *out, char *err, size_t errlen);
/* The entry with this exact name, or NULL. */
SELI_INTERNAL const seli__npz_entry *seli__npz_find(const seli__npz *z, const char *name);
/* Free what seli__npz_read allocated (a zeroed struct is fine). */
SELI_INTERNAL void seli__npz_free(seli__npz *z);

/* --- .npz: writing, atomically --- */

/* Write a zip with count entries (names[i] -> bytes[i] of lens[i]) to path:
 * into a temporary file in the same directory, fsync'd, then renamed over
 * path, so a failure never damages an existing file.  Entries are stored
 * uncompressed, as np.savez does.  Returns 0, or -1 with a reason in err. */
SELI_INTERNAL int seli__npz_write(const char *path, int count, const char *const *names,
                                  const void *const *bytes, const size_t *lens, char *err,
                                  size_t errlen);

#endif
