seli_module *opt47 = seli_opt_adam(-1e-3);
