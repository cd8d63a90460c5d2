seli_module *restored10 = seli_load("@DIR@/unregistered.npz");
