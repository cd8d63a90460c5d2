seli_tensor *weights = NULL;   /* never assigned */
seli_tensor *doubled = seli_mul_scalar(weights, 2.0f);
