seli_permute(seli_ones(SELI_SHAPE(2, 3)), (int[]){0, 0})
