seli_module *net42 = seli_set_rngs(seli_net_affine(1), 1);
seli_minimize(seli_opt_sgd(0.1), seli_loss_mse, net42, 1, (seli_tensor *[]){seli_ones(SELI_SHAPE(4, 2))}, NULL)
