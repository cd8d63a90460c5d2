seli_reshape(seli_ones(SELI_SHAPE(2, 3)), SELI_SHAPE(4, 2))
