seli_module *restored9 = seli_load("@DIR@/notes.txt");
