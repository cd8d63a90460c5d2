seli_module *model38 = NULL;   /* the constructor call was forgotten */
seli_minimize_v(seli_opt_sgd(0.1), seli_loss_mse, model38, seli_ones(SELI_SHAPE(2, 1)), seli_ones(SELI_SHAPE(2, 1)))
