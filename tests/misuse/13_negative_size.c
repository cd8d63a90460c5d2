int n_samples = -3;
seli_tensor *batch = seli_zeros(SELI_SHAPE(n_samples, 2));
