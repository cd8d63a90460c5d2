seli_module_create("student:Unknown")
