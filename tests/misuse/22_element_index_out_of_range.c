seli_tensor *grid = seli_zeros(SELI_SHAPE(2, 3));
seli_get(grid, SELI_INDEX(2, 0))
