seli_tensor *grid23 = seli_zeros(SELI_SHAPE(2, 3));
seli_get(grid23, SELI_INDEX(1))
