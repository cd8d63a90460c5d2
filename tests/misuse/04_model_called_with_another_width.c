seli_module *mlp = seli_set_rngs(seli_net_mlp(2, (int[]){8, 1}, seli_net_relu), 1);
seli_call(mlp, seli_zeros(SELI_SHAPE(4, 3)));   /* parameters now expect 3 features */
seli_call(mlp, seli_zeros(SELI_SHAPE(4, 5)))
