seli_no_grad_end();
