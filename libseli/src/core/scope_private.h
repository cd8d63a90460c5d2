/* scope_private.h: arenas, shared by scope.c, tensor.c and autodiff.c. */
#ifndef SELI_SCOPE_PRIVATE_H
#define SELI_SCOPE_PRIVATE_H

#include "core/internal.h"

typedef struct seli_arena {
    struct chunk *head;
    long long bytes;
    unsigned generation; /* bumped when the scope ends */
} seli_arena;

/* size bytes (aligned) in arena a. */
SELI_INTERNAL void *seli__arena_alloc(seli_arena *a, size_t size);
/* Nonzero if owner is the arena of an open scope. */
SELI_INTERNAL int seli__arena_live(const void *owner);
/* The arena's generation, stored in each tensor's flags when allocated. */
SELI_INTERNAL unsigned seli__arena_generation(const seli_arena *a);
/* A tensor with uninitialised data in arena a. */
SELI_INTERNAL seli_tensor *seli__arena_tensor(seli_arena *a, int ndim, const long *shape);

/* Tensor flags: the low byte holds SELI_* flags, the rest the arena generation. */
#define SELI_FLAG_BITS 0xff
#define SELI_GEN_SHIFT 8

#endif
