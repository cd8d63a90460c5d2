seli_module *net51 = seli_net_affine(2);
seli_save(net51, "/proc/model.npz");
