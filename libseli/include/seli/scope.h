/* seli/scope.h: where temporary tensors live.
 *
 * Every tensor an operation returns is allocated in the current scope, an
 * arena that grows in chunks.  seli_scope_end frees all of them at once,
 * except the tensors passed to seli_keep, which move to the enclosing scope.
 * Outside any scope, tensors go to the global scope, which lives as long as
 * the program (a notebook's top-level tensors live there).
 *
 * The current scope is part of libseli's context: one per process, used by
 * the thread that runs the computations. */
#ifndef SELI_SCOPE_H
#define SELI_SCOPE_H

typedef struct seli_tensor seli_tensor;

/* Open a new scope; tensors created until the matching seli_scope_end live
 * in it. */
void seli_scope_begin(void);

/* Free every tensor of the current scope except the kept ones, and return to
 * the enclosing scope.  Ending the global scope is an error. */
void seli_scope_end(void);

/* Move t out of the current scope into the enclosing one, so it survives
 * seli_scope_end.  Returns the tensor to use from now on (the pointer may
 * change; the old one dies with the scope).  The kept tensor is detached from
 * the tape: it is a constant, and no gradient flows through it. */
seli_tensor *seli_keep(seli_tensor *t);

/* Number of scopes open above the global scope (0 at top level). */
int seli_scope_depth(void);

/* Close scopes until seli_scope_depth() == depth (error unwinding uses this). */
void seli_scope_unwind(int depth);

/* Bytes currently held by all scopes' arenas (for tests and curious users). */
long long seli_scope_bytes(void);

/* Release the cached arena chunks that ended scopes keep for reuse. */
void seli_scope_trim(void);

#endif
