seli_tensor *leaf31 = seli_requires_grad(seli_tensor_new(SELI_SHAPE(2)));
seli_requires_grad(seli_exp(leaf31))
