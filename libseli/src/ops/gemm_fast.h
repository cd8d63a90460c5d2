/* gemm_fast.h: an AVX-512 matrix product for the network shapes (private).
 *
 * seli__gemm_fast computes C[n, m] = op(A) op(B) (row-major; op transposes
 * when its flag is set, A is [n, k] or [k, n], B is [k, m] or [m, k]) when
 * the processor has AVX-512 and m is a multiple of 32, splitting the rows
 * of C (or, for few rows, its 64-column panels) over two threads
 * (SELI_NUM_THREADS=1 keeps one), or when m = 1,
 * k >= 16 and A is not transposed (a dot product per row).  It returns 0,
 * having done nothing, for any other case, and where the library measured
 * faster (B^T times one row, A^T times one column): the caller then uses
 * OpenBLAS.  SELI_NO_AVX512=1 in the environment turns it off (for
 * comparisons). */
#ifndef SELI_GEMM_FAST_H
#define SELI_GEMM_FAST_H

#include "core/internal.h"

SELI_INTERNAL int seli__gemm_fast(int ta, int tb, long n, long m, long k, const float *A,
                                  const float *B, float *C);
/* Activations that seli__gemm_fast_act applies as the tile is stored. */
enum { SELI__ACT_NONE, SELI__ACT_GELU, SELI__ACT_LEAKY_RELU };

/* Z = A [n, k] @ B [k, m] + bias [m] (bias may be NULL) and C = act(Z)
 * (GELU in its tanh form, or the leaky ReLU with slope), on the same terms
 * as seli__gemm_fast; Z may be NULL (not stored).  Returns 0, having done
 * nothing, when it does not apply. */
SELI_INTERNAL int seli__gemm_fast_act(long n, long m, long k, const float *A, const float *B,
                                      const float *bias, int act, float slope, float *Z,
                                      float *C);

/* Run fn(ctx, i0, i1) over the ranges of a cut of [0, n) (each starting at a
 * multiple of 64), sharing them with the worker thread of the products when
 * n >= min_split and two threads are wanted; else fn(ctx, 0, n).  Callers
 * bracket it with seli__enter_blas / seli__leave_blas, as for a product. */
SELI_INTERNAL void seli__parallel_for(long n, long min_split,
                                      void (*fn)(void *ctx, long i0, long i1), void *ctx);

#endif
