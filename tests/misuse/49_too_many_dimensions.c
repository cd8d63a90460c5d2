seli_zeros(SELI_SHAPE(1, 1, 1, 1, 1, 1, 1, 1, 1))
