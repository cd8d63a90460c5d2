seli_tensor *c27 = seli_ones(SELI_SHAPE(3));   /* not marked with seli_requires_grad */
seli_grad(seli_sum_all(seli_square(c27)), c27)
