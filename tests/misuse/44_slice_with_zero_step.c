seli_slice(seli_ones(SELI_SHAPE(4)), 0, 0, 4, 0)
