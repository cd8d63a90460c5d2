/* sequential_fusion.c: a net.Affine followed by net.GELU or net.LeakyReLU, run as one
 * fused op (see sequential_fusion.h and seli/fused.h).  The result and the parameters
 * are exactly those of calling the two modules in turn; only the number of
 * passes over memory changes. */
#include "nn/sequential_fusion.h"

#include <string.h>

#include "nn/module_private.h"
#include "seli/fused.h"

seli_tensor *seli__fused_pair(seli_module *layer, seli_module *next, seli_tensor *x)
{
    const char *lt = seli_module_type(layer), *nt = seli_module_type(next);
    if (strcmp(lt, "net.Affine") != 0 || !x || x->ndim < 1)
        return NULL;
    int gelu = strcmp(nt, "net.GELU") == 0, leaky = strcmp(nt, "net.LeakyReLU") == 0;
    if (!gelu && !leaky)
        return NULL;
    /* the parameters, as affine.c's forward asks for them (weight first) */
    long in = x->shape[x->ndim - 1], out = seli_get_int(layer, "dim");
    seli_tensor *w = seli_param(layer, "weight",
                                seli_get_init(layer, "weight_init", seli_init_he()),
                                SELI_SHAPE(in, out));
    seli_tensor *b = seli_param(layer, "bias",
                                seli_get_init(layer, "bias_init", seli_init_zeros()),
                                SELI_SHAPE(out));
    if (gelu)
        return seli_affine_gelu(x, w, b);
    return seli_affine_leaky_relu(x, w, b, (float)seli_get_float(next, "slope"));
}
