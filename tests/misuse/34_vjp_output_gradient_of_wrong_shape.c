seli_tensor *x34 = seli_requires_grad(seli_tensor_new(SELI_SHAPE(3, 2)));
seli_tensor *vjp_out[1];
seli_vjp(seli_exp(x34), seli_ones(SELI_SHAPE(5)), 1, (seli_tensor *[]){x34}, vjp_out, 0);
