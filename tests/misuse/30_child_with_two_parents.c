seli_module *shared30 = seli_net_relu();
seli_module *seq30 = seli_net_sequential(0);
seli_set_child(seq30, "a", shared30);
seli_set_child(seq30, "b", shared30);
