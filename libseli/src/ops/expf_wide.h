/* expf_wide.h: e^x for arrays of floats (private; expf_wide.c).
 *
 * Four elements at a time where glibc's expf is its FMA build, giving the same
 * bits as calling expf on each element (so results do not change with it). */
#ifndef SELI_EXPF_WIDE_H
#define SELI_EXPF_WIDE_H

#include "core/internal.h"

/* out[i] = expf(x[i]) for n floats, bit for bit; out may equal x. */
SELI_INTERNAL void seli__expf_array(const float *x, float *out, long n);

#endif
