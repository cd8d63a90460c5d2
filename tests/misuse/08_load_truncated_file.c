seli_module *restored8 = seli_load("@DIR@/truncated.npz");
