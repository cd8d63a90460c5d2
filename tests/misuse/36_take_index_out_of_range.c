seli_take(seli_ones(SELI_SHAPE(4)), seli_from_array((float[]){7}, SELI_SHAPE(1)), 0)
