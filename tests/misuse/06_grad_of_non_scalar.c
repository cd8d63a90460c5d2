seli_tensor *w6 = seli_requires_grad(seli_tensor_new(SELI_SHAPE(3)));
seli_grad(seli_mul_scalar(w6, 2.0f), w6)
