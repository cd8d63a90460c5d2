seli_concat(2, (seli_tensor *[]){seli_ones(SELI_SHAPE(2, 3)), seli_ones(SELI_SHAPE(2, 4))}, 0)
