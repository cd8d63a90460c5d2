seli_squeeze(seli_ones(SELI_SHAPE(2, 3)), 0)
