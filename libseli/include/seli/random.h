/* seli/random.h: reproducible randomness from counter-based keys.
 *
 * A key is a small value, copied freely.  The generator is Philox-4x32-10, so
 * the same key gives bit-identical tensors on every machine.  As in JAX, a
 * key is never consumed in place: split it into new keys, one per use. */
#ifndef SELI_RANDOM_H
#define SELI_RANDOM_H

typedef struct seli_tensor seli_tensor;

typedef struct seli_key {
    unsigned int k[2];
} seli_key;

/* The root key for a seed. */
seli_key seli_seed(unsigned long long seed);
/* Derive n independent keys from key into out[0..n-1]; child i does not
 * depend on n. */
void seli_split(seli_key key, int n, seli_key *out);
/* A new key from key and an integer (a step count, a layer index...). */
seli_key seli_fold_in(seli_key key, unsigned int data);
/* Return a fresh key and advance *key (as seli_split(*key, 2, k): *key
 * becomes k[0], the result is k[1]); handy in loops:
 * x = seli_normal(seli_next(&key), ...). */
seli_key seli_next(seli_key *key);
/* One Philox-4x32-10 block: out = philox(counter, key).  Exposed so tests
 * can check the published vectors. */
void seli_philox4x32(const unsigned int counter[4], const unsigned int key[2],
                     unsigned int out[4]);

/* Standard normal samples of the given shape. */
seli_tensor *seli_normal(seli_key key, int ndim, const long *shape);
/* Uniform samples in [low, high) (low <= high, both finite), multiples of
 * (high - low) * 2^-24. */
seli_tensor *seli_uniform(seli_key key, float low, float high, int ndim, const long *shape);
/* Samples of -1 or +1 with equal probability. */
seli_tensor *seli_rademacher(seli_key key, int ndim, const long *shape);
/* Integers uniform in [low, high), stored as floats;
 * -2^24 <= low < high <= 2^24 + 1 so that every value is exact. */
seli_tensor *seli_randint(seli_key key, long low, long high, int ndim, const long *shape);
/* A random permutation of 0..n-1 (0 <= n <= 2^24 + 1), stored as floats,
 * shape [n]. */
seli_tensor *seli_permutation(seli_key key, long n);

#endif
