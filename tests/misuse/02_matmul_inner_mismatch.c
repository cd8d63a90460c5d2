seli_tensor *a = seli_ones(SELI_SHAPE(2, 3));
seli_tensor *b = seli_ones(SELI_SHAPE(2, 3));
seli_matmul(a, b)
