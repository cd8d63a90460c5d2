seli_module *seq26 = seli_net_sequential(2, seli_net_affine(4), seli_net_relu());
seli_child(seq26, "encoder")
