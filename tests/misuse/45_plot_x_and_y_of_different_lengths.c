seli_figure *fig45 = seli_figure_new(4, 3);
seli_line(seli_subplot(fig45, 1, 1, 0), seli_linspace(0, 1, 5), seli_ones(SELI_SHAPE(4)), NULL);
