seli_tensor *data_only(seli_module *model, int n, seli_tensor *const *in, void *ctx)
{
    return seli_mean_all(seli_square(in[0]));   /* forgot seli_call(model, ...) */
}
seli_module *net5 = seli_set_rngs(seli_net_affine(1), 5);
seli_call(net5, seli_zeros(SELI_SHAPE(2, 2)));
seli_module *opt5 = seli_opt_adam(1e-3);
seli_minimize(opt5, data_only, net5, 1, (seli_tensor *[]){seli_ones(SELI_SHAPE(2, 2))}, NULL)
