seli_tensor *inner;
seli_scope_begin();
inner = seli_ones(SELI_SHAPE(4));
seli_scope_end();
seli_print(inner);
