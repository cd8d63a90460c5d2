float total = seli_item(seli_ones(SELI_SHAPE(2, 2)));
