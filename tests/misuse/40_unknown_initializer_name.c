seli_init_parse("kaiming")
