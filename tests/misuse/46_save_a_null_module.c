seli_module *model46 = NULL;
seli_save(model46, "@DIR@/model46.npz");
