seli_module *layer25 = seli_net_affine(3);   /* no seli_set_rngs */
seli_call(layer25, seli_zeros(SELI_SHAPE(2, 2)))
