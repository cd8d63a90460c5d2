seli_module *net41 = seli_set_rngs(seli_net_affine(1), 1);
seli_minimize_v(net41, seli_loss_mse, net41, seli_ones(SELI_SHAPE(4, 1)), seli_ones(SELI_SHAPE(4, 2)))
