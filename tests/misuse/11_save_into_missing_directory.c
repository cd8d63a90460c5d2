seli_module *net11 = seli_net_affine(2);
seli_save(net11, "@DIR@/no_such_dir/model.npz");
