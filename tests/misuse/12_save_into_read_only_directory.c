seli_module *net12 = seli_net_affine(2);
seli_save(net12, "@RODIR@/model.npz");
