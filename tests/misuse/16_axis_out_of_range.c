seli_sum(seli_ones(SELI_SHAPE(2, 3)), 2, 0)
