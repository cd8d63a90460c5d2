seli_tensor *leaf24 = seli_requires_grad(seli_tensor_new(SELI_SHAPE(2)));
seli_tensor *twice = seli_mul_scalar(leaf24, 2.0f);
seli_set(twice, 1.0f, SELI_INDEX(0));
