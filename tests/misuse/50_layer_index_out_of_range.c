seli_module *seq50 = seli_net_sequential(2, seli_net_affine(4), seli_net_relu());
seli_net_at(seq50, 7)
