/* expm1_wide.h: e^x - 1 and e^x for arrays of floats, and ELU made of e^x - 1,
 * vectorised (private; expm1_wide.c).
 *
 * For unary.c's elu, whose forward pass spent most of notebook 01's small
 * training step in libm's scalar expm1f, and its exp, whose scalar expf was
 * 44% of notebook 04's step (issue 16). */
#ifndef SELI_EXPM1_WIDE_H
#define SELI_EXPM1_WIDE_H

#include "autodiff/tape.h"

/* out[i] = e^a[i] - 1 for n floats (a and out must not overlap), within 2 ulp
 * of the exact value for every float: -1 exactly below x ~ -17.33, +inf
 * above ~88.72, the sign of a zero kept, NaN propagated.  Runs the widest
 * clone the processor supports (AVX-512, AVX2, or the baseline's SSE2). */
SELI_INTERNAL void seli__expm1_eval(const float *a, float *out, long n);
/* The same computation in the baseline (SSE2, no fused multiply-add) clone
 * whatever the processor: for the tests, which check every clone. */
SELI_INTERNAL void seli__expm1_eval_baseline(const float *a, float *out, long n);
/* out[i] = e^a[i] for n floats (not overlapping), within 1 ulp of the exact
 * value for every float: +0 below x ~ -103.97, subnormals below ~-87.34
 * (0 under seli_flush_subnormals), +inf above ~88.72, NaN propagated.
 * seli_exp's forward; runs the widest clone, as seli__expm1_eval. */
SELI_INTERNAL void seli__exp_eval(const float *a, float *out, long n);
/* The same in the baseline clone, for the tests. */
SELI_INTERNAL void seli__exp_eval_baseline(const float *a, float *out, long n);
/* out[i] = a[i] > 0 ? a[i] : alpha (e^a[i] - 1) for n floats (not
 * overlapping), one vectorised pass with the same e^x - 1: seli_elu's
 * forward. */
SELI_INTERNAL void seli__elu_eval(const float *a, float *out, long n, float alpha);

#endif
