seli_tensor *huge = seli_zeros(SELI_SHAPE(1000000000, 1000000000));
