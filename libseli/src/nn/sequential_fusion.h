/* sequential_fusion.h: running a net.Affine and the activation after it as one op
 * (private; sequential_fusion.c, used by net.Sequential). */
#ifndef SELI_FUSE_H
#define SELI_FUSE_H

#include "core/internal.h"

/* If layer is a net.Affine and next a net.GELU or net.LeakyReLU, compute
 * next(layer(x)) with one fused op (seli/fused.h), creating the affine's
 * parameters exactly as net.Affine would, and return it; otherwise return
 * NULL and do nothing. */
SELI_INTERNAL seli_tensor *seli__fused_pair(seli_module *layer, seli_module *next,
                                            seli_tensor *x);

#endif
