seli_figure *fig43 = seli_figure_new(4, 3);
seli_subplot(fig43, 2, 2, 4)
