seli_transpose(seli_ones(SELI_SHAPE(3)))
