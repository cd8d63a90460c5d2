seli_tensor *tmp28 = seli_ones(SELI_SHAPE(3));
seli_tensor_free(tmp28);
