seli_add(seli_ones(SELI_SHAPE(3)), seli_ones(SELI_SHAPE(4)))
