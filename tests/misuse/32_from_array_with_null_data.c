float *samples = NULL;   /* malloc forgotten */
seli_from_array(samples, SELI_SHAPE(3))
