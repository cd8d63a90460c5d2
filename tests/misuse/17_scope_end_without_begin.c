seli_scope_end();
