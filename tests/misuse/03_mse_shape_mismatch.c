seli_tensor *pred = seli_zeros(SELI_SHAPE(4, 3));
seli_tensor *target = seli_zeros(SELI_SHAPE(5));
seli_mse(pred, target)
