seli_module *restored = seli_load("@DIR@/no_such_model.npz");
