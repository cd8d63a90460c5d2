int width33 = 0;
seli_module *layer33 = seli_net_affine(width33);
